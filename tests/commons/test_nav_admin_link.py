"""The header's "Admin" link: shown to exactly those who may open the Wagtail admin, and
asked for in one query however many copies of the navigation the header has."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_LINK = f'href="{reverse("wagtailadmin_home")}">Admin</a>'


def access_admin():
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def account_page(client):
    response = client.get(reverse("commons:household"))
    assert response.status_code == 200
    return response.content.decode()


def test_someone_without_admin_access_sees_no_admin_link(parent, client_for):
    assert ADMIN_LINK not in account_page(client_for(parent))


def test_a_member_of_a_group_with_admin_access_sees_the_link(parent, client_for):
    editors = Group.objects.create(name="Nav test editors")
    editors.permissions.add(access_admin())
    parent.groups.add(editors)
    assert ADMIN_LINK in account_page(client_for(parent))


def test_admin_access_given_to_the_user_alone_shows_the_link(parent, client_for):
    parent.user_permissions.add(access_admin())
    assert ADMIN_LINK in account_page(client_for(parent))


def test_a_superuser_sees_the_link(parent, client_for):
    parent.is_superuser = True
    parent.save(update_fields=["is_superuser"])
    assert ADMIN_LINK in account_page(client_for(parent))


def test_a_group_without_admin_access_shows_no_link(parent, client_for):
    readers = Group.objects.create(name="Nav test readers")
    readers.permissions.add(Permission.objects.exclude(codename="access_admin").first())
    parent.groups.add(readers)
    assert ADMIN_LINK not in account_page(client_for(parent))


def test_the_two_navigations_ask_once(parent, client_for):
    client = client_for(parent)
    account_page(client)
    with CaptureQueriesContext(connection) as queries:
        account_page(client)
    permission_queries = [q for q in queries if "auth_permission" in q["sql"]]
    assert len(permission_queries) == 1
