"""Demo "who looked at my child": the demo tutor has opened Maya's record a few times.

Runs after the demo progress in learning.demo.PARTS, so the parent sees the log on
Maya's household page. Back-dated rows, as record_views would have written them at the
time; a learner who already has a log is left alone, so it is safe to run again.
"""

from datetime import timedelta

from django.utils import timezone

from commons.choices import RecordPage
from commons.management.commands.load_demo_data import Demo
from commons.models import LearnerRecordView
from commons.services.record_views import slot_of
from groups.models import Enrolment
from groups.selectors import role_towards_learner

# (page, days ago, hours, minutes): a register before a session, then her progress.
VISITS = [
    (RecordPage.REGISTER, 9, 9, 20),
    (RecordPage.SESSION_PROGRESS, 9, 11, 5),
    (RecordPage.LEARNER_PAGE, 2, 19, 40),
]


def load_record_views(demo: Demo) -> None:
    maya, tutor = demo.learners.get("Maya"), demo.users.get("tutor")
    if maya is None or tutor is None or LearnerRecordView.objects.filter(learner=maya).exists():
        return
    role, group = role_towards_learner(tutor, maya)
    course = (
        Enrolment.objects.filter(learner=maya, course__sessions__signups__user=tutor)
        .values_list("course__title", flat=True)
        .first()
    )
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = []
    for page, days, hours, minutes in VISITS:
        at = today - timedelta(days=days) + timedelta(hours=hours, minutes=minutes)
        about = "" if page == RecordPage.LEARNER_PAGE else course or ""
        rows.append(
            LearnerRecordView(
                learner=maya,
                viewer=tutor,
                viewer_name=tutor.get_display_name(),
                role=role,
                group_name=group,
                page=page,
                about=about,
                at=at,
                slot=slot_of(at),
            )
        )
    LearnerRecordView.objects.bulk_create(rows)
    demo.changed.append("Who has looked at Maya's record")
