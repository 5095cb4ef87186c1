"""Demo progress: a term of entries for the demo children on their enrolled courses.

Runs last in learning.demo.PARTS, after the demo courses and registers, and finds them by
data alone: each demo child's active enrolments, their courses' curricula and sessions.
A child who already has entries is left alone, so it is safe to run again.
"""

import struct
import zlib
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from commons.management.commands.load_demo_data import Demo
from groups.choices import EnrolmentStatus, SignupRole, SignupStatus
from groups.models import Enrolment, TutorSignup
from learning.choices import Level, Source
from learning.models import Evidence, LearningObjective, ProgressEntry, UnitPage

TUTOR_NOTES = [
    "Had a go with lots of encouragement.",
    "Explained it to a partner in their own words.",
    "Needed the picture cards, then managed on their own.",
    "Did it quickly and checked their answer.",
    "Helped another learner who was stuck.",
]
GUARDIAN_NOTES = [
    "Did this at home while we baked on Saturday.",
    "Talked me through it at dinner without being asked.",
]
# (red, green, blue) squares of "work" for the generated evidence photos.
EVIDENCE_COLOURS = [(214, 96, 60), (64, 140, 98), (70, 110, 180)]


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A small striped PNG made in code: no downloads, no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b""
    for y in range(height):
        shade = colour if (y // 8) % 2 == 0 else (250, 248, 240)
        rows += b"\x00" + bytes(shade) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _objectives_for(enrolment: Enrolment) -> list[LearningObjective]:
    course = enrolment.course
    units = course.units.all()
    if not units.exists() and course.curriculum_id:
        units = UnitPage.objects.live().child_of(course.curriculum)
    return list(
        LearningObjective.objects.filter(page__in=units.values("pk"), retired=False).order_by(
            "page__path", "sort_order", "pk"
        )
    )


def _lead_of(enrolment: Enrolment):
    signup = (
        TutorSignup.objects.filter(
            session__course=enrolment.course,
            role=SignupRole.LEAD,
            status=SignupStatus.CONFIRMED,
        )
        .select_related("user")
        .order_by("session__start")
        .first()
    )
    return signup.user if signup else None


def _term_of_entries(learner, objectives, tutor, guardian, offset: int) -> list[ProgressEntry]:
    """Entries over about ten weeks: tutors' levels rising, a few guardian observations,
    and the learner's own views, which differ from the tutor's now and then."""
    entries = []
    for n, objective in enumerate(objectives):
        tutor_level = min(Level.MASTERED, 1 + (n + offset) % 3)
        for step in range(1, tutor_level + 1):
            entries.append(
                ProgressEntry(
                    learner=learner,
                    objective=objective,
                    level=step,
                    source=Source.TUTOR,
                    note=TUTOR_NOTES[(n + step + offset) % len(TUTOR_NOTES)],
                    recorded_by=tutor,
                )
            )
        if n % 3 == 1 and guardian is not None:
            entries.append(
                ProgressEntry(
                    learner=learner,
                    objective=objective,
                    level=tutor_level,
                    source=Source.GUARDIAN,
                    note=GUARDIAN_NOTES[n % len(GUARDIAN_NOTES)],
                    recorded_by=guardian,
                )
            )
        if n % 2 == 0:
            # Learners are often bolder (or shyer) than their tutors about themselves.
            own = tutor_level + 1 if n % 4 == 0 else tutor_level - 1
            entries.append(
                ProgressEntry(
                    learner=learner,
                    objective=objective,
                    level=max(Level.NOT_STARTED, min(Level.MASTERED, own)),
                    source=Source.SELF,
                    recorded_by=learner.user,
                )
            )
    return entries


def _spread_over_a_term(entries: list[ProgressEntry]) -> None:
    """Date the entries over the last ten weeks, oldest first."""
    now = timezone.now()
    span = timedelta(weeks=10)
    for index, entry in enumerate(entries):
        entry.recorded_at = now - span + span * index / max(1, len(entries))


def _attach_evidence(entries: list[ProgressEntry], learner) -> None:
    tutor_entries = [e for e in entries if e.source == Source.TUTOR and e.level >= Level.SECURE]
    for index, entry in enumerate(tutor_entries[: len(EVIDENCE_COLOURS)]):
        data = png(48, 32, EVIDENCE_COLOURS[index])
        evidence = Evidence(
            entry=entry,
            original_name=f"work-{index + 1}.png",
            content_type="image/png",
            size=len(data),
        )
        evidence.file.save(f"work-{index + 1}.png", ContentFile(data), save=False)
        evidence.save()


def load_progress(demo: Demo) -> None:
    for offset, name in enumerate(["Maya", "Leo"]):
        learner = demo.learners.get(name)
        if learner is None or ProgressEntry.objects.filter(learner=learner).exists():
            continue
        enrolments = Enrolment.objects.filter(
            learner=learner, status=EnrolmentStatus.ACTIVE
        ).select_related("course")
        entries = []
        for enrolment in enrolments:
            objectives = _objectives_for(enrolment)
            tutor = _lead_of(enrolment)
            guardian = learner.guardians.order_by("pk").first()
            entries += _term_of_entries(learner, objectives, tutor, guardian, offset)
        if not entries:
            continue
        _spread_over_a_term(entries)
        for entry in entries:
            # A raw insert, as loaddata does, keeps the back-dated recorded_at that
            # auto_now_add would otherwise replace: still an insert, never an update.
            entry.save_base(raw=True, force_insert=True)
        _attach_evidence(entries, learner)
        demo.changed.append(f"A term of progress for {name}")
