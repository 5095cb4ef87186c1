"""Writes for groups: each group's corner of the CMS, memberships, tutors and their checks."""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from commons.models import Booking, SpacePage, User
from commons.services import bookings as space_bookings
from commons.services import send_mail_after_commit
from commons.services.bookings import Occurrence
from groups import selectors
from groups.choices import MembershipStatus, Role
from groups.models import GroupPage, Membership, SafeguardingCheck, TutorProfile
from groups.models.tutors import renewal_after

logger = logging.getLogger(__name__)

ADMIN_PAGE_PERMISSIONS = ["add", "change", "publish", "lock", "unlock"]
TUTOR_PAGE_PERMISSIONS = ["add", "change"]
ADMIN_MEDIA_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]
TUTOR_MEDIA_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
]
ADMIN_MODEL_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "groups.view_membership",
    "groups.change_membership",
    "groups.delete_membership",
]
TUTOR_MODEL_PERMISSIONS = ["wagtailadmin.access_admin"]


def _permissions(labels: list[str]) -> list[Permission]:
    pairs = [label.split(".") for label in labels]
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in pairs},
        codename__in={codename for _, codename in pairs},
    ).select_related("content_type")
    return [p for p in found if [p.content_type.app_label, p.codename] in pairs]


def _corner_names(group: GroupPage) -> dict[str, str]:
    return {
        "admins": _("%(group)s admins") % {"group": group.title},
        "tutors": _("%(group)s tutors") % {"group": group.title},
        "workflow": _("%(group)s approval") % {"group": group.title},
        "task": _("%(group)s admins approve") % {"group": group.title},
    }


def _unique_group(name: str, existing: Group | None) -> Group:
    """Return the existing auth group renamed to `name`, or a new one; names stay unique."""
    taken = Group.objects.filter(name=name)
    if existing is not None:
        taken = taken.exclude(pk=existing.pk)
    final = name if not taken.exists() else f"{name} ({timezone.now():%Y%m%d%H%M%S%f})"
    if existing is None:
        return Group.objects.create(name=final)
    if existing.name != final:
        existing.name = final
        existing.save(update_fields=["name"])
    return existing


@transaction.atomic
def provision_group_corner(*, group: GroupPage) -> GroupPage:
    """Give a group its CMS corner: admin and tutor groups, a collection, an approval
    workflow, and the permissions that tie them to its subtree. Safe to run again: it
    renames what exists after a rename of the group and adds whatever is missing."""
    names = _corner_names(group)
    admin_group = _unique_group(names["admins"], group.admin_group)
    tutor_group = _unique_group(names["tutors"], group.tutor_group)

    collection = group.collection
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=group.title)
    elif collection.name != group.title:
        collection.name = group.title
        collection.save(update_fields=["name"])

    for auth_group, page_perms, media_perms, model_perms in [
        (admin_group, ADMIN_PAGE_PERMISSIONS, ADMIN_MEDIA_PERMISSIONS, ADMIN_MODEL_PERMISSIONS),
        (tutor_group, TUTOR_PAGE_PERMISSIONS, TUTOR_MEDIA_PERMISSIONS, TUTOR_MODEL_PERMISSIONS),
    ]:
        for permission_type in page_perms:
            if not GroupPagePermission.objects.filter(
                group=auth_group, page=group, permission__codename=f"{permission_type}_page"
            ).exists():
                GroupPagePermission.objects.create(
                    group=auth_group, page=group, permission_type=permission_type
                )
        for permission in _permissions(media_perms):
            GroupCollectionPermission.objects.get_or_create(
                group=auth_group, collection=collection, permission=permission
            )
        auth_group.permissions.add(*_permissions(model_perms))

    _provision_workflow(group=group, admin_group=admin_group, names=names)

    GroupPage.objects.filter(pk=group.pk).update(
        admin_group=admin_group, tutor_group=tutor_group, collection=collection
    )
    group.admin_group, group.tutor_group, group.collection = admin_group, tutor_group, collection
    return group


def _provision_workflow(*, group: GroupPage, admin_group: Group, names: dict) -> None:
    """Send tutors' drafts in this group's subtree to its admins for approval."""
    link = WorkflowPage.objects.filter(page=group).select_related("workflow").first()
    if link is None:
        workflow = Workflow.objects.create(name=names["workflow"])
        task = GroupApprovalTask.objects.create(name=names["task"])
        task.groups.set([admin_group])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(page=group, workflow=workflow)
        return
    workflow = link.workflow
    if workflow.name != names["workflow"]:
        workflow.name = names["workflow"]
        workflow.save(update_fields=["name"])
    for task in GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow):
        if task.name != names["task"]:
            task.name = names["task"]
            task.save(update_fields=["name"])
        task.groups.set([admin_group])


@transaction.atomic
def remove_group_corner(*, group: GroupPage) -> None:
    """Delete a group's CMS corner when the group itself is deleted, before or after its page."""
    workflows = Workflow.objects.filter(workflow_pages__page_id=group.pk)
    if group.admin_group_id:
        # Once the page is deleted its WorkflowPage link has gone with it; the approval
        # task still names the group's admins.
        workflows |= Workflow.objects.filter(
            workflow_tasks__task__groupapprovaltask__groups=group.admin_group_id
        )
    for workflow in workflows.distinct():
        tasks = list(GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow))
        # Workflows and tasks keep history; deactivating them is Wagtail's way to retire one.
        workflow.deactivate()
        for task in tasks:
            task.deactivate()
    Group.objects.filter(pk__in=[group.admin_group_id, group.tutor_group_id]).delete()
    if group.collection_id:
        # The group's images and documents move to the root rather than vanish with it.
        root = Collection.get_first_root_node()
        for model in (get_image_model(), get_document_model()):
            model.objects.filter(collection_id=group.collection_id).update(collection=root)
        Collection.objects.filter(pk=group.collection_id).delete()


def sync_cms_groups(*, membership: Membership) -> None:
    """Put the member into the group's admin or tutor CMS group to match their role."""
    group = membership.group
    user = membership.user
    cms_groups = [g for g in (group.admin_group, group.tutor_group) if g is not None]
    user.groups.remove(*cms_groups)
    if not membership.is_active:
        return
    if membership.role == Role.ADMIN and group.admin_group:
        user.groups.add(group.admin_group)
    elif membership.role == Role.TUTOR and group.tutor_group:
        user.groups.add(group.tutor_group)


def _admin_emails(group: GroupPage) -> list[str]:
    admins = Membership.objects.admins().filter(group=group).exclude(user__email="")
    return list(admins.values_list("user__email", flat=True))


def _locked_group(group: GroupPage) -> GroupPage:
    """Lock the group's row so membership changes to one group happen one at a time."""
    return GroupPage.objects.select_for_update().get(pk=group.pk)


@transaction.atomic
def join_group(
    *, group: GroupPage, user: User, message: str = "", share_contact: bool = False
) -> Membership:
    """Join an open group, or ask to join one that approves members; a repeat is harmless."""
    if user.is_learner_login:
        raise ValidationError(_("A learner's login cannot join groups."))
    group = _locked_group(group)
    membership = Membership.objects.filter(group=group, user=user).first()
    if membership is not None and membership.status in {
        MembershipStatus.ACTIVE,
        MembershipStatus.PENDING,
    }:
        return membership
    if membership is not None and membership.status == MembershipStatus.INVITED:
        membership.status = MembershipStatus.ACTIVE
        membership.share_contact = share_contact
        membership.save(update_fields=["status", "share_contact"])
        sync_cms_groups(membership=membership)
        return membership
    if not group.accepting_members:
        raise ValidationError(_("%(group)s is not taking new members just now.") % {"group": group})
    status = MembershipStatus.ACTIVE if group.is_open else MembershipStatus.PENDING
    membership, _created = Membership.objects.update_or_create(
        group=group,
        user=user,
        defaults={
            "status": status,
            "role": Role.PARENT,
            "message": message,
            "share_contact": share_contact,
            "decided_at": None,
            "decided_by": None,
        },
    )
    if status == MembershipStatus.PENDING:
        send_mail_after_commit(
            subject=_("%(name)s asks to join %(group)s") % {"name": user, "group": group},
            template="groups/emails/join_request.txt",
            context={"membership": membership, "base_url": settings.WAGTAILADMIN_BASE_URL},
            to=_admin_emails(group),
        )
    return membership


def _ensure_an_admin_remains(group: GroupPage, leaving: Membership) -> None:
    if leaving.role != Role.ADMIN or not leaving.is_active:
        return
    others = Membership.objects.admins().filter(group=group).exclude(pk=leaving.pk)
    if not others.exists():
        raise ValidationError(
            _("%(group)s must keep at least one admin. Make someone else an admin first.")
            % {"group": group}
        )


@transaction.atomic
def leave_group(*, group: GroupPage, user: User) -> Membership:
    """End a membership; the last admin cannot leave."""
    group = _locked_group(group)
    membership = Membership.objects.filter(group=group, user=user).first()
    if membership is None or membership.status == MembershipStatus.LEFT:
        raise ValidationError(_("You are not a member of %(group)s.") % {"group": group})
    _ensure_an_admin_remains(group, membership)
    membership.status = MembershipStatus.LEFT
    membership.save(update_fields=["status"])
    sync_cms_groups(membership=membership)
    return membership


@transaction.atomic
def decide_membership(*, membership: Membership, approve: bool, by: User) -> Membership:
    """Approve or decline a request to join, and tell the person."""
    _locked_group(membership.group)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    membership.status = MembershipStatus.ACTIVE if approve else MembershipStatus.DECLINED
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    sync_cms_groups(membership=membership)
    if membership.user.email:
        send_mail_after_commit(
            subject=(_("Welcome to %(group)s") if approve else _("Your request to join %(group)s"))
            % {"group": membership.group},
            template="groups/emails/join_decided.txt",
            context={"membership": membership, "approved": approve},
            to=[membership.user.email],
        )
    return membership


@transaction.atomic
def change_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Give a member another role; a group always keeps at least one admin."""
    _locked_group(membership.group)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Role.values:
        raise ValidationError(_("Choose admin, tutor or parent."))
    if membership.role == role:
        return membership
    if role != Role.ADMIN:
        _ensure_an_admin_remains(membership.group, membership)
    membership.role = role
    membership.save(update_fields=["role"])
    sync_cms_groups(membership=membership)
    return membership


@transaction.atomic
def save_membership(*, membership: Membership, by: User) -> Membership:
    """Save a membership edited in the admin, holding the same rules as the site does."""
    _locked_group(membership.group)
    before = Membership.objects.select_for_update().get(pk=membership.pk)
    if (before.group_id, before.user_id) != (membership.group_id, membership.user_id):
        raise ValidationError(_("A membership cannot move to another group or person."))
    stops_being_admin = membership.role != Role.ADMIN or not membership.is_active
    if before.role == Role.ADMIN and before.is_active and stops_being_admin:
        _ensure_an_admin_remains(membership.group, before)
    if before.status == MembershipStatus.PENDING and membership.status != before.status:
        membership.decided_by = by
        membership.decided_at = timezone.now()
    membership.save()
    sync_cms_groups(membership=membership)
    return membership


@transaction.atomic
def delete_membership(*, membership: Membership) -> None:
    """Delete a membership: the group keeps an admin and the person leaves its CMS groups."""
    _locked_group(membership.group)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _ensure_an_admin_remains(membership.group, membership)
    membership.status = MembershipStatus.LEFT
    sync_cms_groups(membership=membership)
    membership.delete()


@transaction.atomic
def add_member(*, group: GroupPage, user: User, role: str, by: User | None = None) -> Membership:
    """Make someone an active member with a role: for site admins and demo data."""
    membership, _created = Membership.objects.update_or_create(
        group=group,
        user=user,
        defaults={"role": role, "status": MembershipStatus.ACTIVE, "decided_by": by},
    )
    sync_cms_groups(membership=membership)
    return membership


@transaction.atomic
def save_tutor_profile(*, user: User, bio: str, availability: str, subjects) -> TutorProfile:
    """Create or update a member's tutor profile."""
    if user.is_learner_login:
        raise ValidationError(_("A learner's login cannot become a tutor."))
    profile, _created = TutorProfile.objects.update_or_create(
        user=user, defaults={"bio": bio, "availability": availability}
    )
    profile.subjects.set(subjects)
    # Roles stay as they are: a group's admins decide who tutors for it (change_role).
    return profile


@transaction.atomic
def record_check(
    *,
    tutor: TutorProfile,
    level: str,
    certificate_date: date,
    on_update_service: bool,
    by: User,
    group: GroupPage,
    renewal_date: date | None = None,
) -> SafeguardingCheck:
    """Record a safeguarding check an admin has seen; it becomes the tutor's current one."""
    if not Membership.objects.admins().filter(group=group, user=by).exists():
        raise ValidationError(
            _("Only an admin of %(group)s can record checks for it.") % {"group": group}
        )
    if certificate_date > timezone.localdate():
        raise ValidationError(
            {"certificate_date": _("The certificate date cannot be in the future.")}
        )
    renewal_date = renewal_date or renewal_after(certificate_date)
    if renewal_date <= certificate_date:
        raise ValidationError(
            {"renewal_date": _("The renewal date must be after the certificate date.")}
        )
    tutor = TutorProfile.objects.select_for_update().get(pk=tutor.pk)
    current = tutor.current_check
    if current is not None and (
        current.level,
        current.certificate_date,
        current.on_update_service,
        current.renewal_date,
        current.verified_by_group_id,
    ) == (level, certificate_date, on_update_service, renewal_date, group.pk):
        return current  # a repeated submission (double click, back button) records nothing new
    check = SafeguardingCheck.objects.create(
        tutor=tutor,
        level=level,
        certificate_date=certificate_date,
        on_update_service=on_update_service,
        renewal_date=renewal_date,
        verified_by=by,
        verified_by_group=group,
    )
    tutor.current_check = check
    tutor.save(update_fields=["current_check"])
    return check


@transaction.atomic
def invite_tutor(*, group: GroupPage, tutor: TutorProfile, by: User) -> Membership:
    """Invite a tutor from the town's pool to help a group; they accept on the group's page."""
    if not Membership.objects.admins().filter(group=group, user=by).exists():
        raise ValidationError(_("Only an admin of %(group)s can invite tutors.") % {"group": group})
    _locked_group(group)
    membership = Membership.objects.filter(group=group, user=tutor.user).first()
    if membership is not None and membership.status in {
        MembershipStatus.ACTIVE,
        MembershipStatus.INVITED,
    }:
        return membership
    membership, _created = Membership.objects.update_or_create(
        group=group,
        user=tutor.user,
        defaults={"role": Role.TUTOR, "status": MembershipStatus.INVITED, "decided_by": by},
    )
    if tutor.user.email:
        send_mail_after_commit(
            subject=_("%(group)s would like your help") % {"group": group},
            template="groups/emails/tutor_invitation.txt",
            context={"membership": membership, "base_url": settings.WAGTAILADMIN_BASE_URL},
            to=[tutor.user.email],
        )
    return membership


def contact_group(*, group: GroupPage, sender_name: str, sender_email: str, message: str) -> None:
    """Email a message to the group's admins without showing anyone's address publicly."""
    recipients = _admin_emails(group)
    if not recipients:
        raise ValidationError(_("%(group)s has no one to receive messages yet.") % {"group": group})
    send_mail_after_commit(
        subject=_("Message for %(group)s from %(name)s") % {"group": group, "name": sender_name},
        template="groups/emails/contact.txt",
        context={"group": group, "name": sender_name, "email": sender_email, "message": message},
        to=recipients,
    )


# --- Space bookings for a group -----------------------------------------------------------


@dataclass
class BookingOutcome:
    """What a booking request made: the bookings, the dates skipped, and whether it was a repeat.

    A repeat is a request the group already holds exactly (a second click, the back button):
    nothing new is made and `bookings` are the ones it already has.
    """

    bookings: list[Booking]
    skipped: list[Occurrence] = field(default_factory=list)
    repeat: bool = False


def _held(space, group: GroupPage, title: str, spans) -> list[Booking]:
    """The group's waiting or confirmed bookings here with this title at exactly these times."""
    starts = [start for start, _end in spans]
    wanted = set(spans)
    found = Booking.objects.active().filter(space=space, group=group, title=title, start__in=starts)
    return [b for b in found.order_by("start") if (b.start, b.end) in wanted]


@transaction.atomic
def book_space_for_group(
    *,
    space: SpacePage,
    group: GroupPage,
    by: User,
    title: str,
    start: datetime,
    end: datetime,
    note: str = "",
    interval_weeks: int = 0,
    until: date | None = None,
    free_only: bool = False,
) -> BookingOutcome:
    """Book a space for a group the person may book for: one date, or a weekly series.

    The space's row is locked first, so a request sent twice waits for the first to finish
    and then finds its bookings: it makes nothing new (DESIGN.md, invariant 4).
    """
    if not selectors.groups_user_may_book_for(by).filter(pk=group.pk).exists():
        raise ValidationError(
            _("Only the admins of %(group)s, or its tutors if it allows them, can book for it.")
            % {"group": group.title}
        )
    space = SpacePage.objects.select_for_update(of=("self",)).get(pk=space.pk)
    details = {"space": space, "group": group, "by": by, "title": title, "note": note}
    if not interval_weeks:
        held = _held(space, group, title, [(start, end)])
        if held:
            return BookingOutcome(held, repeat=True)
        return BookingOutcome([space_bookings.request_booking(start=start, end=end, **details)])
    repeat = {"start": start, "end": end, "interval_weeks": interval_weeks, "until": until}
    held = _held(space, group, title, space_bookings.occurrences(**repeat))
    if held:
        held_times = {(booking.start, booking.end) for booking in held}
        plan = space_bookings.preview_series(space=space, group=group, **repeat)
        if not any(o.is_free and (o.start, o.end) not in held_times for o in plan):
            return BookingOutcome(held, repeat=True)
    made, skipped = space_bookings.request_series(free_only=free_only, **repeat, **details)
    return BookingOutcome(made, skipped)
