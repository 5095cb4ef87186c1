"""Cancel the courses still under their minimum on their confirm-by date, and tell people.

Run daily from cron. Safe to run twice: a cancelled course is no longer open, so a second
run finds nothing to do. A run that was missed catches up, but a course that has already
held a session since its confirm-by date went ahead, and is never cancelled for numbers.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commons.models import User
from commons.services import send_mail_after_commit
from groups import rota
from groups.choices import CourseStatus, EnrolmentStatus, SessionStatus, SignupStatus
from groups.models import CoursePage, Session, TutorSignup
from groups.templatetags.groups_tags import email_page_url


@dataclass
class Cancelled:
    course: CoursePage
    sessions: int
    emails: int


class Command(BaseCommand):
    help = "Cancel courses with fewer learners than their minimum on or after the confirm-by date."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="Act as if today were this date (YYYY-MM-DD). For testing.",
        )

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        done = [outcome for course in due(today) if (outcome := cancel_course(course, today))]
        if not done:
            self.stdout.write(_("No course to cancel."))
            return
        for outcome in done:
            self.stdout.write(
                ngettext(
                    "Cancelled %(course)s: %(sessions)d session, %(emails)d emails.",
                    "Cancelled %(course)s: %(sessions)d sessions, %(emails)d emails.",
                    outcome.sessions,
                )
                % {
                    "course": outcome.course.title,
                    "sessions": outcome.sessions,
                    "emails": outcome.emails,
                }
            )
        self.stdout.write(
            ngettext("Cancelled %(count)d course.", "Cancelled %(count)d courses.", len(done))
            % {"count": len(done)}
        )


def _under_minimum(courses):
    active = Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACTIVE))
    return courses.annotate(active=active).filter(active__lt=F("min_learners"))


def due(today: date):
    """Open courses whose confirm-by day has come, with fewer learners than their minimum."""
    courses = CoursePage.objects.filter(
        status=CourseStatus.OPEN, confirm_by__lte=today, min_learners__gt=0
    )
    return list(_under_minimum(courses).order_by("confirm_by", "pk"))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@transaction.atomic
def cancel_course(course: CoursePage, today: date) -> Cancelled | None:
    """Cancel the course and its sessions to come, and email each family and adult once."""
    # Lock first, then count: PostgreSQL allows no FOR UPDATE on an aggregate query.
    locked = CoursePage.objects.select_for_update(of=("self",)).filter(
        pk=course.pk, status=CourseStatus.OPEN
    )
    course = locked.first()
    if course is None or not _under_minimum(CoursePage.objects.filter(pk=course.pk)).exists():
        return None  # Another run got here first, or someone enrolled meanwhile.
    sessions = Session.objects.filter(course=course, status=SessionStatus.SCHEDULED)
    held = sessions.filter(start__gte=_start_of(course.confirm_by), start__lt=_start_of(today))
    if held.exists():
        return None  # It went ahead: it has met since its confirm-by date.
    upcoming = list(sessions.filter(start__gte=_start_of(today)).select_related("space"))
    families, adults = _people(course, upcoming)
    CoursePage.objects.filter(pk=course.pk).update(status=CourseStatus.CANCELLED)
    for session in upcoming:
        rota.cancel_session(session=session, by=None, notify=False)
    context = {
        "course": course,
        "group": course.get_parent().specific,
        "sessions": upcoming,
    }
    context["group_url"] = email_page_url(context["group"])
    recipients = [(user, True) for user in families]
    recipients += [(user, False) for user in adults if user not in families]
    for user, for_family in recipients:
        send_mail_after_commit(
            subject=_("Cancelled: %(course)s") % {"course": course.title},
            template="groups/emails/course_cancelled.txt",
            context={**context, "name": user.get_display_name(), "for_family": for_family},
            to=[user.email],
        )
    return Cancelled(course=course, sessions=len(upcoming), emails=len(recipients))


def _people(course: CoursePage, upcoming: list[Session]) -> tuple[list[User], list[User]]:
    """The guardians of learners with a place or a turn, and the adults on the rotas."""
    families = (
        User.objects.filter(
            guarded_learners__enrolments__course=course,
            guarded_learners__enrolments__status__in=[
                EnrolmentStatus.ACTIVE,
                EnrolmentStatus.WAITLISTED,
            ],
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    adult_ids = TutorSignup.objects.filter(
        session__in=upcoming, status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED]
    ).values("user_id")
    adults = User.objects.filter(pk__in=adult_ids).exclude(email="").order_by("pk")
    return list(families), list(adults)
