from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class RecordPage(models.TextChoices):
    """The pages that show a learner's record to someone outside their family, by URL
    name: the record-view log keeps which page, never what it showed."""

    LEARNER_PAGE = "learning:learner_page", _("Their learning page")
    LEARNER_UNIT = "learning:learner_unit", _("A unit of their learning page")
    EVIDENCE = "learning:evidence_download", _("A file of evidence from their record")
    SESSION_PROGRESS = "learning:session_progress", _("A session's progress grid")
    COURSE_OVERVIEW = "learning:course_overview", _("A course's progress overview")
    REGISTER = "groups:session_register", _("A session's register")


class ViewerRole(models.TextChoices):
    """Why someone outside the family may see a learner's record."""

    TUTOR = "tutor", _("tutor")
    GROUP_ADMIN = "group_admin", _("group admin")
    SITE_ADMIN = "site_admin", _("site admin")
