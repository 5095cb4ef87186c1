"""Remind a session's adults and its learners' guardians the day before it.

Safe to run daily from cron and to run twice: a session is claimed by setting its
reminder_sent_at with a conditional UPDATE, in the transaction that schedules the emails.
The emails name only the session, its place and the reader's own children.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commons.services import send_mail_after_commit
from groups.choices import EnrolmentStatus, SignupStatus
from groups.management.commands.alert_short_sessions import aware
from groups.models import Enrolment, Session, TutorSignup


class Command(BaseCommand):
    help = "Email the adults and families of tomorrow's sessions a reminder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", type=aware, help="Act as if it were this time (ISO 8601). For testing."
        )

    def handle(self, *args, now=None, **options):
        now = now or timezone.now()
        tomorrow = timezone.localdate(now) + timedelta(days=1)
        start = timezone.make_aware(datetime.combine(tomorrow, time.min))
        due = Session.objects.scheduled().filter(
            start__gte=start,
            start__lt=start + timedelta(days=1),
            reminder_sent_at__isnull=True,
            course__live=True,
        )
        sessions = emails = 0
        for session in due.select_related("course", "space"):
            sent = remind(session=session, now=now)
            if sent is not None:
                sessions, emails = sessions + 1, emails + sent
        self.stdout.write(
            ngettext(
                "Reminded %(count)d session (%(emails)d emails).",
                "Reminded %(count)d sessions (%(emails)d emails).",
                sessions,
            )
            % {"count": sessions, "emails": emails}
        )


@transaction.atomic
def remind(*, session: Session, now: datetime) -> int | None:
    """Claim the session's reminder and email each person once; None if already claimed."""
    claimed = Session.objects.filter(pk=session.pk, reminder_sent_at__isnull=True).update(
        reminder_sent_at=now
    )
    if not claimed:
        return None
    link = settings.WAGTAILADMIN_BASE_URL + reverse("groups:session_detail", args=[session.pk])
    people = _people(session)
    for user, (role, children) in people.items():
        send_mail_after_commit(
            subject=_("Tomorrow: %(session)s") % {"session": session},
            template="groups/emails/session_reminder.txt",
            context={
                "name": user.get_display_name(),
                "session": session,
                "role": role,
                "children": get_text_list(children, _("and")),
                "children_count": len(children),
                "link": link,
            },
            to=[user.email],
        )
    return len(people)


def _people(session: Session) -> dict:
    """Each person to remind, with their role on the rota and their enrolled children."""
    people: dict = {}
    signups = TutorSignup.objects.filter(session=session, status=SignupStatus.CONFIRMED)
    for signup in signups.select_related("user").exclude(user__email=""):
        people[signup.user] = (signup.role, [])
    enrolments = Enrolment.objects.filter(course=session.course, status=EnrolmentStatus.ACTIVE)
    for enrolment in enrolments.select_related("learner").prefetch_related("learner__guardians"):
        for guardian in enrolment.learner.guardians.all():
            if guardian.email:
                people.setdefault(guardian, (None, []))[1].append(enrolment.learner.name)
    return people
