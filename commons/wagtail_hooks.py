"""The commons in the Wagtail admin: snippets, bookings for space managers, their dashboard.

A space's managers get into the admin through the "Space managers" user group, which
follows the spaces' managers fields: the page hooks below bring it up to date whenever a
space is created, edited or deleted in the admin. Code that sets managers itself (demo
data, tests) calls `sync_space_managers_group` too: no signals (STYLE.md).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from commons.choices import BookingStatus
from commons.models import Booking, SpacePage
from commons.permissions import BookingPermissionPolicy, sync_space_managers_group
from commons.viewsets import (
    APPROVE_ACTION,
    DECLINE_ACTION,
    BookingViewSet,
    FacilityViewSet,
    NeighbourhoodViewSet,
    when,
)

# Registered before the viewset, so the viewset never makes a fallback policy.
booking_policy = BookingPermissionPolicy(Booking)
register_permission_policy(Booking, booking_policy)

WAITING_LIMIT = 10

register_snippet(NeighbourhoodViewSet)
register_snippet(FacilityViewSet)


@hooks.register("register_admin_viewset")
def register_booking_viewset():
    return BookingViewSet()


@hooks.register("register_log_actions")
def register_booking_log_actions(actions):
    actions.register_action(APPROVE_ACTION, _("Approve booking"), _("Approved the booking"))
    actions.register_action(DECLINE_ACTION, _("Decline booking"), _("Declined the booking"))


# --- Space managers follow the spaces' managers fields ------------------------------------


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def sync_space_managers(request, page):
    if page.specific_class is SpacePage:
        sync_space_managers_group()


@hooks.register("after_delete_page")
def sync_space_managers_after_delete(request, page):
    # Deleting a directory deletes its spaces with it, so any delete may matter.
    sync_space_managers_group()


# --- "Waiting for you" on the dashboard ---------------------------------------------------


class WaitingForYouPanel(Component):
    """Booking requests for the spaces this person manages, oldest first: two queries."""

    name = "bookings_waiting_for_you"
    template_name = "commons/admin/waiting_for_you_panel.html"
    order = 40

    def __init__(self, space_ids):
        self.space_ids = space_ids

    def get_context_data(self, parent_context=None):
        waiting = (
            Booking.objects.requested()
            .filter(space_id__in=self.space_ids, end__gt=timezone.now())
            .select_related("space", "group")
            .order_by("start", "pk")
        )
        requests = list(waiting[:WAITING_LIMIT])
        for booking in requests:
            booking.when = when(booking)
        viewset = BookingViewSet
        return {
            "requests": requests,
            "count": waiting.count(),
            "decide_url_name": f"{viewset.name}:edit",
            "index_url_name": f"{viewset.name}:index",
            "waiting_status": BookingStatus.REQUESTED,
        }


@hooks.register("construct_homepage_panels")
def add_waiting_for_you_panel(request, panels):
    space_ids = sorted(booking_policy.managed_space_ids(request.user))
    if space_ids:
        panels.append(WaitingForYouPanel(space_ids))
