from django.db import models
from django.utils.translation import gettext_lazy as _

from commons.choices import Weekday

__all__ = [
    "CheckLevel",
    "CourseStatus",
    "EnrolmentStatus",
    "GroupKind",
    "JoinPolicy",
    "MembershipStatus",
    "Presence",
    "Role",
    "SessionStatus",
    "SignupRole",
    "SignupStatus",
    "Weekday",
]


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


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class CourseStatus(models.TextChoices):
    OPEN = "open", _("Running")
    CANCELLED = "cancelled", _("Cancelled")


class SignupRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    HELPER = "helper", _("Helper")


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Offered, waiting for the group")
    CANCELLED = "cancelled", _("Cancelled")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
