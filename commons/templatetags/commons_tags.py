from dataclasses import dataclass

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.embeds import embeds
from wagtail.embeds.exceptions import EmbedException
from wagtail.models import Page

from commons.cache import remember
from commons.feeds import group_feed_url
from commons.sites import site_for_request

register = template.Library()

# The site-wide pages the footer links to, when they exist under the home page.
FOOTER_PAGE_SLUGS = ("about", "safeguarding", "privacy")


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    current: str = ""  # the aria-current value: "page", "true" (a section) or ""


def _aria_current(url: str, path: str) -> str:
    if url == path:
        return "page"
    if url != "/" and path.startswith(url):
        return "true"
    return ""


def _links(request, name: str, pages) -> list[tuple[str, str]]:
    """(title, url) of `pages` (built by a function), remembered until the next write."""
    site = site_for_request(request)
    if site is None:
        return []

    def build():
        return [
            (page.title, url)
            for page in pages(site.root_page)
            if (url := page.get_url(request=request))
        ]

    return remember(f"{name}:{site.pk}", build)


def _items(request, links) -> list[MenuItem]:
    return [MenuItem(title, url, _aria_current(url, request.path)) for title, url in links]


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[MenuItem]:
    """Return the home page's live children shown in menus, marking the current section.

    Kept in the shared cache until a page changes: no query on most requests.
    """
    request = context.get("request")
    if request is None:
        return []
    return _items(
        request, _links(request, "menu", lambda root: root.get_children().live().in_menu())
    )


def _footer_pages(root) -> list[Page]:
    pages = {
        page.slug: page for page in root.get_children().live().filter(slug__in=FOOTER_PAGE_SLUGS)
    }
    return [pages[slug] for slug in FOOTER_PAGE_SLUGS if slug in pages]


@register.simple_tag(takes_context=True)
def footer_pages(context) -> list[MenuItem]:
    """Return the about, safeguarding and privacy pages that exist, in that order."""
    request = context.get("request")
    if request is None:
        return []
    return _items(request, _links(request, "footer", _footer_pages))


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name, timeout, unless):
        self.nodelist = nodelist
        self.name = name
        self.timeout = timeout
        self.unless = unless

    def render(self, context):
        if self.unless is not None and self.unless.resolve(context):
            return self.nodelist.render(context)
        site = site_for_request(context.get("request"))
        name = f"fragment:{self.name.resolve(context)}:{site.pk if site else 0}:{get_language()}"
        timeout = int(self.timeout.resolve(context)) if self.timeout is not None else 3600
        html = remember(name, lambda: str(self.nodelist.render(context)), timeout)
        return mark_safe(html)  # noqa: S308 (the template's own output, escaped as it rendered)


@register.tag
def shared_fragment(parser, token):
    """Render the enclosed template once for everyone, until the next write or `seconds`.

        {% shared_fragment "home-whats-on" seconds=60 unless=request.GET %}…{% endshared_fragment %}

    Only for what every visitor sees alike (nothing personal, no CSRF token): the HTML is
    shared by all visitors and workers. `seconds` bounds how stale a part that changes
    with the clock may get; `unless` renders afresh when it is true.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("shared_fragment needs a name")
    options = {}
    for bit in bits[2:]:
        key, _sep, value = bit.partition("=")
        if key not in {"seconds", "unless"} or not value:
            raise template.TemplateSyntaxError(f"shared_fragment: unknown option {bit!r}")
        options[key] = parser.compile_filter(value)
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(
        nodelist, parser.compile_filter(bits[1]), options.get("seconds"), options.get("unless")
    )


@dataclass(frozen=True)
class EmbedView:
    html: str
    title: str
    provider_name: str


# YouTube's oEmbed answers with www.youtube.com players; the public Content-Security-Policy
# allows only its privacy-enhanced (no-cookie) domain.
PRIVACY_ENHANCED_PLAYERS = {
    "https://www.youtube.com/embed/": "https://www.youtube-nocookie.com/embed/",
}


@register.simple_tag
def embed_for(value) -> EmbedView | None:
    """Return the embed for an EmbedBlock value, privacy-enhanced, or None if it fails."""
    if not value:
        return None
    try:
        embed = embeds.get_embed(value.url, value.max_width, value.max_height)
    except EmbedException:
        return None
    html = embed.html
    for player, private_player in PRIVACY_ENHANCED_PLAYERS.items():
        html = html.replace(player, private_player)
    return EmbedView(html, embed.title, embed.provider_name)


@register.simple_tag
def group_bookings_feed_url(request, group) -> str:
    """The full address of a group's calendar feed of its bookings (keyed when private)."""
    return request.build_absolute_uri(group_feed_url(group))
