"""Admin screens for groups: memberships, scoped to the groups a person runs."""

import django_filters
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from commons.models import User
from commons.viewsets import ScopedObjectMixin
from groups import services
from groups.choices import MembershipStatus, Role
from groups.models import GroupPage, Membership


def groups_for(user, action: str):
    """Return the groups whose memberships this user may act on."""
    policy = policy_registry.get_by_type(Membership)
    if policy.reaches_all(user, [action]):
        return GroupPage.objects.all()
    return GroupPage.objects.filter(pk__in=policy.administered_group_ids(user))


class MembershipFilterSet(WagtailFilterSet):
    group = django_filters.ModelChoiceFilter(
        label=_("Group"),
        # A callable, so each person is offered only the groups they may see.
        queryset=lambda request: groups_for(request.user, "view").order_by("title"),
    )
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MembershipStatus.choices)

    class Meta:
        model = Membership
        fields = ["group", "role", "status"]


class MembershipCreateForm(WagtailAdminModelForm):
    """Add someone to a group as an active member (for site admins)."""

    class Meta:
        model = Membership
        fields = ["group", "user", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups_for(self.for_user, "add").order_by("title")
        self.fields["user"].queryset = User.objects.order_by("display_name", "username")


class MembershipEditForm(WagtailAdminModelForm):
    """Change a member's role or where their request stands; the group and person stay put."""

    fixed_fields = ["group", "user", "message"]

    class Meta:
        model = Membership
        fields = ["group", "user", "message", "role", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Disabled fields ignore what is posted, and offering only the current choice
        # keeps the town's list of people and groups out of the page.
        self.fields["group"].queryset = GroupPage.objects.filter(pk=self.instance.group_id)
        self.fields["user"].queryset = User.objects.filter(pk=self.instance.user_id)
        for name in self.fixed_fields:
            self.fields[name].disabled = True
            self.fields[name].required = False
        self.fields["status"].help_text = _(
            "Approve a request with “Member”, turn it down with “Declined”; "
            "“Left” ends a membership."
        )


class MembershipScopeMixin(ScopedObjectMixin):
    scope_actions = ["view", "change", "delete"]


class MembershipIndexView(MembershipScopeMixin, generic.IndexView):
    def get_base_queryset(self):
        return self.get_scoped_queryset().select_related("user", "group")


class MembershipCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        membership = services.add_member(
            group=data["group"], user=data["user"], role=data["role"], by=self.request.user
        )
        log(instance=membership, action="wagtail.create", user=self.request.user)
        return membership


class MembershipEditView(MembershipScopeMixin, generic.EditView):
    scope_actions = ["change"]

    def get_queryset(self):
        return self.get_scoped_queryset().select_related("user", "group")

    def save_instance(self):
        membership = services.save_membership(
            membership=self.form.save(commit=False), by=self.request.user
        )
        log(instance=membership, action="wagtail.edit", user=self.request.user)
        return membership

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            # A broken rule (the last admin stepping down) is the user's to fix, not a 500.
            self.object.refresh_from_db()
            form.add_error(None, error.messages)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class MembershipDeleteView(MembershipScopeMixin, generic.DeleteView):
    scope_actions = ["delete"]

    def get_queryset(self):
        return self.get_scoped_queryset().select_related("user", "group")

    def delete_action(self):
        # One transaction, so a refused delete leaves no "deleted" entry in the history.
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
            services.delete_membership(membership=self.object)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.edit_url_name, quote(self.object.pk))


class MembershipInspectView(MembershipScopeMixin, generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.get_scoped_queryset(), pk=self.pk)


class MembershipHistoryView(MembershipScopeMixin, history.HistoryView):
    def get_base_object_queryset(self):
        return self.get_scoped_queryset()


class MembershipUsageView(MembershipScopeMixin, usage.UsageView):
    scope_actions = ["change"]

    def get_base_object_queryset(self):
        return self.get_scoped_queryset()


class MembershipViewSet(ModelViewSet):
    """Group admins approve requests and change roles here; site admins see every group."""

    model = Membership
    name = "group_memberships"
    url_prefix = "memberships"
    icon = "group"
    menu_label = _("Memberships")
    index_view_class = MembershipIndexView
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    inspect_view_class = MembershipInspectView
    history_view_class = MembershipHistoryView
    usage_view_class = MembershipUsageView
    inspect_view_enabled = True
    inspect_view_fields = [
        "group",
        "user",
        "role",
        "status",
        "message",
        "share_contact",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    # A copy would be the same person in the same group: there is nothing to copy.
    copy_view_enabled = False
    list_display = ["user", "group", "role", "status", DateColumn("created_at", label=_("Asked"))]
    filterset_class = MembershipFilterSet
    search_fields = ["user__display_name", "user__username"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return MembershipEditForm if for_update else MembershipCreateForm


class GroupsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Groups")
    menu_icon = "group"
    menu_order = 250
    items = [MembershipViewSet]
