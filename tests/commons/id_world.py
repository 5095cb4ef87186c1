"""Two groups side by side for the id sweeps: everything "ours" has a twin that is "theirs",
plus private and draft pages. A sweep asks for theirs while signed in as one of ours.

Names of what must never reach one of ours carry the marker THEIRS, so a test can say
"nothing of theirs is on this page" with one search.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from commons.models import Booking, GuardianInvitation, Learner
from commons.permissions import sync_space_managers_group
from commons.services import bookings as booking_services
from commons.services import households
from groups import rota
from groups.choices import EnrolmentStatus, SignupRole, SignupStatus
from groups.models import (
    AdultAttendance,
    Attendance,
    CalendarToken,
    Enrolment,
    Membership,
    SafeguardingCheck,
    Session,
    TutorProfile,
    TutorSignup,
)
from learning.choices import Level, Source
from learning.models import Evidence, FollowedCurriculum, LearningObjective, ProgressEntry, UnitPage
from tests.commons.api_world import draft_group, draft_space
from tests.factories import (
    LearnerFactory,
    UserFactory,
    at,
    checked_tutor,
    make_course,
    make_group,
    make_session,
    make_space,
)
from tests.learning.builders import make_curriculum

MARKER = "THEIRS"
THEIR_UNITS = {
    f"{MARKER} unit": [f"I can keep {MARKER} secrets one.", f"I can keep {MARKER} secrets two."]
}
DRAFT_UNITS = {f"{MARKER} draft unit": [f"I can read the {MARKER} draft objective."]}


def restrict(page) -> None:
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="hush"
    )


class World(SimpleNamespace):
    """Everything the sweeps ask for, by the name a case reads naturally."""


def objectives_of(page) -> list[LearningObjective]:
    units = UnitPage.objects.descendant_of(page).order_by("path")
    return list(LearningObjective.objects.filter(page__in=units).order_by("page__path", "pk"))


def build_world() -> World:
    """Our group and theirs, each with an admin, a checked tutor leading a session, a family
    with an enrolled child, a space booking waiting for its manager and a join request."""
    ada = UserFactory(username="ada", display_name="Ada Ours")
    bea = UserFactory(username="bea", display_name=f"Bea {MARKER}")
    ours = make_group(title="Our Co-op", admins=[ada])
    theirs = make_group(title=f"{MARKER} Co-op", admins=[bea])
    tom = checked_tutor(group=ours, admin=ada, username="tom", display_name="Tom Ours")
    tess = checked_tutor(group=ours, admin=ada, username="tess", display_name="Tess Ours")
    ben = checked_tutor(group=theirs, admin=bea, username="ben", display_name=f"Ben {MARKER}")
    cara = checked_tutor(group=theirs, admin=bea, username="cara", display_name=f"Cara {MARKER}")
    # A tutor of ours offers help at their session: the offer is theirs to accept.
    olly = checked_tutor(group=ours, admin=ada, username="olly", display_name="Olly Offers")

    pat = UserFactory(username="pat", display_name="Pat Ours")
    peg = UserFactory(username="peg", display_name=f"Peg {MARKER}")
    maya = LearnerFactory(name="Maya", guardians=[pat], creation_key=uuid.uuid4())
    zed = LearnerFactory(
        name="Zebedee",
        guardians=[peg],
        medical_notes=f"{MARKER} medical notes",
        creation_key=uuid.uuid4(),
    )
    maya_login = UserFactory(username="maya", email="", display_name="Maya")
    maya.user = maya_login
    maya.save(update_fields=["user"])

    our_curriculum = make_curriculum(ours, title="Our Fractions")
    their_curriculum = make_curriculum(theirs, title=f"{MARKER} Clocks", units=THEIR_UNITS)
    draft_curriculum = make_curriculum(
        theirs, title=f"{MARKER} Draft Sundials", units=DRAFT_UNITS, publish=False
    )
    private_curriculum = make_curriculum(theirs, title=f"{MARKER} Private Knots", units={})
    restrict(private_curriculum)

    mia = UserFactory(username="mia", display_name="Mia Manager")
    max_ = UserFactory(username="max", display_name=f"Max {MARKER}")
    hall = make_space(title="Our Hall", managers=[mia], requires_approval=True)
    hut = make_space(title=f"{MARKER} Hut", managers=[max_], requires_approval=True)
    sync_space_managers_group()
    private_space = make_space(title=f"{MARKER} Private Room")
    restrict(private_space)
    hidden_space = draft_space(f"{MARKER} Draft Barn")

    next_week = timezone.localdate() + timedelta(days=7)
    our_booking = booking_services.request_booking(
        space=hall,
        group=ours,
        by=ada,
        title="Our maths",
        start=at(next_week, 9),
        end=at(next_week, 10),
    )
    their_booking = booking_services.request_booking(
        space=hut,
        group=theirs,
        by=bea,
        title=f"{MARKER} meeting",
        start=at(next_week, 9),
        end=at(next_week, 10),
    )

    our_course = make_course(group=ours, title="Our Maths Club", curriculum=our_curriculum)
    their_course = make_course(
        group=theirs, title=f"{MARKER} Clock Club", curriculum=their_curriculum
    )
    our_session = make_session(course=our_course, start=at(next_week + timedelta(days=1), 10))
    their_session = make_session(course=their_course, start=at(next_week + timedelta(days=2), 14))
    our_session.unit = UnitPage.objects.child_of(our_curriculum).order_by("path").first()
    our_session.save(update_fields=["unit"])
    their_session.unit = UnitPage.objects.child_of(their_curriculum).order_by("path").first()
    their_session.save(update_fields=["unit"])
    our_later = make_session(course=our_course, start=at(next_week + timedelta(days=8), 10))
    TutorSignup.objects.create(
        session=our_session, user=tom, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
    )
    TutorSignup.objects.create(
        session=their_session, user=ben, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
    )
    their_cover = TutorSignup.objects.create(
        session=their_session,
        user=cara,
        role=SignupRole.HELPER,
        status=SignupStatus.CONFIRMED,
        cover_requested=True,
    )
    their_offer = TutorSignup.objects.create(
        session=their_session, user=olly, role=SignupRole.HELPER, status=SignupStatus.OFFERED
    )
    Enrolment.objects.create(course=our_course, learner=maya, status=EnrolmentStatus.ACTIVE)
    Enrolment.objects.create(course=their_course, learner=zed, status=EnrolmentStatus.ACTIVE)
    # Our register is taken once, so posting the same marks again changes nothing.
    rota.take_register(
        session=our_session, by=tom, learners={maya.pk: "present"}, adults={tom.pk: True}
    )

    our_evidence = _evidence(maya, objectives_of(our_curriculum)[0], "maya-work.png")
    their_evidence = _evidence(zed, objectives_of(their_curriculum)[0], f"{MARKER}-work.png")

    private_group = make_group(title=f"{MARKER} Private Circle", admins=[bea])
    restrict(private_group)
    private_course = make_course(group=private_group, title=f"{MARKER} Private Course")
    private_session = make_session(course=private_course)
    hidden_group = draft_group(f"{MARKER} Draft Woods")
    draft_course = make_course(group=theirs, title=f"{MARKER} Draft Course")
    draft_session = make_session(course=draft_course)
    draft_course.unpublish()
    quiet = make_group(title=f"{MARKER} Quiet Co-op", admins=[bea], show_name_on_bookings=False)

    priya = UserFactory(username="priya", display_name="Priya Asks Ours")
    quentin = UserFactory(username="quentin", display_name=f"Quentin {MARKER}")
    our_request = Membership.objects.create(group=ours, user=priya, message="Hello")
    their_request = Membership.objects.create(group=theirs, user=quentin, message="Hello")
    their_admin_membership = Membership.objects.get(group=theirs, user=bea)
    our_tutor_membership = Membership.objects.get(group=ours, user=tom)

    invitation = households.invite_guardian(learner=zed, email="gran@example.org", by=peg)
    their_token = CalendarToken.objects.create(user=ben)
    our_token = CalendarToken.objects.create(user=tom)

    return World(
        **{name: value for name, value in locals().items() if not name.startswith("_")},
        max=max_,
        their_objectives=objectives_of(their_curriculum),
        draft_objectives=objectives_of(draft_curriculum),
        our_objectives=objectives_of(our_curriculum),
        ben_profile=TutorProfile.objects.get(user=ben),
        tom_profile=TutorProfile.objects.get(user=tom),
        olly_profile=TutorProfile.objects.get(user=olly),
    )


def _evidence(learner, objective, name: str) -> Evidence:
    entry = ProgressEntry.objects.create(
        learner=learner, objective=objective, level=Level.SECURE, source=Source.TUTOR
    )
    stored = storages["private"].save(f"evidence/{name}", ContentFile(b"\x89PNG\r\n\x1a\n"))
    return Evidence.objects.create(
        entry=entry, file=stored, original_name=name, content_type="image/png", size=8
    )


WATCHED = [
    Booking,
    Membership,
    TutorSignup,
    Enrolment,
    Attendance,
    AdultAttendance,
    Session,
    Learner,
    Learner.guardians.through,
    GuardianInvitation,
    SafeguardingCheck,
    ProgressEntry,
    FollowedCurriculum,
    CalendarToken,
]


def fingerprint() -> dict:
    """Every row a sweep could touch, so "nothing changed" is one comparison."""
    rows = {model._meta.label: list(model.objects.order_by("pk").values()) for model in WATCHED}
    rows["pages"] = list(Page.objects.order_by("pk").values("pk", "title", "live", "path"))
    rows["profiles"] = list(TutorProfile.objects.order_by("pk").values())
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def page_text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def route(page, name: str, *args) -> str:
    """A RoutablePage's sub-route, as a path the test client can ask for."""
    return page.url + page.reverse_subpage(name, args=args or None)


# --- The sweep: a table of cases, each asked in its own rolled-back transaction ----------


@dataclass(frozen=True)
class Case:
    """One request in a sweep: who asks, for what, and what they must get.

    `route` is the URL name the case sweeps (or "<PageModel>.<sub-route>" for a page's own
    routes), so the completeness check can tell which routes no case reaches. `hidden`
    lists what must not appear in the answer or in the messages it leaves; by default
    anything of theirs (the MARKER). A POST must change nothing in the database.
    """

    name: str
    route: str
    user: str | None
    url: Callable[[World], str]
    status: int | tuple[int, ...] = 404
    method: str = "get"
    data: Callable[[World], dict] | None = None
    hidden: Callable[[World], list[str]] = lambda w: [MARKER]

    def __str__(self) -> str:
        return self.name


def own(name, route, user, url, status=200, **extra) -> Case:
    """A control case: the same route for an object the user may touch answers normally,
    so a 404 in the sweep means "not yours", not "wrong URL"."""
    return Case(name, route, user, url, status=status, hidden=lambda w: [], **extra)


def ask(client, world: World, case: Case) -> list[str]:
    """Make the case's request and return what went wrong, in words (empty when nothing)."""
    user = getattr(world, case.user) if case.user else None
    client.logout()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = case.url(world)
    problems = []
    with transaction.atomic():
        before = fingerprint() if case.method == "post" else None
        if case.method == "post":
            data = case.data(world) if case.data else {}
            response = client.post(url, data)
        else:
            response = client.get(url)
        expected = case.status if isinstance(case.status, tuple) else (case.status,)
        if response.status_code not in expected:
            problems.append(
                f"{case.method.upper()} {url} answered {response.status_code}, not {case.status}"
            )
        text = page_text(response) + " ".join(
            str(message) for message in get_messages(response.wsgi_request)
        )
        problems += [f"{url} shows {secret!r}" for secret in case.hidden(world) if secret in text]
        if before is not None:
            changed = changed_tables(before, fingerprint())
            if changed:
                problems.append(f"POST {url} changed {', '.join(changed)}")
        transaction.set_rollback(True)
    return problems


def sweep(client, world: World, cases, subtests) -> None:
    """Ask every case, each reported under its own name."""
    for case in cases:
        with subtests.test(case.name):
            problems = ask(client, world, case)
            assert not problems, "\n".join(problems)
