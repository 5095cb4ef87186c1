"""Demo registers: past demo sessions with a lead get their register taken.

Runs after the demo courses (last in learning.demo.PARTS). Sessions that already have
marks are left alone, so it is safe to run again.
"""

from django.db.models import Q
from django.utils import timezone

from commons.management.commands.load_demo_data import Demo
from groups import rota
from groups.choices import EnrolmentStatus, Presence, SignupRole, SignupStatus
from groups.models import Enrolment, Session, TutorSignup


def _presence(index: int) -> str:
    """Most learners present; every fifth late and every seventh away, for believable history."""
    if index % 7 == 6:
        return Presence.ABSENT
    if index % 5 == 4:
        return Presence.LATE
    return Presence.PRESENT


def load_registers(demo: Demo) -> None:
    past = Session.objects.scheduled().filter(
        end__lt=timezone.now(),
        signups__role=SignupRole.LEAD,
        signups__status=SignupStatus.CONFIRMED,
    )
    marked = past.filter(Q(attendance__isnull=False) | Q(adult_attendance__isnull=False))
    for session in past.exclude(pk__in=marked.values("pk")).select_related("course").distinct():
        lead = TutorSignup.objects.get(
            session=session, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
        ).user
        learners = Enrolment.objects.filter(
            course=session.course, status=EnrolmentStatus.ACTIVE
        ).order_by("learner__name", "pk")
        adults = TutorSignup.objects.filter(session=session, status=SignupStatus.CONFIRMED)
        added = rota.take_register(
            session=session,
            by=lead,
            learners={e.learner_id: _presence(i + session.pk) for i, e in enumerate(learners)},
            adults={signup.user_id: True for signup in adults},
        )
        if added:
            demo.changed.append(f"Register of {session}")
