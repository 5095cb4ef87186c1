"""Email tutors and their group admins as a safeguarding check's renewal date comes near.

Safe to run daily from cron and to run twice: each (check, threshold) is remembered in a
CheckReminder row, and the row is written in the same transaction that schedules the email.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commons.services import send_mail_after_commit
from groups.models import CheckReminder, Membership, SafeguardingCheck


class Command(BaseCommand):
    help = "Email tutors and their group admins 60, 30 and 7 days before a check's renewal."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="Act as if today were this date (YYYY-MM-DD). For testing.",
        )

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        thresholds = sorted(settings.SAFEGUARDING_REMINDER_DAYS)
        due = (
            SafeguardingCheck.objects.current(today)
            .filter(renewal_date__lte=today + timedelta(days=thresholds[-1]))
            # Only the check that counts for the tutor now: a superseded one needs no renewal.
            .filter(tutor__current_check=F("pk"))
            .select_related("tutor__user", "verified_by_group")
            .prefetch_related("reminders")
        )
        reminded = emails = 0
        for check in due:
            days_left = (check.renewal_date - today).days
            reached = [days for days in thresholds if days_left <= days]
            sent = remind(check=check, reached=reached, days_left=days_left)
            if sent:
                reminded += 1
                emails += sent
        self.stdout.write(
            ngettext(
                "Sent %(count)d reminder (%(emails)d emails).",
                "Sent %(count)d reminders (%(emails)d emails).",
                reminded,
            )
            % {"count": reminded, "emails": emails}
        )


def remind(*, check: SafeguardingCheck, reached: list[int], days_left: int) -> int:
    """Send the reminder for the nearest threshold reached, once; return how many emails.

    A late first run (say 20 days before renewal) sends only the 30-day reminder and
    records the 60-day one as done, so nobody gets three emails at once.
    """
    done = {reminder.days_before for reminder in check.reminders.all()}
    nearest = reached[0]
    if nearest in done:
        return 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                CheckReminder.objects.create(check_record=check, days_before=nearest)
        except IntegrityError:
            return 0  # another run got there first
        CheckReminder.objects.bulk_create(
            [CheckReminder(check_record=check, days_before=days) for days in reached[1:]],
            ignore_conflicts=True,
        )
        return _send(check=check, days_left=days_left)


def _send(*, check: SafeguardingCheck, days_left: int) -> int:
    """Email the tutor and each admin separately, so no one sees the others' addresses."""
    tutor = check.tutor
    link = settings.WAGTAILADMIN_BASE_URL + reverse("groups:tutor_detail", args=[tutor.pk])
    subject = _("Safeguarding check for %(name)s: renew by %(date)s") % {
        "name": tutor.user.get_display_name(),
        "date": date_format(check.renewal_date, "j F Y"),
    }
    context = {"check": check, "tutor": tutor, "days_left": days_left, "link": link}
    recipients = []
    if tutor.user.email:
        recipients.append((tutor.user.email, tutor.user.get_display_name(), True))
    recipients += [(email, name, False) for email, name in _admins_of(check)]
    for email, name, for_tutor in recipients:
        send_mail_after_commit(
            subject=subject,
            template="groups/emails/check_reminder.txt",
            context={**context, "name": name, "for_tutor": for_tutor},
            to=[email],
        )
    return len(recipients)


def _admins_of(check: SafeguardingCheck) -> list[tuple[str, str]]:
    """Admins of the groups the tutor actively belongs to, and of the group that verified."""
    user = check.tutor.user
    groups = list(Membership.objects.active().filter(user=user).values_list("group", flat=True))
    if check.verified_by_group_id:
        groups.append(check.verified_by_group_id)
    admins = (
        Membership.objects.admins()
        .filter(group__in=groups)
        .exclude(user=user)
        .exclude(user__email="")
        .select_related("user")
    )
    by_email = {m.user.email.lower(): (m.user.email, m.user.get_display_name()) for m in admins}
    return sorted(by_email.values())
