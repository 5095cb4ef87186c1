"""Email a group's admins when one of its sessions starts within 48 hours still short of adults.

Safe to run daily from cron and to run twice: a session is claimed by setting its
short_alert_sent_at with a conditional UPDATE, in the transaction that schedules the emails.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commons.services import send_mail_after_commit
from groups import selectors
from groups.models import Membership, Session

WITHIN = timedelta(hours=48)


def aware(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Email group admins about sessions within 48 hours that are still short of adults."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", type=aware, help="Act as if it were this time (ISO 8601). For testing."
        )

    def handle(self, *args, now=None, **options):
        now = now or timezone.now()
        due = selectors.sessions_short_of_adults(now, listed_only=False).filter(
            start__lt=now + WITHIN, short_alert_sent_at__isnull=True
        )
        alerted = 0
        for session in selectors.with_groups(due):
            alerted += alert(session=session, now=now)
        self.stdout.write(
            ngettext(
                "Alerted the admins of %(count)d session.",
                "Alerted the admins of %(count)d sessions.",
                alerted,
            )
            % {"count": alerted}
        )


@transaction.atomic
def alert(*, session: Session, now: datetime) -> int:
    """Claim the session's alert and email each admin of its group; 0 if already claimed."""
    claimed = Session.objects.filter(pk=session.pk, short_alert_sent_at__isnull=True).update(
        short_alert_sent_at=now
    )
    if not claimed:
        return 0
    group = session.group_page
    link = settings.WAGTAILADMIN_BASE_URL + reverse("groups:session_detail", args=[session.pk])
    admins = Membership.objects.admins().filter(group=group).exclude(user__email="")
    for membership in admins.select_related("user"):
        send_mail_after_commit(
            subject=_("Short of adults: %(session)s") % {"session": session},
            template="groups/emails/short_of_adults.txt",
            context={
                "name": membership.user.get_display_name(),
                "session": session,
                "group": group,
                "link": link,
            },
            to=[membership.user.email],
        )
    return 1
