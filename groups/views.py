"""The non-page views of groups: tutors and the town's pool of checked adults; space bookings."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from commons.choices import BookingStatus
from commons.services import bookings as booking_services
from groups import selectors, services
from groups.choices import MembershipStatus, Role
from groups.forms import BookingCancelForm, BookingMoveForm, BookingRequestForm
from groups.forms_tutors import CheckForm, TutorFilterForm, TutorInviteForm, TutorProfileForm
from groups.models import GroupPage, Membership, TutorProfile

POOL_PAGE_SIZE = 25
# Memberships that count as "already in the group" when an admin looks at the pool.
BELONGING = [MembershipStatus.ACTIVE, MembershipStatus.INVITED, MembershipStatus.PENDING]


def _adult_required(request):
    """Learner logins have no tutor pages: to them these pages do not exist."""
    if request.user.is_learner_login:
        raise Http404


def _administered_groups(user):
    """The groups this user is an active admin of, by title."""
    return GroupPage.objects.filter(
        memberships__user=user,
        memberships__role=Role.ADMIN,
        memberships__status=MembershipStatus.ACTIVE,
    ).order_by("title")


def _admin_groups_or_404(request) -> list[GroupPage]:
    _adult_required(request)
    groups = list(_administered_groups(request.user))
    if not groups:
        raise Http404
    return groups


@login_required
@require_http_methods(["GET", "POST"])
def tutor_profile_edit(request):
    _adult_required(request)
    profile = (
        TutorProfile.objects.with_current_check()
        .prefetch_related("subjects")
        .filter(user=request.user)
        .first()
    )
    form = TutorProfileForm(request.POST or None, instance=profile)
    if form.is_valid():
        try:
            profile = services.save_tutor_profile(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your tutor profile is saved."))
            return redirect("groups:tutor_detail", pk=profile.pk)
    return render(request, "groups/tutor_profile_form.html", {"form": form, "profile": profile})


@login_required
def tutor_pool(request):
    admin_groups = _admin_groups_or_404(request)
    filters = TutorFilterForm(request.GET or None)
    tutors = TutorProfile.objects.with_current_check().prefetch_related(
        "subjects",
        Prefetch(
            "user__memberships",
            queryset=Membership.objects.filter(group__in=admin_groups, status__in=BELONGING)
            .select_related("group")
            .order_by("group__title"),
            to_attr="in_my_groups",
        ),
    )
    if filters.is_valid():
        if filters.cleaned_data["subject"]:
            tutors = tutors.filter(subjects=filters.cleaned_data["subject"])
        if filters.cleaned_data["checked"]:
            tutors = tutors.filter(current_check__renewal_date__gte=timezone.localdate())
    page = Paginator(tutors, POOL_PAGE_SIZE).get_page(request.GET.get("page"))
    for tutor in page:
        joined = {membership.group_id for membership in tutor.user.in_my_groups}
        tutor.invitable_groups = [group for group in admin_groups if group.pk not in joined]
    return render(
        request,
        "groups/tutor_pool.html",
        {"filters": filters, "page_obj": page, "admin_groups": admin_groups},
    )


@login_required
def tutor_detail(request, pk):
    _adult_required(request)
    is_admin = _administered_groups(request.user).exists()
    visible = (
        TutorProfile.objects.all() if is_admin else TutorProfile.objects.filter(user=request.user)
    )
    tutor = get_object_or_404(
        visible.with_current_check().prefetch_related("subjects"),
        pk=pk,
    )
    checks = tutor.checks.select_related("verified_by", "verified_by_group")
    return render(
        request,
        "groups/tutor_detail.html",
        {"tutor": tutor, "checks": checks, "is_admin": is_admin},
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_record(request, pk):
    admin_groups = _admin_groups_or_404(request)
    tutor = get_object_or_404(TutorProfile.objects.with_current_check(), pk=pk)
    form = CheckForm(
        request.POST or None,
        groups=_administered_groups(request.user),
        tutor=tutor,
        user=request.user,
    )
    if form.is_valid():
        try:
            check = services.record_check(tutor=tutor, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s’s check is recorded. It counts until %(date)s.")
                % {"name": tutor.user, "date": date_format(check.renewal_date, "j F Y")},
            )
            return redirect("groups:tutor_pool")
    return render(
        request,
        "groups/check_form.html",
        {"form": form, "tutor": tutor, "admin_groups": admin_groups},
    )


@login_required
@require_POST
def tutor_invite(request, pk):
    _admin_groups_or_404(request)
    tutor = get_object_or_404(TutorProfile.objects.select_related("user"), pk=pk)
    form = TutorInviteForm(request.POST, groups=_administered_groups(request.user))
    if not form.is_valid():
        messages.error(request, form.errors["group"][0])
        return _back_to_pool(request)
    group = form.cleaned_data["group"]
    name = tutor.user.get_display_name()
    existing = Membership.objects.filter(group=group, user=tutor.user, status__in=BELONGING).first()
    if existing is not None:
        messages.info(request, _already_in_group(existing, name))
        return _back_to_pool(request)
    try:
        services.invite_tutor(group=group, tutor=tutor, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return _back_to_pool(request)
    if tutor.user.email:
        text = _("We have invited %(name)s to help %(group)s. They accept on the group’s page.")
    else:
        text = _(
            "%(name)s is invited to help %(group)s. They have no email address with us, "
            "so let them know yourself."
        )
    messages.success(request, text % {"name": name, "group": group.title})
    return _back_to_pool(request)


def _already_in_group(membership: Membership, name: str) -> str:
    values = {"name": name, "group": membership.group.title}
    if membership.status == MembershipStatus.ACTIVE:
        return _("%(name)s is already a member of %(group)s.") % values
    if membership.status == MembershipStatus.INVITED:
        return _("%(name)s is already invited to help %(group)s.") % values
    return _("%(name)s has already asked to join %(group)s: approve their request instead.") % (
        values
    )


def _back_to_pool(request):
    """Return to the pool page the admin came from, with its filters, if it is ours."""
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("groups:tutor_pool")


# --- Space bookings for a group ------------------------------------------------------------


def _booking_groups(request):
    """The groups this person may book for, or None: then the page explains who can book."""
    groups = selectors.groups_user_may_book_for(request.user)
    return groups if groups.exists() else None


def _not_allowed(request):
    # The page exists for everyone signed in, so it says why not rather than "not found";
    # objects (another group's booking) still answer 404.
    return render(request, "groups/booking_not_allowed.html", status=403)


def _when(booking_or_occurrence) -> str:
    start = timezone.localtime(booking_or_occurrence.start)
    end = timezone.localtime(booking_or_occurrence.end)
    return _("%(day)s, %(start)s–%(end)s") % {
        "day": date_format(start, "D j F Y"),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
    }


def _bookings_url(group: GroupPage) -> str:
    return f"{reverse('groups:group_bookings')}?{urlencode({'group': group.pk})}"


def _booked_message(outcome: services.BookingOutcome) -> str:
    first = outcome.bookings[0]
    values = {
        "title": first.title,
        "space": first.space.title,
        "when": _when(first),
        "count": len(outcome.bookings),
    }
    if outcome.repeat:
        return (
            _("%(title)s at %(space)s is already booked for your group: nothing new was booked.")
            % values
        )
    waiting = first.status == BookingStatus.REQUESTED
    if len(outcome.bookings) == 1 and not outcome.skipped:
        message = (
            _("Sent to the managers of %(space)s for approval: %(title)s, %(when)s.")
            if waiting
            else _("Confirmed: %(title)s at %(space)s, %(when)s.")
        )
    else:
        message = (
            _("Sent %(count)s dates to the managers of %(space)s for approval: %(title)s.")
            if waiting
            else _("Confirmed %(count)s dates: %(title)s at %(space)s.")
        )
    message = message % values
    if outcome.skipped:
        skipped = len(outcome.skipped)
        message += " " + ngettext(
            "%(n)s date was not free and was not booked.",
            "%(n)s dates were not free and were not booked.",
            skipped,
        ) % {"n": skipped}
    return message


def _booking_initial(request, groups) -> dict:
    """Preselect the space from ?space=, and the group when there is only one to choose."""
    initial = {}
    space = request.GET.get("space", "")
    if space.isdigit():
        initial["space"] = int(space)
    group = request.GET.get("group", "")
    if group.isdigit():
        initial["group"] = int(group)
    elif len(groups) == 1:
        initial["group"] = groups[0].pk
    return initial


def _series_preview(request, form: BookingRequestForm):
    """Show each date of a series as free or why not; nothing is saved."""
    data = form.cleaned_data
    occurrences = booking_services.preview_series(
        space=data["space"],
        group=data["group"],
        start=data["start"],
        end=data["end"],
        interval_weeks=data["interval_weeks"],
        until=data["until"],
    )
    free = sum(1 for occurrence in occurrences if occurrence.is_free)
    return render(
        request,
        "groups/booking_preview.html",
        {
            "form": form,
            "space": data["space"],
            "group": data["group"],
            "occurrences": occurrences,
            "free_count": free,
            "all_free": free == len(occurrences),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_request(request):
    """Ask for a space for a group: one date at once, a series after a look at its dates."""
    groups = _booking_groups(request)
    if groups is None:
        return _not_allowed(request)
    action = request.POST.get("action", "")
    form = BookingRequestForm(
        request.POST or None, groups=groups, initial=_booking_initial(request, list(groups))
    )
    if request.method == "POST" and action != "back" and form.is_valid():
        if form.is_series and action not in {"book_all", "book_free"}:
            return _series_preview(request, form)
        try:
            outcome = services.book_space_for_group(
                by=request.user, free_only=action == "book_free", **form.booking_details()
            )
        except ValidationError as error:
            form.add_error(None, error)
            if form.is_series:
                return _series_preview(request, form)
        else:
            message = _booked_message(outcome)
            (messages.info if outcome.repeat else messages.success)(request, message)
            return redirect(_bookings_url(form.cleaned_data["group"]))
    return render(request, "groups/booking_form.html", {"form": form})


@dataclass
class BookingRun:
    """A series' upcoming dates together, or one booking on its own."""

    series: object
    bookings: list


def _runs(bookings) -> list[BookingRun]:
    runs, by_series = [], {}
    for booking in bookings:
        if booking.series_id is None:
            runs.append(BookingRun(None, [booking]))
        elif booking.series_id in by_series:
            by_series[booking.series_id].bookings.append(booking)
        else:
            by_series[booking.series_id] = run = BookingRun(booking.series, [booking])
            runs.append(run)
    return runs


@login_required
def group_bookings(request):
    """The upcoming bookings of the groups this person books for, a series kept together."""
    groups = _booking_groups(request)
    if groups is None:
        return _not_allowed(request)
    groups = list(groups.order_by("title"))
    chosen = request.GET.get("group", "")
    if chosen:
        groups = [group for group in groups if str(group.pk) == chosen]
        if not groups:
            raise Http404
    upcoming = (
        selectors.bookings_user_may_manage(request.user)
        .filter(group__in=groups, end__gt=timezone.now())
        .order_by("start", "pk")
    )
    by_group = {group.pk: [] for group in groups}
    for booking in upcoming:
        by_group[booking.group_id].append(booking)
    sections = [(group, _runs(by_group[group.pk])) for group in groups]
    return render(
        request,
        "groups/booking_list.html",
        {"sections": sections, "chosen": groups[0] if chosen else None},
    )


def _changeable_booking(request, pk):
    """A waiting or confirmed booking to come of a group this person books for, else 404."""
    _adult_required(request)
    return get_object_or_404(selectors.bookings_user_may_manage(request.user), pk=pk)


def _still_open(request, booking) -> bool:
    if booking.status in {BookingStatus.REQUESTED, BookingStatus.CONFIRMED} and (
        booking.end > timezone.now()
    ):
        return True
    messages.info(request, _("That booking is already cancelled, declined or over."))
    return False


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, pk):
    """Cancel one date, this and the following dates, or a whole series, after a check."""
    booking = _changeable_booking(request, pk)
    if not _still_open(request, booking):
        return redirect(_bookings_url(booking.group))
    # A booking on its own posts no fields, so an empty POST is still a POST here.
    form = BookingCancelForm(request.POST if request.method == "POST" else None, booking=booking)
    if form.is_valid():
        try:
            count = booking_services.cancel_booking(
                booking=booking, by=request.user, scope=form.chosen_scope()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Cancelled %(count)s date: %(title)s at %(space)s.",
                    "Cancelled %(count)s dates: %(title)s at %(space)s.",
                    count,
                )
                % {"count": count, "title": booking.title, "space": booking.space.title},
            )
            return redirect(_bookings_url(booking.group))
    return render(
        request,
        "groups/booking_cancel.html",
        {"booking": booking, "form": form, "when": _when(booking)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_move(request, pk):
    """Change a booking's time; a confirmed one at a space that needs approval asks again."""
    booking = _changeable_booking(request, pk)
    if not _still_open(request, booking):
        return redirect(_bookings_url(booking.group))
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    form = BookingMoveForm(request.POST or None, booking=booking)
    if form.is_valid():
        try:
            moved = booking_services.move_booking(
                booking=booking,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                by=request.user,
                scope=form.chosen_scope(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _moved_message(moved, was_confirmed))
            return redirect(_bookings_url(booking.group))
    return render(
        request,
        "groups/booking_change.html",
        {"booking": booking, "form": form, "when": _when(booking)},
    )


def _moved_message(moved, was_confirmed: bool) -> str:
    first = moved[0]
    values = {"title": first.title, "space": first.space.title, "when": _when(first)}
    if first.status == BookingStatus.REQUESTED and was_confirmed:
        return (
            _(
                "%(title)s is now %(when)s. The new time goes back to the managers of "
                "%(space)s for approval."
            )
            % values
        )
    if first.status == BookingStatus.REQUESTED:
        return _("%(title)s is now %(when)s, waiting for the managers of %(space)s.") % values
    return _("%(title)s is now %(when)s, confirmed.") % values
