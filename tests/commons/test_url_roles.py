"""Every URL the site answers, and every page type, is classified for eight roles.

The tests walk the whole URL configuration (the Wagtail admin included) and every page
type with its sub-routes, and fail when one is missing from the tables below. Then each
role asks for each route, about its own objects ("ours") and someone else's ("theirs"),
and every answer that differs from the table is reported at once.

Roles: anonymous; member (of Riverside, nothing else); tutor (checked, leads Riverside's
session); guardian (of Maya, enrolled at Riverside); learner (Maya's own login); group
admin (of Riverside, through its "admins" user group); space manager (of St Marys Hall);
site admin (superuser). "Theirs" is Hillside, Leo and the Scout Hut.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, get_page_models

from commons.models import HomePage, SpaceIndexPage, SpacePage, StandardPage
from groups.models import CoursePage, GroupIndexPage, GroupPage
from learning.models import CurriculumIndexPage, CurriculumPage, UnitPage
from tests.commons.url_roles_world import ROLES, World, build_world

OUR_APPS = ("commons", "groups", "learning")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

OK, NF, NA, FB = 200, 404, 405, 403
L = "login"  # 302 to the site's log-in page (the admin's too), coming back here after
D = "denied"  # Wagtail's "no permission": 302 to the admin dashboard with a message


@dataclass(frozen=True)
class To:
    """A 302 to this address (a function of the world, or a fixed path)."""

    where: Callable[[World], str] | str

    def url(self, world: World) -> str:
        return self.where if isinstance(self.where, str) else self.where(world)


@dataclass
class Case:
    """One request, asked by each role in ROLES; `expect` has one answer a role."""

    expect: list
    args: Callable[[World], list] | None = None
    label: str = ""
    query: str = ""
    method: str = "get"
    url: Callable[[World], str] | None = None  # instead of reversing the route with args
    roles: tuple = ROLES  # who asks (a write the site admin may make would change the world)
    data: dict = field(default_factory=dict)


def ours(**kw):
    return {"label": "ours", **kw}


def theirs(**kw):
    return {"label": "theirs", **kw}


# --- The site's own routes ----------------------------------------------------------------

#                   anonymous member tutor guardian learner group-admin space-mgr site-admin
EVERYONE = [OK, OK, OK, OK, OK, OK, OK, OK]
SIGNED_IN = [L, OK, OK, OK, OK, OK, OK, OK]
ADULTS = [L, OK, OK, OK, NF, OK, OK, OK]
NOBODY = [L, NF, NF, NF, NF, NF, NF, NF]
GROUP_ADMIN = [L, NF, NF, NF, NF, OK, NF, NF]
POST_ONLY = [L, NA, NA, NA, NA, NA, NA, NA]
BOOKERS = [L, FB, FB, FB, FB, OK, FB, FB]  # 403 says who may book: the page is for everyone

MAYA_DETAIL = To(lambda w: reverse("commons:learner_detail", args=[w.ours.learner.pk]))
MAYA_ERASE = To(lambda w: reverse("learning:learner_erase", args=[w.ours.learner.pk]))
ACCOUNT = To(lambda w: reverse("commons:account"))
HOME = To("/")


def maya(w):
    return [w.ours.learner.pk]


def leo(w):
    return [w.theirs.learner.pk]


def maya_dashboard(w):
    return reverse("learning:guardian_dashboard", args=maya(w))


def maya_objective(w):
    objective = w.ours.unit.objectives.first()
    unit = reverse("learning:learner_unit", args=[*maya(w), objective.page_id])
    return f"{unit}#objective-{objective.pk}"


SITE_ROUTES: dict[str, list[Case]] = {
    "health": [Case(EVERYONE)],
    "login": [Case(EVERYONE)],
    "logout": [Case([NA] * 8), Case([HOME] * 8, method="post")],
    "password_change": [Case(SIGNED_IN)],
    "password_change_done": [Case(SIGNED_IN)],
    "password_reset": [Case(EVERYONE)],
    "password_reset_done": [Case(EVERYONE)],
    "password_reset_confirm": [Case(EVERYONE, lambda w: ["MQ", "set-password"])],
    "password_reset_complete": [Case(EVERYONE)],
    "commons:signup": [Case([OK] + [ACCOUNT] * 7)],
    "commons:account": [Case([L, OK, OK, OK, MAYA_DETAIL, OK, OK, OK])],
    "commons:profile_edit": [Case(ADULTS)],
    "commons:household": [Case(ADULTS)],
    "commons:learner_add": [Case(ADULTS)],
    # The household's pages are the family's alone: not the tutor's, not the group's.
    "commons:learner_detail": [
        Case([L, NF, NF, OK, OK, NF, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
    ],
    "commons:learner_edit": [
        Case([L, NF, NF, OK, NF, NF, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
    ],
    "commons:learner_remove": [
        Case([L, NF, NF, MAYA_ERASE, NF, NF, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
    ],
    "commons:guardian_invite": [
        Case([L, NF, NF, OK, NF, NF, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
    ],
    "commons:learner_login": [
        Case([L, NF, NF, OK, NF, NF, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
    ],
    # The invitation's secret token is the key: whoever holds it sees who invited them.
    "commons:learner_record_views": [
        Case([L, NF, NF, OK, NF, NF, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
    ],
    # Two-step login: tutors and admin users may turn it on; nobody here has it on yet.
    "commons:two_factor_verify": [Case([To("/accounts/login/")] + [ACCOUNT] * 7)],
    "commons:two_factor_turn_on": [Case(POST_ONLY)],
    "commons:two_factor_setup": [Case([L, NF, ACCOUNT, NF, NF, ACCOUNT, ACCOUNT, ACCOUNT])],
    "commons:two_factor_backup_codes": [Case([L] + [ACCOUNT] * 7)],
    "commons:two_factor_turn_off": [Case([L] + [ACCOUNT] * 7)],
    "commons:invitation_accept": [Case(EVERYONE, lambda w: [w.ours.invitation.token])],
    "commons:booking_review": [
        Case([L, NF, NF, NF, NF, NF, OK, OK], lambda w: [w.ours.booking.pk], **ours()),
        Case([L, NF, NF, NF, NF, NF, NF, OK], lambda w: [w.theirs.booking.pk], **theirs()),
    ],
    "commons:space_bookings_feed": [Case(EVERYONE, lambda w: [w.theirs.space.pk])],
    "commons:group_bookings_feed": [Case(EVERYONE, lambda w: [w.theirs.group.pk])],
    "commons:whats_on": [Case(EVERYONE)],
    "commons:whats_on_feed": [Case(EVERYONE)],
    "commons:search": [Case(EVERYONE, query="q=fractions")],
    "commons:numbers": [Case(EVERYONE)],
    # The tutor pool is for group admins; tutors see their own profile only.
    "groups:tutor_pool": [Case(GROUP_ADMIN)],
    "groups:tutor_profile_edit": [Case(ADULTS)],
    "groups:tutor_detail": [
        Case([L, NF, OK, NF, NF, OK, NF, NF], lambda w: [w.ours.tutor_profile.pk], **ours()),
        Case(GROUP_ADMIN, lambda w: [w.theirs.tutor_profile.pk], **theirs()),
    ],
    "groups:check_record": [
        Case(GROUP_ADMIN, lambda w: [w.ours.tutor_profile.pk], **ours()),
        Case(GROUP_ADMIN, lambda w: [w.theirs.tutor_profile.pk], **theirs()),
    ],
    "groups:tutor_invite": [
        Case(POST_ONLY, lambda w: [w.theirs.tutor_profile.pk]),
        Case(
            [L, NF, NF, NF, NF, To(lambda w: reverse("groups:tutor_pool")), NF, NF],
            lambda w: [w.theirs.tutor_profile.pk],
            method="post",
        ),
    ],
    "groups:group_bookings": [
        Case(BOOKERS),
        Case([L, FB, FB, FB, FB, OK, FB, FB], query="group={ours.group.pk}", **ours()),
        Case([L, FB, FB, FB, FB, NF, FB, FB], query="group={theirs.group.pk}", **theirs()),
    ],
    "groups:booking_request": [Case(BOOKERS)],
    "groups:booking_cancel": [
        Case(GROUP_ADMIN, lambda w: [w.ours.booking.pk], **ours()),
        Case(NOBODY, lambda w: [w.theirs.booking.pk], **theirs()),
    ],
    "groups:booking_move": [
        Case(GROUP_ADMIN, lambda w: [w.ours.booking.pk], **ours()),
        Case(NOBODY, lambda w: [w.theirs.booking.pk], **theirs()),
    ],
    "groups:session_detail": [
        Case(EVERYONE, lambda w: [w.ours.session.pk], **ours()),
        Case(EVERYONE, lambda w: [w.theirs.session.pk], **theirs()),
    ],
    # The register: its adults take it, its group's admins read it.
    "groups:session_register": [
        Case([L, NF, OK, NF, NF, OK, NF, NF], lambda w: [w.ours.session.pk], **ours()),
        Case(NOBODY, lambda w: [w.theirs.session.pk], **theirs()),
    ],
    "groups:helpers_needed": [Case(EVERYONE)],
    "groups:volunteer_hours": [
        Case(ADULTS),
        Case([L, NF, NF, NF, NF, OK, NF, NF], query="group={ours.group.pk}", **ours()),
        Case(NOBODY, query="group={theirs.group.pk}", **theirs()),
    ],
    "groups:calendar_link": [Case(ADULTS)],
    # A secret address: a calendar app fetches it without logging in.
    "groups:personal_feed": [Case(EVERYONE, lambda w: [w.calendar_token])],
    "groups:group_sessions_feed": [Case(EVERYONE, lambda w: [w.theirs.group.pk])],
    # A learner: themself, their guardians, their session's adults, their group's admins.
    "learning:learner_page": [
        Case([L, NF, OK, OK, OK, OK, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
    ],
    "learning:learner_unit": [
        Case([L, NF, OK, OK, OK, OK, NF, NF], lambda w: [*maya(w), w.ours.unit.pk], **ours()),
        Case(NOBODY, lambda w: [*maya(w), w.theirs.unit.pk], label="a unit she does not follow"),
        Case(NOBODY, lambda w: [*leo(w), w.theirs.unit.pk], **theirs()),
    ],
    "learning:self_assess": [
        Case(POST_ONLY, lambda w: [*maya(w), w.ours.unit.objectives.first().pk]),
        Case(
            [L, NF, NF, NF, To(maya_objective), NF, NF, NF],
            lambda w: [*maya(w), w.ours.unit.objectives.first().pk],
            method="post",
            **ours(),
        ),
        Case(
            NOBODY,
            lambda w: [*leo(w), w.theirs.unit.objectives.first().pk],
            method="post",
            **theirs(),
        ),
    ],
    "learning:guardian_dashboard": [
        Case([L, NF, NF, OK, NF, NF, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
    ],
    # Empty forms: the guardian is told what is missing (400), nothing is recorded.
    "learning:guardian_observe": [
        Case(POST_ONLY, maya),
        Case([L, NF, NF, 400, NF, NF, NF, NF], maya, method="post", **ours()),
        Case(NOBODY, leo, method="post", **theirs()),
    ],
    "learning:guardian_follow": [
        Case([L, NF, NF, OK, NF, NF, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
        Case([L, NF, NF, 400, NF, NF, NF, NF], maya, method="post", **ours()),
        Case(NOBODY, leo, method="post", **theirs()),
    ],
    # Only a curriculum the learner follows (Maya follows hers through her course).
    "learning:guardian_unfollow": [
        Case(POST_ONLY, lambda w: [*maya(w), w.ours.curriculum.pk]),
        Case(
            [L, NF, NF, To(maya_dashboard), NF, NF, NF, NF],
            lambda w: [*maya(w), w.ours.curriculum.pk],
            method="post",
            **ours(),
        ),
        Case(
            NOBODY, lambda w: [*maya(w), w.theirs.curriculum.pk], method="post", label="unfollowed"
        ),
        Case(NOBODY, lambda w: [*maya(w), w.library.pk], method="post", label="not a curriculum"),
        Case(NOBODY, lambda w: [*leo(w), w.theirs.curriculum.pk], method="post", **theirs()),
    ],
    "learning:record_print": [
        Case([L, NF, NF, OK, NF, NF, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
    ],
    "learning:record_zip": [
        Case([L, NF, NF, OK, NF, NF, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
    ],
    "learning:learner_erase": [
        Case([L, NF, NF, OK, NF, NF, NF, NF], maya, **ours()),
        Case(NOBODY, leo, **theirs()),
    ],
    "learning:evidence_download": [
        Case([L, NF, OK, OK, OK, OK, NF, NF], lambda w: [w.ours.evidence.pk], **ours()),
        Case(NOBODY, lambda w: [w.theirs.evidence.pk], **theirs()),
    ],
    "learning:session_progress": [
        Case([L, NF, OK, NF, NF, OK, NF, NF], lambda w: [w.ours.session.pk], **ours()),
        Case(NOBODY, lambda w: [w.theirs.session.pk], **theirs()),
    ],
    "learning:course_overview": [
        Case([L, NF, OK, NF, NF, OK, NF, NF], lambda w: [w.ours.course.pk], **ours()),
        Case(NOBODY, lambda w: [w.theirs.course.pk], **theirs()),
    ],
    # Open data: public by design, never a learner or who booked.
    "open_data": [Case(EVERYONE)],
    "api:index": [Case(EVERYONE)],
    "api:api-root": [Case(EVERYONE)],  # ninja's name for the same address as api:index
    "api:openapi-json": [Case(EVERYONE)],
    "api:session_list": [Case(EVERYONE)],
    "api:group_list": [Case(EVERYONE)],
    "api:group_detail": [Case(EVERYONE, lambda w: [w.theirs.group.pk])],
    "api:space_list": [Case(EVERYONE)],
    "api:space_detail": [Case(EVERYONE, lambda w: [w.theirs.space.pk])],
    "api:space_busy": [Case(EVERYONE, lambda w: [w.theirs.space.pk])],
    "api:numbers": [Case(EVERYONE)],
    # Wagtail's read API: published, public pages and the (public) media library.
    "wagtailapi:pages:listing": [Case(EVERYONE)],
    "wagtailapi:pages:detail": [
        Case(EVERYONE, lambda w: [w.theirs.group.pk], label="live"),
        Case([NF] * 8, lambda w: [w.theirs.draft.pk], label="draft"),
    ],
    "wagtailapi:pages:find": [
        Case(
            [To(lambda w: w.home.get_site().root_url + f"/api/v2/pages/{w.home.pk}/?")] * 8,
            query="html_path=/",
        )
    ],
    "wagtailapi:images:listing": [Case(EVERYONE)],
    "wagtailapi:images:detail": [Case(EVERYONE, lambda w: [w.theirs.image.pk])],
    "wagtailapi:images:find": [Case([NF] * 8, query="id=0")],
    "wagtailapi:documents:listing": [Case(EVERYONE)],
    "wagtailapi:documents:detail": [Case(EVERYONE, lambda w: [w.theirs.document.pk])],
    "wagtailapi:documents:find": [Case([NF] * 8, query="id=0")],
    # Documents are public by design (learners' files are Evidence, never here); the test
    # settings keep files in memory, so the serve view redirects to the storage's address.
    "wagtaildocs_serve": [
        Case(
            [To(lambda w: w.theirs.document.file.url)] * 8,
            lambda w: [w.theirs.document.pk, w.theirs.document.filename],
        )
    ],
    "wagtaildocs_authenticate_with_password": [Case([NF] * 8, lambda w: [0])],
    "wagtailcore_login": [Case(EVERYONE)],
    "wagtailcore_authenticate_with_password": [
        Case(EVERYONE, lambda w: [w.extra["restriction"].pk, w.extra["private_page"].pk])
    ],
    # Every page: see PAGE_ROUTES for each type and its sub-routes.
    "wagtail_serve": [
        Case(EVERYONE, url=lambda w: "/", label="home"),
        Case([NF] * 8, url=lambda w: "/no-such-page/", label="no page"),
        Case([NF] * 8, url=lambda w: w.theirs.draft.get_url(), label="draft"),
        # Wagtail asks everyone for the password, the site admin too.
        Case(EVERYONE, url=lambda w: w.extra["private_page"].url, label="password"),
    ],
}


# --- Page types and their sub-routes ------------------------------------------------------

# Page type → the live pages of that type to ask for ("ours" first). Every role reads every
# published page; a draft answers 404 to everyone (see wagtail_serve above).
PAGES: dict[type[Page], Callable[[World], list[Page]]] = {
    HomePage: lambda w: [w.home],
    StandardPage: lambda w: [w.standard],
    GroupIndexPage: lambda w: [w.groups_index],
    GroupPage: lambda w: [w.ours.group, w.theirs.group],
    CoursePage: lambda w: [w.ours.course, w.theirs.course],
    CurriculumIndexPage: lambda w: [w.library],
    CurriculumPage: lambda w: [w.ours.curriculum, w.theirs.curriculum],
    UnitPage: lambda w: [w.ours.unit, w.theirs.unit],
    SpaceIndexPage: lambda w: [w.spaces],
    SpacePage: lambda w: [w.ours.space, w.theirs.space],
}


def back_to(side: str, route: str = ""):
    """A 302 to a side's group or course page (or one of its sub-routes)."""

    def url(w):
        page = getattr(w, side).group if not route else getattr(w, side).course
        return page.url + (page.reverse_subpage(route) if route else "")

    return To(url)


def sub(page: str, side: str, name: str, expect, args=()) -> Case:
    """A sub-route of one side's page (`page`: "group", "course", "curriculum", "space")."""

    def url(w):
        target = getattr(getattr(w, side), page)
        return target.url + target.reverse_subpage(name, args=[a(w) for a in args] or None)

    return Case(expect, url=url, label=side)


def session_of(side):
    return lambda w: getattr(w, side).session.pk


NEXT_WEEK = (timezone.localdate() + timedelta(days=7)).isoformat()

# "app.Model:route" → cases. Anonymous visitors are sent to log in where signing in could
# help; a page only a group's admins or members have answers 404 to everyone else.
PAGE_ROUTES: dict[str, list[Case]] = {
    "groups.GroupPage:join": [
        sub(
            "group",
            "ours",
            "join",
            [L, back_to("ours"), back_to("ours"), OK, OK, back_to("ours"), OK, OK],
        ),
        sub("group", "theirs", "join", [L, OK, OK, OK, OK, OK, OK, OK]),
    ],
    "groups.GroupPage:leave": [
        sub(
            "group",
            "ours",
            "leave",
            [L, OK, OK, back_to("ours"), back_to("ours"), OK, back_to("ours"), back_to("ours")],
        ),
        sub("group", "theirs", "leave", [L] + [back_to("theirs")] * 7),
    ],
    "groups.GroupPage:contact": [
        sub("group", "ours", "contact", EVERYONE),
        sub("group", "theirs", "contact", EVERYONE),
    ],
    "groups.GroupPage:members": [
        sub("group", "ours", "members", [NF, OK, OK, NF, NF, OK, NF, NF]),
        sub("group", "theirs", "members", [NF] * 8),
    ],
    "groups.GroupPage:manage": [
        sub("group", "ours", "manage", [NF, NF, NF, NF, NF, OK, NF, NF]),
        sub("group", "theirs", "manage", [NF] * 8),
    ],
    "groups.CoursePage:enrol": [
        sub("course", "ours", "enrol", ADULTS),
        sub("course", "theirs", "enrol", ADULTS),
    ],
    "groups.CoursePage:withdraw": [
        sub(
            "course",
            "ours",
            "withdraw",
            [L] + [back_to("ours", "enrol")] * 3 + [NF] + [back_to("ours", "enrol")] * 3,
        ),
    ],
    "groups.CoursePage:schedule": [
        sub("course", "ours", "schedule", [NF, NF, NF, NF, NF, OK, NF, NF]),
        sub("course", "theirs", "schedule", [NF] * 8),
    ],
    "groups.CoursePage:move_session": [
        sub(
            "course", "ours", "move_session", [NF, NF, NF, NF, NF, OK, NF, NF], [session_of("ours")]
        ),
        sub("course", "theirs", "move_session", [NF] * 8, [session_of("theirs")]),
    ],
    "groups.CoursePage:cancel_session": [
        sub(
            "course",
            "ours",
            "cancel_session",
            [NF, NF, NF, NF, NF, OK, NF, NF],
            [session_of("ours")],
        ),
        sub("course", "theirs", "cancel_session", [NF] * 8, [session_of("theirs")]),
    ],
    # A group admin adopts another group's curriculum into their own group, never their own.
    "learning.CurriculumPage:adopt": [
        sub("curriculum", "ours", "adopt", NOBODY),
        sub("curriculum", "theirs", "adopt", GROUP_ADMIN),
    ],
    "commons.SpacePage:week": [
        sub("space", "theirs", "week", EVERYONE, [lambda w: NEXT_WEEK]),
    ],
}


# --- The Wagtail admin --------------------------------------------------------------------

# Who gets in, by kind of admin screen. Anyone without "access_admin" is sent to log in
# (the site's log-in page, which asks for a two-step code when needed); inside, a screen a
# person has no permission for sends them back to the dashboard ("denied"), and an object
# of a project screen they may not see answers 404. Tutors get in: they draft pages in
# their group's subtree for its admins to approve.
ADMIN_RULES = {
    "log in": [L] * 8,  # the admin's log-in page sends everyone to the site's
    "open": EVERYONE,  # the icons, the translations, password reset
    "any admin": [L, L, OK, L, L, OK, OK, OK],
    "page editors": [L, L, OK, L, L, OK, D, OK],
    "media": [L, L, OK, L, L, OK, D, OK],
    "site admin": [L, L, D, L, L, D, D, OK],
    "space managers": [L, L, D, L, L, D, OK, OK],
    "a space manager's booking": [L, L, NF, L, L, NF, OK, OK],
    "group admins": [L, L, D, L, L, OK, D, OK],
    "a group admin's membership": [L, L, NF, L, L, OK, NF, OK],
    "page lockers": [L, L, D, L, L, OK, D, OK],  # a group's admins lock its pages
    "no such screen": [L, L, NF, L, L, NF, NF, NF],
    "post only": [L, L, NA, L, L, NA, NA, NA],
    "asks for more": [L, L, NF, L, L, NF, NF, NF],  # a lookup with nothing to look up
}

# Wagtail's edit view asks the policy first ("denied"), the others look the object up.
OBJECT_VIEWS = ("delete", "history", "history_results", "usage", "inspect")

# The admin routes the project adds, each by name (by pattern when it has none).
PROJECT_ADMIN_ROUTES = {
    "admin/login/": "log in",
    "admin/reports/site-history/": "any admin",
    "admin/reports/site-history/results/": "any admin",
    "admin/failwhale/": "no such screen",
    **{
        f"space_bookings:{view}": "space managers"
        for view in ("index", "index_results", "add", "edit")
    },
    **{f"space_bookings:{view}": "a space manager's booking" for view in OBJECT_VIEWS},
    **{
        f"group_memberships:{view}": "group admins"
        for view in ("index", "index_results", "add", "edit")
    },
    **{f"group_memberships:{view}": "a group admin's membership" for view in OBJECT_VIEWS},
    **{
        f"wagtailsnippets_{model}:{view}": "site admin"
        for model in ("commons_neighbourhood", "commons_facility", "learning_subject")
        for view in (
            "list",
            "list_results",
            "add",
            "edit",
            "delete",
            "usage",
            "history",
            "history_results",
            "copy",
        )
    },
    # Choosing a subject, neighbourhood or facility (public names) in a page's form; only
    # the site admin creates one from there.
    **{
        f"wagtailsnippetchoosers_{model}:{view}": "any admin"
        for model in ("commons_neighbourhood", "commons_facility", "learning_subject")
        for view in ("choose", "choose_results", "chosen", "chosen_multiple")
    },
    **{
        f"wagtailsnippetchoosers_{model}:create": "site admin"
        for model in ("commons_neighbourhood", "commons_facility", "learning_subject")
    },
}

# Wagtail's own admin routes, by name pattern (first match wins).
WAGTAIL_ADMIN_RULES = [
    (r"wagtailadmin_login", "log in"),
    (r"wagtailadmin_password_reset.*|wagtailadmin_javascript_catalog|wagtailadmin_sprite", "open"),
    (r"wagtailadmin_error_test", "no such screen"),  # shadowed by admin/failwhale/
    (r"admin/\^\.\*/\$", "no such screen"),
    (r"wagtailadmin_logout", "post only"),
    (r"wagtailadmin_api:.*:find|wagtailadmin_block_preview", "asks for more"),
    (r"wagtail(images|docs)_chooser:create", "media"),
    (
        r"wagtailadmin_(home|account|dismissibles|tag_.*)|wagtailadmin_editing_sessions:.*"
        r"|admin/test404/"  # a preview of the admin's "not found" page
        r"|wagtailadmin_api:.*|wagtailembeds:.*|wagtailsnippets:index"
        r"|wagtailadmin_choose_page.*|wagtail(images|docs)_chooser:.*"
        r"|wagtailadmin_reports:site_history.*|wagtailadmin_workflows:task_cho.*",
        "any admin",
    ),
    (r"wagtailadmin_reports:locked_pages.*", "page lockers"),
    (
        r"wagtailadmin_explore.*|wagtailadmin_pages:.*|wagtail_bulk_action|wagtailforms:.*"
        r"|wagtailadmin_reports:(workflow|workflow_tasks|aging_pages|page_types_usage).*",
        "page editors",
    ),
    (r"wagtail(images|docs):.*", "media"),
    (
        r"wagtailusers_.*|wagtailsites:.*|wagtailadmin_collections:.*|wagtailadmin_workflows:.*"
        r"|wagtailredirects:.*|wagtailsettings:.*",
        "site admin",
    ),
]


def admin(rule: str, args=None, label: str = "", query: str = "", **answers) -> Case:
    """A request whose answers are the rule's, except for the roles named in `answers`."""
    expect = [
        answers.get(role, default) for role, default in zip(ROLES, ADMIN_RULES[rule], strict=True)
    ]
    return Case(expect, args, label=label, query=query)


def page(side, attr="group"):
    return lambda w: [getattr(getattr(w, side), attr).pk]


EXPLORE_OURS = To(lambda w: reverse("wagtailadmin_explore", args=[w.ours.group.pk]))

# Route name → requests (the first answer of each Case row is anonymous's).
ADMIN_CASES: dict[str, list[Case]] = {
    "wagtailadmin_home": [admin("any admin")],
    "admin/login/": [Case(ADMIN_RULES["log in"], url=lambda w: "/admin/login/")],
    "wagtailadmin_password_reset": [admin("open")],
    "wagtailadmin_javascript_catalog": [admin("open")],
    "wagtailadmin_account": [admin("any admin")],
    "wagtailadmin_error_test": [admin("no such screen")],
    "admin/test404/": [Case(ADMIN_RULES["any admin"], url=lambda w: "/admin/test404/")],
    "admin/^.*/$": [
        Case(
            [To("/admin/login/?next=/admin/no-such-screen/")] * 2
            + [NF]
            + [To("/admin/login/?next=/admin/no-such-screen/")] * 2
            + [NF] * 3,
            url=lambda w: "/admin/no-such-screen/",
        )
    ],
    "wagtailadmin_api:pages:listing": [admin("any admin")],
    "wagtailadmin_choose_page": [admin("any admin")],
    "wagtailsnippets:index": [admin("any admin", tutor=D, groupadmin=D, spacemanager=D)],
    "wagtailadmin_reports:site_history": [admin("any admin")],
    # Pages: each group's corner of the tree is its admins' and tutors'.
    "wagtailadmin_explore_root": [
        admin("page editors", tutor=EXPLORE_OURS, groupadmin=EXPLORE_OURS)
    ],
    "wagtailadmin_explore": [
        admin("page editors", page("ours"), **ours()),
        admin(
            "page editors", page("theirs"), tutor=EXPLORE_OURS, groupadmin=EXPLORE_OURS, **theirs()
        ),
        admin(
            "page editors",
            lambda w: [w.home.pk],
            label="home",
            tutor=EXPLORE_OURS,
            groupadmin=EXPLORE_OURS,
        ),
    ],
    "wagtailadmin_pages:edit": [
        admin("page editors", page("ours"), **ours()),
        admin("page editors", page("theirs"), tutor=D, groupadmin=D, **theirs()),
        admin("page editors", page("theirs", "draft"), label="their draft", tutor=D, groupadmin=D),
        admin("page editors", lambda w: [w.home.pk], label="home", tutor=D, groupadmin=D),
    ],
    "wagtailadmin_pages:add_subpage": [
        admin("page editors", page("ours"), **ours()),
        admin("page editors", page("theirs"), tutor=D, groupadmin=D, **theirs()),
    ],
    "wagtailadmin_pages:view_draft": [
        admin("page editors", page("ours", "draft"), **ours()),
        admin("page editors", page("theirs", "draft"), tutor=D, groupadmin=D, **theirs()),
    ],
    # Wagtail lets an editor with "change" delete an unpublished page of their subtree.
    "wagtailadmin_pages:delete": [
        admin("page editors", page("ours", "draft"), **ours()),
        admin("page editors", page("theirs", "draft"), tutor=D, groupadmin=D, **theirs()),
    ],
    "wagtailadmin_pages:history": [
        admin("page editors", page("ours"), **ours()),
        admin("page editors", page("theirs"), tutor=D, groupadmin=D, **theirs()),
    ],
    **{
        name: [
            admin("page editors", page("ours", "draft"), **ours()),
            admin("page editors", page("theirs", "draft"), tutor=D, groupadmin=D, **theirs()),
        ]
        for name in (
            "wagtailadmin_pages:usage",
            "wagtailadmin_pages:copy",
            "wagtailadmin_pages:workflow_history",
        )
    },
    # Unpublishing needs "publish": the group's admins have it, its tutors do not.
    "wagtailadmin_pages:unpublish": [
        admin("page editors", page("ours"), tutor=D, **ours()),
        admin("page editors", page("theirs"), tutor=D, groupadmin=D, **theirs()),
    ],
    "wagtailadmin_pages:lock": [
        Case(
            [L, L, D, L, L, D, D, None],
            page("theirs", "draft"),
            method="post",
            roles=ROLES[:-1],
            **theirs(),
        ),
    ],
    "wagtailadmin_pages:search": [admin("page editors", query="q=club")],
    # Wagtail shows anyone in the admin the confirmation (with the page's title) and checks
    # permission only when the move is posted.
    "wagtailadmin_pages:move_confirm": [
        admin("any admin", lambda w: [w.theirs.draft.pk, w.ours.group.pk], **theirs()),
        Case(
            [L, L, D, L, L, D, D, None],
            lambda w: [w.theirs.draft.pk, w.ours.group.pk],
            method="post",
            roles=ROLES[:-1],
            **theirs(),
        ),
    ],
    # Media: each group's collection; tutors add and choose, its admins change too.
    "wagtailimages:index": [admin("media")],
    "wagtailimages:edit": [
        admin("media", page("ours", "image"), tutor=D, **ours()),
        admin("media", page("theirs", "image"), tutor=D, groupadmin=D, **theirs()),
    ],
    "wagtaildocs:index": [admin("media")],
    "wagtaildocs:edit": [
        admin("media", page("ours", "document"), tutor=D, **ours()),
        admin("media", page("theirs", "document"), tutor=D, groupadmin=D, **theirs()),
    ],
    "wagtailimages_chooser:choose": [admin("any admin")],
    "wagtaildocs_chooser:choose": [admin("any admin")],
    # The site admin's screens.
    "wagtailusers_users:index": [admin("site admin")],
    "wagtailusers_users:edit": [admin("site admin", lambda w: [w.users["member"].pk])],
    "wagtailusers_groups:index": [admin("site admin")],
    "wagtailusers_groups:edit": [admin("site admin", lambda w: [w.ours.group.admin_group_id])],
    "wagtailsites:index": [admin("site admin")],
    "wagtailadmin_collections:index": [admin("site admin")],
    "wagtailadmin_workflows:index": [admin("site admin")],
    "wagtailredirects:index": [admin("site admin")],
    "wagtailredirects:process_import": [admin("site admin", siteadmin=NA)],
    "wagtailadmin_workflows:select_task_type": [
        admin(
            "site admin", siteadmin=To("/admin/workflows/tasks/add/wagtailcore/groupapprovaltask/")
        )
    ],
    # Any admin user sees the task chooser; creating a task needs the permission.
    "wagtailadmin_workflows:task_chooser_create": [
        Case([L, L, 400, L, L, 400, 400, OK], method="post", data={"create-task-name": ""}),
    ],
    "wagtailsettings:edit": [
        admin(
            "site admin",
            lambda w: ["commons", "sitesettings"],
            siteadmin=To(
                lambda w: (
                    w.home.get_site().pk
                    and reverse(
                        "wagtailsettings:edit",
                        args=["commons", "sitesettings", w.home.get_site().pk],
                    )
                )
            ),
        )
    ],
    # Bookings: each space's managers decide its requests; nobody adds or deletes here.
    "space_bookings:index": [admin("space managers")],
    "space_bookings:add": [admin("space managers", spacemanager=D, siteadmin=D)],
    "space_bookings:index_results": [admin("space managers")],
    "space_bookings:edit": [
        admin("space managers", page("ours", "booking"), **ours()),
        admin("space managers", page("theirs", "booking"), spacemanager=NF, **theirs()),
    ],
    "space_bookings:inspect": [
        admin("a space manager's booking", page("ours", "booking"), **ours()),
        admin("a space manager's booking", page("theirs", "booking"), spacemanager=NF, **theirs()),
    ],
    "space_bookings:history": [
        admin("a space manager's booking", page("theirs", "booking"), spacemanager=NF, **theirs()),
    ],
    "space_bookings:delete": [
        admin("a space manager's booking", page("ours", "booking"), spacemanager=NF, siteadmin=NF),
    ],
    # Memberships: each group's admins decide its requests; the site admin adds people.
    "group_memberships:index": [admin("group admins")],
    "group_memberships:add": [admin("group admins", groupadmin=D)],
    "group_memberships:edit": [
        admin("group admins", page("ours", "pending"), **ours()),
        admin("group admins", page("theirs", "pending"), groupadmin=NF, **theirs()),
    ],
    "group_memberships:inspect": [
        admin("a group admin's membership", page("theirs", "pending"), groupadmin=NF, **theirs()),
    ],
    "group_memberships:delete": [
        admin("a group admin's membership", page("ours", "pending"), **ours()),
        admin("a group admin's membership", page("theirs", "pending"), groupadmin=NF, **theirs()),
    ],
    "group_memberships:history": [
        admin("a group admin's membership", page("theirs", "pending"), groupadmin=NF, **theirs()),
    ],
    # Snippets: shared lists only the site admin keeps.
    "wagtailsnippets_commons_neighbourhood:list": [admin("site admin")],
    "wagtailsnippets_commons_neighbourhood:edit": [
        admin("site admin", lambda w: [w.neighbourhood.pk])
    ],
    "wagtailsnippets_commons_facility:list": [admin("site admin")],
    "wagtailsnippets_commons_facility:add": [admin("site admin")],
    "wagtailsnippets_learning_subject:list": [admin("site admin")],
    "wagtailsnippets_learning_subject:edit": [admin("site admin", lambda w: [w.subject.pk])],
    "wagtailsnippetchoosers_learning_subject:choose": [admin("any admin")],
}


# --- Walking the URL configuration ----------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the route's name with its namespaces, or its pattern when it has no name
    pattern: str
    view: str


def all_routes(resolver=None, namespace="", prefix="") -> list[Route]:
    """Every URLPattern in the URL configuration, however deeply included."""
    routes = []
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += all_routes(entry, inner, pattern)
        elif isinstance(entry, URLPattern):
            key = f"{namespace}{entry.name}" if entry.name else pattern
            routes.append(Route(key, pattern, entry.lookup_str))
    return routes


def is_admin(route: Route) -> bool:
    return route.pattern.startswith("admin/")


def is_ours(route: Route) -> bool:
    """Whether the project added this route: its view is ours, or it names one of our apps."""
    return route.view.startswith(tuple(f"{app}." for app in OUR_APPS)) or any(
        f"_{app}_" in route.key for app in OUR_APPS
    )


def admin_rule(route: Route) -> str | None:
    if route.key in PROJECT_ADMIN_ROUTES:
        return PROJECT_ADMIN_ROUTES[route.key]
    for pattern, rule in WAGTAIL_ADMIN_RULES:
        if re.fullmatch(pattern, route.key):
            return rule
    return None


def our_page_models() -> list[type[Page]]:
    return [m for m in get_page_models() if m._meta.app_label in OUR_APPS]


def page_sub_routes() -> list[str]:
    return [
        f"{model._meta.label}:{pattern.name}"
        for model in our_page_models()
        for pattern in getattr(model, "get_subpage_urls", lambda: [])()
        if pattern.name != "index_route"
    ]


def test_every_route_is_classified():
    routes = all_routes()
    site = [r for r in routes if not is_admin(r)]
    admin_routes = [r for r in routes if is_admin(r)]

    assert {r.key for r in site} - set(SITE_ROUTES) == set(), "add these to SITE_ROUTES"
    assert {r.key for r in admin_routes if admin_rule(r) is None} == set(), "classify these"
    unnamed = {r.key for r in admin_routes if is_ours(r)} - set(PROJECT_ADMIN_ROUTES)
    assert unnamed == set(), "the project's admin routes are listed by name"
    admin_keys = {r.key for r in admin_routes}
    assert set(ADMIN_CASES) - admin_keys == set(), "these are not admin routes"
    stale = set(SITE_ROUTES) - {r.key for r in site}
    assert stale == set(), "these routes no longer exist"
    assert len(routes) > 300  # the walk reached the admin, the API and the page server


def test_every_page_type_and_sub_route_is_classified():
    models = our_page_models()
    assert set(models) == set(PAGES), "add these page types to PAGES"
    assert {m for m in get_page_models() if m not in models} == {Page}
    assert set(page_sub_routes()) == set(PAGE_ROUTES), "add these sub-routes to PAGE_ROUTES"


# --- Asking each role -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Build the commons once for the module, inside a transaction rolled back at its end;
    each test's own transaction nests in it, so what one test writes the next never sees."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


class Asker:
    """One test client a role, logged in once; counts and checks every request."""

    def __init__(self, world: World):
        self.world = world
        self.clients = {}
        self.checks = 0
        self.mismatches = []
        for role, user in world.users.items():
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user, backend=MODEL_BACKEND)
            self.clients[role] = client

    def url(self, name: str, case: Case) -> str:
        if case.url is not None:
            url = case.url(self.world)
        else:
            url = reverse(name, args=case.args(self.world) if case.args else None)
        query = case.query.format(ours=self.world.ours, theirs=self.world.theirs)
        return f"{url}?{query}" if query else url

    def ask(self, name: str, case: Case) -> None:
        url = self.url(name, case)
        for role in case.roles:
            want = case.expect[ROLES.index(role)]
            client = self.clients[role]
            response = getattr(client, case.method)(url, case.data)
            self.checks += 1
            got = self.describe(response)
            if not self.matches(response, want):
                label = f" [{case.label}]" if case.label else ""
                self.mismatches.append(
                    f"{name}{label} {case.method.upper()} {url} as {role}: "
                    f"want {self.show(want)}, got {got}"
                )
            if role != "anonymous" and "_auth_user_id" not in client.session:
                client.force_login(self.world.users[role], backend=MODEL_BACKEND)

    def matches(self, response, want) -> bool:
        location = response.get("Location", "")
        if want == L:
            return response.status_code == 302 and location.startswith(reverse("login") + "?")
        if want == D:
            return response.status_code == 302 and location == reverse("wagtailadmin_home")
        if isinstance(want, To):
            return response.status_code == 302 and location == want.url(self.world)
        return response.status_code == want

    def show(self, want) -> str:
        return want.url(self.world) if isinstance(want, To) else str(want)

    @staticmethod
    def describe(response) -> str:
        if response.status_code in {301, 302, 303}:
            return f"{response.status_code} → {response['Location']}"
        return str(response.status_code)

    def report(self) -> str:
        return f"{len(self.mismatches)} of {self.checks} answers differ:\n" + "\n".join(
            self.mismatches
        )


@pytest.fixture
def asker(world):
    return Asker(world)


@pytest.mark.django_db
def test_the_sites_routes_answer_each_role_as_the_table_says(asker, settings):
    settings.WAGTAILDOCS_SERVE_METHOD = "redirect"
    for name, cases in SITE_ROUTES.items():
        for case in cases:
            asker.ask(name, case)

    assert not asker.mismatches, asker.report()


@pytest.mark.django_db
def test_every_page_type_and_sub_route_answers_each_role(asker, world):
    for model, pages in PAGES.items():
        for page in pages(world):
            for role in ROLES:
                response = asker.clients[role].get(page.url)
                asker.checks += 1
                if response.status_code != 200 or page.title not in response.text:
                    asker.mismatches.append(
                        f"{model.__name__} {page.url} as {role}: got {asker.describe(response)}"
                    )
    for name, cases in PAGE_ROUTES.items():
        for case in cases:
            asker.ask(name, case)

    assert not asker.mismatches, asker.report()


def parameterless(route: Route) -> str | None:
    """The address of a route that takes no arguments, or None."""
    if route.key.startswith("admin/"):
        return None
    try:
        return reverse(route.key)
    except NoReverseMatch:
        return None


@pytest.mark.django_db
def test_admin_screens_answer_each_role_by_their_rule(asker):
    for route in all_routes():
        if is_admin(route) and route.key not in ADMIN_CASES and parameterless(route):
            asker.ask(
                route.key,
                Case(ADMIN_RULES[admin_rule(route)], url=lambda w, r=route: parameterless(r)),
            )
    for name, cases in ADMIN_CASES.items():
        for case in cases:
            asker.ask(name, case)

    assert not asker.mismatches, asker.report()


@pytest.mark.django_db
def test_site_history_shows_a_group_admin_only_their_groups_memberships(asker, world):
    log(instance=world.theirs.pending, action="wagtail.edit", user=world.theirs.admin)
    log(instance=world.ours.pending, action="wagtail.edit", user=world.ours.admin)

    for name in ("site_history", "site_history_results"):
        url = reverse(f"wagtailadmin_reports:{name}")
        response = asker.clients["groupadmin"].get(url)
        assert response.status_code == 200
        assert "Riverside Asker" in response.text
        assert "Hillside Asker" not in response.text

        everything = asker.clients["siteadmin"].get(url).text
        assert "Riverside Asker" in everything
        assert "Hillside Asker" in everything
