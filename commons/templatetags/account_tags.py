"""Template helpers for the signed-in part of the header."""

from django import template
from django.contrib.auth.models import Permission
from django.db.models import Q

register = template.Library()


@register.simple_tag(takes_context=True)
def may_access_admin(context) -> bool:
    """Whether the user may open the Wagtail admin, as `perms.wagtailadmin.access_admin`
    says, in one EXISTS query kept on the user for the request.

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
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    return access.filter(Q(user=user) | Q(group__user=user)).exists()
