"""The library's share of `seed_scale`: curricula, units, objectives and progress.

Found by name by `seed_scale`, which runs `PARTS` after the groups' parts. Courses follow
curricula, so the groups' course parts run here, between the curricula and the progress
their sessions record (as `learning.demo` runs the demo courses).

What the parts leave in `ctx.data`:
  "curricula"   {group id: [CurriculumPlan]}; "library" [CurriculumPlan] any group may adopt
  "objectives"  {unit id: [objective id]} of the objectives still tracked
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.text import slugify

from commons.scale_tools import (
    HISTORY_DAYS,
    PageMaker,
    Parent,
    Scale,
    heading,
    index_pages,
    insert,
    insert_rows,
    link,
    paragraph,
    spread,
    through_of,
    uuid_from,
    words,
    zipf_weights,
)
from groups import scale_courses
from learning.choices import Level, Licence, Source
from learning.models import (
    CurriculumPage,
    FollowedCurriculum,
    LearningObjective,
    ProgressEntry,
    Subject,
    UnitPage,
)

# Per subject: curriculum topics, unit titles, and the doings and things of "I can …".
TOPICS = {
    "maths": (
        "Fractions in the Kitchen, Place Value Detectives, Shape and Space, Measuring the "
        "World, Money Matters, Times Tables Quest, Patterns and Sequences, Telling the Time, "
        "Data and Graphs, Puzzles and Proof",
        "Halves and quarters, Counting in steps, Comparing numbers, Adding and subtracting, "
        "Sharing equally, Measuring length, Reading scales, Solving problems, Estimating",
        "count, compare, add, subtract, share, measure, estimate, sort, explain, draw",
        "numbers to a hundred, fractions of a shape, lengths in centimetres, coins and notes, "
        "times on a clock, shapes by their sides, a bar chart, a number pattern, my working",
    ),
    "english": (
        "Reading for Pleasure, Story Makers, Poetry Aloud, Phonics Adventures, Letter "
        "Writing, Myths and Legends, Persuasive Writing, Book Club Companions",
        "Sounds and letters, Reading aloud, Characters, Settings, Planning a story, Drafting, "
        "Editing, Performing, Spelling patterns, Punctuation",
        "read, retell, describe, write, spell, punctuate, perform, plan, edit, explain",
        "a short story, a character's feelings, a setting, a letter, a poem, full stops and "
        "capitals, common words, what happens next, my favourite book, a persuasive argument",
    ),
    "science": (
        "Forces and Motion, Kitchen Chemistry, Light and Shadows, Electricity Explorers, "
        "Materials Lab, The Human Body, Sound and Vibration, Space and the Planets",
        "Asking questions, Fair tests, Measuring carefully, Recording results, Pushes and "
        "pulls, Circuits, Changing materials, Our senses, The solar system",
        "predict, test, measure, record, observe, explain, compare, classify, build, describe",
        "a fair test, my results, a simple circuit, how shadows form, solids and liquids, "
        "what a magnet attracts, how sound travels, the planets in order, my prediction",
    ),
    "nature": (
        "Minibeasts, Seasons in the Woods, Pond Life, Growing Food, Trees of Ashby Vale, "
        "Birdwatching, Wild Art, Bushcraft Basics",
        "Finding minibeasts, Life cycles, Habitats, Planting seeds, Leaves and bark, "
        "Bird songs, Shelter building, Fire safety, Leave no trace",
        "find, name, identify, plant, care for, build, record, sketch, explain, protect",
        "five minibeasts, a life cycle, a habitat, a seedling, three trees by their leaves, "
        "a bird by its song, a den, a safe fire circle, what animals need",
    ),
    "art": (
        "Colour and Paint, Clay and Sculpture, Printmaking, Drawing from Life, Collage "
        "Stories, Textiles and Weaving, Art of the World",
        "Mixing colours, Line and mark, Texture, Printing, Modelling clay, Weaving, "
        "Portraits, Still life, Exhibition",
        "mix, draw, paint, print, model, weave, choose, describe, display, evaluate",
        "secondary colours, a self-portrait, a repeating print, a clay pot, a woven mat, "
        "a still life, my sketchbook, an artist's style, my finished piece",
    ),
    "music": (
        "Singing Together, Rhythm and Beat, Ukulele for Beginners, Recorder Club, "
        "Composing Songs, Music Around the World, Samba Band",
        "Keeping the beat, Pitch, Simple chords, Reading notation, Call and response, "
        "Composing, Performing, Listening",
        "clap, sing, play, keep, read, compose, perform, listen to, describe, follow",
        "a steady beat, a simple rhythm, three chords, a round, notes on a stave, a short "
        "tune, in front of others, a piece of music, a conductor",
    ),
    "history": (
        "Local History Walks, The Romans in Britain, Victorians at School, Castles and "
        "Kings, Ancient Egypt, The Story of Our Street, Oral History",
        "Sources, Timelines, Then and now, Everyday life, Buildings, Interviews, Maps, "
        "Presenting the past",
        "order, compare, describe, find, ask, use, explain, present, record, question",
        "events on a timeline, then and now, an old photograph, a primary source, an old map, "
        "an interview, daily life long ago, why things changed, my findings",
    ),
    "computing": (
        "Coding with Micro:bits, Scratch Games, Robots and Sensors, Web Pages from Scratch, "
        "Staying Safe Online, Python for Beginners, Digital Art",
        "Algorithms, Sequences, Loops, Conditions, Variables, Debugging, Sensors, Sharing safely",
        "write, run, debug, explain, predict, change, build, test, use, keep",
        "an algorithm, a sequence of steps, a loop, an if statement, a variable, a bug, "
        "a sensor reading, a simple game, my password safe",
    ),
}
GUIDANCE = [
    "Look for it in what they do, not only in what they say.",
    "Let them show you twice on different days before recording it as secure.",
    "",
    "",
]
NOTES = [
    "Really getting the hang of this.",
    "Needed a reminder but then did it on their own.",
    "Explained it to a friend.",
    "Did this at home with us at the weekend.",
    "",
    "",
    "",
]


@dataclass
class CurriculumPlan:
    """A generated curriculum as the course and progress parts see it."""

    pk: int
    group: int
    title: str
    ages: tuple[int, int]
    shared: bool
    units: list[int] = field(default_factory=list)


def _vocabulary(subject: str) -> tuple[list[str], ...]:
    topics, units, doings, things = TOPICS.get(subject, TOPICS["maths"])
    return tuple(words(text, sep=", ") for text in (topics, units, doings, things))


def _curriculum(rng, group, title: str) -> CurriculumPage:
    low, high = group.ages
    youngest = rng.randint(low, max(low, high - 2))
    oldest = min(high, youngest + rng.randint(2, 5))
    return CurriculumPage(
        title=title,
        slug=slugify(title),
        summary=f"{title}: hands-on sessions for ages {youngest} to {oldest}.",
        min_age=youngest,
        max_age=oldest,
        suggested_duration=rng.choice(["6 weekly sessions", "A term of weekly sessions", ""]),
        body=[
            heading("About this curriculum", rng),
            paragraph(
                "<p>Written by the group's tutors and tried out with their learners. Adapt "
                "the activities to the children in front of you.</p>",
                rng,
            ),
        ],
        licence=rng.choices(
            [Licence.CC_BY_SA, Licence.CC_BY, Licence.ALL_RIGHTS_RESERVED], [70, 20, 10]
        )[0],
        achieved_level=rng.choices(
            [Level.SECURE, Level.MASTERED, Level.WORKING_TOWARDS], [85, 10, 5]
        )[0],
    )


def _activity(rng, title: str) -> dict:
    def items(values):
        return [{"type": "item", "value": v, "id": str(uuid_from(rng))} for v in values]

    return {
        "type": "activity",
        "id": str(uuid_from(rng)),
        "value": {
            "title": f"Try it: {title.lower()}",
            "duration_minutes": rng.choice([15, 20, 30, 45]),
            "materials": items(["Paper and pencils", "A timer"]),
            "steps": items(["Show the idea with a real example.", "Let pairs try it out."]),
        },
    }


def build_curricula(ctx: Scale) -> str:
    """Curricula in the groups' corners (big groups write more), each with its units and
    their "I can …" objectives; one in ten adopted from another group and adapted."""
    rng = ctx.rng("curricula")
    groups = ctx.data["groups"]
    per_group = spread(ctx.target("curricula"), zipf_weights(len(groups), 0.8, 5))
    slots = [group for group, count in zip(groups, per_group, strict=True) for _ in range(count)]
    adapting = [n >= 5 and rng.random() < 0.1 for n in range(len(slots))]
    subjects = dict(Subject.objects.values_list("pk", "slug"))
    ids = {slug: pk for pk, slug in subjects.items()}
    maker, plans, slugs = PageMaker(rng), [], set()
    for group, adapted in zip(slots, adapting, strict=True):
        if not adapted:
            subject = subjects.get(rng.choice(group.subjects), "maths")
            topic = rng.choice(_vocabulary(subject)[0])
            title = topic if rng.random() < 0.6 else f"{topic} for {group.ages[0]}–{group.ages[1]}s"
            plans.append(_place(ctx, rng, maker, slugs, group, subject, title))
    maker.insert([g.parent for g in groups])
    originals = [p for p in plans if p[0].licence != Licence.ALL_RIGHTS_RESERVED]
    for group, adapted in zip(slots, adapting, strict=True):
        if adapted and originals:
            original, _group, subject = rng.choice(originals)
            page, *_rest = _place(ctx, rng, maker, slugs, group, subject, original.title)
            page.summary = f"Our version of {original.title}, adapted for our learners."
            page.adapted_from_id = original.pk
            plans.append((page, group, subject))
    maker.insert([g.parent for g in groups])
    link(
        through_of(CurriculumPage, "subjects"),
        [(page.pk, ids[subject]) for page, _group, subject in plans if subject in ids],
        "curriculumpage",
        "subject",
    )
    units = _build_units(ctx, rng, plans)
    index_pages(CurriculumPage, [page.pk for page, _g, _s in plans])
    ctx.count("pages", len(plans) + units)
    return f"{len(plans)} curricula, {units} units, {ctx.made.get('objectives', 0)} objectives"


def _place(ctx: Scale, rng, maker, slugs, group, subject: str, title: str) -> tuple:
    """Make a curriculum page under its group, with a slug no sibling has."""
    page = _curriculum(rng, group, title)
    n = 1
    while (group.pk, page.slug) in slugs:
        n += 1
        page.slug = f"{slugify(title)}-{n}"
    slugs.add((group.pk, page.slug))
    published = ctx.now - timedelta(days=rng.randint(HISTORY_DAYS, 1300))
    maker.add(group.parent, page, published=published)
    return page, group, subject


def _build_units(ctx: Scale, rng, plans) -> int:
    unit_counts = spread(ctx.target("units"), [rng.uniform(0.5, 1.5) for _ in plans], 1)
    maker, units, parents = PageMaker(rng), [], []
    by_group, library = {}, []
    for (page, group, subject), count in zip(plans, unit_counts, strict=True):
        parent = Parent(page.pk, page.path, page.depth, page.url_path)
        parents.append(parent)
        plan = CurriculumPlan(
            page.pk,
            group.pk,
            page.title,
            (page.min_age, page.max_age),
            page.licence != Licence.ALL_RIGHTS_RESERVED,
        )
        by_group.setdefault(group.pk, []).append(plan)
        if plan.shared:
            library.append(plan)
        titles = _vocabulary(subject)[1]
        for n in range(count):
            title = titles[n % len(titles)]
            if n >= len(titles):
                title = f"{title} {n // len(titles) + 1}"
            unit = UnitPage(
                title=title,
                slug=slugify(title),
                summary=f"{title}, step by step.",
                body=[
                    paragraph(f"<p>Notes for whoever leads {title.lower()}.</p>", rng),
                    _activity(rng, title),
                ],
            )
            maker.add(parent, unit, published=page.first_published_at)
            units.append((unit, plan, subject))
    maker.insert(parents)
    for unit, plan, _subject in units:
        plan.units.append(unit.pk)
    _build_objectives(ctx, rng, units)
    index_pages(UnitPage, [unit.pk for unit, _p, _s in units])
    ctx.data.update(curricula=by_group, library=library)
    return len(units)


def _build_objectives(ctx: Scale, rng, units) -> None:
    counts = spread(ctx.target("objectives"), [rng.uniform(0.5, 1.5) for _ in units], 1)
    rows = []
    for (unit, _plan, subject), count in zip(units, counts, strict=True):
        _topics, _units, doings, things = _vocabulary(subject)
        statements = [f"I can {d} {t}" for d in doings for t in things]
        for n, statement in enumerate(rng.sample(statements, min(count, len(statements)))):
            rows.append(
                LearningObjective(
                    page_id=unit.pk,
                    sort_order=n,
                    statement=statement,
                    guidance=rng.choice(GUIDANCE),
                    retired=rng.random() < 0.02,
                )
            )
    insert(LearningObjective, rows)
    tracked = {}
    for row in rows:
        if not row.retired:
            tracked.setdefault(row.page_id, []).append(row.pk)
    ctx.data["objectives"] = tracked
    ctx.count("objectives", len(rows))


# --- Progress -----------------------------------------------------------------------------

REVISIT = timedelta(days=14)
PASSES = 3


def _observations(ctx: Scale, course, objectives) -> list[tuple]:
    """Every moment an adult (or the learner) could have recorded an objective of a course:
    after each past session of its unit, and on two later visits a fortnight apart."""
    moments = []
    for _pk, _start, end, unit, cancelled in course.sessions:
        if cancelled or unit is None or end > ctx.now:
            continue
        for objective in objectives.get(unit, ()):
            for visit in range(PASSES):
                when = end + REVISIT * visit
                if when <= ctx.now:
                    moments.append((when, objective, visit))
    return moments


def build_progress(ctx: Scale) -> str:
    """Progress for the learners on courses with a curriculum: mostly tutors after a
    session, some guardians at home, some learners' own views; levels rise over time."""
    rng = ctx.rng("progress")
    objectives, learners = ctx.data["objectives"], ctx.data["learners"]
    pairs = []
    for course in ctx.data["courses"]:
        if course.curriculum is None or not course.enrolled:
            continue
        moments = _observations(ctx, course, objectives)
        if moments:
            pairs += [(course, learner, moments) for learner in course.enrolled]
    quotas = spread(ctx.target("progress"), [len(m) for _c, _l, m in pairs])
    made, pending = 0, []
    for (course, learner, moments), quota in zip(pairs, quotas, strict=True):
        chosen = sorted(rng.sample(moments, min(quota, len(moments))), key=lambda m: m[0])
        pending += _entries(rng, course, learner, learners[learner], chosen)
        if len(pending) >= 20_000:
            made += _flush(pending)
    made += _flush(pending)
    followed = _follow(ctx, rng)
    ctx.count("progress", made)
    return f"{made} progress entries, {followed} curricula followed at home"


def _entries(rng, course, learner: int, about: tuple, chosen: list[tuple]) -> list:
    """Entries for one learner on one course, each objective's level rising as it goes."""
    _birth_year, login, guardians = about
    levels, entries = {}, []
    for when, objective, visit in chosen:
        source, by = Source.TUTOR, course.lead
        if visit == 1 and rng.random() < 0.4:
            source, by = Source.GUARDIAN, rng.choice(guardians)
        elif visit == 2 and login and rng.random() < 0.5:
            source, by = Source.SELF, login
        if objective not in levels:
            levels[objective] = rng.choice([0, 1, 1, 2])
        else:
            levels[objective] = min(Level.MASTERED, levels[objective] + rng.choice([0, 1, 1]))
        level = levels[objective]
        if source == Source.SELF:
            level = max(0, min(Level.MASTERED, level + rng.choice([-1, 0, 0, 1])))
        note = rng.choice(NOTES) if source != Source.SELF else ""
        at = when + timedelta(minutes=rng.randint(5, 180))
        entries.append((learner, objective, int(level), source.value, note, by, at))
    return entries


ENTRY_COLUMNS = ("learner", "objective", "level", "source", "note", "recorded_by", "recorded_at")


def _flush(pending: list) -> int:
    """Insert the waiting entries, their past dates kept, and forget them: only ever an
    insert, so the history stays append-only (DESIGN.md, invariant 3)."""
    count = insert_rows(ProgressEntry, ENTRY_COLUMNS, pending)
    pending.clear()
    return count


def _follow(ctx: Scale, rng) -> int:
    """A few home-educating families follow a library curriculum in their child's tracker."""
    library = ctx.data["library"]
    if not library:
        return 0
    rows = [
        FollowedCurriculum(
            learner_id=learner,
            curriculum_id=rng.choice(library).pk,
            added_by_id=guardians[0],
            added_at=ctx.now - timedelta(days=rng.randint(10, 400)),
        )
        for learner, (_year, _login, guardians) in ctx.data["learners"].items()
        if rng.random() < 0.03
    ]
    insert(FollowedCurriculum, rows)
    return len(rows)


PARTS = [
    build_curricula,
    scale_courses.build_courses,
    scale_courses.build_bookings,
    scale_courses.build_enrolments,
    scale_courses.build_sessions,
    scale_courses.build_registers,
    build_progress,
]
