"""Which Wagtail site a request is for, without a query on each request.

Wagtail looks the site up by hostname on every request that shows the site's settings or
menus. The sites are a handful of rows that only an admin changes, so they are kept in
the shared cache until the next write and matched here, as Wagtail matches them.
"""

from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import (
    MATCH_DEFAULT,
    MATCH_HOSTNAME,
    MATCH_HOSTNAME_DEFAULT,
    MATCH_HOSTNAME_PORT,
)

from commons.cache import remember


def _read_sites() -> list[Site]:
    sites = list(Site.objects.select_related("root_page").order_by("pk"))
    for site in sites:
        # Its own class (the HomePage), as Wagtail's routing asks for it on every page.
        site.root_page = site.root_page.specific
    return sites


def all_sites() -> list[Site]:
    """Every site with its root page, kept in the shared cache until the next write."""
    return remember("sites", _read_sites)


def _match(site: Site, hostname: str, port: int | None) -> int:
    if site.hostname == hostname and site.port == port:
        return MATCH_HOSTNAME_PORT
    if site.hostname == hostname and site.is_default_site:
        return MATCH_HOSTNAME_DEFAULT
    if site.is_default_site:
        return MATCH_DEFAULT
    return MATCH_HOSTNAME


def find_site(hostname: str, port: int | None) -> Site | None:
    """The site for a hostname and port, chosen as Wagtail's get_site_for_hostname does:
    hostname and port, else hostname and default, else the one site with that hostname,
    else the default site."""
    candidates = sorted(
        (site for site in all_sites() if site.hostname == hostname or site.is_default_site),
        key=lambda site: _match(site, hostname, port),
    )
    if not candidates:
        return None
    best = _match(candidates[0], hostname, port)
    if len(candidates) == 1 or best in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        return candidates[0]
    if best == MATCH_DEFAULT:
        # The default, unless exactly one other site has this hostname.
        return candidates[len(candidates) == 2]
    return None


def site_for_request(request) -> Site | None:
    """As Site.find_for_request, from the cached sites; Wagtail's later calls in the same
    request reuse the answer."""
    if request is None:
        return None
    if not hasattr(request, "_wagtail_site"):
        # The raw host, as Wagtail uses: the site is found before ALLOWED_HOSTS is checked.
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
        request._wagtail_site = find_site(hostname, int(port) if port.isdigit() else None)
    return request._wagtail_site
