"""Template helpers for the signed-in part of the header."""

import functools

from django import template
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

register = template.Library()


@register.simple_tag(takes_context=True)
def may_access_admin(context) -> bool:
    """Whether the user may open the Wagtail admin, as `perms.wagtailadmin.access_admin`
    says, in one small query kept on the user for the request.

    `perms` loads every permission the user has, in two queries, on every signed-in page,
    to show one link; the header's two copies of the navigation ask once."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    if not hasattr(user, "_may_access_admin"):
        user._may_access_admin = _may_access_admin(user)
    return user._may_access_admin


def _may_access_admin(user) -> bool:
    # The same answer as ModelBackend: nothing for an inactive user, everything for an
    # active superuser, else the user's own permissions and their groups'.
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    loaded = getattr(user, "_perm_cache", None)
    if loaded is not None:
        return "wagtailadmin.access_admin" in loaded
    with connection.cursor() as cursor:
        cursor.execute(_access_admin_sql(), ["wagtailadmin", "access_admin", user.pk, user.pk])
        return cursor.fetchone() is not None


@functools.cache
def _access_admin_sql() -> str:
    # The ORM's EXISTS over four joins took longer to compile than the rest of the header
    # to render: the same question in SQL, with every table name from the models.
    user_model = get_user_model()
    tables = {
        "permission": Permission._meta.db_table,
        "content_type": ContentType._meta.db_table,
        "user_permissions": user_model.user_permissions.through._meta.db_table,
        "group_permissions": Group.permissions.through._meta.db_table,
        "user_groups": user_model.groups.through._meta.db_table,
    }
    quoted = {name: connection.ops.quote_name(table) for name, table in tables.items()}
    return (  # noqa: S608 (quoted table names from the models; the values are parameters)
        "SELECT 1 FROM {permission} p"
        " INNER JOIN {content_type} ct ON ct.id = p.content_type_id"
        " WHERE ct.app_label = %s AND p.codename = %s AND ("
        "EXISTS (SELECT 1 FROM {user_permissions} up"
        " WHERE up.permission_id = p.id AND up.user_id = %s)"
        " OR EXISTS (SELECT 1 FROM {group_permissions} gp"
        " INNER JOIN {user_groups} ug ON ug.group_id = gp.group_id"
        " WHERE gp.permission_id = p.id AND ug.user_id = %s)"
        ") LIMIT 1"
    ).format(**quoted)
