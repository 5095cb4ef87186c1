"""The progress tracker: what a learner follows, recording entries and evidence, current
levels, the record export and erasure. Every write checks who is asking."""

import csv
import io
import json
import logging
import math
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from commons.cache import remember
from commons.models import Learner, User
from commons.selectors import learners_guarded_by
from commons.services.households import erase_learner as erase_household_learner
from groups.choices import EnrolmentStatus, SessionStatus, SignupStatus
from groups.models import Attendance, Enrolment, GroupPage, Membership, Session
from groups.rota import is_session_adult
from groups.selectors import learners_visible_to
from learning.choices import Level, Source
from learning.models import (
    CurriculumPage,
    Evidence,
    FollowedCurriculum,
    LearningObjective,
    ProgressEntry,
    UnitPage,
)

logger = logging.getLogger(__name__)

ADULT_SOURCES = (Source.TUTOR, Source.GUARDIAN)
MB = 1024 * 1024
# A repeated POST (double click, back button, retry) within this window returns the
# entry it already made instead of adding a second one.
REPEAT_WINDOW = timedelta(minutes=10)
SNIFF_BYTES = 16


# What a learner follows


def followed_curricula(learner: Learner) -> QuerySet:
    """The live curricula the learner follows: those of courses they are actively enrolled
    on, and those a guardian added and has not removed. By title, each with
    `added_by_guardian`: whether a guardian's addition is one of the reasons.

    One IN over the union of the two reasons: two INs ORed made PostgreSQL expect a
    thousand curricula and walk every live page to join them."""
    enrolled = Enrolment.objects.filter(learner=learner, status=EnrolmentStatus.ACTIVE)
    added = FollowedCurriculum.objects.filter(learner=learner, removed_at__isnull=True)
    reasons = (
        enrolled.order_by()
        .values("course__curriculum")
        .union(added.order_by().values("curriculum"))
    )
    return (
        CurriculumPage.objects.live()
        .filter(pk__in=reasons)
        .annotate(added_by_guardian=Exists(added.filter(curriculum=OuterRef("pk"))))
        .order_by("title", "pk")
    )


def curricula_to_follow(*, following: Iterable[int], query: str = "") -> QuerySet:
    """The library's live, public curricula not among `following` (ids), by title: those
    with every word of `query` in their title or summary, when it has any."""
    curricula = CurriculumPage.objects.live().public().exclude(pk__in=list(following))
    for word in query.split():
        curricula = curricula.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return curricula.order_by("title", "pk")


def _check_guardian(learner: Learner, by: User) -> None:
    if not learners_guarded_by(by).filter(pk=learner.pk).exists():
        raise ValidationError(_("Only %(name)s's guardians can do that.") % {"name": learner})


@transaction.atomic
def follow(*, learner: Learner, curriculum: CurriculumPage, by: User) -> FollowedCurriculum:
    """Add a curriculum from the library to a learner's tracker (home education)."""
    _check_guardian(learner, by)
    if not curriculum.live:
        raise ValidationError(_("“%(title)s” is not published.") % {"title": curriculum.title})
    row, created = FollowedCurriculum.objects.select_for_update().get_or_create(
        learner=learner, curriculum=curriculum, defaults={"added_by": by}
    )
    if not created and row.removed_at is not None:
        row.removed_at = None
        row.added_by = by
        row.save(update_fields=["removed_at", "added_by"])
    return row


@transaction.atomic
def unfollow(*, learner: Learner, curriculum: CurriculumPage, by: User) -> None:
    """Take a curriculum a guardian added off the tracker; the row and the history stay."""
    _check_guardian(learner, by)
    FollowedCurriculum.objects.filter(
        learner=learner, curriculum=curriculum, removed_at__isnull=True
    ).update(removed_at=timezone.now())


# Recording progress


def may_record_as_tutor(learner: Learner, user: User) -> bool:
    """A confirmed adult of a scheduled session of a course the learner is actively
    enrolled on, or an admin of a group running such a course (and so able to see them)."""
    if not learners_visible_to(user).filter(pk=learner.pk).exists():
        return False
    courses = Enrolment.objects.filter(learner=learner, status=EnrolmentStatus.ACTIVE)
    is_session_adult = Session.objects.filter(
        course__in=courses.values("course"),
        status=SessionStatus.SCHEDULED,
        signups__user=user,
        signups__status=SignupStatus.CONFIRMED,
    ).exists()
    if is_session_adult:
        return True
    group_paths = {
        path[: -GroupPage.steplen] for path in courses.values_list("course__path", flat=True)
    }
    return Membership.objects.admins().filter(user=user, group__path__in=group_paths).exists()


def _check_may_record(learner: Learner, source: str, by: User) -> None:
    if source == Source.SELF:
        allowed = by.is_authenticated and learner.user_id == by.pk
    elif source == Source.GUARDIAN:
        allowed = learners_guarded_by(by).filter(pk=learner.pk).exists()
    elif source == Source.TUTOR:
        allowed = by.is_authenticated and may_record_as_tutor(learner, by)
    else:
        raise ValidationError(_("Choose who is recording: tutor, guardian or the learner."))
    if not allowed:
        raise ValidationError(
            _("You cannot record %(source)s progress for %(name)s.")
            % {"source": Source(source).label.lower(), "name": learner}
        )


def _check_objective(learner: Learner, objective: LearningObjective) -> None:
    if objective.retired:
        raise ValidationError(
            _("“%(statement)s” is retired: it is no longer tracked.")
            % {"statement": objective.statement}
        )
    unit = UnitPage.objects.filter(pk=objective.page_id).only("path").first()
    curricula = followed_curricula(learner).values_list("path", flat=True)
    if unit is None or Page._get_parent_path_from_path(unit.path) not in set(curricula):
        raise ValidationError(
            _("“%(statement)s” is not in anything %(name)s is following.")
            % {"statement": objective.statement, "name": learner}
        )


def _megabytes(size: int) -> str:
    value = math.ceil(size / MB * 10) / 10
    return f"{value:.1f}".removesuffix(".0")


def _sniff_content_type(head: bytes) -> str | None:
    """The file's type from its first bytes; the browser's claim is not trusted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def check_evidence_file(upload) -> str:
    """Return the sniffed content type of an upload, or say why it cannot be attached."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("That file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": _megabytes(upload.size), "limit": _megabytes(settings.EVIDENCE_MAX_BYTES)}
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    content_type = _sniff_content_type(head)
    if content_type not in settings.EVIDENCE_CONTENT_TYPES:
        raise ValidationError(_("Only photos (JPEG, PNG, WebP) and PDFs can be attached."))
    return content_type


def _repeat_of(learner, objective, level, source, note, by) -> ProgressEntry | None:
    return (
        ProgressEntry.objects.filter(
            learner=learner,
            objective=objective,
            level=level,
            source=source,
            note=note,
            recorded_by=by,
            recorded_at__gte=timezone.now() - REPEAT_WINDOW,
            evidence__isnull=True,
        )
        .order_by("-recorded_at", "-pk")
        .first()
    )


@transaction.atomic
def record_entry(
    *,
    learner: Learner,
    objective: LearningObjective,
    level: int,
    source: str,
    note: str = "",
    by: User,
    evidence_file=None,
) -> ProgressEntry:
    """Record a new progress entry (and its evidence), or say why not. Nothing is
    half-saved: an entry whose file is refused is not recorded either."""
    _check_may_record(learner, source, by)
    if level not in Level.values:
        raise ValidationError(_("Choose one of the four levels."))
    _check_objective(learner, objective)
    note = (note or "").strip()
    content_type = check_evidence_file(evidence_file) if evidence_file else None
    # Lock the learner so two copies of one submission are recorded one after the other.
    Learner.objects.select_for_update().filter(pk=learner.pk).first()
    if evidence_file is None:
        repeat = _repeat_of(learner, objective, level, source, note, by)
        if repeat is not None:
            return repeat
    entry = ProgressEntry.objects.create(
        learner=learner, objective=objective, level=level, source=source, note=note, recorded_by=by
    )
    if evidence_file is not None:
        _attach(entry, evidence_file, content_type)
    return entry


def _attach(entry: ProgressEntry, upload, content_type: str) -> Evidence:
    evidence = Evidence(
        entry=entry,
        original_name=(upload.name or "evidence")[:200],
        content_type=content_type,
        size=upload.size,
    )
    evidence.file.save(upload.name or "evidence", upload, save=False)
    name = evidence.file.name
    # The file is written before its row: if the row fails, the file must not stay behind.
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(name)
        raise
    return evidence


# Reading progress


@dataclass
class ObjectiveStatus:
    """Where a learner is with one objective: the adults' current entry and their own."""

    objective: LearningObjective
    current: ProgressEntry | None = None
    own: ProgressEntry | None = None
    achieved: bool = False

    @property
    def level(self) -> int:
        return self.current.level if self.current else Level.NOT_STARTED


def current_levels(learner: Learner, objectives: Iterable) -> dict[int, ObjectiveStatus]:
    """For each objective, the latest tutor-or-guardian entry (the current level) and the
    learner's latest self-assessment beside it, which never replaces it. One query."""
    objectives = list(objectives)
    statuses = {o.pk: ObjectiveStatus(o) for o in objectives}
    latest = ProgressEntry.objects.filter(
        learner=OuterRef("learner"), objective=OuterRef("objective")
    ).order_by("-recorded_at", "-pk")
    latest_adult = latest.filter(source__in=ADULT_SOURCES).values("pk")[:1]
    latest_own = latest.filter(source=Source.SELF).values("pk")[:1]
    entries = (
        ProgressEntry.objects.filter(learner=learner, objective__in=list(statuses))
        .filter(Q(pk=Subquery(latest_adult)) | Q(pk=Subquery(latest_own)))
        .select_related("recorded_by")
    )
    for entry in entries:
        status = statuses[entry.objective_id]
        if entry.source == Source.SELF:
            status.own = entry
        else:
            status.current = entry
    return statuses


@dataclass
class UnitSummary:
    """Where a learner is with one unit, in counts: what the summary pages show."""

    pk: int
    title: str
    total: int = 0
    achieved: int = 0
    said: int = 0  # objectives the learner says they have at the achieved level or above


@dataclass
class FollowedRow:
    """What a summary shows of a followed curriculum: a row, not a page (making a Wagtail
    page object costs more than reading its row)."""

    pk: int
    title: str
    path: str
    depth: int
    achieved_level: int
    added_by_guardian: bool


@dataclass
class CurriculumSummary:
    """A followed curriculum and its live units, in counts."""

    curriculum: FollowedRow
    units: list[UnitSummary] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(unit.total for unit in self.units)

    @property
    def achieved(self) -> int:
        return sum(unit.achieved for unit in self.units)

    @property
    def next_unit(self) -> UnitSummary | None:
        """The first unit, in the curriculum's order, with an objective not yet achieved."""
        return next((unit for unit in self.units if unit.achieved < unit.total), None)


@dataclass
class ProgressSummary:
    """Every followed curriculum in counts, and the history achieved_by_week draws: the
    adults' (objective id, level, recorded at), oldest first, the time None before the
    chart's first Monday; for each objective in it the level that counts as achieved; and
    the chart's Mondays."""

    curricula: list[CurriculumSummary]
    history: list[tuple[int, int, datetime | None]] = field(default_factory=list)
    needed: dict[int, int] = field(default_factory=dict)
    mondays: list[date] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(item.total for item in self.curricula)


def progress_summary(learner: Learner, *, history_weeks: int = 0) -> ProgressSummary:
    """Each followed curriculum with its live units, and in each how many current
    objectives there are, how many the adults' latest entries say are achieved and how
    many the learner says. Two queries (one when nothing is followed) and, once after
    each write to the commons, two more for the units: a learner following twenty
    curricula has some 1,400 objectives, which the summary counts without loading one.
    With `history_weeks`, also the history achieved_by_week draws for that many weeks."""
    mondays = _chart_mondays(history_weeks)
    fields = ["pk", "title", "path", "depth", "achieved_level", "added_by_guardian"]
    curricula = [FollowedRow(*row) for row in followed_curricula(learner).values_list(*fields)]
    if not curricula:
        return ProgressSummary([], mondays=mondays)
    by_path = {c.path: CurriculumSummary(c) for c in curricula}
    summaries, needed_in = {}, {}
    units, unit_of = followed_units(curricula)
    for pk, path, title, total in units:
        item = by_path[Page._get_parent_path_from_path(path)]
        summaries[pk] = UnitSummary(pk, title, total)
        needed_in[pk] = item.curriculum.achieved_level
        item.units.append(summaries[pk])
    summary = ProgressSummary(list(by_path.values()), mondays=mondays)
    _count_levels(learner, summary, summaries, needed_in, unit_of)
    return summary


def _chart_mondays(weeks: int) -> list[date]:
    """The Mondays starting the last `weeks` weeks, this one last."""
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def followed_units(curricula: list[FollowedRow]) -> tuple[list[tuple], dict[int, int]]:
    """(id, path, title, current objectives) of the curricula's live units, in order, and
    the unit of each of those current objectives, by objective id.

    The same for every learner following those curricula and changed only by publishing,
    so kept in the shared cache until the next write (commons.cache.remember)."""
    key = "followed-units-2:" + ",".join(str(pk) for pk in sorted(c.pk for c in curricula))
    return remember(key, lambda: _units_with_totals(curricula))


def _units_with_totals(curricula) -> tuple[list[tuple[int, str, str, int]], dict[int, int]]:
    # A range of paths per curriculum, and no ORDER BY, so that SQLite seeks each range
    # in the path index (MULTI-INDEX OR) instead of scanning every page in path order.
    children = Q()
    for curriculum in curricula:
        children |= Q(path__range=(curriculum.path + "0000", curriculum.path + "ZZZZ"))
    depths = {curriculum.depth + 1 for curriculum in curricula}
    units = UnitPage.objects.live().filter(children, depth__in=depths).order_by()
    rows = sorted(units.values_list("pk", "path", "title"), key=itemgetter(1))
    current = LearningObjective.objects.filter(page_id__in=[r[0] for r in rows], retired=False)
    unit_of = dict(current.order_by().values_list("pk", "page_id"))
    totals = Counter(unit_of.values())
    return [(pk, path, title, totals[pk]) for pk, path, title in rows], unit_of


def _count_levels(learner, summary, units: dict, needed_in: dict, unit_of: dict) -> None:
    """Read the learner's entries once, oldest first, and keep those on the units' current
    objectives (`unit_of`): the latest adult entry is each objective's level, the latest
    own one sits beside it. With the chart's Mondays, the adults' entries with their
    times, read only from the first Monday on: reading a time costs more than the rest
    of the row, and a long history has most of its entries before the chart starts.
    All the learner's entries, not a join to the objectives for their units: their
    other entries are few beside the join's lookup of every row's objective."""
    with_history = bool(summary.mondays)
    entries = ProgressEntry.objects.filter(learner=learner).order_by("recorded_at", "pk")
    fields = ["objective_id", "source", "level"]
    if with_history:
        start = timezone.make_aware(datetime.combine(summary.mondays[0], time.min))
        recent = When(recorded_at__gte=start, then=F("recorded_at"))
        entries = entries.annotate(at=Case(recent, default=None, output_field=DateTimeField()))
        fields.append("at")
    adults, own = {}, {}
    for objective, source, level, *at in entries.values_list(*fields):
        unit = unit_of.get(objective)
        if unit is None:
            continue
        if source == Source.SELF:
            own[objective] = (unit, level)
        elif source in ADULT_SOURCES:
            adults[objective] = (unit, level)
            if with_history:
                summary.history.append((objective, level, at[0]))
                summary.needed[objective] = needed_in[unit]
    for unit, level in adults.values():
        units[unit].achieved += level >= needed_in[unit]
    for unit, level in own.values():
        units[unit].said += level >= needed_in[unit]


@dataclass
class UnitProgress:
    """One followed unit of a learner's, objective by objective."""

    curriculum: CurriculumPage
    unit: UnitPage
    objectives: list[ObjectiveStatus]

    @property
    def total(self) -> int:
        return len(self.objectives)

    @property
    def achieved(self) -> int:
        return sum(status.achieved for status in self.objectives)


def unit_progress(learner: Learner, unit_id: int) -> UnitProgress | None:
    """A live unit of a curriculum the learner follows, with where they are with each of
    its current objectives; None for any other unit. Four queries."""
    unit = UnitPage.objects.live().filter(pk=unit_id).first()
    if unit is None:
        return None
    parent = Page._get_parent_path_from_path(unit.path)
    curriculum = followed_curricula(learner).filter(path=parent).first()
    if curriculum is None:
        return None
    objectives = unit.objectives.filter(retired=False).order_by("sort_order", "pk")
    statuses = list(current_levels(learner, objectives).values())
    for status in statuses:
        status.achieved = status.level >= curriculum.achieved_level
    return UnitProgress(curriculum, unit, statuses)


@dataclass
class RecentEntry:
    """One of a learner's latest entries as the dashboard lists it: a row, not an entry,
    its objective, its recorder and their evidence as models (which cost a third more)."""

    statement: str
    level: int
    source: str
    note: str
    recorded_at: datetime
    recorded_by: str  # their display name, or "" when they are gone
    evidence: list[tuple[int, str]] = field(default_factory=list)  # (id, original name)


def recent_entries(learner: Learner, limit: int = 10) -> list[RecentEntry]:
    """The learner's latest entries, newest first, with who recorded them and evidence.
    Two queries (one when there are none)."""
    names = ["display_name", "first_name", "last_name", "username"]
    rows = (
        ProgressEntry.objects.filter(learner=learner)
        .order_by("-recorded_at", "-pk")
        .values_list(
            "pk",
            "objective__statement",
            "level",
            "source",
            "note",
            "recorded_at",
            "recorded_by",
            *(f"recorded_by__{name}" for name in names),
        )[:limit]
    )
    entries = {}
    for pk, statement, level, source, note, at, by, *name in rows:
        # The user's own rule for their name, from the four fields it reads.
        by = User(**dict(zip(names, name, strict=True))).get_display_name() if by else ""
        entries[pk] = RecentEntry(statement, level, source, note, at, by)
    files = Evidence.objects.filter(entry__in=list(entries)).order_by("-uploaded_at", "-pk")
    for entry, pk, name in files.values_list("entry", "pk", "original_name"):
        entries[entry].evidence.append((pk, name))
    return list(entries.values())


def achieved_by_week(summary: ProgressSummary) -> list[tuple[date, int]]:
    """How many of the followed objectives were achieved at the end of each of the
    summary's weeks (a week starts on Monday), from a progress_summary's history: one
    walk through it, keeping the count as each objective's level changes."""
    mondays = summary.mondays
    levels: dict[int, int] = {}
    achieved = 0
    points = []
    history = iter(summary.history)
    pending = next(history, None)
    for monday in mondays:
        week_end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))
        # No time: recorded before the first Monday.
        while pending and (pending[2] is None or pending[2] < week_end):
            objective, level, _ = pending
            needed = summary.needed[objective]
            before = levels.get(objective)
            achieved += (level >= needed) - (before is not None and before >= needed)
            levels[objective] = level
            pending = next(history, None)
        points.append((monday, achieved))
    return points


# The portable record and erasure


def _latest_attendance(learner: Learner) -> list[Attendance]:
    """The learner's register marks, the latest per session (a correction replaces one)."""
    latest = {}
    marks = (
        Attendance.objects.filter(learner=learner)
        .select_related("session__course")
        .order_by("recorded_at", "pk")
    )
    for mark in marks:
        latest[mark.session_id] = mark
    return sorted(latest.values(), key=lambda mark: mark.session.start)


def learner_record(learner: Learner) -> dict:
    """Everything held about a learner's learning, as plain data for the export."""
    entries = (
        ProgressEntry.objects.filter(learner=learner)
        .select_related("objective__page", "recorded_by")
        .prefetch_related("evidence")
        .order_by("recorded_at", "pk")
    )
    enrolments = Enrolment.objects.filter(learner=learner).select_related("course")
    return {
        "learner": {"first_name": learner.name, "birth_year": learner.birth_year},
        "exported_at": timezone.now().isoformat(),
        "entries": [
            {
                "recorded_at": entry.recorded_at.isoformat(),
                "unit": entry.objective.page.title,
                "objective": entry.objective.statement,
                "level": entry.level,
                "level_name": str(Level(entry.level).label),
                "source": entry.source,
                "recorded_by": entry.recorded_by.get_display_name() if entry.recorded_by else "",
                "note": entry.note,
                "evidence": [_archive_name(evidence) for evidence in entry.evidence.all()],
            }
            for entry in entries
        ],
        "attendance": [
            {
                "course": mark.session.course.title,
                "session_start": mark.session.start.isoformat(),
                "presence": mark.presence,
            }
            for mark in _latest_attendance(learner)
        ],
        "enrolments": [
            {
                "course": enrolment.course.title,
                "status": enrolment.status,
                "since": enrolment.created_at.isoformat(),
            }
            for enrolment in enrolments
        ],
    }


def _archive_name(evidence: Evidence) -> str:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in evidence.original_name)
    return f"evidence/{evidence.pk}-{safe or 'file'}"


def _csv(rows: list[dict], fields: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "evidence": " ".join(row.get("evidence", []))})
    return out.getvalue()


def export_record(learner: Learner) -> bytes:
    """A ZIP of the learner's whole record: record.json, entries.csv, attendance.csv and
    the evidence files under evidence/."""
    record = learner_record(learner)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("record.json", json.dumps(record, indent=2, ensure_ascii=False))
        archive.writestr(
            "entries.csv",
            _csv(
                record["entries"],
                [
                    "recorded_at",
                    "unit",
                    "objective",
                    "level",
                    "level_name",
                    "source",
                    "recorded_by",
                    "note",
                    "evidence",
                ],
            ),
        )
        archive.writestr(
            "attendance.csv", _csv(record["attendance"], ["course", "session_start", "presence"])
        )
        for evidence in Evidence.objects.filter(entry__learner=learner):
            with evidence.file.open("rb") as stored:
                archive.writestr(_archive_name(evidence), stored.read())
    return buffer.getvalue()


@transaction.atomic
def erase_learner(*, learner: Learner, by: User) -> None:
    """Erase a learner at a guardian's request: their entries and evidence files (the only
    path that deletes entries), then the learner with their enrolments, attendance, medical
    notes and own login. Files go once the erasure commits."""
    _check_guardian(learner, by)
    ProgressEntry.objects.erase_for(learner)
    _anonymise_attendance(learner)
    erase_household_learner(learner=learner, by=by)


def _anonymise_attendance(learner: Learner) -> None:
    """Keep one nameless mark per session the learner was on, so the groups' numbers (who
    came, how many sessions ran full) still add up; drop the history of corrections."""
    marks = Attendance.objects.filter(learner=learner)
    latest = {}
    for pk, session_id in marks.order_by("recorded_at", "pk").values_list("pk", "session_id"):
        latest[session_id] = pk
    marks.exclude(pk__in=latest.values()).delete()
    marks.update(learner=None, recorded_by=None)


# The tutor's side: a session's progress grid and a course's overview


def latest_adult_levels(*, learner_ids: Iterable[int], objective_ids: Iterable[int]) -> dict:
    """The current level (the latest tutor or guardian entry) of each (learner id,
    objective id) pair that has one. One query, however long the history.

    The pairs' adult entries oldest first, the last of each pair winning: a grid's pairs
    have a few entries each, and a correlated subquery per row for the latest one cost
    twice the reading of them all."""
    rows = (
        ProgressEntry.objects.filter(
            source__in=ADULT_SOURCES,
            learner_id__in=list(learner_ids),
            objective_id__in=list(objective_ids),
        )
        .order_by("recorded_at", "pk")
        .values_list("learner_id", "objective_id", "level")
    )
    return {(learner, objective): level for learner, objective, level in rows}


def session_objectives(session: Session) -> QuerySet:
    """The objectives a session teaches: its unit's, not retired, in order."""
    if session.unit_id is None:
        return LearningObjective.objects.none()
    return LearningObjective.objects.filter(page_id=session.unit_id, retired=False).order_by(
        "sort_order", "pk"
    )


@transaction.atomic
def record_session_progress(
    *, session: Session, by: User, levels: dict[tuple[int, int], int], notes: dict[int, str]
) -> int:
    """Record a session's progress grid as tutor entries, one for each changed cell.

    `levels` maps (learner id, objective id) to the level chosen; `notes` maps a learner id
    to the note that goes with that learner's changed cells. Unchanged cells add nothing,
    so the same grid posted again records nothing. Returns how many entries were added.
    """
    # One grid of a session at a time: a double click waits, then finds nothing changed.
    session = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if not is_session_adult(session, by):
        raise ValidationError(_("Only the session's lead and helpers can record its progress."))
    objectives = set(session_objectives(session).values_list("pk", flat=True))
    enrolled = set(
        Enrolment.objects.filter(
            course_id=session.course_id, status=EnrolmentStatus.ACTIVE
        ).values_list("learner_id", flat=True)
    )
    if any(learner not in enrolled or obj not in objectives for learner, obj in levels):
        raise ValidationError(_("Progress can be recorded only for this session's learners."))
    if any(level not in Level.values for level in levels.values()):
        raise ValidationError(_("Choose one of the four levels."))
    current = latest_adult_levels(learner_ids=enrolled, objective_ids=objectives)
    changed = sorted(cell for cell, level in levels.items() if current.get(cell) != level)
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            learner_id=learner,
            objective_id=objective,
            level=levels[(learner, objective)],
            source=Source.TUTOR,
            note=(notes.get(learner) or "").strip(),
            recorded_by=by,
        )
        for learner, objective in changed
    )
    return len(changed)
