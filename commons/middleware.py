from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.utils.functional import cached_property
from wagtail.views import serve as serve_page

from commons.sites import site_for_request


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


class WagtailSiteMiddleware:
    """Find a page request's site among the cached sites (commons.sites), with its home
    page: Wagtail's own routing asks the database for both on every page it serves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is serve_page:
            site_for_request(request)
