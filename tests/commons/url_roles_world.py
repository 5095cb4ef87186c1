"""A small commons with one person in each role, and a second group and household beside
them, for tests/commons/test_url_roles.py.

"Ours" is what the role's own person is tied to (Riverside, Maya, St Mary's Hall);
"theirs" belongs to someone else (Hillside, Leo, the Scout Hut). Each route is asked
about both, so a role that reaches its own object must still not reach the other one.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from commons.models import (
    Booking,
    Facility,
    GuardianInvitation,
    HomePage,
    Learner,
    Neighbourhood,
    SpacePage,
    StandardPage,
    User,
)
from commons.permissions import sync_space_managers_group
from commons.services import bookings
from groups.choices import MembershipStatus, Role
from groups.models import (
    CalendarToken,
    CoursePage,
    GroupIndexPage,
    GroupPage,
    Membership,
    Session,
    TutorProfile,
)
from learning.choices import Level, Source
from learning.models import (
    CurriculumIndexPage,
    CurriculumPage,
    Evidence,
    ProgressEntry,
    Subject,
    UnitPage,
)
from tests.factories import (
    LearnerFactory,
    SubjectFactory,
    UserFactory,
    at,
    checked_tutor,
    group_index,
    make_course,
    make_group,
    make_session,
    make_space,
    space_index,
)
from tests.learning.builders import make_curriculum
from tests.learning.conftest import enrol, sign_up

ROLES = (
    "anonymous",
    "member",
    "tutor",
    "guardian",
    "learner",
    "groupadmin",
    "spacemanager",
    "siteadmin",
)


@dataclass
class Side:
    """One group with its people, course, session, booking and household."""

    group: GroupPage
    admin: User
    tutor: User
    course: CoursePage
    curriculum: CurriculumPage
    unit: UnitPage
    session: Session
    space: SpacePage
    booking: Booking
    guardian: User
    learner: Learner
    evidence: Evidence
    invitation: GuardianInvitation
    pending: Membership
    draft: StandardPage
    image: object
    document: object

    @property
    def tutor_profile(self) -> TutorProfile:
        return self.tutor.tutor_profile


@dataclass
class World:
    """One person a role (`users`, None for anonymous), two sides, and the shared pages."""

    users: dict
    ours: Side
    theirs: Side
    home: HomePage
    standard: StandardPage
    groups_index: GroupIndexPage
    library: CurriculumIndexPage
    spaces: object
    neighbourhood: Neighbourhood
    facility: Facility
    subject: Subject
    calendar_token: str
    extra: dict = field(default_factory=dict)


def _side(prefix: str, *, title: str, space_title: str, manager: User, admin: User, **people):
    """Build one group's side of the commons: its admin runs it, its tutor leads its
    session, its household's child is enrolled and has progress with evidence."""
    group = make_group(title=title, admins=[admin])
    tutor = checked_tutor(group=group, admin=admin, **people["tutor"])
    curriculum = make_curriculum(group, title=f"{prefix} Fractions")
    unit = UnitPage.objects.child_of(curriculum).order_by("path").first().specific
    course = make_course(group=group, title=f"{prefix} Maths Club", curriculum=curriculum)
    session = make_session(course=course)
    sign_up(session, tutor)
    space = make_space(title=space_title, managers=[manager], requires_approval=True)
    start = at(timezone.localdate() + timedelta(days=9), 10)
    booking = bookings.request_booking(
        space=space,
        group=group,
        by=admin,
        title=f"{prefix} club",
        start=start,
        end=start + timedelta(hours=1),
    )
    guardian = UserFactory(**people["guardian"])
    learner = LearnerFactory(name=people["learner"], birth_year=2016, guardians=[guardian])
    enrol(course, learner)
    entry = ProgressEntry.objects.create(
        learner=learner,
        objective=unit.objectives.order_by("sort_order").first(),
        level=Level.SECURE,
        source=Source.GUARDIAN,
        recorded_by=guardian,
    )
    evidence = Evidence.objects.create(
        entry=entry,
        file=ContentFile(b"%PDF-1.4 test", name=f"{prefix.lower()}-work.pdf"),
        original_name="work.pdf",
        content_type="application/pdf",
        size=13,
    )
    invitation = GuardianInvitation.objects.create(
        learner=learner, email=f"gran-{prefix.lower()}@example.org", invited_by=guardian
    )
    asker = UserFactory(username=f"{prefix.lower()}-asker", display_name=f"{prefix} Asker")
    pending = Membership.objects.create(group=group, user=asker, message="May we join?")
    draft = StandardPage(title=f"{prefix} draft news", slug=f"{prefix.lower()}-news", live=False)
    group.add_child(instance=draft)
    draft.save_revision()
    image = get_image_model().objects.create(
        title=f"{prefix} picnic", file=get_test_image_file(), collection=group.collection
    )
    document = get_document_model().objects.create(
        title=f"{prefix} minutes",
        file=ContentFile(b"minutes", name=f"{prefix.lower()}-minutes.txt"),
        collection=group.collection,
    )
    return Side(
        group=group,
        admin=admin,
        tutor=tutor,
        course=course,
        curriculum=curriculum,
        unit=unit,
        session=session,
        space=space,
        booking=booking,
        guardian=guardian,
        learner=learner,
        evidence=evidence,
        invitation=invitation,
        pending=pending,
        draft=draft,
        image=image,
        document=document,
    )


def build_world() -> World:
    """Build the commons: eight people, one in each role, and everything they may ask for."""
    home = HomePage.objects.get()
    standard = home.add_child(instance=StandardPage(title="About the commons", slug="about"))
    library = home.add_child(
        instance=CurriculumIndexPage(title="Library", slug="library", introduction="Curricula.")
    )
    groups_index = group_index()
    spaces = space_index()

    space_manager = UserFactory(username="sam", display_name="Sam Spacemanager")
    other_manager = UserFactory(username="oscar", display_name="Oscar Othermanager")
    group_admin = UserFactory(username="gita", display_name="Gita Groupadmin")
    other_admin = UserFactory(username="otto", display_name="Otto Otheradmin")
    ours = _side(
        "Riverside",
        title="Riverside Home Ed",
        space_title="St Marys Hall",
        manager=space_manager,
        admin=group_admin,
        tutor={"username": "theo", "display_name": "Theo Tutor"},
        guardian={"username": "gwen", "display_name": "Gwen Guardian"},
        learner="Maya",
    )
    theirs = _side(
        "Hillside",
        title="Hillside Free School",
        space_title="Scout Hut",
        manager=other_manager,
        admin=other_admin,
        tutor={"username": "olga", "display_name": "Olga Othertutor"},
        guardian={"username": "olly", "display_name": "Olly Otherparent"},
        learner="Leo",
    )
    sync_space_managers_group()

    member = UserFactory(username="mel", display_name="Mel Member")
    Membership.objects.create(
        group=ours.group, user=member, role=Role.PARENT, status=MembershipStatus.ACTIVE
    )
    maya_login = UserFactory(username="maya", email="", display_name="Maya")
    ours.learner.user = maya_login
    ours.learner.save(update_fields=["user"])
    site_admin = UserFactory(username="root", display_name="Site Admin", is_superuser=True)

    users = {
        "anonymous": None,
        "member": member,
        "tutor": ours.tutor,
        "guardian": ours.guardian,
        "learner": maya_login,
        "groupadmin": group_admin,
        "spacemanager": space_manager,
        "siteadmin": site_admin,
    }
    assert tuple(users) == ROLES
    private = home.add_child(instance=StandardPage(title="Staff room", slug="staff-room"))
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="letmein"
    )
    return World(
        extra={"private_page": private, "restriction": restriction},
        users=users,
        ours=ours,
        theirs=theirs,
        home=home,
        standard=standard,
        groups_index=groups_index,
        library=library,
        spaces=spaces,
        neighbourhood=Neighbourhood.objects.create(name="Old Town", slug="old-town"),
        facility=Facility.objects.create(name="Kitchen", slug="kitchen"),
        subject=SubjectFactory(name="Maths"),
        calendar_token=CalendarToken.objects.create(user=ours.guardian).token,
    )
