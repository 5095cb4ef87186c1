"""Admin screens for the commons: neighbourhoods, facilities, and bookings for space managers."""

import django_filters
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import SnippetViewSet

from commons import services
from commons.choices import BookingStatus
from commons.forms import BookingDecisionForm
from commons.models import Booking, Facility, Neighbourhood, SpacePage

APPROVE_ACTION = "commons.booking.approve"
DECLINE_ACTION = "commons.booking.decline"


class NeighbourhoodViewSet(SnippetViewSet):
    model = Neighbourhood
    icon = "site"
    menu_label = _("Neighbourhoods")
    menu_order = 300
    add_to_admin_menu = False
    list_display = ["name", "slug"]
    search_fields = ["name"]


class FacilityViewSet(SnippetViewSet):
    model = Facility
    icon = "tag"
    menu_label = _("Facilities")
    menu_order = 310
    add_to_admin_menu = False
    list_display = ["name", "slug"]
    search_fields = ["name"]


# --- Bookings, for the managers of each space ----------------------------------------------


def when(booking: Booking) -> str:
    """“Tue 3 March 2026, 10:00–11:00” in local time."""
    start, end = timezone.localtime(booking.start), timezone.localtime(booking.end)
    return f"{date_format(start, 'D j F Y')}, {start:%H:%M}–{end:%H:%M}"


def _policy():
    return policy_registry.get_by_type(Booking)


def spaces_for(user):
    """Return the spaces whose bookings this user sees in the admin."""
    policy = _policy()
    spaces = SpacePage.objects.order_by("title")
    if user.is_superuser:
        return spaces
    return spaces.filter(pk__in=policy.managed_space_ids(user))


def groups_for(user):
    """Return the groups with bookings this user sees; groups sit right of commons."""
    groups = Booking._meta.get_field("group").related_model.objects
    bookings = _policy().instances_user_has_any_permission_for(user, ["view"])
    return groups.filter(pk__in=bookings.values("group_id")).order_by("title")


class BookingFilterSet(WagtailFilterSet):
    space = django_filters.ModelChoiceFilter(
        label=_("Space"), queryset=lambda request: spaces_for(request.user)
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=BookingStatus.choices)
    group = django_filters.ModelChoiceFilter(
        label=_("Group"), queryset=lambda request: groups_for(request.user)
    )

    class Meta:
        model = Booking
        fields = ["space", "status", "group"]


class ScopedObjectMixin:
    """Look objects up only among those the permission policy lets this person act on.

    Wagtail's generic views narrow only the index listing and fetch other objects by id
    (Wagtail #10746), so every view that takes a pk goes through here: another space's
    booking, or another group's membership, answers 404 and its id cannot be probed.
    """

    scope_actions = ["view", "change"]
    scope_select_related: tuple[str, ...] = ()

    def get_scoped_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, self.scope_actions
        ).select_related(*self.scope_select_related)


def _is_waiting(booking: Booking) -> bool:
    return booking.status == BookingStatus.REQUESTED


class BookingScopeMixin(ScopedObjectMixin):
    scope_select_related = ("space", "group", "requested_by", "series")


class BookingIndexView(BookingScopeMixin, generic.IndexView):
    def get_base_queryset(self):
        return self.get_scoped_queryset()

    def get_edit_url(self, instance):
        """Only a waiting request has a decision to make; a decided one opens its details."""
        return super().get_edit_url(instance) if _is_waiting(instance) else None

    def get_list_more_buttons(self, instance):
        buttons = []
        if decide_url := self.get_edit_url(instance):
            for decision, label, icon in [
                ("approve", gettext("Approve"), "check"),
                ("decline", gettext("Decline"), "cross"),
            ]:
                buttons.append(
                    ListingButton(
                        label,
                        url=f"{decide_url}?decision={decision}",
                        icon_name=icon,
                        attrs={"aria-label": f"{label}: {instance}"},
                        priority=10,
                    )
                )
        if inspect_url := self.get_inspect_url(instance):
            buttons.append(
                MenuItem(gettext("Details"), url=inspect_url, icon_name="info-circle", priority=20)
            )
        return buttons


class BookingDecideView(BookingScopeMixin, generic.EditView):
    """Approve a waiting request, or decline it with a reason: nothing else about it changes."""

    scope_actions = ["change"]
    page_title = _("Decide")
    submit_button_label = _("Save decision")
    submit_button_active_label = _("Saving…")

    def get_queryset(self):
        return self.get_scoped_queryset()

    def _decided_already(self):
        messages.info(self.request, gettext("This request has already been decided."))
        return redirect(self.inspect_url_name, quote(self.object.pk))

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not _is_waiting(self.object):
            return self._decided_already()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not _is_waiting(self.object):
            return self._decided_already()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)  # A decision, not an edit of the booking's fields.
        return kwargs

    def get_initial(self):
        decision = self.request.GET.get("decision")
        return {"decision": decision} if decision in {"approve", "decline"} else {}

    def save_instance(self):
        data = self.form.cleaned_data
        approve = data["decision"] == "approve"
        booking = services.decide_booking(
            booking=self.object, approve=approve, by=self.request.user, reason=data["reason"]
        )
        log(
            instance=booking,
            action=APPROVE_ACTION if approve else DECLINE_ACTION,
            user=self.request.user,
        )
        return booking

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            # A clash found under the lock, or a decision made meanwhile: say which.
            self.object.refresh_from_db()
            form.add_error(None, error)
            self.produced_error_message = " ".join(error.messages)
            return self.form_invalid(form)

    def get_success_message(self):
        template = (
            gettext("Approved: %(booking)s. The group is told by email.")
            if self.object.status == BookingStatus.CONFIRMED
            else gettext("Declined: %(booking)s. The group is told by email.")
        )
        return template % {"booking": self.object}

    def get_success_buttons(self):
        return []

    def get_success_url(self):
        return reverse(self.index_url_name) + "?status=" + BookingStatus.REQUESTED

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["booking"] = self.object
        context["when"] = when(self.object)
        return context


class BookingInspectView(BookingScopeMixin, generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.get_scoped_queryset(), pk=self.pk)

    def get_edit_url(self):
        return super().get_edit_url() if _is_waiting(self.object) else None

    @property
    def header_more_buttons(self):
        if decide_url := self.get_edit_url():
            return [Button(gettext("Decide"), url=decide_url, icon_name="check", priority=10)]
        return []

    def get_field_label(self, field_name, field):
        return (
            gettext("When") if field_name == "start" else super().get_field_label(field_name, field)
        )

    def get_start_display_value(self):
        return when(self.object)


class BookingHistoryView(BookingScopeMixin, history.HistoryView):
    def get_base_object_queryset(self):
        return self.get_scoped_queryset()


class BookingUsageView(BookingScopeMixin, usage.UsageView):
    def get_base_object_queryset(self):
        return self.get_scoped_queryset()


class BookingDeleteView(BookingScopeMixin, generic.DeleteView):
    """Never reached: nobody deletes bookings here. Answers 404, so ids cannot be probed."""

    scope_actions = ["delete"]

    def get_queryset(self):
        return self.get_scoped_queryset()


class BookingViewSet(ModelViewSet):
    """The bookings of the spaces a person manages, and a decision on each waiting request."""

    model = Booking
    name = "space_bookings"
    url_prefix = "bookings"
    icon = "date"
    menu_label = _("Bookings")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = BookingIndexView
    edit_view_class = BookingDecideView
    inspect_view_class = BookingInspectView
    history_view_class = BookingHistoryView
    usage_view_class = BookingUsageView
    delete_view_class = BookingDeleteView
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_template_name = "commons/admin/booking_decide.html"
    inspect_view_fields = [
        "title",
        "space",
        "group",
        "start",
        "status",
        "decline_reason",
        "note",
        "requested_by",
        "series",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    list_display = [
        "title",
        "space",
        "group",
        Column("start", label=_("When"), accessor=when, sort_key="start"),
        "status",
    ]
    ordering = "start"
    filterset_class = BookingFilterSet
    search_fields = ["title", "group__title"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return BookingDecisionForm

    def get_permissions_to_register(self):
        # The managers field decides who sees bookings, so a group's permission ticks for
        # bookings would do nothing: don't offer them.
        return Permission.objects.none()
