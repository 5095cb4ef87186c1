from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.utils.functional import cached_property


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """Send the strict public policy everywhere except the Wagtail admin."""

    @cached_property
    def admin_prefix(self) -> str:
        return settings.ADMIN_URL_PREFIX

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(self.admin_prefix):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts
