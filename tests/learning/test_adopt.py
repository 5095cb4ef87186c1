"""A group admin adopts another group's curriculum: a draft copy, credited, made once."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse

from learning.choices import Licence
from learning.forms import AdoptForm
from learning.models import CurriculumPage, LearningObjective, UnitPage
from learning.services import adopt_curriculum
from tests.factories import SubjectFactory, UserFactory, make_group
from tests.learning.builders import make_curriculum, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return UserFactory(username="rita", display_name="Rita Author")


@pytest.fixture
def adopter(db):
    return UserFactory(username="ola", display_name="Ola Adopter")


@pytest.fixture
def origin(author):
    return make_group(title="Riverside Home Ed", admins=[author])


@pytest.fixture
def target(adopter):
    return make_group(title="Old Town Free School", admins=[adopter])


@pytest.fixture
def curriculum(origin):
    subjects = [SubjectFactory(name="Maths"), SubjectFactory(name="Cooking")]
    return make_curriculum(origin, subjects=subjects)


def adopt_url(curriculum: CurriculumPage) -> str:
    return curriculum.url + curriculum.reverse_subpage("adopt")


def adaptations(curriculum: CurriculumPage):
    return CurriculumPage.objects.filter(adapted_from=curriculum)


def context_for(rf, curriculum: CurriculumPage, user) -> dict:
    request = rf.get(curriculum.url)
    request.user = user
    return curriculum.get_context(request)


def objectives_of(curriculum: CurriculumPage) -> list[tuple[str, str, list[str]]]:
    return [
        (unit.title, unit.slug, [o.statement for o in unit.objectives.order_by("sort_order")])
        for unit in UnitPage.objects.child_of(curriculum).order_by("path")
    ]


def test_adopting_makes_a_draft_copy_under_the_group_that_credits_the_original(
    curriculum, target, adopter
):
    copy = adopt_curriculum(curriculum=curriculum, group=target, by=adopter)

    copy.refresh_from_db()
    assert copy.get_parent().pk == target.pk
    assert not copy.live
    assert copy.first_published_at is None
    assert copy.owner == adopter
    assert copy.adapted_from == curriculum
    assert (copy.title, copy.slug) == (curriculum.title, curriculum.slug)
    assert (copy.summary, copy.licence) == (curriculum.summary, curriculum.licence)
    assert sorted(s.name for s in copy.subjects.all()) == ["Cooking", "Maths"]
    assert objectives_of(copy) == objectives_of(curriculum)
    assert not UnitPage.objects.child_of(copy).live().exists()


def test_the_copy_has_new_objectives_and_the_original_is_untouched(curriculum, target, adopter):
    before = list(
        LearningObjective.objects.order_by("pk").values_list("pk", "page_id", "statement")
    )
    original_units = set(UnitPage.objects.child_of(curriculum).values_list("pk", flat=True))

    copy = adopt_curriculum(curriculum=curriculum, group=target, by=adopter)

    copied = LearningObjective.objects.filter(page__in=UnitPage.objects.child_of(copy))
    assert copied.count() == len(before)
    assert not {pk for pk, *_ in before} & set(copied.values_list("pk", flat=True))
    assert (
        list(
            LearningObjective.objects.filter(pk__in=[pk for pk, *_ in before])
            .order_by("pk")
            .values_list("pk", "page_id", "statement")
        )
        == before
    )
    curriculum.refresh_from_db()
    assert curriculum.live
    assert curriculum.adapted_from is None
    assert set(UnitPage.objects.child_of(curriculum).values_list("pk", flat=True)) == original_units
    assert list(curriculum.adaptations.all()) == [copy]


def test_the_originals_unpublished_units_stay_with_its_group(curriculum, target, adopter):
    make_unit(curriculum, "Secret third unit", ["I can keep a secret."], publish=False)

    copy = adopt_curriculum(curriculum=curriculum, group=target, by=adopter)

    titles = list(UnitPage.objects.child_of(copy).values_list("title", flat=True))
    assert titles == ["Halves and quarters", "Doubling a recipe"]


def test_the_copy_gets_a_free_slug_when_the_group_has_one_of_that_name(curriculum, target, adopter):
    make_curriculum(target, units={})

    copy = adopt_curriculum(curriculum=curriculum, group=target, by=adopter)

    assert copy.slug != curriculum.slug
    assert copy.slug.startswith(curriculum.slug)
    assert copy.title == curriculum.title


def test_all_rights_reserved_curricula_are_refused(origin, target, adopter):
    closed = make_curriculum(origin, title="Our Own Woodwork", licence=Licence.ALL_RIGHTS_RESERVED)

    with pytest.raises(ValidationError, match="all rights reserved"):
        adopt_curriculum(curriculum=closed, group=target, by=adopter)

    assert not adaptations(closed).exists()


def test_someone_who_is_not_an_admin_of_the_group_is_refused(curriculum, target):
    tutor = UserFactory(username="tia")
    target_with_tutor = make_group(title="Mill End Maker Club", tutors=[tutor])

    for group in (target, target_with_tutor):
        with pytest.raises(ValidationError, match="Only an admin of"):
            adopt_curriculum(curriculum=curriculum, group=group, by=tutor)

    assert not adaptations(curriculum).exists()


def test_a_group_cannot_adopt_its_own_curriculum(curriculum, origin, author):
    with pytest.raises(ValidationError, match="already belongs to Riverside Home Ed"):
        adopt_curriculum(curriculum=curriculum, group=origin, by=author)

    assert not adaptations(curriculum).exists()


def test_adopting_again_while_the_draft_is_unpublished_returns_the_same_draft(
    curriculum, target, adopter
):
    first = adopt_curriculum(curriculum=curriculum, group=target, by=adopter)
    second = adopt_curriculum(curriculum=curriculum, group=target, by=adopter)

    assert second.pk == first.pk
    assert adaptations(curriculum).count() == 1
    assert CurriculumPage.objects.child_of(target).count() == 1


# The adopt route on the curriculum page.


def test_an_admin_adopts_through_the_page_and_lands_in_the_admin_editor(
    client_for, curriculum, target, adopter
):
    client = client_for(adopter)

    response = client.post(adopt_url(curriculum), {"group": target.pk}, follow=True)

    copy = adaptations(curriculum).get()
    edit_url = reverse("wagtailadmin_pages:edit", args=[copy.pk])
    assert response.redirect_chain == [(edit_url, 302)]
    assert response.status_code == 200
    content = response.content.decode()
    assert "Fractions in the Kitchen" in content
    assert "is now a draft in the pages of Old Town Free School" in content


def test_the_draft_is_listed_in_the_groups_corner_of_the_admin(
    client_for, curriculum, target, adopter
):
    client_for(adopter).post(adopt_url(curriculum), {"group": target.pk})

    response = client_for(adopter).get(reverse("wagtailadmin_explore", args=[target.pk]))

    assert response.status_code == 200
    copy = adaptations(curriculum).get()
    assert reverse("wagtailadmin_pages:edit", args=[copy.pk]) in response.content.decode()


def test_a_double_post_makes_one_copy(client_for, curriculum, target, adopter):
    client = client_for(adopter)

    first = client.post(adopt_url(curriculum), {"group": target.pk})
    second = client.post(adopt_url(curriculum), {"group": target.pk})

    copy = adaptations(curriculum).get()
    assert first.url == second.url == reverse("wagtailadmin_pages:edit", args=[copy.pk])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_adoptions_at_the_same_moment_make_one_copy(curriculum, target, adopter):
    """Real threads on the real test database: its own locking decides, not the test's."""
    threads_count = 5
    barrier = threading.Barrier(threads_count)
    results, errors = [], []

    def adopt():
        try:
            barrier.wait(timeout=10)
            results.append(adopt_curriculum(curriculum=curriculum, group=target, by=adopter).pk)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=adopt) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == threads_count
    assert len(set(results)) == 1
    assert adaptations(curriculum).count() == 1


def test_posting_a_group_the_user_does_not_admin_is_a_form_error(
    client_for, curriculum, target, adopter
):
    other = make_group(title="Mill End Maker Club", admins=[UserFactory(username="fay")])

    response = client_for(adopter).post(adopt_url(curriculum), {"group": other.pk})

    assert response.status_code == 200
    assert "Choose one of the groups you are an admin of." in response.content.decode()
    assert not adaptations(curriculum).exists()


def test_posting_the_curriculums_own_group_is_a_form_error(
    client_for, curriculum, origin, target, author
):
    from groups.choices import Role
    from groups.services import add_member

    add_member(group=target, user=author, role=Role.ADMIN)

    response = client_for(author).post(adopt_url(curriculum), {"group": origin.pk})

    assert response.status_code == 200
    assert "Choose one of the groups you are an admin of." in response.content.decode()
    assert not adaptations(curriculum).exists()


@pytest.mark.parametrize("role", ["parent", "tutor", "admin_of_its_own_group"])
def test_those_who_may_not_adopt_get_not_found(client_for, curriculum, origin, author, role):
    user = author
    if role != "admin_of_its_own_group":
        user = UserFactory(username=role)
        make_group(title="Northfields Parent Co-op", **{f"{role}s": [user]})
    client = client_for(user)

    assert client.get(adopt_url(curriculum)).status_code == 404
    assert client.post(adopt_url(curriculum), {"group": origin.pk}).status_code == 404
    assert not adaptations(curriculum).exists()


def test_all_rights_reserved_is_not_found_even_for_an_admin(client_for, origin, target, adopter):
    closed = make_curriculum(origin, title="Our Own Woodwork", licence=Licence.ALL_RIGHTS_RESERVED)
    client = client_for(adopter)

    assert client.get(adopt_url(closed)).status_code == 404
    assert client.post(adopt_url(closed), {"group": target.pk}).status_code == 404
    assert not adaptations(closed).exists()


def test_anonymous_visitors_are_asked_to_log_in(client, curriculum, target):
    response = client.post(adopt_url(curriculum), {"group": target.pk})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not adaptations(curriculum).exists()


def test_an_admin_gets_a_confirm_page_on_get(client_for, curriculum, target, adopter):
    response = client_for(adopter).get(adopt_url(curriculum))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Adopt “Fractions in the Kitchen”" in content
    assert f'<option value="{target.pk}"' in content
    assert not adaptations(curriculum).exists()


# Who is offered the adopt form on the curriculum page.


def test_the_form_lists_only_the_other_groups_the_user_admins(curriculum, origin, target, author):
    from groups.choices import Role
    from groups.services import add_member

    add_member(group=target, user=author, role=Role.ADMIN)
    make_group(title="Mill End Maker Club", tutors=[author])

    form = AdoptForm(curriculum=curriculum, user=author)

    assert list(form.fields["group"].queryset) == [target]


def test_the_adopt_form_is_offered_to_an_admin_of_another_group(rf, curriculum, target, adopter):
    assert "adopt_form" in context_for(rf, curriculum, adopter)


def test_the_adopt_form_is_not_offered_to_those_who_may_not_adopt(rf, curriculum, origin, author):
    parent = UserFactory(username="pat")
    make_group(title="Northfields Parent Co-op", parents=[parent])

    for user in (AnonymousUser(), parent, author):
        assert "adopt_form" not in context_for(rf, curriculum, user)


def test_the_adopt_form_is_not_offered_on_all_rights_reserved_curricula(rf, origin, adopter):
    closed = make_curriculum(origin, title="Our Own Woodwork", licence=Licence.ALL_RIGHTS_RESERVED)

    assert "adopt_form" not in context_for(rf, closed, adopter)


def test_the_adopt_include_explains_and_offers_a_button(rf, curriculum, target, adopter):
    request = rf.get(curriculum.url)
    request.user = adopter

    html = render_to_string(
        "learning/includes/adopt.html",
        {"page": curriculum, "adopt_form": AdoptForm(curriculum=curriculum, user=adopter)},
        request=request,
    )

    assert f'action="{adopt_url(curriculum)}"' in html
    assert "Adopt into my group" in html
    assert "draft copy" in html
    assert "Old Town Free School" in html


def test_the_curriculum_page_offers_adopting_only_to_those_who_may(
    client_for, client, curriculum, target, adopter, author
):
    assert "Adopt into my group" not in client.get(curriculum.url).content.decode()
    assert "Adopt into my group" not in client_for(author).get(curriculum.url).content.decode()

    content = client_for(adopter).get(curriculum.url).content.decode()

    assert "Adopt into my group" in content
    assert f'action="{adopt_url(curriculum)}"' in content
