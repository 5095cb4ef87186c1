from django.db import models
from django.utils.translation import gettext_lazy as _

from commons.choices import Weekday

__all__ = ["CheckLevel", "GroupKind", "JoinPolicy", "MembershipStatus", "Role", "Weekday"]


class GroupKind(models.TextChoices):
    PARENT_COOP = "parent_coop", _("Parent co-op")
    FREE_SCHOOL = "free_school", _("Free school")
    HOME_ED = "home_ed", _("Home-education network")
    CLUB = "club", _("Club")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone may join")
    APPROVAL = "approval", _("By approval of the group's admins")


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    TUTOR = "tutor", _("Tutor")
    PARENT = "parent", _("Parent")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    INVITED = "invited", _("Invited by the group")
    ACTIVE = "active", _("Member")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")


class CheckLevel(models.TextChoices):
    BASIC = "basic", _("Basic DBS")
    STANDARD = "standard", _("Standard DBS")
    ENHANCED = "enhanced", _("Enhanced DBS")
    ENHANCED_BARRED = "enhanced_barred", _("Enhanced DBS with barred-list check")
