"""Who sees and decides bookings in the Wagtail admin: each space's own managers.

A space's managers field is the one source of truth. The permission policy reads it for
every screen (Wagtail looks objects up by id, so narrowing the listing alone would leave
another space's bookings open: Wagtail #10746), and the "Space managers" user group that
lets managers into the admin at all is kept in step with it.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.permission_policies import BasePermissionPolicy

from commons.models import Booking, SpacePage, User

SPACE_MANAGERS_GROUP = "Space managers"


class BookingPermissionPolicy(BasePermissionPolicy):
    """A space's managers see its bookings and decide its requests; superusers, every space's.

    The same rule as the booking service's `may_decide`, so the admin never offers what the
    service would refuse. Nobody adds or deletes bookings in the admin: groups request and
    cancel them on the site, where the rules are checked and the emails sent.
    """

    actions = frozenset({"view", "change"})
    cache_name = "_commons_managed_space_ids"

    def managed_space_ids(self, user) -> set[int]:
        """Return the ids of the spaces this user manages, read once a request."""
        if not (user.is_authenticated and user.is_active):
            return set()
        if not hasattr(user, self.cache_name):
            spaces = SpacePage.objects.filter(managers=user).values_list("pk", flat=True)
            setattr(user, self.cache_name, set(spaces))
        return getattr(user, self.cache_name)

    def _allowed(self, actions) -> bool:
        return bool(self.actions.intersection(actions))

    def _reaches_all(self, user) -> bool:
        return user.is_authenticated and user.is_active and user.is_superuser

    def user_has_permission(self, user, action):
        return self.user_has_any_permission(user, [action])

    def user_has_any_permission(self, user, actions):
        return self._allowed(actions) and (
            self._reaches_all(user) or bool(self.managed_space_ids(user))
        )

    def users_with_any_permission(self, actions):
        if not self._allowed(actions):
            return User.objects.none()
        return User.objects.filter(
            Q(is_superuser=True) | Q(managed_spaces__isnull=False), is_active=True
        ).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self._allowed(actions) and (
            self._reaches_all(user) or instance.space_id in self.managed_space_ids(user)
        )

    def instances_user_has_any_permission_for(self, user, actions):
        bookings = Booking.objects.all()
        if not self._allowed(actions):
            return bookings.none()
        if self._reaches_all(user):
            return bookings
        return bookings.filter(space_id__in=self.managed_space_ids(user))

    def users_with_any_permission_for_instance(self, actions, instance):
        if not self._allowed(actions):
            return User.objects.none()
        return User.objects.filter(
            Q(is_superuser=True) | Q(managed_spaces=instance.space_id), is_active=True
        ).distinct()


@transaction.atomic
def sync_space_managers_group() -> Group:
    """Put exactly the people who manage a space in "Space managers", which opens the admin.

    The group carries only `wagtailadmin.access_admin`: what a manager sees once inside
    comes from the policy above. Run after spaces' managers change (the page hooks do).
    """
    group, _created = Group.objects.get_or_create(name=SPACE_MANAGERS_GROUP)
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.add(access)
    group.user_set.set(User.objects.filter(managed_spaces__isnull=False).distinct())
    return group
