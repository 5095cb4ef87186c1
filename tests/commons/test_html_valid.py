"""Every page and form of the demo commons is valid HTML, by the Nu HTML Checker (vnu).

One test: load the demo commons once, render every page type, every named view and every
form (and each form again with its errors) as each demo role, plus the Wagtail admin
screens we customise; write them all to a folder and run vnu once over it (the JVM is
slow to start). vnu comes from npm (`make test` installs it, see package.json).
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import get_page_models

from commons.models import Booking, GuardianInvitation, Learner, Neighbourhood, SpacePage, User
from groups.choices import Role
from groups.models import (
    CalendarToken,
    CoursePage,
    GroupPage,
    Membership,
    Session,
    TutorProfile,
)
from learning.models import (
    CurriculumPage,
    Evidence,
    LearningObjective,
    ProgressEntry,
    Subject,
)
from tests.commons.test_smoke import LIBRARY_PREFIXES, named_urls

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NO_VNU = (
    "No Nu HTML Checker: it needs Java 17+ (`apt-get install default-jre-headless`) and "
    "npm's vnu-jar (`npm ci` in the project folder, or `make test`, installs it)."
)
# The demo roles, each a demo login but the first (see load_demo_data.DEMO_USERS).
ROLES = ["anonymous", "parent", "learner", "tutor", "groupadmin", "spacemanager", "admin"]
# Named routes that answer something other than an HTML page for everyone.
NOT_HTML = {
    "logout",  # POST only
    "commons:whats_on_feed",
    "commons:space_bookings_feed",
    "commons:group_bookings_feed",
    "groups:personal_feed",
    "groups:group_sessions_feed",
    "learning:record_zip",
    "learning:evidence_download",
    "learning:self_assess",  # POST only
    "learning:guardian_observe",  # POST only
    "learning:guardian_unfollow",  # POST only
    "groups:tutor_invite",  # POST only
    "health",
}
# Form actions an empty POST must not reach: it would end the session being rendered.
NEVER_POST = {"/accounts/logout/"}

# Admin screens whose forms are ours: our viewsets and snippets.
OUR_ADMIN = ("/admin/bookings/", "/admin/memberships/", "/admin/snippets/")
# Errors in the Wagtail admin that come from Wagtail's own templates, not ours, matched on
# both vnu's message and the markup it quotes, and only ever on pages under /admin/.
WAGTAIL_OWN_ERRORS = [
    # (vnu's message, the markup it points at, the Wagtail source that writes that markup)
    (
        r"Attribute “type” not allowed on element “div”",
        r'data-controller="w-dropdown"',
        "wagtailadmin/shared/dropdown/dropdown.html (a 'More' button's type on its div)",
    ),
    (
        r"Element “div” not allowed as child of element “button”",
        r'class="w-flex w-items-center w-gap-2"',
        "wagtailadmin/shared/headers/_filters.html (the filter drilldown toggle)",
    ),
    (
        r"Element “div” not allowed as child of element “button”",
        r"data-side-panel-toggle-counter",
        "wagtailadmin/shared/side_panel_toggle.html (the side panel's counter)",
    ),
    (
        r"Element “div” not allowed as child of element “label”",
        r"form-side__resize-grip-icon",
        "wagtailadmin/shared/side_panels.html (the side panel's resize grip)",
    ),
    (
        r"Text not allowed in element “iframe”",
        r"div",
        "wagtailadmin/shared/side_panels/preview.html (fallback markup inside the iframe)",
    ),
    (
        r"for attribute “datetime” on element “time”: A fraction of a second",
        r'class="w-human-readable-date__date"',
        "wagtailadmin/shared/human_readable_date.html (datetime=date|date:'c')",
    ),
    (
        r"“input” element with a “type” attribute whose value is “hidden” must not have any “aria-",
        r'<input type="hidden" name="\w+"( value="\d+")? aria-describedby="panel-child-',
        "wagtail/admin/panels/field_panel.py (aria-describedby on a chooser's hidden input)",
    ),
    (
        r"The value of the “for” attribute of the “label” element must be the ID of a non-hidden",
        r'<label (class="w-field__label" )?for="id_\w+" id="id_\w+-label">',
        "wagtailadmin/shared/formatted_field.html, panel.html (label for a chooser's input)",
    ),
    (
        r"Duplicate attribute “value”",
        r'name="\w+-\d+-ORDER"',
        "wagtail/admin/panels/inline_panel.py (HiddenInput(attrs={'value': …}) on ORDER)",
    ),
    (
        r"Bad value “” for attribute “(src|width|height)” on element “img”",
        r'class="chooser__image',
        "wagtailimages/widgets/image_chooser.html (the empty chooser's preview image)",
    ),
]


def vnu_command() -> list[str] | None:
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        return None
    return [java, "-Xss2m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


@dataclass
class Rendered:
    """One HTML document and every (role, method, URL) that produced exactly it."""

    path: Path
    kind: str
    sources: list[str] = field(default_factory=list)

    @property
    def is_admin(self) -> bool:
        return all(urlsplit(s.split(" ", 2)[2]).path.startswith("/admin/") for s in self.sources)


class FormFinder(HTMLParser):
    """Collect each POST form's action and whether it has a field a person fills in."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = None
            if (attrs.get("method") or "get").lower() == "post":
                self._current = {"action": attrs.get("action"), "fields": 0}
                self.forms.append(self._current)
        elif self._current is not None:
            buttons = {"hidden", "submit", "button", "image", "reset"}
            filled_in = tag == "input" and attrs.get("type", "text") not in buttons
            if filled_in or tag in {"select", "textarea"}:
                self._current["fields"] += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


class Renderer:
    """Render pages as each role into a folder, once per distinct document."""

    def __init__(self, client, folder: Path, users: dict):
        self.client = client
        self.folder = folder
        self.users = users
        self.documents: dict[str, Rendered] = {}
        self.counts: dict[str, int] = {}
        self.statuses: dict[str, str] = {}
        self.server_errors: list[str] = []
        self.forms: dict[tuple[str, str], str] = {}  # (role, action) → the page it is on
        self._role = None

    def as_role(self, role: str):
        if role != self._role:
            self.client.logout()
            if self.users[role] is not None:
                self.client.force_login(
                    self.users[role], backend="django.contrib.auth.backends.ModelBackend"
                )
            self._role = role
        return self.client

    def fetch(self, role: str, url: str, *, kind: str, data=None) -> str | None:
        client = self.as_role(role)
        if data is None:
            response = client.get(url)
            method = "GET"
        else:
            # Followed, so the page it leads to shows its message (an error or a success).
            response = client.post(url, data, follow=True)
            method = "POST"
            # A POST may log in, out or switch the session: start the next one afresh.
            self._role = None
            if response.redirect_chain:
                kind = "page after a POST"
        source = f"{role} {method} {url}"
        self.statuses[source] = str(
            response.redirect_chain[0][1]
            if data is not None and response.redirect_chain
            else response.status_code
        )
        if response.status_code >= 500:
            self.server_errors.append(f"{source} answered {response.status_code}")
            return None
        if 300 <= response.status_code < 400 or not response.content:
            return None  # a redirect's or a 405's body is no page
        if not response.get("Content-Type", "").startswith("text/html"):
            return None
        if getattr(response, "streaming", False):
            return None
        html = response.content.decode()
        digest = hashlib.sha1(html.encode()).hexdigest()[:16]
        document = self.documents.get(digest)
        if document is None:
            slug = re.sub(r"\W+", "_", url)[:80]
            path = self.folder / f"{len(self.documents):04d}-{slug}.html"
            path.write_text(html)
            document = self.documents[digest] = Rendered(path, kind)
            self.counts[kind] = self.counts.get(kind, 0) + 1
        document.sources.append(source)
        if data is None and response.status_code == 200:
            self._note_forms(role, url, html)
        return html

    def _note_forms(self, role: str, url: str, html: str) -> None:
        finder = FormFinder()
        finder.feed(html)
        for form in finder.forms:
            if not form["fields"]:
                continue  # a button (join, approve, cancel…): nothing to get wrong
            action = urlsplit(urljoin(url, form["action"] or url))
            target = action.path + (f"?{action.query}" if action.query else "")
            if action.path in NEVER_POST:
                continue
            if action.path.startswith("/admin/") and not action.path.startswith(OUR_ADMIN):
                continue  # Wagtail's own forms (the page editor needs its whole form)
            self.forms.setdefault((role, target), url)


class Demo:
    """The demo objects each route needs, looked up after load_demo_data."""

    def __init__(self):
        self.users = {"anonymous": None} | {
            username: User.objects.get(username=username) for username in ROLES[1:]
        }
        parent, groupadmin = self.users["parent"], self.users["groupadmin"]
        self.child = Learner.objects.guarded_by(parent).get(name="Maya")
        self.tutor = TutorProfile.objects.get(user=self.users["tutor"])
        self.group = (
            GroupPage.objects.filter(
                memberships__in=Membership.objects.admins().filter(user=groupadmin)
            )
            .order_by("pk")
            .first()
        )
        now = timezone.now()
        managed = SpacePage.objects.filter(managers=self.users["spacemanager"])
        self.booking = (
            Booking.objects.filter(group=self.group, space__in=managed, start__gt=now)
            .order_by("start")
            .first()
        ) or Booking.objects.filter(group=self.group, start__gt=now).order_by("start").first()
        self.session = (
            Session.objects.filter(course__in=CoursePage.objects.descendant_of(self.group))
            .filter(start__gt=now, signups__user=self.users["tutor"])
            .order_by("start")
            .first()
        ) or Session.objects.filter(start__gt=now).order_by("start").first()
        self.invitation = GuardianInvitation.objects.create(
            learner=self.child, email="second.guardian@example.org", invited_by=parent
        )
        self.calendar_token = CalendarToken.objects.get_or_create(user=parent)[0].token
        entry = ProgressEntry.objects.filter(learner=self.child).first()
        self.evidence = Evidence.objects.filter(entry__learner=self.child).first()
        if self.evidence is None and entry is not None:
            self.evidence = Evidence.objects.create(
                entry=entry,
                file=ContentFile(b"%PDF-1.4 test", name="work.pdf"),
                original_name="work.pdf",
                content_type="application/pdf",
                size=13,
            )
        self.objective = LearningObjective.objects.first()
        # A unit Maya is followed on: the one her progress so far is in.
        self.unit_id = entry.objective.page_id if entry else self.objective.page_id
        self.curriculum = CurriculumPage.objects.live().first()

    def args(self, name: str) -> list | None:
        child = [self.child.pk]
        table = {
            "password_reset_confirm": ["MQ", "set-password"],
            "commons:learner_detail": child,
            "commons:learner_edit": child,
            "commons:learner_remove": child,
            "commons:guardian_invite": child,
            "commons:learner_login": child,
            "commons:invitation_accept": [self.invitation.token],
            "commons:booking_review": [self.booking.pk],
            "groups:tutor_detail": [self.tutor.pk],
            "groups:check_record": [self.tutor.pk],
            "groups:booking_cancel": [self.booking.pk],
            "groups:booking_move": [self.booking.pk],
            "groups:session_detail": [self.session.pk],
            "groups:session_register": [self.session.pk],
            "learning:learner_page": child,
            "learning:learner_unit": [self.child.pk, self.unit_id],
            "learning:guardian_dashboard": child,
            "learning:record_print": child,
            "learning:learner_erase": child,
            "learning:session_progress": [self.session.pk],
            "learning:course_overview": [self.session.course_id],
        }
        return table.get(name)

    def url(self, name: str) -> str | None:
        """The route with demo arguments; a new route with a learner's pk gets Maya's."""
        for args in (self.args(name), [self.child.pk]):
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                continue
        return None

    def pages(self) -> list[tuple[str, str]]:
        """(page type, URL) of a demo page of each type and each of its sub-routes."""
        found = []
        ours = [
            m for m in get_page_models() if m._meta.app_label in {"commons", "groups", "learning"}
        ]
        for model in ours:
            pages = model.objects.live().order_by("path")
            if model is GroupPage:
                pages = pages.filter(pk=self.group.pk)
            elif model is CoursePage:
                pages = pages.filter(pk=self.session.course_id)
            page = pages.first()
            assert page is not None, f"the demo data has no live {model.__name__}"
            found.append((model.__name__, page.url))
        group_url = self.group.url
        found += [
            ("GroupPage", group_url + sub)
            for sub in ("join/", "leave/", "contact/", "members/", "manage/")
        ]
        course = self.session.course
        found += [
            ("CoursePage", course.url + sub)
            for sub in (
                "enrol/",
                "withdraw/",
                "schedule/",
                f"sessions/{self.session.pk}/move/",
                f"sessions/{self.session.pk}/cancel/",
            )
        ]
        found.append(("CurriculumPage", self.curriculum.url + "adopt/"))
        space = self.booking.space
        week = timezone.localdate(self.booking.start) - timedelta(
            days=timezone.localdate(self.booking.start).weekday()
        )
        found.append(("SpacePage", f"{space.url}week/{week.isoformat()}/"))
        return found

    def variants(self) -> list[str]:
        """Listings filtered, searched, paged on and given nonsense: other markup, same pages."""
        from commons.models import SpaceIndexPage
        from groups.models import GroupIndexPage
        from learning.models import CurriculumIndexPage

        groups = GroupIndexPage.objects.live().first().url
        library = CurriculumIndexPage.objects.live().first().url
        spaces = SpaceIndexPage.objects.live().first().url
        day = timezone.localdate(self.booking.start).isoformat()
        return [
            "/whats-on/?view=month",
            "/whats-on/?needs_helpers=true&has_places=true",
            "/whats-on/?week=not-a-week&group=nonsense",
            f"/whats-on/?day={day}",
            f"{groups}?q=maths&accepting=true",
            f"{groups}?neighbourhood=999999&day=nonsense",
            f"{library}?q=fractions",
            f"{library}?subject=999999&sort=nonsense",
            f"{spaces}?free_date={day}&free_from=10:00&free_to=11:00",
            f"{spaces}?free_date=not-a-date&free_from=25:00",
            "/search/?q=fractions",
            "/search/?q=zzqqxx",
            "/search/?q=",
            "/no-such-page/",
        ]

    def admin_urls(self) -> list[tuple[str, str]]:
        """(role, URL) of the admin screens we customise, for the roles that use them."""
        membership = Membership.objects.filter(group=self.group).exclude(role=Role.ADMIN).first()
        requested = (
            Booking.objects.requested().filter(space__managers=self.users["spacemanager"]).first()
            or self.booking
        )
        screens = [
            ("anonymous", "/admin/login/"),
            ("admin", "/admin/"),
            ("groupadmin", "/admin/"),
            ("spacemanager", "/admin/"),
            ("admin", "/admin/no-such-screen/"),
            ("spacemanager", reverse("space_bookings:index")),
            ("spacemanager", reverse("space_bookings:edit", args=[requested.pk])),
            ("spacemanager", reverse("space_bookings:inspect", args=[requested.pk])),
            ("admin", reverse("space_bookings:index")),
            ("groupadmin", reverse("group_memberships:index")),
            ("groupadmin", reverse("group_memberships:add")),
            ("groupadmin", reverse("group_memberships:edit", args=[membership.pk])),
            ("groupadmin", reverse("group_memberships:inspect", args=[membership.pk])),
            ("admin", reverse("group_memberships:index")),
        ]
        for model in (Neighbourhood, Subject):
            opts = model._meta
            prefix = f"wagtailsnippets_{opts.app_label}_{opts.model_name}"
            screens += [
                ("admin", reverse(f"{prefix}:list")),
                ("admin", reverse(f"{prefix}:add")),
                ("admin", reverse(f"{prefix}:edit", args=[model.objects.first().pk])),
            ]
        from commons.models import Facility

        prefix = "wagtailsnippets_commons_facility"
        screens += [
            ("admin", reverse(f"{prefix}:list")),
            ("admin", reverse(f"{prefix}:edit", args=[Facility.objects.first().pk])),
        ]
        for page in (self.group, self.session.course, self.curriculum):
            screens.append(("admin", reverse("wagtailadmin_pages:edit", args=[page.pk])))
        screens.append(("groupadmin", reverse("wagtailadmin_pages:edit", args=[self.group.pk])))
        return screens


def html_route_names() -> list[str]:
    """Our named routes that answer with an HTML page (the open-data API answers JSON)."""
    return sorted(
        name
        for name in named_urls()
        if not name.split(":")[0].startswith(LIBRARY_PREFIXES)
        and name not in NOT_HTML
        and not name.startswith("api:")
    )


def run_vnu(command: list[str], files: list[Path]) -> list[dict]:
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=600
    )
    # vnu writes its JSON report to stderr; it exits 1 when there are errors.
    report = result.stderr.strip() or result.stdout.strip()
    try:
        return json.loads(report)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu failed ({result.returncode}):\n{report[-3000:]}", pytrace=False)


def is_wagtails_own(message: dict) -> bool:
    return any(
        re.search(text, message["message"]) and re.search(markup, message.get("extract", ""))
        for text, markup, _source in WAGTAIL_OWN_ERRORS
    )


def test_every_page_and_form_is_valid_html(client, tmp_path):
    command = vnu_command()
    if command is None:
        if os.environ.get("CI") == "true":
            pytest.fail(NO_VNU, pytrace=False)
        pytest.skip(NO_VNU)
    started = time.monotonic()
    call_command("load_demo_data", force=True, stdout=StringIO())
    demo = Demo()
    folder = Path(os.environ.get("HTML_VALID_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    site = Renderer(client, folder, demo.users)
    loaded = time.monotonic()

    names = html_route_names()
    unbuilt = set()
    for role in ROLES:
        for page_type, url in demo.pages():
            site.fetch(role, url, kind=f"page {page_type}")
        for name in names:
            url = demo.url(name)
            if url is None:
                unbuilt.add(name)
                continue
            site.fetch(role, url, kind="view")
        for url in demo.variants():
            site.fetch(role, url, kind="view variant")
    for role, url in demo.admin_urls():
        site.fetch(role, url, kind="admin")
    for (role, action), _on_page in sorted(site.forms.items()):
        kind = "admin form errors" if action.startswith("/admin/") else "form errors"
        site.fetch(role, action, kind=kind, data={})
    rendered = time.monotonic()

    documents = list(site.documents.values())
    messages = run_vnu(command, [d.path for d in documents])
    by_name = {d.path.name: d for d in documents}
    errors, wagtails = [], []
    for message in messages:
        document = by_name.get(message.get("url", "").rsplit("/", 1)[-1])
        where = f"{document.path.name} ({document.sources[0]})" if document else message.get("url")
        line = f"{where} line {message.get('lastLine')}: {message['message']}"
        if document is not None and document.is_admin and is_wagtails_own(message):
            wagtails.append(line)
        else:
            errors.append(line)
    checked = time.monotonic()
    posts = {source: status for source, status in site.statuses.items() if " POST " in source}
    redisplayed = [source for source, status in posts.items() if status[0] in "24"]
    if os.environ.get("HTML_VALID_DIR"):
        (folder / "statuses.txt").write_text(
            "\n".join(f"{status} {source}" for source, status in site.statuses.items())
        )
    summary = (
        f"{len(documents)} documents ({site.counts}), {len(site.forms)} forms posted, "
        f"{len(redisplayed)} shown again with errors; "
        f"render {rendered - loaded:.0f}s, demo {loaded - started:.0f}s, "
        f"vnu {checked - rendered:.0f}s; {len(wagtails)} errors from Wagtail's own markup"
    )
    print(summary)
    problems = list(site.server_errors)
    problems += [f"{name}: give it demo arguments in Demo.args" for name in sorted(unbuilt)]
    assert not problems + errors, f"{len(errors)} HTML errors; {summary}:\n" + "\n".join(
        problems + errors
    )
