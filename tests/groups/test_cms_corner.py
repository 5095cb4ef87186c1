"""Each group's corner of the CMS: made, renamed and removed with its page in the admin,
and the page, media and workflow rights it gives a group's admins and tutors — no more."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowState,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from commons.models import HomePage, StandardPage
from groups.choices import GroupKind, JoinPolicy
from groups.models import GroupPage
from tests.factories import UserFactory, group_index, make_group

pytestmark = pytest.mark.django_db


def group_page_data(title: str, **extra) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slugify(title),
            "summary": f"{title} meets on Tuesdays.",
            "kind": GroupKind.HOME_ED,
            "min_age": 5,
            "max_age": 11,
            "join_policy": JoinPolicy.APPROVAL,
            "accepting_members": "on",
            "meeting_note": "",
            "body": streamfield([]),
            "meeting_times": inline_formset([]),
            "comments": inline_formset([]),
            **extra,
        }
    )


def standard_page_data(title: str, **extra) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slugify(title),
            "introduction": "",
            "body": streamfield([]),
            "comments": inline_formset([]),
            **extra,
        }
    )


PUBLISH = {"action-publish": "action-publish"}
SUBMIT = {"action-submit": "action-submit"}


def group_names() -> set[str]:
    return set(Group.objects.values_list("name", flat=True))


def workflow_of(group: GroupPage) -> Workflow:
    return WorkflowPage.objects.select_related("workflow").get(page=group).workflow


def child_page(parent, title: str) -> StandardPage:
    page = parent.add_child(instance=StandardPage(title=title, slug=slugify(title)))
    page.save_revision().publish()
    return page


@pytest.fixture
def root():
    return UserFactory(username="root", display_name="Site Admin", is_superuser=True)


@pytest.fixture
def alice():
    return UserFactory(username="alice", display_name="Alice Admin")


@pytest.fixture
def tara():
    return UserFactory(username="tara", display_name="Tara Tutor")


@pytest.fixture
def bob():
    return UserFactory(username="bob", display_name="Bob Admin")


@pytest.fixture
def group_a(alice, tara):
    return make_group(title="Riverside", admins=[alice], tutors=[tara])


@pytest.fixture
def group_b(bob):
    return make_group(title="Hillside", admins=[bob])


def create_group_in_admin(client, title: str, **extra) -> GroupPage:
    url = reverse("wagtailadmin_pages:add", args=["groups", "grouppage", group_index().pk])
    response = client.post(url, group_page_data(title, **extra))
    assert response.status_code == 302, response.context and response.context["form"].errors
    return GroupPage.objects.get(title=title)


# --- The corner follows the page in the admin ---------------------------------------------


def test_creating_a_group_page_in_the_admin_makes_its_corner(client_for, root):
    group = create_group_in_admin(client_for(root), "Riverside", **PUBLISH)

    assert group.live
    assert group.admin_group.name == "Riverside admins"
    assert group.tutor_group.name == "Riverside tutors"
    assert group.collection.name == "Riverside"
    assert set(
        GroupPagePermission.objects.filter(page=group, group=group.admin_group).values_list(
            "permission__codename", flat=True
        )
    ) == {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}
    workflow = workflow_of(group)
    assert workflow.name == "Riverside approval"
    task = GroupApprovalTask.objects.get(workflow_tasks__workflow=workflow)
    assert list(task.groups.all()) == [group.admin_group]


def test_renaming_a_group_in_the_admin_renames_its_corner(client_for, root):
    client = client_for(root)
    group = create_group_in_admin(client, "Riverside", **PUBLISH)
    corner = (group.admin_group_id, group.tutor_group_id, group.collection_id)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[group.pk]),
        group_page_data("Riverbank", slug="riverside", **PUBLISH),
    )

    assert response.status_code == 302
    group = GroupPage.objects.get(pk=group.pk)
    assert (group.admin_group_id, group.tutor_group_id, group.collection_id) == corner
    assert {"Riverbank admins", "Riverbank tutors"} <= group_names()
    assert not {"Riverside admins", "Riverside tutors"} & group_names()
    assert group.collection.name == "Riverbank"
    assert workflow_of(group).name == "Riverbank approval"


def test_a_draft_of_a_new_name_renames_nothing_until_it_is_published(client_for, root):
    client = client_for(root)
    group = create_group_in_admin(client, "Riverside", **PUBLISH)
    edit_url = reverse("wagtailadmin_pages:edit", args=[group.pk])

    client.post(edit_url, group_page_data("Riverbank", slug="riverside"))
    assert "Riverside admins" in group_names()

    client.post(edit_url, group_page_data("Riverbank", slug="riverside", **PUBLISH))
    assert "Riverbank admins" in group_names()
    assert "Riverside admins" not in group_names()


def test_editing_a_group_first_saved_as_a_draft_keeps_its_corner(client_for, root):
    client = client_for(root)
    group = create_group_in_admin(client, "Riverside")
    corner = (group.admin_group_id, group.tutor_group_id, group.collection_id)

    client.post(
        reverse("wagtailadmin_pages:edit", args=[group.pk]),
        group_page_data("Riverside", **PUBLISH),
    )

    group = GroupPage.objects.get(pk=group.pk)
    assert (group.admin_group_id, group.tutor_group_id, group.collection_id) == corner
    assert Group.objects.filter(name__startswith="Riverside admins").count() == 1


def test_deleting_a_group_in_the_admin_removes_its_corner(client_for, root, alice):
    client = client_for(root)
    group = create_group_in_admin(client, "Riverside", **PUBLISH)
    workflow = workflow_of(group)
    image = Image.objects.create(
        title="Logo", file=get_test_image_file(), collection=group.collection
    )
    url = reverse("wagtailadmin_pages:delete", args=[group.pk])

    client.get(url)
    assert "Riverside admins" in group_names(), "the confirmation page must not remove anything"
    response = client.post(url)

    assert response.status_code == 302
    assert not GroupPage.objects.filter(pk=group.pk).exists()
    assert not {"Riverside admins", "Riverside tutors"} & group_names()
    assert not Collection.objects.filter(pk=group.collection_id).exists()
    workflow.refresh_from_db()
    assert not workflow.active
    assert not GroupApprovalTask.objects.get(workflow_tasks__workflow=workflow).active
    image.refresh_from_db()
    assert image.collection == Collection.get_first_root_node()


def test_bulk_deleting_groups_in_the_admin_removes_their_corners(client_for, root, group_b):
    other = make_group(title="Meadow")
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])

    response = client_for(root).post(f"{url}?id={group_b.pk}&id={other.pk}")

    assert response.status_code == 302
    assert not GroupPage.objects.filter(pk__in=[group_b.pk, other.pk]).exists()
    assert not {"Hillside admins", "Hillside tutors", "Meadow admins", "Meadow tutors"} & (
        group_names()
    )
    assert not Workflow.objects.filter(active=True, name__in=["Hillside approval"]).exists()


def test_copying_a_group_page_is_refused(client_for, root, group_a):
    url = reverse("wagtailadmin_pages:copy", args=[group_a.pk])

    response = client_for(root).post(
        url,
        {
            "new_title": "Riverside again",
            "new_slug": "riverside-again",
            "new_parent_page": str(group_index().pk),
        },
    )

    assert response.status_code == 302
    assert not GroupPage.objects.filter(title="Riverside again").exists()
    assert GroupPage.objects.get(pk=group_a.pk).admin_group.name == "Riverside admins"


# --- What a group's admin may do ----------------------------------------------------------


def test_a_group_admin_edits_and_publishes_the_groups_page(client_for, alice, group_a):
    response = client_for(alice).post(
        reverse("wagtailadmin_pages:edit", args=[group_a.pk]),
        group_page_data("Riverside", summary="Now meeting on Wednesdays.", **PUBLISH),
    )

    assert response.status_code == 302
    group_a.refresh_from_db()
    assert group_a.summary == "Now meeting on Wednesdays."
    assert not group_a.has_unpublished_changes


def test_a_group_admin_publishes_a_page_in_the_groups_subtree(client_for, alice, group_a):
    page = child_page(group_a, "Term dates")

    response = client_for(alice).post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        standard_page_data("Term dates", introduction="Autumn term starts soon.", **PUBLISH),
    )

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.introduction == "Autumn term starts soon."
    assert page.live and not page.has_unpublished_changes


def test_a_group_admin_cannot_see_or_edit_another_groups_pages(client_for, alice, group_a, group_b):
    page_b = child_page(group_b, "Hillside news")
    client = client_for(alice)

    for page in (group_b, page_b):
        explore = client.get(reverse("wagtailadmin_explore", args=[page.pk]))
        assert explore.status_code in {302, 403, 404}
        # Wagtail sends a group admin back to the top of what they may explore: their group.
        assert explore.get("Location") in {None, reverse("wagtailadmin_explore", args=[group_a.pk])}
        assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code != 200

    client.post(
        reverse("wagtailadmin_pages:edit", args=[page_b.pk]),
        standard_page_data("Taken over", slug="hillside-news", **PUBLISH),
    )
    page_b.refresh_from_db()
    assert page_b.title == "Hillside news"


def test_a_group_admin_cannot_publish_outside_the_groups_subtree(client_for, alice, group_a):
    home = HomePage.objects.get()
    title = home.title

    response = client_for(alice).post(
        reverse("wagtailadmin_pages:edit", args=[home.pk]),
        standard_page_data("Alice's commons", slug=home.slug, **PUBLISH),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    home.refresh_from_db()
    assert home.title == title
    assert not home.has_unpublished_changes
    assert client_for(alice).get(
        reverse("wagtailadmin_pages:add_subpage", args=[home.pk])
    ).status_code in {302, 403}


def test_a_group_admin_cannot_see_another_groups_images_or_documents(
    client_for, alice, bob, group_a, group_b
):
    bobs_client = Client()  # a client of his own, so his "image added" message stays his
    bobs_client.force_login(bob, backend="django.contrib.auth.backends.ModelBackend")
    upload = bobs_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Hillside picnic",
            "file": SimpleUploadedFile(
                "picnic.png", get_test_image_file().file.getvalue(), content_type="image/png"
            ),
            "collection": group_b.collection_id,
        },
    )
    assert upload.status_code == 302
    image = Image.objects.get(title="Hillside picnic")
    assert image.collection_id == group_b.collection_id
    document = Document.objects.create(title="Hillside minutes", collection=group_b.collection)
    own = Image.objects.create(
        title="Riverside logo", file=get_test_image_file(), collection=group_a.collection
    )
    client = client_for(alice)

    images = client.get(reverse("wagtailimages:index"))
    assert images.status_code == 200
    assert b"Riverside logo" in images.content
    assert b"Hillside picnic" not in images.content
    assert client.get(reverse("wagtailimages:edit", args=[image.pk])).status_code != 200
    assert client.get(reverse("wagtailimages:edit", args=[own.pk])).status_code == 200
    documents = client.get(reverse("wagtaildocs:index"))
    assert b"Hillside minutes" not in documents.content
    assert client.get(reverse("wagtaildocs:edit", args=[document.pk])).status_code != 200


def test_a_group_admin_cannot_manage_users_or_groups(client_for, alice, group_a):
    client = client_for(alice)

    for url in (
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:edit", args=[alice.pk]),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailusers_groups:edit", args=[group_a.admin_group_id]),
    ):
        response = client.get(url)
        assert response.status_code in {302, 403}, url
        assert response.get("Location") in {None, reverse("wagtailadmin_home")}
    assert not any(
        alice.has_perm(perm)
        for perm in (
            "commons.change_user",
            "commons.add_user",
            "auth.change_group",
            "auth.add_group",
        )
    )


# --- Tutors draft, admins approve ---------------------------------------------------------


def test_a_tutor_drafts_and_the_groups_admin_approves(client_for, alice, tara, group_a):
    client = client_for(tara)
    add_url = reverse("wagtailadmin_pages:add", args=["commons", "standardpage", group_a.pk])

    assert client.post(add_url, standard_page_data("Nature walk", **PUBLISH)).status_code == 302
    page = StandardPage.objects.get(title="Nature walk")
    assert not page.live, "a tutor cannot publish"

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        standard_page_data("Nature walk", introduction="Bring wellies.", **SUBMIT),
    )
    assert response.status_code == 302
    state = WorkflowState.objects.get(
        object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS
    )
    assert state.workflow == workflow_of(group_a)
    task = state.current_task_state.task.specific
    assert isinstance(task, GroupApprovalTask)
    assert list(task.groups.all()) == [group_a.admin_group]

    approve = client_for(alice).post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", state.current_task_state.pk],
        ),
        {"comment": "Lovely."},
    )

    assert approve.status_code in {200, 302}
    page.refresh_from_db()
    assert page.live
    assert page.introduction == "Bring wellies."
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_another_groups_admin_cannot_approve_a_tutors_draft(
    client_for, bob, tara, group_a, group_b
):
    page = group_a.add_child(
        instance=StandardPage(title="Nature walk", slug="nature-walk", live=False)
    )
    page.save_revision(user=tara)
    workflow_of(group_a).start(page, tara)
    state = WorkflowState.objects.get(object_id=str(page.pk))

    client_for(bob).post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", state.current_task_state.pk],
        ),
        {"comment": ""},
    )

    page.refresh_from_db()
    assert not page.live
