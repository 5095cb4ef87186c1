"""Writes for learning: adopting another group's curriculum."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug

from commons.models import User
from groups.models import GroupPage, Membership
from learning.models import CurriculumPage, UnitPage

# The original's editing lock is no business of the group that adopts it.
UNLOCKED = {"locked": False, "locked_by": None, "locked_at": None}


def _check_may_adopt(*, curriculum: CurriculumPage, group: GroupPage, by: User) -> None:
    names = {"title": curriculum.title, "group": group.title}
    if not curriculum.may_be_adopted:
        raise ValidationError(
            _("“%(title)s” is all rights reserved: its authors have not allowed copies.") % names
        )
    if not curriculum.live:
        raise ValidationError(_("“%(title)s” is not published, so it cannot be adopted.") % names)
    if not Membership.objects.admins().filter(group=group, user=by).exists():
        raise ValidationError(
            _("Only an admin of %(group)s can adopt a curriculum into it.") % names
        )
    if curriculum.get_parent().pk == group.pk:
        raise ValidationError(_("“%(title)s” already belongs to %(group)s.") % names)


@transaction.atomic
def adopt_curriculum(*, curriculum: CurriculumPage, group: GroupPage, by: User) -> CurriculumPage:
    """Copy a curriculum and its published units into the group's pages as a draft that
    credits the original, or say why not. While that draft is unpublished, adopting the
    same curriculum again returns it instead of making another."""
    # Lock the group's row so two adoptions into one group happen one after the other.
    group = GroupPage.objects.select_for_update().get(pk=group.pk)
    _check_may_adopt(curriculum=curriculum, group=group, by=by)
    draft = (
        CurriculumPage.objects.child_of(group)
        .filter(adapted_from=curriculum, live=False)
        .order_by("-pk")
        .first()
    )
    if draft is not None:
        return draft
    copy = curriculum.copy(
        to=group,
        keep_live=False,
        copy_revisions=False,
        user=by,
        update_attrs={
            "adapted_from": curriculum,
            "title": curriculum.title,
            "slug": find_available_slug(group, curriculum.slug),
            **UNLOCKED,
        },
    )
    # Only what the public can read is shared: the original group's draft units stay theirs.
    for unit in UnitPage.objects.child_of(curriculum).live().order_by("path"):
        unit.copy(to=copy, keep_live=False, copy_revisions=False, user=by, update_attrs=UNLOCKED)
    return copy
