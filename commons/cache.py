"""Whole pages for visitors who are not signed in, kept in the cache every worker shares.

A cached page's key holds the cache's *generation*. A write that can change what a
public page shows bumps the generation, so every worker stops serving the old pages at
the same moment: they all read the generation from the shared cache on each request.
Pages also expire after PAGE_CACHE_SECONDS, because some change with the clock alone
("this week", "upcoming sessions").

What is served from here is only ever what an anonymous visitor without a session would
get, so signed-in people never see anyone else's page: a request with a session or
messages cookie, or any response that sets a cookie, used a CSRF token or says it is
private, bypasses the cache.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import get_conditional_response

GENERATION_KEY = "commons:pages:generation"

# Models whose rows can change a public page. Everything in our apps counts, less what
# only signed-in people ever see; of Wagtail's, the pages, their privacy and media.
WATCHED_APPS = {"commons", "groups", "learning"}
WATCHED_MODELS = {
    "wagtailcore.page",
    "wagtailcore.pageviewrestriction",
    "wagtailcore.site",
    "wagtailimages.image",
    "wagtaildocs.document",
    "taggit.tag",
}
UNWATCHED_MODELS = {
    "commons.guardianinvitation",
    "commons.learnerrecordview",
    "groups.calendartoken",
    "groups.checkreminder",
    "learning.evidence",
    "learning.followedcurriculum",
    "learning.progressentry",
}


def generation() -> int:
    """Return the current generation, starting a new one if the cache has lost it."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A fresh start, never an old number again: pages cached under an earlier
        # generation may still sit in the cache.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY, 0)
    return value


def bump_generation() -> None:
    """Make every cached page stale, in every worker."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        generation()


def pages_changed() -> None:
    """Bump the generation now, and again once the current transaction commits.

    Now, so that this process never reads a page cached before its own write; after
    commit, because another worker may have cached a page from the old rows in between.
    One after-commit bump per transaction is enough, however many rows it writes.
    """
    bump_generation()
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    # run_on_commit holds (savepoint ids, callback, robust) for this transaction.
    if not any(callback is bump_generation for _ids, callback, _robust in connection.run_on_commit):
        transaction.on_commit(bump_generation)


def remember(name: str, build, timeout: int = 3600):
    """Return build()'s result, kept in the shared cache until the next watched write.

    For what every page shows and only an editor changes (the menu, the site's settings):
    the generation in the key makes any write start afresh.
    """
    key = f"commons:{name}:{generation()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value


def _watched(model) -> bool:
    label = model._meta.label_lower
    if label in UNWATCHED_MODELS:
        return False
    return model._meta.app_label in WATCHED_APPS or label in WATCHED_MODELS


def _on_write(sender, instance=None, update_fields=None, created=False, **kwargs) -> None:
    # A login stamps last_login on the user: nothing public changes.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    # The first visit makes the site's settings row, holding the defaults pages showed.
    if created and sender._meta.label_lower == "commons.sitesettings":
        return
    if _watched(sender):
        pages_changed()


def _on_m2m(sender, instance=None, action="", **kwargs) -> None:
    if action.startswith("post_") and _watched(type(instance)):
        pages_changed()


def watch_writes() -> None:
    """Connect the generation to every model's writes (called once, from AppConfig.ready).

    Signals, not service calls, because pages change through many doors (the Wagtail
    admin's editors, snippets, workflows, the daily commands) and a missed door would
    serve stale pages. Queryset .update() sends no signal: services that use it for
    public data call pages_changed() themselves.
    """
    post_save.connect(_on_write, dispatch_uid="commons.cache.post_save")
    post_delete.connect(_on_write, dispatch_uid="commons.cache.post_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="commons.cache.m2m_changed")


def _cookie_free(request) -> bool:
    return not (settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES)


def _cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and _cookie_free(request)
        and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS)
    )


def _cacheable_response(request, response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
    )


def _key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"commons:page:{generation()}:{digest}"


class AnonymousPageCacheMiddleware:
    """Serve anonymous visitors' pages from the shared cache, and fill it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        response = cache.get(key)
        if response is not None:
            # A calendar app polling a feed it has (commons.feeds.feed_etag) gets a 304.
            if response.has_header("ETag"):
                return get_conditional_response(request, etag=response["ETag"], response=response)
            return response
        response = self.get_response(request)
        if _cacheable_response(request, response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response


def cached_response(request, respond):
    """Return the response kept for this GET's address in this generation, else respond()'s.

    For views the middleware leaves out because each request must pass a check first (the
    open-data API counts every request against its address's allowance): they call this
    after the check. Only what the middleware would keep is kept, for as long.
    """
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET":
        return respond()
    key = _key(request)
    response = cache.get(key)
    if response is not None:
        return response
    response = respond()
    if _cacheable_response(request, response):
        cache.set(key, response, settings.PAGE_CACHE_SECONDS)
    return response
