"""The rota on the site: a session's page, helpers needed, the register, hours, calendars."""

from datetime import datetime
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from commons.cache import remember
from commons.choices import RecordPage, ViewerRole
from commons.models import Learner, User
from commons.services.record_views import record_views
from groups import rota, selectors
from groups.choices import EnrolmentStatus, Role, SessionStatus, SignupRole, SignupStatus
from groups.forms import HelpersFilterForm, RegisterForm, RotaActionForm
from groups.models import (
    AdultAttendance,
    Attendance,
    CalendarToken,
    GroupPage,
    Membership,
    Session,
    TutorSignup,
)

HELPERS_PAGE_SIZE = 20
# A city has thousands of sessions short of adults; counting them all costs more than the
# page. The soonest this many are listed (the filters reach the rest), and counted only so far.
HELPERS_SHOWN = 500
TUTORING = {Role.TUTOR, Role.ADMIN}


def _adult_required(request):
    """Learner logins have no rota pages: to them these pages do not exist."""
    if request.user.is_learner_login:
        raise Http404


# A session's page and its rota


def _session_or_404(request, pk) -> Session:
    sessions = selectors.with_public_places(
        selectors.with_adults_needed(Session.objects.filter(course__live=True))
    )
    session = get_object_or_404(sessions.select_related("course", "space", "unit"), pk=pk)
    # A private course's sessions are as private as its page: ask what Wagtail asks
    # before serving the course (a password, a login, a user group). The group's own
    # members are who its private pages are for, so the rota stays open to them.
    restrictions = session.course.get_view_restrictions()
    if any(not restriction.accept_request(request) for restriction in restrictions):
        group = selectors.group_of_course(session.course)
        if not selectors.is_active_member(group, request.user):
            raise Http404
    return session


@require_http_methods(["GET", "POST"])
def session_detail(request, pk):
    """A session's public details and rota, and the buttons for what this adult may do."""
    session = _session_or_404(request, pk)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _adult_required(request)
        _act_on_rota(request, session)
        return redirect("groups:session_detail", pk=session.pk)
    group = selectors.group_of_course(session.course)
    signups = selectors.session_rota(session)
    context = {
        "session": session,
        "group": group,
        "lead": _first(signups, SignupRole.LEAD),
        "helpers": [
            s for s in signups if s.role == SignupRole.HELPER and s.status == SignupStatus.CONFIRMED
        ],
        "waiting": sum(1 for s in signups if s.status == SignupStatus.WAITLISTED),
        "more_needed": max(0, session.adults_needed - session.adult_count),
        "is_past": session.start <= timezone.now(),
    }
    context.update(_choices_for(request.user, session, group, signups))
    return render(request, "groups/session_detail.html", context)


def _first(signups, role):
    return next((s for s in signups if s.role == role and s.status == SignupStatus.CONFIRMED), None)


def _choices_for(user, session, group, signups) -> dict:
    """What this person may do on the rota, and why not when they may not."""
    if not user.is_authenticated or user.is_learner_login:
        return {}
    roles = selectors.group_roles(group, user)
    mine = next((s for s in signups if s.user_id == user.pk), None)
    confirmed = mine is not None and mine.status == SignupStatus.CONFIRMED
    problem = None if confirmed else rota.signup_problem(session=session, user=user)
    is_tutor = bool(roles & TUTORING)
    covers = [
        s for s in signups if s.cover_requested and s.status == SignupStatus.CONFIRMED and s != mine
    ]
    choices = {
        "mine": mine,
        "problem": problem if mine is None else None,
        "is_group_tutor": is_tutor,
        "covers": covers,
        "may_take_cover": is_tutor and not confirmed and problem is None,
        "is_admin": Role.ADMIN in roles,
        "offers": [s for s in signups if s.status == SignupStatus.OFFERED]
        if Role.ADMIN in roles
        else [],
        "may_open_register": confirmed or Role.ADMIN in roles,
    }
    if mine is not None:
        choices["position"] = (
            selectors.waiting_position(signups, mine)
            if mine.status == SignupStatus.WAITLISTED
            else None
        )
        choices["past_cutoff"] = confirmed and session.start - timezone.now() < rota.CANCEL_CUTOFF
        choices["cutoff_hours"] = int(rota.CANCEL_CUTOFF.total_seconds() // 3600)
    return choices


def _act_on_rota(request, session) -> None:
    form = RotaActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Something went wrong with that button. Please try again."))
        return
    try:
        level, text = _act(request.user, session, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.add_message(request, level, text)


def _act(user, session, *, action: str, signup: int | None) -> tuple[int, str]:
    """Do what the button says through the rota services; return the message to show."""
    if action in {"lead", "help"}:
        role = SignupRole.LEAD if action == "lead" else SignupRole.HELPER
        return _signed_up(rota.sign_up(session=session, user=user, role=role))
    if action == "offer":
        rota.offer_help(session=session, user=user)
        return messages.SUCCESS, _(
            "Thank you for offering. The group's admins are told and confirm your place here."
        )
    if action in {"cancel", "cover"}:
        mine = (
            TutorSignup.objects.filter(session=session, user=user)
            .exclude(status=SignupStatus.CANCELLED)
            .first()
        )
        if mine is None:
            return messages.INFO, _("You are not on this session's rota.")
        if action == "cancel":
            rota.cancel_signup(signup=mine, by=user)
            return messages.SUCCESS, _("Your sign-up is cancelled.")
        rota.request_cover(signup=mine, by=user)
        return messages.SUCCESS, _(
            "You have asked for cover. You stay on the rota until someone takes your place."
        )
    # Another adult's place, looked up on this session only.
    place = TutorSignup.objects.filter(session=session, pk=signup).select_related("user").first()
    if place is None:
        raise ValidationError(_("That place is no longer on this session's rota."))
    if action == "take":
        return _take_cover(place, session, user)
    accepted = rota.accept_offer(signup=place, by=user)
    if accepted.status == SignupStatus.CONFIRMED:
        return messages.SUCCESS, _("%(name)s is confirmed as a helper.") % {"name": place.user}
    return messages.INFO, _("The helpers' places are full, so %(name)s is on the waiting list.") % {
        "name": place.user
    }


def _signed_up(signup: TutorSignup) -> tuple[int, str]:
    role = signup.get_role_display().lower()
    if signup.status == SignupStatus.CONFIRMED:
        return messages.SUCCESS, _("You're on the rota for this session as %(role)s.") % {
            "role": role
        }
    position = selectors.waiting_position(selectors.session_rota(signup.session), signup)
    return messages.INFO, _(
        "The %(role)s places are taken, so you are number %(n)s on the waiting list. "
        "We'll email you if a place comes up."
    ) % {"role": role, "n": position}


def _take_cover(place, session, user) -> tuple[int, str]:
    try:
        taken = rota.take_cover(signup=place, by=user)
    except ValidationError:
        if place.user_id != user.pk and rota.is_session_adult(session, user):
            return messages.INFO, _("You are on this session's rota.")  # A repeated POST.
        raise
    return messages.SUCCESS, _("You have taken %(name)s's place as %(role)s. Thank you!") % {
        "name": place.user,
        "role": taken.get_role_display().lower(),
    }


# Helpers needed across the town

# How long the count of sessions short of adults is kept: sessions leave the list as they
# start, so a count may be this stale; any write that changes one starts afresh.
HELPERS_COUNT_SECONDS = 60


class _ShortSessions:
    """The sessions short of adults as Paginator pages them: the capped count, the same
    for every visitor with these filters, kept in the shared cache (commons.cache.remember),
    since finding 500 short sessions reads thousands; a page read without its pages."""

    def __init__(self, sessions, key: str):
        self.sessions = sessions
        self.key = key

    def count(self) -> int:
        return remember(
            f"helpers-needed-count:{self.key}",
            lambda: self.sessions[:HELPERS_SHOWN].count(),
            HELPERS_COUNT_SECONDS,
        )

    def __getitem__(self, page: slice) -> list[Session]:
        """The page's sessions with what a card shows as their own attributes, and their
        group's title as `group_title`: no course, space or group pages to build."""
        sessions = list(
            self.sessions.select_related(None)
            .only("start", "end")
            .annotate(
                title=F("course__title"),
                child_facing=F("course__child_facing"),
                course_path=F("course__path"),
                space_title=F("space__title"),
                area=F("space__neighbourhood__name"),
            )[page]
        )
        paths = {session.course_path[: -GroupPage.steplen] for session in sessions}
        groups = dict(GroupPage.objects.filter(path__in=paths).values_list("path", "title"))
        for session in sessions:
            session.group_title = groups.get(session.course_path[: -GroupPage.steplen], "")
        return sessions


def helpers_needed(request):
    """Every upcoming session short of adults, soonest first: the shared pool at work."""
    filters = HelpersFilterForm(request.GET or None)
    sessions = selectors.sessions_short_of_adults()
    group = area = None
    if filters.is_valid():
        group, area = filters.cleaned_data["group"], filters.cleaned_data["area"]
        if group is not None:
            sessions = sessions.filter(
                course__path__startswith=group.path, course__depth=group.depth + 1
            )
        if area is not None:
            sessions = sessions.filter(space__neighbourhood=area)
    shown = _ShortSessions(sessions, f"{group.pk if group else ''}:{area.pk if area else ''}")
    results = Paginator(shown, HELPERS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/helpers_needed.html",
        {
            "filters": filters,
            # Without a group or an area asked for, the form is the same for everyone.
            "filters_chosen": any(request.GET.get(name) for name in filters.fields),
            "results": results,
            "shown_at_most": HELPERS_SHOWN,
            "sessions": results.object_list,
            "page_range": results.paginator.get_elided_page_range(
                results.number, on_each_side=1, on_ends=1
            ),
        },
    )


# The register


@login_required
@require_http_methods(["GET", "POST"])
def session_register(request, pk):
    """Mark who was there. Only the session's adults and its group's admins find it."""
    _adult_required(request)
    session = get_object_or_404(selectors.for_register(Session.objects.all(), request.user), pk=pk)
    adults = [
        signup.user
        for signup in TutorSignup.objects.filter(session=session, status=SignupStatus.CONFIRMED)
        .select_related("user")
        .only(*(f"user__{name}" for name in selectors.NAME_FIELDS))
        .order_by("role", "created_at", "pk")
    ]
    # The lead or a confirmed helper, as rota.is_session_adult says: read from the rota.
    session.user_is_adult = may_take = any(adult.pk == request.user.pk for adult in adults)
    if not may_take and not session.user_is_admin:
        raise Http404
    learners = list(_register_learners(session, request.user))
    history = _register_history(session, learners)
    form = RegisterForm(
        request.POST if request.method == "POST" else None,
        learners=learners,
        adults=adults,
        current=history["current"],
    )
    if not may_take:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if not may_take:
            raise Http404
        if form.is_valid():
            return _save_register(request, session, form)
    record_views(
        learners=learners,
        viewer=request.user,
        page=RecordPage.REGISTER,
        role=ViewerRole.TUTOR if may_take else ViewerRole.GROUP_ADMIN,
        group_name=session.group_title,
        about=session.course.title,
    )
    return render(
        request,
        "groups/register.html",
        {
            "session": session,
            "group_title": session.group_title,
            "form": form,
            "may_take": may_take,
            "learner_marks": history["learners"],
            "adult_marks": history["adults"],
        },
    )


def _register_learners(session, user):
    """The session's learners this user may see, as selectors.learners_on_session has them.

    The session's admins, and its adults while it is scheduled, see every learner enrolled
    on its course by learners_visible_to's own rules, known already from the session's
    access annotations: asking the rules again cost a subquery over the city's courses."""
    if session.user_is_admin or (
        session.user_is_adult and session.status == SessionStatus.SCHEDULED
    ):
        return Learner.objects.filter(
            enrolments__course=session.course_id, enrolments__status=EnrolmentStatus.ACTIVE
        ).order_by("name", "pk")
    return selectors.learners_on_session(session, user)


class LearnerMark(NamedTuple):
    """One learner's mark on the register, with who made it (blank once they have left)."""

    recorded_at: datetime
    learner: Learner
    presence: str
    recorded_by: str


class AdultMark(NamedTuple):
    """One adult's mark on the register, with who made it (blank once they have left)."""

    recorded_at: datetime
    user_id: int
    name: str
    present: bool
    recorded_by: str


def _register_history(session, learners) -> dict:
    """Every mark on the register, newest first, and the latest one for each person.

    Read as rows, not instances: a register taken and corrected a few times has more marks
    than learners, and building a mark and its recorder for each was a tenth of the page."""
    by_pk = {learner.pk: learner for learner in learners}
    name = _display_names()
    by_fields = ["recorded_by", *(f"recorded_by__{field}" for field in selectors.NAME_FIELDS)]
    learner_marks = [
        LearnerMark(at, by_pk[learner_id], presence, name(by_id, by_names))
        for learner_id, presence, at, by_id, *by_names in Attendance.objects.filter(
            session=session, learner__in=list(by_pk)
        )
        .order_by("-recorded_at", "-pk")
        .values_list("learner", "presence", "recorded_at", *by_fields)
    ]
    user_fields = ["user", *(f"user__{field}" for field in selectors.NAME_FIELDS)]
    adult_marks = [
        AdultMark(at, row[0], name(row[0], row[1:5]), present, name(row[5], row[6:]))
        for present, at, *row in AdultAttendance.objects.filter(session=session)
        .order_by("-recorded_at", "-pk")
        .values_list("present", "recorded_at", *user_fields, *by_fields)
    ]
    current = {"learners": {}, "adults": {}}
    for mark in reversed(learner_marks):
        current["learners"][mark.learner.pk] = mark.presence
    for mark in reversed(adult_marks):
        current["adults"][mark.user_id] = mark.present
    return {"learners": learner_marks, "adults": adult_marks, "current": current}


def _display_names():
    """A function giving User.get_display_name from a user's id and NAME_FIELDS read in a
    row, working each user out once; blank for no user."""
    known = {None: ""}

    def name(user_id, fields) -> str:
        if user_id not in known:
            user = User(pk=user_id, **dict(zip(selectors.NAME_FIELDS, fields, strict=True)))
            known[user_id] = user.get_display_name()
        return known[user_id]

    return name


def _save_register(request, session, form):
    try:
        added = rota.take_register(
            session=session,
            by=request.user,
            learners=form.learner_marks(),
            adults=form.adult_marks(),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if added:
            messages.success(request, _("The register is saved."))
        else:
            messages.info(request, _("Nothing had changed, so nothing new was recorded."))
    return redirect("groups:session_register", pk=session.pk)


# Volunteer hours


@login_required
def volunteer_hours(request):
    """My hours by month and group; with ?group=, a group's adults' hours for its admins."""
    _adult_required(request)
    admin_groups = list(
        GroupPage.objects.filter(
            pk__in=Membership.objects.admins().filter(user=request.user).values("group_id")
        ).order_by("title")
    )
    chosen = request.GET.get("group", "")
    if chosen:
        group = next((g for g in admin_groups if str(g.pk) == chosen), None)
        if group is None:
            raise Http404
        marks = AdultAttendance.objects.filter(
            session__course__path__startswith=group.path,
            session__course__depth=group.depth + 1,
        )
    else:
        group, marks = None, AdultAttendance.objects.filter(user=request.user)
    rows = selectors.volunteer_hours(marks)
    return render(
        request,
        "groups/volunteer_hours.html",
        {
            "group": group,
            "rows": rows,
            "total": sum(row.hours for row in rows),
            "admin_groups": admin_groups,
        },
    )


# Calendars


@login_required
@require_http_methods(["GET", "POST"])
def calendar_link(request):
    """The secret address of my calendar feed, and a button that replaces it."""
    _adult_required(request)
    token, _created = CalendarToken.objects.get_or_create(user=request.user)
    if request.method == "POST":
        token.token = CalendarToken._meta.get_field("token").get_default()
        token.save(update_fields=["token", "created_at"])
        messages.success(
            request, _("Your calendar has a new address. The old one no longer works.")
        )
        return redirect("groups:calendar_link")
    feed_url = request.build_absolute_uri(reverse("groups:personal_feed", args=[token.token]))
    return render(request, "groups/session_calendar_link.html", {"feed_url": feed_url})
