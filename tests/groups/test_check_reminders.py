"""The daily command that reminds tutors and their group admins before a check runs out."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from groups import services
from groups.choices import CheckLevel, Role
from groups.models import CheckReminder
from tests.factories import TutorProfileFactory, UserFactory, make_group

pytestmark = pytest.mark.django_db

RENEWAL = timezone.localdate() + timedelta(days=400)


@pytest.fixture
def admin(db):
    return UserFactory(username="ada", email="ada@example.org")


@pytest.fixture
def group(admin):
    return make_group(title="Riverside Home Ed", admins=[admin])


@pytest.fixture
def tutor(group):
    profile = TutorProfileFactory(user=UserFactory(username="sam", email="sam@example.org"))
    services.add_member(group=group, user=profile.user, role=Role.TUTOR)
    return profile


def record(tutor, group, by, renewal_date=RENEWAL):
    return services.record_check(
        tutor=tutor,
        level=CheckLevel.ENHANCED_BARRED,
        certificate_date=timezone.localdate() - timedelta(days=200),
        on_update_service=False,
        by=by,
        group=group,
        renewal_date=renewal_date,
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the command as if on `days_before` the renewal; return (output, emails sent)."""

    def run_on(days_before, renewal=RENEWAL):
        mail.outbox.clear()
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "send_check_reminders", today=renewal - timedelta(days=days_before), stdout=out
            )
        return out.getvalue(), list(mail.outbox)

    return run_on


def test_reminders_go_out_60_30_and_7_days_before_renewal(run, tutor, group, admin):
    check = record(tutor, group, admin)
    sent_on = {}
    for days_before in range(61, -1, -1):
        _output, emails = run(days_before)
        if emails:
            sent_on[days_before] = sorted(address for email in emails for address in email.to)
    assert sent_on == {
        60: ["ada@example.org", "sam@example.org"],
        30: ["ada@example.org", "sam@example.org"],
        7: ["ada@example.org", "sam@example.org"],
    }
    assert sorted(check.reminders.values_list("days_before", flat=True)) == [7, 30, 60]


def test_a_second_run_on_the_same_day_sends_nothing(run, tutor, group, admin):
    record(tutor, group, admin)
    output, emails = run(30)
    assert output.strip() == "Sent 1 reminder (2 emails)."
    assert len(emails) == 2
    output, emails = run(30)
    assert output.strip() == "Sent 0 reminders (0 emails)."
    assert emails == []


def test_a_late_first_run_sends_one_reminder_not_three(run, tutor, group, admin):
    check = record(tutor, group, admin)
    _output, emails = run(5)
    assert len(emails) == 2  # one to the tutor, one to the admin
    assert "in 5 days" in emails[0].body
    assert sorted(check.reminders.values_list("days_before", flat=True)) == [7, 30, 60]
    assert run(4)[1] == []


def test_a_run_between_thresholds_sends_the_one_reached(run, tutor, group, admin):
    check = record(tutor, group, admin)
    assert len(run(20)[1]) == 2
    assert sorted(check.reminders.values_list("days_before", flat=True)) == [30, 60]
    assert run(19)[1] == []
    assert len(run(7)[1]) == 2


def test_a_superseded_check_gets_no_reminders(run, tutor, group, admin):
    old = record(tutor, group, admin, renewal_date=RENEWAL)
    record(tutor, group, admin, renewal_date=RENEWAL + timedelta(days=365))
    _output, emails = run(30)
    assert emails == []
    assert not CheckReminder.objects.filter(check_record=old).exists()


def test_an_expired_check_gets_no_reminders(run, tutor, group, admin):
    record(tutor, group, admin)
    assert run(-1)[1] == []


def test_the_right_people_are_reminded_each_by_their_own_email(run, tutor, group, admin):
    verifier = UserFactory(username="vic", email="vic@example.org")
    verifying_group = make_group(title="Hilltop Co-op", admins=[verifier])
    other_group = make_group(title="Meadow Club", admins=[UserFactory(email="mo@example.org")])
    services.add_member(group=group, user=UserFactory(email="pat@example.org"), role=Role.PARENT)
    services.add_member(group=other_group, user=tutor.user, role=Role.TUTOR)
    services.leave_group(group=other_group, user=tutor.user)
    record(tutor, verifying_group, verifier)

    _output, emails = run(60)
    assert sorted(email.to[0] for email in emails) == [
        "ada@example.org",
        "sam@example.org",
        "vic@example.org",
    ]
    assert all(len(email.to) == 1 for email in emails)
    to_tutor = next(email for email in emails if email.to == ["sam@example.org"])
    assert "Your safeguarding check" in to_tutor.body
    assert f"/tutors/{tutor.pk}/" in to_tutor.body
    to_admin = next(email for email in emails if email.to == ["ada@example.org"])
    assert f"{tutor.user.get_display_name()}'s safeguarding check" in to_admin.body
