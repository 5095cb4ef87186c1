"""Courses, the rota and enrolment: places and sign-ups that never exceed their limits.

A session's confirmed adults and a course's active enrolments never exceed their places
(DESIGN.md, invariant 2): each write locks the session's or the course's row first, so
counting and inserting happen one request at a time, and unique constraints stop a
repeated POST from making a second sign-up or enrolment (invariant 4).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commons import faults
from commons.models import Learner, User
from commons.services import bookings, send_mail_after_commit
from groups.choices import (
    CourseStatus,
    EnrolmentStatus,
    MembershipStatus,
    Presence,
    Role,
    SessionStatus,
    SignupRole,
    SignupStatus,
)
from groups.models import (
    AdultAttendance,
    Attendance,
    CoursePage,
    Enrolment,
    Membership,
    Session,
    TutorProfile,
    TutorSignup,
)

CANCEL_CUTOFF = timedelta(hours=getattr(settings, "SIGNUP_CANCEL_CUTOFF_HOURS", 24))


def _lock_course(course: CoursePage) -> CoursePage:
    return CoursePage.objects.select_for_update(of=("self",)).get(pk=course.pk)


def _lock_session(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    )


# Enrolment


def age_problem(course: CoursePage, learner: Learner) -> str | None:
    """Say why a learner's age does not suit a course, or None when it does."""
    if learner.birth_year is None:
        return _("Add %(name)s's year of birth so we can check the course suits them.") % {
            "name": learner.name
        }
    if not course.min_age <= learner.age <= course.max_age:
        return _("%(course)s is for ages %(min)s to %(max)s; %(name)s turns %(age)s this year.") % {
            "course": course.title,
            "min": course.min_age,
            "max": course.max_age,
            "name": learner.name,
            "age": learner.age,
        }
    return None


def _guardian_emails(learner: Learner) -> list[str]:
    return [g.email for g in learner.guardians.all() if g.email]


@transaction.atomic
def enrol(*, course: CoursePage, learner: Learner, by: User) -> Enrolment:
    """Enrol a guardian's child, or put them on the waiting list when the course is full."""
    if not learner.guardians.filter(pk=by.pk).exists():
        raise ValidationError(_("Only a learner's guardian can enrol them."))
    course = _lock_course(course)
    if course.status != CourseStatus.OPEN or not course.live:
        raise ValidationError(_("%(course)s is not taking enrolments.") % {"course": course.title})
    problem = age_problem(course, learner)
    if problem:
        raise ValidationError(problem)
    enrolment = Enrolment.objects.filter(course=course, learner=learner).first()
    if enrolment is not None and enrolment.status != EnrolmentStatus.WITHDRAWN:
        return enrolment  # A repeated POST: the child already has their place or turn.
    active = Enrolment.objects.filter(course=course, status=EnrolmentStatus.ACTIVE).count()
    status = EnrolmentStatus.ACTIVE if active < course.places else EnrolmentStatus.WAITLISTED
    if enrolment is None:
        enrolment = Enrolment.objects.create(
            course=course, learner=learner, status=status, enrolled_by=by
        )
    else:
        enrolment.status, enrolment.enrolled_by = status, by
        enrolment.created_at = timezone.now()  # Back of the queue after withdrawing.
        enrolment.save(update_fields=["status", "enrolled_by", "created_at"])
    faults.pause("enrolment")
    return enrolment


@transaction.atomic
def withdraw(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Withdraw a learner; the first on the waiting list takes the place and is told."""
    course = _lock_course(enrolment.course)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not enrolment.learner.guardians.filter(pk=by.pk).exists():
        raise ValidationError(_("Only a learner's guardian can withdraw them."))
    was_active = enrolment.status == EnrolmentStatus.ACTIVE
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    if was_active:
        _promote_enrolments(course)
    return enrolment


def _promote_enrolments(course: CoursePage) -> None:
    active = Enrolment.objects.filter(course=course, status=EnrolmentStatus.ACTIVE).count()
    waiting = Enrolment.objects.filter(course=course, status=EnrolmentStatus.WAITLISTED).order_by(
        "created_at", "pk"
    )
    for enrolment in waiting[: max(0, course.places - active)]:
        enrolment.status = EnrolmentStatus.ACTIVE
        enrolment.save(update_fields=["status"])
        send_mail_after_commit(
            subject=_("%(name)s has a place on %(course)s")
            % {"name": enrolment.learner.name, "course": course.title},
            template="groups/emails/enrolment_promoted.txt",
            context={"enrolment": enrolment, "course": course},
            to=_guardian_emails(enrolment.learner),
        )


# The rota


def signup_problem(*, session: Session, user: User) -> str | None:
    """Say why this adult cannot sign up for this session, or None when they can."""
    course = session.course
    if session.status != SessionStatus.SCHEDULED or session.start <= timezone.now():
        return _("This session is not taking sign-ups.")
    if user.is_learner_login:
        return _("Learner logins cannot sign up to lead or help.")
    profile = TutorProfile.objects.filter(user=user).select_related("current_check").first()
    if course.child_facing and (profile is None or not profile.is_checked):
        return _(
            "This session is with children, so only adults with a current safeguarding "
            "check can lead or help. A group admin records your check once they have "
            "seen your certificate."
        )
    return None


def _is_group_tutor(course: CoursePage, user: User) -> bool:
    return Membership.objects.filter(
        group_id=course.get_parent().pk,
        user=user,
        status=MembershipStatus.ACTIVE,
        role__in=[Role.TUTOR, Role.ADMIN],
    ).exists()


def _places(session: Session, role: str) -> int:
    """How many confirmed adults of this role the session can take."""
    if role == SignupRole.LEAD:
        return 1
    learners = Enrolment.objects.filter(
        course=session.course, status=EnrolmentStatus.ACTIVE
    ).count()
    return session.course.adults_needed(learners) - 1


def _confirmed(session: Session, role: str) -> int:
    return TutorSignup.objects.filter(
        session=session, role=role, status=SignupStatus.CONFIRMED
    ).count()


@transaction.atomic
def sign_up(*, session: Session, user: User, role: str) -> TutorSignup:
    """Sign a group's tutor up to lead or help; a full session puts them on its waiting list.

    Tutors of other groups cannot sign up directly: they offer help (offer_help) and the
    session's group admin accepts.
    """
    if role not in SignupRole.values:
        raise ValidationError(_("Choose to lead or to help."))
    session = _lock_session(session)
    problem = signup_problem(session=session, user=user)
    if problem:
        raise ValidationError(problem)
    if not _is_group_tutor(session.course, user):
        raise ValidationError(
            _("Only tutors of %(group)s sign up directly. Offer your help instead.")
            % {"group": session.course.get_parent().title}
        )
    signup = TutorSignup.objects.filter(session=session, user=user).first()
    if signup is not None and signup.status in {SignupStatus.CONFIRMED, SignupStatus.WAITLISTED}:
        return signup  # A repeated POST.
    status = (
        SignupStatus.CONFIRMED
        if _confirmed(session, role) < _places(session, role)
        else SignupStatus.WAITLISTED
    )
    signup = _save_signup(signup, session=session, user=user, role=role, status=status)
    faults.pause("signup")
    return signup


def _save_signup(signup, *, session, user, role, status) -> TutorSignup:
    if signup is None:
        return TutorSignup.objects.create(session=session, user=user, role=role, status=status)
    signup.role, signup.status, signup.created_at = role, status, timezone.now()
    signup.cover_requested = False
    signup.save(update_fields=["role", "status", "created_at", "cover_requested"])
    return signup


@transaction.atomic
def offer_help(*, session: Session, user: User) -> TutorSignup:
    """A checked tutor from anywhere in town offers to help; the group's admins decide."""
    session = _lock_session(session)
    problem = signup_problem(session=session, user=user)
    if problem:
        raise ValidationError(problem)
    signup = TutorSignup.objects.filter(session=session, user=user).first()
    if signup is not None and signup.status != SignupStatus.CANCELLED:
        return signup
    signup = _save_signup(
        signup, session=session, user=user, role=SignupRole.HELPER, status=SignupStatus.OFFERED
    )
    group = session.course.get_parent().specific
    admins = Membership.objects.admins().filter(group=group).exclude(user__email="")
    send_mail_after_commit(
        subject=_("%(name)s offers to help at %(session)s") % {"name": user, "session": session},
        template="groups/emails/help_offered.txt",
        context={"signup": signup, "session": session},
        to=list(admins.values_list("user__email", flat=True)),
    )
    return signup


@transaction.atomic
def accept_offer(*, signup: TutorSignup, by: User) -> TutorSignup:
    """A group admin accepts a tutor's offer: confirmed if there is room, else waiting."""
    session = _lock_session(signup.session)
    group_id = session.course.get_parent().pk
    if not Membership.objects.admins().filter(group_id=group_id, user=by).exists():
        raise ValidationError(_("Only the group's admins can accept offers of help."))
    signup = TutorSignup.objects.select_for_update().get(pk=signup.pk)
    if signup.status != SignupStatus.OFFERED:
        raise ValidationError(_("This offer has already been answered."))
    full = _confirmed(session, SignupRole.HELPER) >= _places(session, SignupRole.HELPER)
    signup.status = SignupStatus.WAITLISTED if full else SignupStatus.CONFIRMED
    signup.save(update_fields=["status"])
    return signup


@transaction.atomic
def cancel_signup(*, signup: TutorSignup, by: User) -> TutorSignup:
    """Cancel a sign-up up to the cutoff; the first waiting adult moves up and is told."""
    session = _lock_session(signup.session)
    signup = TutorSignup.objects.select_for_update().get(pk=signup.pk)
    if signup.user_id != by.pk:
        raise ValidationError(_("You can only cancel your own sign-up."))
    if signup.status == SignupStatus.CONFIRMED and session.start - timezone.now() < CANCEL_CUTOFF:
        raise ValidationError(
            _(
                "It is less than %(hours)s hours to the session, so cancelling here is closed. "
                "Ask for cover instead, so the session keeps its adults."
            )
            % {"hours": int(CANCEL_CUTOFF.total_seconds() // 3600)}
        )
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    signup.status = SignupStatus.CANCELLED
    signup.save(update_fields=["status"])
    if was_confirmed:
        promote_signups(session)
    return signup


def promote_signups(session: Session) -> list[TutorSignup]:
    """Fill free places on the rota from the waiting list, in order, and tell each adult.

    Call it inside a transaction that holds the session's lock.
    """
    promoted = []
    for role in (SignupRole.LEAD, SignupRole.HELPER):
        free = _places(session, role) - _confirmed(session, role)
        waiting = TutorSignup.objects.filter(
            session=session, role=role, status=SignupStatus.WAITLISTED
        ).order_by("created_at", "pk")
        for signup in waiting[: max(0, free)]:
            signup.status = SignupStatus.CONFIRMED
            signup.save(update_fields=["status"])
            promoted.append(signup)
            if signup.user.email:
                send_mail_after_commit(
                    subject=_("You're on the rota: %(session)s") % {"session": session},
                    template="groups/emails/signup_promoted.txt",
                    context={"signup": signup, "session": session},
                    to=[signup.user.email],
                )
    return promoted


@transaction.atomic
def request_cover(*, signup: TutorSignup, by: User) -> TutorSignup:
    """Ask someone else to take your place; you stay on the rota until someone does."""
    signup = TutorSignup.objects.select_for_update().get(pk=signup.pk)
    if signup.user_id != by.pk or signup.status != SignupStatus.CONFIRMED:
        raise ValidationError(_("Only a confirmed adult can ask for cover for their own place."))
    signup.cover_requested = True
    signup.save(update_fields=["cover_requested"])
    return signup


@transaction.atomic
def take_cover(*, signup: TutorSignup, by: User) -> TutorSignup:
    """Take over a place someone asked cover for, in one step."""
    session = _lock_session(signup.session)
    signup = TutorSignup.objects.select_for_update().get(pk=signup.pk)
    if not signup.cover_requested or signup.status != SignupStatus.CONFIRMED:
        raise ValidationError(_("Someone has already taken this cover."))
    if signup.user_id == by.pk:
        raise ValidationError(_("You cannot cover your own place."))
    problem = signup_problem(session=session, user=by)
    if problem:
        raise ValidationError(problem)
    if not _is_group_tutor(session.course, by):
        raise ValidationError(_("Only the group's tutors can take cover. Offer your help instead."))
    mine = TutorSignup.objects.filter(session=session, user=by).first()
    if mine is not None and mine.status == SignupStatus.CONFIRMED:
        raise ValidationError(_("You are already on this session's rota."))
    signup.status, signup.cover_requested = SignupStatus.CANCELLED, False
    signup.save(update_fields=["status", "cover_requested"])
    taken = _save_signup(
        mine, session=session, user=by, role=signup.role, status=SignupStatus.CONFIRMED
    )
    if signup.user.email:
        send_mail_after_commit(
            subject=_("Your cover is taken: %(session)s") % {"session": session},
            template="groups/emails/cover_taken.txt",
            context={"signup": signup, "cover": taken, "session": session},
            to=[signup.user.email],
        )
    return taken


# Sessions and their space bookings


def _session_people_emails(session: Session) -> list[str]:
    adults = TutorSignup.objects.filter(
        session=session, status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED]
    ).exclude(user__email="")
    guardians = User.objects.filter(
        guarded_learners__enrolments__course=session.course,
        guarded_learners__enrolments__status=EnrolmentStatus.ACTIVE,
    ).exclude(email="")
    emails = set(adults.values_list("user__email", flat=True))
    return sorted(emails | set(guardians.values_list("email", flat=True)))


def plan_term(
    *, course: CoursePage, first_date, start_time, end_time, weeks: int, skip_dates=(), space=None
) -> list[dict]:
    """Lay out a term of weekly sessions and say which dates' space bookings would clash."""
    tz = timezone.get_current_timezone()
    space = space or course.default_space
    plan = []
    for week in range(weeks):
        day = first_date + timedelta(weeks=week)
        if day in set(skip_dates):
            continue
        start = timezone.datetime.combine(day, start_time, tzinfo=tz)
        end = timezone.datetime.combine(day, end_time, tzinfo=tz)
        problems = []
        if space is not None:
            problems = bookings.rule_problems(
                space=space, start=start, end=end, group=course.get_parent().specific
            )
        plan.append({"start": start, "end": end, "space": space, "problems": problems})
    return plan


@transaction.atomic
def schedule_term(
    *,
    course: CoursePage,
    by: User,
    first_date,
    start_time,
    end_time,
    weeks: int,
    skip_dates=(),
    space=None,
    units=(),
    free_only: bool = False,
) -> tuple[list[Session], list[dict]]:
    """Create a term of weekly sessions, each booking its space through the bookings service.

    Without free_only, any clash refuses the whole term and nothing is saved. Units, if
    given, are assigned to the sessions in order.
    """
    group = course.get_parent().specific
    if not Membership.objects.admins().filter(group=group, user=by).exists():
        raise ValidationError(_("Only the group's admins can schedule its sessions."))
    if not 1 <= weeks <= 52:
        raise ValidationError(_("A term has between 1 and 52 weeks."))
    if end_time <= start_time:
        raise ValidationError(_("A session must end after it starts."))
    plan = plan_term(
        course=course,
        first_date=first_date,
        start_time=start_time,
        end_time=end_time,
        weeks=weeks,
        skip_dates=skip_dates,
        space=space,
    )
    clashes = [row for row in plan if row["problems"]]
    if clashes and not free_only:
        raise ValidationError([f"{row['start']:%a %d %b}: {row['problems'][0]}" for row in clashes])
    units = list(units)
    sessions = []
    for row in (r for r in plan if not r["problems"]):
        booking = None
        if row["space"] is not None:
            booking = bookings.request_booking(
                space=row["space"],
                group=group,
                by=by,
                title=course.title,
                start=row["start"],
                end=row["end"],
            )
        sessions.append(
            Session.objects.create(
                course=course,
                start=row["start"],
                end=row["end"],
                space=row["space"],
                booking=booking,
                unit=units[len(sessions)] if len(sessions) < len(units) else None,
            )
        )
    return sessions, clashes


@transaction.atomic
def move_session(*, session: Session, start, end, by: User) -> Session:
    """Move a session to a new time; its booking moves with it and everyone is told."""
    session = _lock_session(session)
    group = session.course.get_parent().specific
    if not Membership.objects.admins().filter(group=group, user=by).exists():
        raise ValidationError(_("Only the group's admins can move its sessions."))
    if end <= start:
        raise ValidationError(_("A session must end after it starts."))
    if session.booking_id:
        bookings.move_booking(booking=session.booking, start=start, end=end, by=by)
    old_start = session.start
    session.start, session.end = start, end
    session.save(update_fields=["start", "end"])
    send_mail_after_commit(
        subject=_("Moved: %(session)s") % {"session": session},
        template="groups/emails/session_changed.txt",
        context={"session": session, "old_start": old_start, "cancelled": False},
        to=_session_people_emails(session),
    )
    return session


@transaction.atomic
def cancel_session(*, session: Session, by: User | None, notify: bool = True) -> Session:
    """Cancel a session and its booking, and tell its adults and families.

    notify=False leaves the telling to the caller: cancelling a whole course sends one
    email about the course rather than one for each of its sessions.
    """
    session = _lock_session(session)
    if by is not None:
        group = session.course.get_parent().specific
        if not Membership.objects.admins().filter(group=group, user=by).exists():
            raise ValidationError(_("Only the group's admins can cancel its sessions."))
    if session.status == SessionStatus.CANCELLED:
        return session
    if session.booking_id and session.booking.status in {"requested", "confirmed"}:
        bookings.cancel_booking(booking=session.booking, by=by or session.booking.requested_by)
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status"])
    if not notify:
        return session
    send_mail_after_commit(
        subject=_("Cancelled: %(session)s") % {"session": session},
        template="groups/emails/session_changed.txt",
        context={"session": session, "old_start": session.start, "cancelled": True},
        to=_session_people_emails(session),
    )
    return session


# The register


def is_session_adult(session: Session, user: User) -> bool:
    """Say whether the user is the lead or a confirmed helper of this session."""
    return TutorSignup.objects.filter(
        session=session, user=user, status=SignupStatus.CONFIRMED
    ).exists()


@transaction.atomic
def take_register(
    *, session: Session, by: User, learners: dict[int, str], adults: dict[int, bool]
) -> int:
    """Record who was there. Only changes are written, as new rows: history is never
    overwritten (a correction after the day adds a mark; the latest counts).

    `learners` maps learner ids to a Presence value; `adults` maps user ids to whether
    they were there. Returns how many marks were added.
    """
    session = _lock_session(session)
    if not is_session_adult(session, by):
        raise ValidationError(_("Only the session's lead and helpers can take its register."))
    enrolled = set(
        Enrolment.objects.filter(course=session.course, status=EnrolmentStatus.ACTIVE).values_list(
            "learner_id", flat=True
        )
    )
    strangers = set(learners) - enrolled
    if strangers:
        raise ValidationError(_("Only learners enrolled on this course can be marked."))
    rota_adults = set(
        TutorSignup.objects.filter(session=session, status=SignupStatus.CONFIRMED).values_list(
            "user_id", flat=True
        )
    )
    if set(adults) - rota_adults:
        raise ValidationError(_("Only adults on this session's rota can be marked."))
    current = current_register(session)
    added = 0
    for learner_id, presence in learners.items():
        if presence not in Presence.values:
            raise ValidationError(_("Mark each learner present, late or absent."))
        if current["learners"].get(learner_id) != presence:
            Attendance.objects.create(
                session=session, learner_id=learner_id, presence=presence, recorded_by=by
            )
            added += 1
    for user_id, present in adults.items():
        if current["adults"].get(user_id) != present:
            AdultAttendance.objects.create(
                session=session, user_id=user_id, present=present, recorded_by=by
            )
            added += 1
    return added


def current_register(session: Session) -> dict[str, dict]:
    """The latest mark for each learner and adult of a session, in two queries."""
    learners, adults = {}, {}
    for mark in Attendance.objects.filter(session=session).order_by("recorded_at", "pk"):
        learners[mark.learner_id] = mark.presence
    for mark in AdultAttendance.objects.filter(session=session).order_by("recorded_at", "pk"):
        adults[mark.user_id] = mark.present
    return {"learners": learners, "adults": adults}
