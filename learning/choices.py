from django.db import models
from django.utils.translation import gettext_lazy as _


class Licence(models.TextChoices):
    CC_BY_SA = "cc-by-sa-4.0", _("CC BY-SA 4.0 (share alike)")
    CC_BY = "cc-by-4.0", _("CC BY 4.0 (attribution)")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


LICENCE_URLS = {
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
}


class Level(models.IntegerChoices):
    """How far a learner has got with an objective, as adults record it."""

    NOT_STARTED = 0, _("Not started")
    WORKING_TOWARDS = 1, _("Working towards")
    SECURE = 2, _("Secure")
    MASTERED = 3, _("Mastered")


# The same levels in the words a child reads on their own page.
LEARNER_LEVEL_LABELS = {
    Level.NOT_STARTED: _("Not yet"),
    Level.WORKING_TOWARDS: _("Getting there"),
    Level.SECURE: _("Got it"),
    Level.MASTERED: _("Could teach it"),
}


class Source(models.TextChoices):
    TUTOR = "tutor", _("Tutor")
    GUARDIAN = "guardian", _("Guardian")
    SELF = "self", _("Learner's own view")
