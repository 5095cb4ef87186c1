"""A small world for the progress tracker's tests: a group running a course on a
curriculum, a session with a confirmed tutor, and a child enrolled on it."""

from dataclasses import dataclass

from groups.choices import EnrolmentStatus, SignupRole, SignupStatus
from groups.models import CoursePage, Enrolment, GroupPage, Session, TutorSignup
from learning.models import CurriculumPage, LearningObjective
from tests.factories import UserFactory, checked_tutor, make_course, make_group, make_session
from tests.learning.builders import make_curriculum

# Tiny files that start with each allowed type's magic bytes.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


@dataclass
class World:
    group: GroupPage
    admin: object
    tutor: object
    course: CoursePage
    session: Session
    curriculum: CurriculumPage

    def objectives(self) -> list[LearningObjective]:
        return list(
            LearningObjective.objects.filter(page__path__startswith=self.curriculum.path).order_by(
                "page__path", "sort_order"
            )
        )


def make_world(*, learners=(), title="Riverside Home Ed") -> World:
    admin = UserFactory(display_name="Ada Admin")
    group = make_group(title=title, admins=[admin])
    tutor = checked_tutor(group=group, admin=admin, display_name="Tom Tutor")
    curriculum = make_curriculum(group)
    course = make_course(group=group, title=f"{title} maths", curriculum=curriculum)
    session = make_session(course=course)
    TutorSignup.objects.create(
        session=session, user=tutor, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
    )
    for learner in learners:
        Enrolment.objects.create(course=course, learner=learner, status=EnrolmentStatus.ACTIVE)
    return World(group, admin, tutor, course, session, curriculum)
