"""The read-only API v2 serves published curricula and units with their objectives."""

import pytest

from learning.choices import Licence
from learning.models import UnitPage
from learning.services import adopt_curriculum
from tests.factories import SubjectFactory, UserFactory, make_group
from tests.learning.builders import make_curriculum, make_unit

pytestmark = pytest.mark.django_db

PAGES = "/api/v2/pages/"


@pytest.fixture
def adopter(db):
    return UserFactory(username="ola")


@pytest.fixture
def groups(adopter):
    return {
        "origin": make_group(title="Riverside Home Ed", admins=[UserFactory(username="rita")]),
        "target": make_group(title="Old Town Free School", admins=[adopter]),
    }


@pytest.fixture
def curriculum(groups):
    subjects = [SubjectFactory(name="Maths"), SubjectFactory(name="Cooking")]
    return make_curriculum(groups["origin"], subjects=subjects, licence=Licence.CC_BY)


def curricula(client) -> dict[str, dict]:
    response = client.get(PAGES, {"type": "learning.CurriculumPage", "fields": "*"})
    assert response.status_code == 200
    return {item["title"]: item for item in response.json()["items"]}


def test_published_curricula_are_listed_with_their_fields(client, curriculum):
    item = curricula(client)["Fractions in the Kitchen"]

    assert item["id"] == curriculum.pk
    assert item["summary"] == curriculum.summary
    assert sorted(item["subjects"]) == ["Cooking", "Maths"]
    assert (item["min_age"], item["max_age"]) == (7, 10)
    assert item["suggested_duration"] == "Six weekly sessions of an hour"
    assert item["licence"] == "cc-by-4.0"
    assert item["adapted_from"] is None
    assert item["body"] == []


def test_an_adaptation_points_at_its_original(client, curriculum, groups, adopter):
    copy = adopt_curriculum(curriculum=curriculum, group=groups["target"], by=adopter)
    copy.save_revision().publish()

    response = client.get(f"{PAGES}{copy.pk}/")

    assert response.status_code == 200
    assert response.json()["adapted_from"]["id"] == curriculum.pk


def test_a_unit_is_served_with_its_objectives_in_order(client, curriculum):
    unit = UnitPage.objects.child_of(curriculum).get(slug="halves-and-quarters")

    response = client.get(f"{PAGES}{unit.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["parent"]["id"] == curriculum.pk
    assert [o["statement"] for o in data["objectives"]] == [
        "I can cut a pizza into two equal halves.",
        "I can find a quarter of a set of biscuits.",
        "I can explain why two quarters make a half.",
    ]
    first = data["objectives"][0]
    assert first["id"] == unit.objectives.order_by("sort_order").first().pk
    assert first["guidance"].startswith("Watch for:")
    assert first["retired"] is False


def test_a_curriculums_units_are_listed_as_its_children(client, curriculum):
    response = client.get(
        PAGES, {"type": "learning.UnitPage", "child_of": curriculum.pk, "fields": "objectives"}
    )

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["title"] for item in items] == ["Halves and quarters", "Doubling a recipe"]
    assert all(len(item["objectives"]) == 3 for item in items)


def test_drafts_are_not_served(client, curriculum, groups, adopter):
    draft_curriculum = make_curriculum(
        groups["origin"], title="Knitting for Beginners", publish=False
    )
    draft_unit = make_unit(curriculum, "Thirds", ["I can find a third."], publish=False)
    adopted = adopt_curriculum(curriculum=curriculum, group=groups["target"], by=adopter)

    assert list(curricula(client)) == ["Fractions in the Kitchen"]
    for page in (draft_curriculum, draft_unit, adopted):
        assert client.get(f"{PAGES}{page.pk}/").status_code == 404
    children = client.get(PAGES, {"child_of": curriculum.pk}).json()["items"]
    assert draft_unit.pk not in [item["id"] for item in children]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused(client_for, curriculum, method):
    unit = UnitPage.objects.child_of(curriculum).first()
    client = client_for(UserFactory(username="sue", is_superuser=True, is_staff=True))
    send = getattr(client, method)

    assert send(PAGES, {}, content_type="application/json").status_code == 405
    assert send(f"{PAGES}{unit.pk}/", {}, content_type="application/json").status_code == 405
    unit.refresh_from_db()
    assert unit.title == "Halves and quarters"
