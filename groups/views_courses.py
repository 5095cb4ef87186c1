"""A course page and its routes: enrolment for guardians, the term's sessions for admins.

CoursePage's routes call these; each answers 404 to anyone the route is not for, and
looks a child up only among the user's own children (commons.selectors).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commons.models import Learner
from commons.selectors import learners_guarded_by
from groups import rota, selectors
from groups.choices import CourseStatus, EnrolmentStatus
from groups.forms import LearnerForm, SessionMoveForm, TermForm
from groups.models import CoursePage, Enrolment, Session


def _as_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _when(session: Session) -> str:
    start, end = timezone.localtime(session.start), timezone.localtime(session.end)
    return f"{date_format(start, 'D j F Y')}, {start:%H:%M}–{end:%H:%M}"


# The course page


def ratio_in_words(course: CoursePage) -> str:
    return ngettext(
        "1 adult for every learner",
        "1 adult for every %(n)s learners",
        course.ratio,
    ) % {"n": course.ratio}


def places_in_words(places: int, active: int) -> str:
    left = max(0, places - active)
    if not left:
        return _("Full — join the waiting list")
    return ngettext(
        "%(left)s of %(places)s place left",
        "%(left)s of %(places)s places left",
        left,
    ) % {"left": left, "places": places}


def enrolment_counts(course: CoursePage) -> dict[str, int]:
    """How many learners hold a place and how many wait, in one query."""
    return Enrolment.objects.filter(course=course).aggregate(
        active=Count("pk", filter=Q(status=EnrolmentStatus.ACTIVE)),
        waiting=Count("pk", filter=Q(status=EnrolmentStatus.WAITLISTED)),
    )


def course_page_context(course: CoursePage, request) -> dict:
    """What the public course page shows: counts and times, never a learner's name."""
    if course.pk is None:  # A preview of a course not saved yet.
        return {"sessions": [], "places_text": places_in_words(course.places, 0)}
    group = course.get_parent().specific
    counts = enrolment_counts(course)
    needed = course.adults_needed(counts["active"])
    sessions = list(
        Session.objects.filter(course=course)
        .upcoming()
        .with_counts()
        .select_related("space", "unit")
        .order_by("start", "pk")
    )
    for session in sessions:
        session.adults_needed = needed
        session.is_short = session.adult_count < needed or not session.lead_count
    user = request.user
    return {
        "group": group,
        "units": course.units.live().order_by("path"),
        "counts": counts,
        "places_text": places_in_words(course.places, counts["active"]),
        "ratio_text": ratio_in_words(course),
        "under_minimum": course.min_learners and counts["active"] < course.min_learners,
        "sessions": sessions,
        "is_admin": selectors.is_group_admin(group, user),
        "may_enrol": not user.is_authenticated or not user.is_learner_login,
    }


# Enrolment


@dataclass
class ChildPlace:
    """One of the guardian's children and where they stand on this course."""

    learner: Learner
    enrolment: Enrolment | None
    position: int | None
    problem: str | None

    @property
    def is_current(self) -> bool:
        return self.enrolment is not None and self.enrolment.status != EnrolmentStatus.WITHDRAWN


def _children_places(course: CoursePage, user) -> list[ChildPlace]:
    children = list(learners_guarded_by(user).order_by("name", "pk"))
    enrolments = {
        e.learner_id: e for e in Enrolment.objects.filter(course=course, learner__in=children)
    }
    waiting = (
        Enrolment.objects.filter(course=course, status=EnrolmentStatus.WAITLISTED)
        .order_by("created_at", "pk")
        .values_list("learner_id", flat=True)
    )
    positions = {learner_id: number for number, learner_id in enumerate(waiting, start=1)}
    return [
        ChildPlace(
            learner=child,
            enrolment=enrolments.get(child.pk),
            position=positions.get(child.pk),
            problem=rota.age_problem(course, child),
        )
        for child in children
    ]


def _waiting_position(enrolment: Enrolment) -> int:
    """The enrolment's place in the queue, counting from 1, in the order places are given."""
    return (
        Enrolment.objects.filter(course=enrolment.course_id, status=EnrolmentStatus.WAITLISTED)
        .filter(
            Q(created_at__lt=enrolment.created_at)
            | Q(created_at=enrolment.created_at, pk__lte=enrolment.pk)
        )
        .count()
    )


def _enrolled_message(course: CoursePage, enrolment: Enrolment) -> tuple[int, str]:
    names = {"name": enrolment.learner.name, "course": course.title}
    if enrolment.status == EnrolmentStatus.ACTIVE:
        return messages.SUCCESS, _("%(name)s is enrolled on %(course)s.") % names
    names["n"] = _waiting_position(enrolment)
    return (
        messages.INFO,
        _("%(course)s is full. %(name)s is number %(n)s on the waiting list.") % names,
    )


def _guardian_or_login(request, course: CoursePage, route: str):
    """Send visitors to log in first; learner logins have no enrolment pages."""
    if not request.user.is_authenticated:
        return redirect_to_login(course.route_url(request, route))
    if request.user.is_learner_login:
        raise Http404
    return None


def _posted_child(request) -> Learner:
    """The child named in the POST, if they are one of the user's own; otherwise 404."""
    form = LearnerForm(request.POST)
    if not form.is_valid():
        raise Http404
    return get_object_or_404(learners_guarded_by(request.user), pk=form.cleaned_data["learner"])


def enrol(request, course: CoursePage):
    login = _guardian_or_login(request, course, "enrol")
    if login:
        return login
    if request.method == "POST":
        child = _posted_child(request)
        try:
            enrolment = rota.enrol(course=course, learner=child, by=request.user)
        except ValidationError as error:
            messages.error(request, _as_text(error))
        else:
            messages.add_message(request, *_enrolled_message(course, enrolment))
        return redirect(course.route_url(request, "enrol"))
    counts = enrolment_counts(course)
    return render(
        request,
        "groups/course_enrol.html",
        {
            "page": course,
            "children": _children_places(course, request.user),
            "is_open": course.status == CourseStatus.OPEN,
            "places_text": places_in_words(course.places, counts["active"]),
        },
    )


def withdraw(request, course: CoursePage):
    login = _guardian_or_login(request, course, "enrol")
    if login:
        return login
    if request.method != "POST":
        return redirect(course.route_url(request, "enrol"))
    child = _posted_child(request)
    enrolment = (
        Enrolment.objects.filter(course=course, learner=child)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .first()
    )
    names = {"name": child.name, "course": course.title}
    if enrolment is None:
        messages.info(request, _("%(name)s is not enrolled on %(course)s.") % names)
        return redirect(course.route_url(request, "enrol"))
    if "confirm" not in request.POST:
        return render(
            request,
            "groups/course_withdraw.html",
            {"page": course, "child": child, "enrolment": enrolment},
        )
    try:
        rota.withdraw(enrolment=enrolment, by=request.user)
    except ValidationError as error:
        messages.error(request, _as_text(error))
    else:
        messages.success(request, _("%(name)s is withdrawn from %(course)s.") % names)
    return redirect(course.route_url(request, "enrol"))


# Sessions: for the group's admins only


def _admin_or_404(request, course: CoursePage):
    group = course.get_parent().specific
    if not selectors.is_group_admin(group, request.user):
        raise Http404
    return group


def _plan(course: CoursePage, form: TermForm) -> list[dict]:
    """The term's dates with why each is not free, including the course's own sessions."""
    plan = rota.plan_term(course=course, **form.term())
    own = set(
        Session.objects.filter(course=course)
        .scheduled()
        .filter(start__in=[row["start"] for row in plan])
        .values_list("start", flat=True)
    )
    units = iter(form.chosen_units())
    for row in plan:
        if row["start"] in own:
            row["problems"] = [
                _("%(course)s already has a session then.") % {"course": course.title},
                *row["problems"],
            ]
        row["unit"] = None if row["problems"] else next(units, None)
    return plan


def _preview(request, course: CoursePage, form: TermForm, plan: list[dict]):
    free = sum(1 for row in plan if not row["problems"])
    return render(
        request,
        "groups/session_schedule_preview.html",
        {
            "page": course,
            "form": form,
            "plan": plan,
            "free_count": free,
            "all_free": free == len(plan),
            "space": form.cleaned_data["space"],
        },
    )


def _schedule(request, course: CoursePage, form: TermForm, plan: list[dict], action: str):
    """Book the term, or return the preview with the reason nothing was booked."""
    if action == "schedule_all" and any(row["problems"] for row in plan):
        form.add_error(None, _("Not every date is free any more. Look at the dates again."))
        return _preview(request, course, form, plan)
    taken = [timezone.localdate(row["start"]) for row in plan if row["problems"]]
    term = form.term()
    term["skip_dates"] = sorted({*term["skip_dates"], *taken})
    try:
        sessions, _clashes = rota.schedule_term(
            course=course,
            by=request.user,
            units=form.chosen_units(),
            free_only=action == "schedule_free",
            **term,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _preview(request, course, form, _plan(course, form))
    messages.success(
        request,
        ngettext(
            "Scheduled %(count)s session of %(course)s.",
            "Scheduled %(count)s sessions of %(course)s.",
            len(sessions),
        )
        % {"count": len(sessions), "course": course.title},
    )
    return redirect(course.get_url(request))


def schedule(request, course: CoursePage):
    _admin_or_404(request, course)
    action = request.POST.get("action", "")
    form = TermForm(request.POST if request.method == "POST" else None, course=course)
    if request.method == "POST" and action != "back" and form.is_valid():
        plan = _plan(course, form)
        if action in {"schedule_free", "schedule_all"}:
            return _schedule(request, course, form, plan, action)
        return _preview(request, course, form, plan)
    return render(request, "groups/session_schedule.html", {"page": course, "form": form})


def _upcoming_session(course: CoursePage, session_id: int) -> Session:
    return get_object_or_404(
        Session.objects.filter(course=course).upcoming().select_related("space", "unit"),
        pk=session_id,
    )


def move_session(request, course: CoursePage, session_id: int):
    _admin_or_404(request, course)
    session = _upcoming_session(course, session_id)
    was = _when(session)
    form = SessionMoveForm(request.POST or None, session=session)
    if form.is_valid():
        try:
            session = rota.move_session(
                session=session,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "The session of %(was)s is now %(when)s. "
                    "We have emailed its adults and families."
                )
                % {"was": was, "when": _when(session)},
            )
            return redirect(course.get_url(request))
    return render(
        request,
        "groups/course_session_move.html",
        {"page": course, "session": session, "form": form, "when": was},
    )


def cancel_session(request, course: CoursePage, session_id: int):
    _admin_or_404(request, course)
    session = _upcoming_session(course, session_id)
    if request.method == "POST":
        try:
            rota.cancel_session(session=session, by=request.user)
        except ValidationError as error:
            messages.error(request, _as_text(error))
        else:
            messages.success(
                request,
                _("The session of %(when)s is cancelled. We have emailed its adults and families.")
                % {"when": _when(session)},
            )
        return redirect(course.get_url(request))
    return render(
        request,
        "groups/course_session_cancel.html",
        {"page": course, "session": session, "when": _when(session)},
    )
