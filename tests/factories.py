"""Builders for test data: one factory a model, sensible defaults, override what matters."""

from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from commons.models import HomePage, Learner, OpeningPeriod, SpaceIndexPage, SpacePage, User
from groups import services as group_services
from groups.choices import CheckLevel, GroupKind, Role
from groups.models import CoursePage, GroupIndexPage, GroupPage, Session

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Faker("first_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


class LearnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Learner
        skip_postgeneration_save = True

    name = factory.Faker("first_name")
    birth_year = 2016

    @factory.post_generation
    def guardians(self, create, extracted, **kwargs):
        if create and extracted:
            self.guardians.add(*extracted)


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commons.Neighbourhood"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Ward {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "learning.Subject"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Subject {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    code = factory.LazyAttribute(lambda o: o.name[:2].upper())


def group_index() -> GroupIndexPage:
    """Return the site's group directory, making it under the home page if missing."""
    index = GroupIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.get()
        index = home.add_child(instance=GroupIndexPage(title="Groups", slug="groups"))
    return index


def make_group(
    *, title: str | None = None, admins=(), tutors=(), parents=(), **fields
) -> GroupPage:
    """Create a published group with its CMS corner and the given active members."""
    title = title or f"Group {GroupPage.objects.count() + 1}"
    defaults = {
        "slug": slugify(title),
        "kind": GroupKind.PARENT_COOP,
        "summary": f"{title} meets weekly for families in town.",
        "min_age": 5,
        "max_age": 11,
    }
    group = group_index().add_child(instance=GroupPage(title=title, **{**defaults, **fields}))
    group_services.provision_group_corner(group=group)
    for role, users in [(Role.ADMIN, admins), (Role.TUTOR, tutors), (Role.PARENT, parents)]:
        for user in users:
            group_services.add_member(group=group, user=user, role=role)
    return group


class TutorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.TutorProfile"
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    bio = "Retired teacher who loves maths and muddy walks."
    availability = "Weekday mornings"


def make_check(*, tutor, group, by, certificate_date=None, level=CheckLevel.ENHANCED_BARRED):
    """Record a safeguarding check for a tutor, as an admin of `group`."""
    return group_services.record_check(
        tutor=tutor,
        level=level,
        certificate_date=certificate_date or date.today() - timedelta(days=200),
        on_update_service=False,
        by=by,
        group=group,
    )


def space_index() -> SpaceIndexPage:
    """Return the site's space directory, making it under the home page if missing."""
    index = SpaceIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.get()
        index = home.add_child(instance=SpaceIndexPage(title="Spaces", slug="spaces"))
    return index


def make_space(*, title: str | None = None, managers=(), opening=None, **fields) -> SpacePage:
    """Create a published space; by default open every day 08:00–22:00, no approval."""
    title = title or f"Hall {SpacePage.objects.count() + 1}"
    defaults = {
        "slug": slugify(title),
        "address": "1 High Street, Ashby Vale",
        "capacity": 40,
        "summary": f"{title} is a bright hall with a kitchen.",
        "min_booking_minutes": 30,
        "max_booking_minutes": 480,
        "min_notice_hours": 0,
        "max_days_ahead": 365,
        "buffer_minutes": 0,
        "requires_approval": False,
    }
    space = SpacePage(title=title, **{**defaults, **fields})
    periods = opening if opening is not None else [(day, time(8), time(22)) for day in range(7)]
    space.opening_periods = [OpeningPeriod(weekday=d, opens=o, closes=c) for d, o, c in periods]
    space.managers = list(managers)
    space_index().add_child(instance=space)
    return space


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware datetime for a local wall-clock time in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_course(*, group: GroupPage, title: str | None = None, **fields) -> CoursePage:
    """Create a published course under a group (ages 5–11, 12 places, child-facing)."""
    title = title or f"Course {CoursePage.objects.count() + 1}"
    defaults = {"slug": slugify(title), "summary": f"{title}: a term of weekly sessions."}
    return group.add_child(instance=CoursePage(title=title, **{**defaults, **fields}))


def make_session(*, course: CoursePage, start: datetime | None = None, hours: int = 2) -> Session:
    start = start or at(timezone.localdate() + timedelta(days=7), 10)
    return Session.objects.create(course=course, start=start, end=start + timedelta(hours=hours))


def checked_tutor(*, group: GroupPage, admin: User, **user_fields) -> User:
    """A tutor of the group with a current safeguarding check, verified by its admin."""
    user = UserFactory(**user_fields)
    group_services.add_member(group=group, user=user, role=Role.TUTOR)
    make_check(tutor=TutorProfileFactory(user=user), group=group, by=admin)
    return user
