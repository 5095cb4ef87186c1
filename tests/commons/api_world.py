"""A small commons for the open-data API's tests: public groups, spaces, bookings and
sessions, plus private and draft pages and private details that must never be served."""

from dataclasses import dataclass, field
from datetime import time, timedelta

from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import PageViewRestriction

from commons.models import Closure, Facility, Neighbourhood, SpacePage
from commons.services import bookings
from groups.choices import EnrolmentStatus, GroupKind, SignupRole, SignupStatus
from groups.models import Enrolment, GroupMeetingTime, GroupPage, TutorSignup
from learning.choices import Level, Source
from learning.models import LearningObjective, ProgressEntry
from tests.factories import (
    LearnerFactory,
    SubjectFactory,
    UserFactory,
    at,
    group_index,
    make_course,
    make_group,
    make_session,
    make_space,
    space_index,
)
from tests.learning.builders import make_curriculum

# Strings that live only in private places: none may appear in any API response.
SECRETS = {
    "learner name": "Zebedee-Quarrington",
    "medical notes": "Anaphylaxis-to-kumquats",
    "emergency contact": "Call Granny Wetherall 07700 900461",
    "progress note": "Struggled-with-long-division-today",
    "member email": "secret.parent.x7@example.org",
    "member name": "Persephone Undisclosed",
    "tutor email": "hidden.tutor.q3@example.org",
    "door code": "DOOR-4417-SECRET",
    "key holder": "Keyholder Mrs Ottoline 07700 900733",
    "booking note": "Please-leave-the-side-door-open",
    "booking title": "Private-committee-meeting",
    "private group": "Hushed Hollow Co-op",
    "draft group": "Unfinished Forest School",
    "private space": "Locked Lodge Room",
    "draft space": "Half-Built Barn",
    "private curriculum": "Confidential Clocks Curriculum",
    "draft curriculum": "Sketchy Sundials Curriculum",
}


@dataclass
class OpenDataWorld:
    riverside: GroupPage
    quiet: GroupPage
    hall: SpacePage
    hut: SpacePage
    sessions: list = field(default_factory=list)
    private_group: GroupPage | None = None
    draft_group: GroupPage | None = None
    private_space: SpacePage | None = None
    draft_space: SpacePage | None = None
    private_curriculum: object = None
    draft_curriculum: object = None

    @property
    def hidden_pages(self) -> list:
        return [
            self.private_group,
            self.draft_group,
            self.private_space,
            self.draft_space,
            self.private_curriculum,
            self.draft_curriculum,
        ]


def restrict(page) -> None:
    """Put a page behind a password: private, like a members-only corner."""
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="hush"
    )


def draft_group(title: str) -> GroupPage:
    group = GroupPage(
        title=title, slug=slugify(title), kind=GroupKind.CLUB, summary="Not ready.", live=False
    )
    group_index().add_child(instance=group)
    return group


def draft_space(title: str) -> SpacePage:
    space = SpacePage(
        title=title,
        slug=slugify(title),
        address="Nowhere yet",
        capacity=5,
        summary="Soon.",
        live=False,
    )
    space_index().add_child(instance=space)
    return space


def build_world(*, sessions: int = 2) -> OpenDataWorld:
    """Two public groups, two spaces, bookings and `sessions` sessions a course, with
    learners, members, notes and codes that must stay private."""
    old_town = Neighbourhood.objects.create(name="Old Town", slug="old-town")
    mill_end = Neighbourhood.objects.create(name="Mill End", slug="mill-end")
    maths, music = SubjectFactory(name="Maths"), SubjectFactory(name="Music")
    kitchen = Facility.objects.create(name="Kitchen", slug="kitchen")

    admin = UserFactory(
        username="admin-x", display_name=SECRETS["member name"], email=SECRETS["member email"]
    )
    tutor = UserFactory(username="tutor-x", email=SECRETS["tutor email"])
    riverside = make_group(
        title="Riverside Home Ed",
        admins=[admin],
        tutors=[tutor],
        kind=GroupKind.HOME_ED,
        neighbourhood=old_town,
        min_age=5,
        max_age=11,
    )
    riverside.subjects.set([maths])
    riverside.save_revision().publish()
    GroupMeetingTime.objects.create(
        page=riverside, weekday=1, start_time=time(10), end_time=time(12)
    )
    quiet = make_group(
        title="Quiet Parent Co-op",
        admins=[admin],
        kind=GroupKind.PARENT_COOP,
        neighbourhood=mill_end,
        min_age=3,
        max_age=6,
        show_name_on_bookings=False,
        accepting_members=False,
    )
    quiet.subjects.set([music])
    quiet.save_revision().publish()

    hall = make_space(
        title="St Mary's Hall",
        neighbourhood=old_town,
        capacity=60,
        door_code=SECRETS["door code"],
        key_holder=SECRETS["key holder"],
        managers=[admin],
        step_free=True,
    )
    hall.facilities.set([kitchen])
    hall.save_revision().publish()
    Closure.objects.create(
        page=hall,
        start_date=timezone.localdate() + timedelta(days=40),
        end_date=timezone.localdate() + timedelta(days=41),
        reason="Polling station",
    )
    hut = make_space(title="Scout Hut", neighbourhood=mill_end, capacity=20, buffer_minutes=30)

    soon = timezone.localdate() + timedelta(days=3)
    for group, hour in [(riverside, 9), (quiet, 13)]:
        bookings.request_booking(
            space=hall,
            group=group,
            by=admin,
            title=SECRETS["booking title"],
            note=SECRETS["booking note"],
            start=at(soon, hour),
            end=at(soon, hour + 2),
        )

    curriculum = make_curriculum(riverside, subjects=[maths])
    maths_club = make_course(
        group=riverside, title="Maths Club", curriculum=curriculum, places=2, default_space=hall
    )
    choir = make_course(group=quiet, title="Little Choir", min_age=3, max_age=5, places=6)
    world = OpenDataWorld(riverside=riverside, quiet=quiet, hall=hall, hut=hut)
    unit = curriculum.get_children().live().first().specific
    for n in range(sessions):
        day = timezone.localdate() + timedelta(days=7 + n)
        session = make_session(course=maths_club, start=at(day, 10))
        session.space, session.unit = hall, unit
        session.save(update_fields=["space", "unit"])
        world.sessions.append(session)
        world.sessions.append(make_session(course=choir, start=at(day, 14)))
    for session in world.sessions[:1]:
        TutorSignup.objects.create(
            session=session, user=tutor, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
        )

    guardian = UserFactory(username="guardian-x", email="guardian.x@example.org")
    learner = LearnerFactory(
        name=SECRETS["learner name"],
        guardians=[guardian],
        medical_notes=SECRETS["medical notes"],
        emergency_contact=SECRETS["emergency contact"],
    )
    Enrolment.objects.create(course=maths_club, learner=learner, status=EnrolmentStatus.ACTIVE)
    Enrolment.objects.create(
        course=maths_club,
        learner=LearnerFactory(guardians=[guardian]),
        status=EnrolmentStatus.ACTIVE,
    )
    ProgressEntry.objects.create(
        learner=learner,
        objective=LearningObjective.objects.filter(page=unit).first(),
        level=Level.SECURE,
        source=Source.TUTOR,
        note=SECRETS["progress note"],
        recorded_by=tutor,
    )
    _hidden_pages(world, admin)
    return world


def _hidden_pages(world: OpenDataWorld, admin) -> None:
    """Private and draft groups, spaces and curricula, each with something scheduled."""
    world.private_group = make_group(title=SECRETS["private group"], admins=[admin])
    restrict(world.private_group)
    hidden_course = make_course(group=world.private_group, title="Hushed Course")
    make_session(course=hidden_course)
    world.draft_group = draft_group(SECRETS["draft group"])
    world.private_space = make_space(title=SECRETS["private space"])
    restrict(world.private_space)
    world.draft_space = draft_space(SECRETS["draft space"])
    world.private_curriculum = make_curriculum(world.riverside, title=SECRETS["private curriculum"])
    restrict(world.private_curriculum)
    world.draft_curriculum = make_curriculum(
        world.riverside, title=SECRETS["draft curriculum"], publish=False
    )
    # A public course's session held in the private space, and a booking of the private
    # group's at a public space: the API may show the session and the busy time, never
    # the private names.
    session = make_session(
        course=world.sessions[0].course, start=at(timezone.localdate() + timedelta(days=20), 10)
    )
    session.space = world.private_space
    session.save(update_fields=["space"])
    bookings.request_booking(
        space=world.hall,
        group=world.private_group,
        by=admin,
        title="Hushed meeting",
        start=at(timezone.localdate() + timedelta(days=4), 9),
        end=at(timezone.localdate() + timedelta(days=4), 10),
    )
