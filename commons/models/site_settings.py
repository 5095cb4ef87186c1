from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from commons.cache import remember
from commons.sites import site_for_request


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """What the whole site says about its place and who to contact."""

    place_name = models.CharField(
        _("place name"),
        max_length=80,
        default="our town",
        help_text=_("The town or neighbourhood this commons serves, as people say it."),
    )
    contact_email = models.EmailField(
        _("contact email"),
        blank=True,
        help_text=_("Where general questions about the commons go. Shown in the footer."),
    )
    safeguarding_lead_name = models.CharField(
        _("safeguarding lead"),
        max_length=80,
        blank=True,
        help_text=_("The named person to contact with a safeguarding concern."),
    )
    safeguarding_lead_email = models.EmailField(
        _("safeguarding lead's email"),
        blank=True,
        help_text=_("How to reach the safeguarding lead. Shown on every page's footer."),
    )

    panels = [
        FieldPanel("place_name"),
        FieldPanel("contact_email"),
        MultiFieldPanel(
            [FieldPanel("safeguarding_lead_name"), FieldPanel("safeguarding_lead_email")],
            heading=_("Safeguarding"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(self.place_name)

    @classmethod
    def for_request(cls, request):
        """As Wagtail's, with the request's site found in the cache rather than by a query."""
        site_for_request(request)
        return super().for_request(request)

    @classmethod
    def for_site(cls, site):
        """Every page shows these: keep them in the shared cache until the next write."""
        if site is None:
            return super().for_site(site)
        return remember(f"site-settings:{site.pk}", lambda: super(SiteSettings, cls).for_site(site))
