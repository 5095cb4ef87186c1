from django.db import models
from django.utils.translation import gettext_lazy as _


class Neighbourhood(models.Model):
    """A part of the town people recognise: groups meet and spaces stand in one."""

    name = models.CharField(_("name"), max_length=80, unique=True, help_text=_("As locals say it."))
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in links."))

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
