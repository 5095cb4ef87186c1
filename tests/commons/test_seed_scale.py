"""`seed_scale` grows the demo into a city: to scale, the same for a seed, and a working site.

Seeding is slow next to a unit test, so one test seeds a tiny commons (factor 0.001) and
walks it with the `check_*` functions below, as the demo data's test does.
"""

import hashlib
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from commons.models import Booking, Learner, SpacePage, User
from commons.scale_tools import USERNAME_PREFIX
from groups.models import Attendance, CoursePage, GroupPage, Membership, Session
from learning.models import CurriculumPage, LearningObjective, ProgressEntry, UnitPage

pytestmark = pytest.mark.django_db

SEED = 7
ANCHOR = date(2026, 11, 26)


def seed(factor: float, seed: int = SEED) -> str:
    out = StringIO()
    call_command("seed_scale", factor=factor, seed=seed, anchor=ANCHOR, force=True, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "learners": Learner.objects.count(),
        "objectives": LearningObjective.objects.count(),
        "units": UnitPage.objects.count(),
        "curricula": CurriculumPage.objects.count(),
        "bookings": Booking.objects.count(),
        "sessions": Session.objects.count(),
        "progress": ProgressEntry.objects.count(),
        "groups": GroupPage.objects.count(),
    }


def added(before: dict, after: dict) -> dict:
    return {name: after[name] - before[name] for name in before}


def digest() -> str:
    """A fingerprint of what was generated that ignores database ids."""
    querysets = [
        Page.objects.values_list("url_path", "title", "content_type__model", "live"),
        User.objects.values_list("username", "display_name", "email", "date_joined"),
        Learner.objects.values_list("name", "birth_year", "created_at", "user__username"),
        Booking.objects.values_list(
            "space__url_path", "group__url_path", "title", "start", "end", "status"
        ),
        Session.objects.values_list("course__url_path", "unit__url_path", "start", "status"),
        Membership.objects.values_list("group__url_path", "user__username", "role", "status"),
        ProgressEntry.objects.values_list(
            "learner__created_at",
            "objective__statement",
            "level",
            "source",
            "recorded_by__username",
            "recorded_at",
        ),
        Attendance.objects.values_list("session__start", "learner__created_at", "presence"),
    ]
    rows = [sorted(map(repr, queryset)) for queryset in querysets]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def seed_and_roll_back(factor: float, seed_number: int = SEED) -> tuple[dict, str]:
    """Seed inside a savepoint, note what it made, and undo it."""
    with transaction.atomic():
        before = counts()
        seed(factor, seed_number)
        result = added(before, counts()), digest()
        transaction.set_rollback(True)
    return result


# --- What a seeded commons must be --------------------------------------------------------


def check_counts_follow_the_factor(small: dict, double: dict):
    assert small == {
        "learners": 20,
        "objectives": 100,
        "units": 15,
        "curricula": 3,
        "bookings": 200,
        "sessions": 60,
        "progress": 2000,
        "groups": 2,
    }
    for name in ("learners", "objectives", "units", "bookings", "sessions", "progress"):
        assert double[name] == 2 * small[name], name


def check_confirmed_bookings_of_a_space_never_overlap():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM commons_booking a JOIN commons_booking b "
            "ON a.space_id = b.space_id AND a.id < b.id "
            "WHERE a.status = 'confirmed' AND b.status = 'confirmed' "
            "AND a.start < b.blocked_until AND b.start < a.blocked_until"
        )
        assert cursor.fetchone()[0] == 0
    for session in Session.objects.filter(booking__isnull=False).select_related("booking"):
        assert (session.booking.space_id, session.booking.start) == (
            session.space_id,
            session.start,
        )


def check_the_page_tree_is_sound():
    assert Page.find_problems() == ([], [], [], [], [])
    home = Page.objects.get(depth=2)
    assert home.numchild == home.get_children().count()


def generated(model):
    """The pages seed_scale made: published without revisions, unlike the demo's."""
    return model.objects.filter(latest_revision__isnull=True).order_by("-pk")


def check_a_page_of_each_generated_type_renders(client):
    for model in (GroupPage, CoursePage, CurriculumPage, UnitPage, SpacePage):
        page = generated(model).first()
        response = client.get(page.url)
        assert response.status_code == 200, (model.__name__, page.url)
        assert page.title.split(" (")[0] in response.content.decode()


def check_pages_are_in_the_search_index():
    for model in (GroupPage, CoursePage, CurriculumPage, UnitPage, SpacePage):
        pks = {str(pk) for pk in generated(model).values_list("pk", flat=True)}
        indexed = set(
            IndexEntry.objects.filter(object_id__in=pks).values_list("object_id", flat=True)
        )
        assert indexed == pks, model.__name__
    unit = generated(UnitPage).first()
    assert unit.pk in [p.pk for p in Page.objects.live().search(unit.title)]


def check_a_group_admin_edits_their_group_and_no_other(client):
    mine, other = generated(GroupPage)[:2]
    admin = Membership.objects.admins().filter(group=mine).first().user
    assert admin.groups.filter(pk=mine.admin_group_id).exists()
    client.force_login(admin)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[mine.pk])).status_code == 200
    refused = client.get(reverse("wagtailadmin_pages:edit", args=[other.pk]))
    assert refused.status_code in {302, 403, 404}
    client.logout()


def check_learners_and_progress_look_real():
    scale_learners = Learner.objects.filter(guardians__username__startswith=USERNAME_PREFIX)
    assert all(" " not in name for name in scale_learners.values_list("name", flat=True))
    assert not scale_learners.filter(guardians__isnull=True).exists()
    sources = dict(ProgressEntry.objects.values_list("source").annotate(n=Count("id")))
    assert sources["tutor"] > sources["guardian"] > 0
    assert sources["tutor"] + sources["guardian"] > 2 * sources.get("self", 0)
    first = ProgressEntry.objects.order_by("recorded_at").first()
    assert first.recorded_at.date() < ANCHOR


def check_seeding_again_is_refused():
    with pytest.raises(CommandError, match="already seeded"):
        seed(0.001)


def test_seed_scale_builds_a_commons_to_scale_and_the_same_for_a_seed(client):
    call_command("load_demo_data", force=True, stdout=StringIO())
    double, _ = seed_and_roll_back(0.002)
    _other, another = seed_and_roll_back(0.001, SEED + 1)
    small, first = seed_and_roll_back(0.001)
    before = counts()
    output = seed(0.001)
    assert added(before, counts()) == small
    assert digest() == first, "the same seed made different rows"
    assert another != first, "another seed made the same rows"
    assert "Done in" in output
    check_counts_follow_the_factor(small, double)
    check_confirmed_bookings_of_a_space_never_overlap()
    check_the_page_tree_is_sound()
    check_a_page_of_each_generated_type_renders(client)
    check_pages_are_in_the_search_index()
    check_a_group_admin_edits_their_group_and_no_other(client)
    check_learners_and_progress_look_real()
    check_seeding_again_is_refused()


def test_seed_scale_refuses_to_run_with_debug_off_unless_forced():
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_scale", factor=0.001, stdout=StringIO())
