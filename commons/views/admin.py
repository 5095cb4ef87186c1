"""Admin screens that Wagtail offers site-wide, narrowed to what each person may see."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import Http404
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry

from commons.models import Booking
from groups.models import Membership

# Models whose permission policy reaches only some rows (a group's memberships, a space's
# bookings). Wagtail shows a model's log entries to anyone holding any permission on the
# model, so without this a group admin would read other groups' membership decisions.
SCOPED_MODELS = (Membership, Booking)


class SiteHistoryView(LogEntriesView):
    """Wagtail's site history, showing scoped models' entries only for rows one may view."""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        user = self.request.user
        if queryset.model is not ModelLogEntry or user.is_superuser:
            return queryset
        for model in SCOPED_MODELS:
            policy = policy_registry.get_by_type(model)
            visible = policy.instances_user_has_any_permission_for(user, ["view", "change"])
            visible_ids = visible.annotate(key=Cast("pk", CharField())).values("key")
            content_type = ContentType.objects.get_for_model(model)
            queryset = queryset.exclude(
                Q(content_type=content_type) & ~Q(object_id__in=visible_ids)
            )
        return queryset


site_history = require_admin_access(SiteHistoryView.as_view())
site_history_results = require_admin_access(SiteHistoryView.as_view(results_only=True))


@require_admin_access
def error_test(request):
    """Answer 404: Wagtail's deliberate 500 would let any admin user send error emails."""
    raise Http404
