"""Writes that touch more than one row: households, learners and their guardians."""

import logging
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commons import faults
from commons.models import GuardianInvitation, Learner
from commons.services.mail import send_mail_after_commit

logger = logging.getLogger(__name__)
User = get_user_model()


@transaction.atomic
def add_learner(
    *, guardian: User, name: str, creation_key: uuid.UUID | None = None, **details
) -> Learner:
    """Add a learner to a guardian's household; a repeated submission returns the first."""
    if guardian.is_learner_login:
        raise ValidationError(_("A learner's login cannot add learners."))
    if creation_key is not None:
        existing = Learner.objects.filter(creation_key=creation_key, guardians=guardian).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            learner = Learner.objects.create(name=name, creation_key=creation_key, **details)
    except IntegrityError:
        # A concurrent duplicate of the same submission won the race: return its learner.
        existing = Learner.objects.filter(creation_key=creation_key, guardians=guardian).first()
        if existing is None:
            # The key is another household's (a tampered form): never a way to their child.
            raise ValidationError(
                _("This form has expired. Check the details and add them again.")
            ) from None
        return existing
    learner.guardians.add(guardian)
    return learner


@transaction.atomic
def erase_learner(*, learner: Learner, by: User) -> None:
    """Remove a learner and everything held about them, including their own login."""
    login = learner.user
    logger.info("Learner %s erased at the request of user %s", learner.pk, by.pk)
    learner.delete()
    if login is not None:
        login.delete()
    faults.pause("erasure")


@transaction.atomic
def invite_guardian(*, learner: Learner, email: str, by: User) -> GuardianInvitation:
    """Invite someone by email to become a guardian of a learner; reuse an open invitation."""
    email = email.strip()
    if learner.guardians.filter(email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s is already a guardian of %(name)s.") % {"email": email, "name": learner}
        )
    invitation = learner.invitations.open().filter(email__iexact=email).first()
    if invitation is None:
        invitation = GuardianInvitation.objects.create(learner=learner, email=email, invited_by=by)
    link = settings.WAGTAILADMIN_BASE_URL + reverse(
        "commons:invitation_accept", args=[invitation.token]
    )
    send_mail_after_commit(
        subject=_("%(name)s has invited you to Commons") % {"name": by.get_display_name()},
        template="commons/emails/guardian_invitation.txt",
        context={"invitation": invitation, "link": link, "days": settings.GUARDIAN_INVITATION_DAYS},
        to=[email],
    )
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> Learner:
    """Make the user a guardian of the invited learner, once, or say why not."""
    invitation = GuardianInvitation.objects.open().select_for_update().filter(token=token).first()
    if invitation is None:
        raise ValidationError(
            _("This invitation has already been used or has expired. Ask for a new one.")
        )
    if user.is_learner_login:
        raise ValidationError(_("A learner's login cannot become a guardian."))
    invitation.learner.guardians.add(user)
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return invitation.learner


@transaction.atomic
def set_learner_login(*, learner: Learner, username: str, password: str, by: User) -> User:
    """Create a learner's own login, or give their existing login a new password."""
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    if learner.user_id is None:
        login = User(username=username, display_name=learner.name)
        login.set_password(password)
        login.save()
        learner.user = login
        learner.save(update_fields=["user"])
    else:
        login = learner.user
        login.set_password(password)
        login.save(update_fields=["password"])
    logger.info("Login for learner %s set by user %s", learner.pk, by.pk)
    return login
