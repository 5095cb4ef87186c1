"""Groups in the Wagtail admin: each group's corner of the CMS, memberships, dashboard panels.

Creating, renaming and deleting a GroupPage *in the admin* keeps its corner (Wagtail user
groups, collection, workflow) in step through the page hooks below. Code that creates
groups (demo data, tests, factories) calls services.provision_group_corner itself: the
corner is a service's side effect, never a save() override or a signal (STYLE.md).
"""

from datetime import timedelta
from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.models import Page
from wagtail.permissions import policy_registry, register_permission_policy

from groups import services
from groups.choices import Role
from groups.models import GroupPage, Membership, TutorProfile
from groups.permissions import MembershipPermissionPolicy
from groups.viewsets import GroupsViewSetGroup, MembershipViewSet

# Registered before the viewset, so the viewset never makes a fallback policy.
register_permission_policy(Membership, MembershipPermissionPolicy(Membership))

CHECKS_HORIZON_DAYS = 60
PANEL_LIMIT = 10
DOOMED_GROUPS = "_commons_groups_being_deleted"


@hooks.register("register_admin_viewset")
def register_groups_viewsets():
    return GroupsViewSetGroup()


# --- Each group's corner follows its page ----------------------------------------------


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def provision_corner(request, page):
    """Make or rename the group's corner. Publishing in the admin ends in one of these hooks."""
    if isinstance(page, GroupPage):
        # The row, not the in-memory page: a draft of a live page must not rename the corner.
        services.provision_group_corner(group=GroupPage.objects.get(pk=page.pk))


def _groups_under(pages) -> list[GroupPage]:
    pages = [page for page in pages if isinstance(page, Page)]
    if not pages:
        return []
    subtrees = reduce(or_, (Q(path__startswith=page.path) for page in pages))
    return list(GroupPage.objects.filter(subtrees))


@hooks.register("before_delete_page")
def note_groups_before_delete(request, page):
    # The hook runs on the confirmation GET too, so only remember here; the corner goes
    # once the page has really gone, in the same transaction as the delete.
    setattr(request, DOOMED_GROUPS, _groups_under([page]))


@hooks.register("before_bulk_action")
def note_groups_before_bulk_delete(request, action_type, objects, action_class_instance):
    if action_type == "delete":
        setattr(request, DOOMED_GROUPS, _groups_under(objects))


def _remove_noted_corners(request) -> None:
    for group in getattr(request, DOOMED_GROUPS, []):
        services.remove_group_corner(group=group)


@hooks.register("after_delete_page")
def remove_corners_after_delete(request, page):
    _remove_noted_corners(request)


@hooks.register("after_bulk_action")
def remove_corners_after_bulk_delete(request, action_type, objects, action_class_instance):
    if action_type == "delete":
        _remove_noted_corners(request)


@hooks.register("before_copy_page")
def refuse_copying_groups(request, page):
    """A copy (or alias) would share the original's corner; a new group starts from its own."""
    if _groups_under([page]):
        messages.error(
            request,
            _("Groups cannot be copied. Create a new group page, then add its admins."),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


# --- Dashboard panels for group admins ----------------------------------------------------


class JoinRequestsPanel(Component):
    name = "group_join_requests"
    template_name = "groups/admin/join_requests_panel.html"
    order = 50

    def __init__(self, group_ids):
        self.group_ids = group_ids

    def get_context_data(self, parent_context=None):
        pending = (
            Membership.objects.pending()
            .filter(group_id__in=self.group_ids)
            .select_related("user", "group")
            .order_by("created_at", "pk")
        )
        viewset = MembershipViewSet
        return {
            "requests": pending[:PANEL_LIMIT],
            "count": pending.count(),
            "edit_url_name": f"{viewset.name}:edit",
            "index_url_name": f"{viewset.name}:index",
        }


class ExpiringChecksPanel(Component):
    name = "group_expiring_checks"
    template_name = "groups/admin/expiring_checks_panel.html"
    order = 60

    def __init__(self, group_ids):
        self.group_ids = group_ids

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        helpers = Membership.objects.active().filter(
            group_id__in=self.group_ids, role__in=[Role.TUTOR, Role.ADMIN]
        )
        tutors = (
            TutorProfile.objects.filter(
                user__memberships__in=helpers,
                current_check__renewal_date__lte=today + timedelta(days=CHECKS_HORIZON_DAYS),
            )
            .select_related("user", "current_check")
            .prefetch_related(
                Prefetch(
                    "user__memberships",
                    queryset=helpers.select_related("group").order_by("group__title"),
                    to_attr="helps_in",
                )
            )
            .order_by("current_check__renewal_date", "pk")
            .distinct()
        )
        return {"tutors": tutors, "today": today, "horizon_days": CHECKS_HORIZON_DAYS}


@hooks.register("construct_homepage_panels")
def add_group_admin_panels(request, panels):
    policy = policy_registry.get_by_type(Membership)
    group_ids = sorted(policy.administered_group_ids(request.user))
    if group_ids:
        panels.append(JoinRequestsPanel(group_ids))
        panels.append(ExpiringChecksPanel(group_ids))
