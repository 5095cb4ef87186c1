from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.Model):
    """A subject taught in the commons: maths, nature, music…; groups, tutors and curricula
    are tagged with them."""

    name = models.CharField(
        _("name"), max_length=60, unique=True, help_text=_("For example “Maths”.")
    )
    slug = models.SlugField(
        _("slug"), max_length=60, unique=True, help_text=_("Used in links and filters.")
    )
    code = models.CharField(
        _("short code"),
        max_length=4,
        help_text=_("Two to four letters shown on badges, for example “MA”."),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#2f6f4f",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour like #2f6f4f."))],
        help_text=_("A dark colour, as #rrggbb, that white text reads well on."),
    )

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
