"""Permission policies that scope the Wagtail admin to the groups a person runs."""

from django.contrib.auth.models import Group
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from groups.models import GroupPage, Membership


def corner_groups():
    """Return the Wagtail user groups that make up the groups' own corners of the CMS."""
    return Group.objects.filter(
        Q(pk__in=GroupPage.objects.filter(admin_group__isnull=False).values("admin_group"))
        | Q(pk__in=GroupPage.objects.filter(tutor_group__isnull=False).values("tutor_group"))
    )


class MembershipPermissionPolicy(ModelPermissionPolicy):
    """Django permissions say what a person may do with memberships; their reach says which.

    A permission reaches every membership when it comes from being a superuser or from
    anywhere but a group's corner (a site-wide editors' group, say). A permission that
    comes from "<group> admins" reaches only the memberships of the groups the person
    actively administers, so the edit, delete and inspect URLs of another group's
    membership are refused even though the views look objects up by id (Wagtail #10746).
    """

    cache_name = "_membership_policy_cache"

    def _cache(self, user) -> dict:
        if not hasattr(user, self.cache_name):
            setattr(user, self.cache_name, {})
        return getattr(user, self.cache_name)

    def reaches_all(self, user, actions) -> bool:
        """Say whether the user holds one of these permissions site-wide."""
        if not (user.is_active and user.is_authenticated):
            return False
        if user.is_superuser:
            return True
        key = ("all", frozenset(actions))
        cache = self._cache(user)
        if key not in cache:
            site_wide_groups = user.groups.exclude(pk__in=corner_groups())
            cache[key] = (
                self._get_permission_objects_for_actions(actions)
                .filter(Q(user=user) | Q(group__in=site_wide_groups))
                .exists()
            )
        return cache[key]

    def administered_group_ids(self, user) -> set[int]:
        """Return the ids of the groups this user is an active admin of."""
        if not (user.is_active and user.is_authenticated):
            return set()
        cache = self._cache(user)
        if "groups" not in cache:
            admins = Membership.objects.admins().filter(user=user)
            cache["groups"] = set(admins.values_list("group_id", flat=True))
        return cache["groups"]

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        return self.reaches_all(user, actions) or (
            instance.group_id in self.administered_group_ids(user)
        )

    def instances_user_has_any_permission_for(self, user, actions):
        memberships = self.model._default_manager.all()
        if not self.user_has_any_permission(user, actions):
            return memberships.none()
        if self.reaches_all(user, actions):
            return memberships
        return memberships.filter(group_id__in=self.administered_group_ids(user))

    def users_with_any_permission_for_instance(self, actions, instance):
        permissions = self._get_permission_objects_for_actions(actions)
        group_admins = Membership.objects.admins().filter(group=instance.group_id)
        return (
            self.users_with_any_permission(actions)
            .filter(
                Q(is_superuser=True)
                | Q(user_permissions__in=permissions)
                | Q(
                    groups__in=Group.objects.filter(permissions__in=permissions).exclude(
                        pk__in=corner_groups()
                    )
                )
                | Q(memberships__in=group_admins)
            )
            .distinct()
        )
