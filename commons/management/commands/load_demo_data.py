"""Build a believable commons for the fictional town of Ashby Vale.

Safe to run again: everything is looked up by username or slug and brought up to date,
and a page gets a new revision only when its content has changed. Each part of the site
is one function below, so later features can add theirs to ``PARTS``.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from commons.demo_spaces import FACILITIES, MANAGERS, SPACES, DemoSpace, term_start
from commons.models import (
    Closure,
    Facility,
    HomePage,
    Learner,
    Neighbourhood,
    OpeningPeriod,
    SiteSettings,
    SpaceIndexPage,
    SpacePage,
    StandardPage,
)
from commons.permissions import sync_space_managers_group
from commons.services import two_factor

# Every demo login uses this password; the README quotes it.
DEMO_PASSWORD = "commons-demo-2026"

PLACE_NAME = "Ashby Vale"
CONTACT_EMAIL = "hello@ashbyvale-commons.example.org"
SAFEGUARDING_LEAD_NAME = "Ruth Adeyemi"
SAFEGUARDING_LEAD_EMAIL = "safeguarding@ashbyvale-commons.example.org"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    email: str
    role: str
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("admin", "Alex Morgan", "admin@example.org", "site admin", is_superuser=True),
    DemoUser("groupadmin", "Priya Shah", "priya.shah@example.org", "group admin"),
    DemoUser("tutor", "Sam Okafor", "sam.okafor@example.org", "tutor"),
    DemoUser("parent", "Hannah Reid", "hannah.reid@example.org", "parent of Maya and Leo"),
    DemoUser("learner", "Maya", "", "learner (Maya's own login)"),
    DemoUser("spacemanager", "Graham Whitlock", "graham.whitlock@example.org", "space manager"),
]

NEIGHBOURHOODS = [
    ("Mill End", "mill-end"),
    ("Northfields", "northfields"),
    ("Old Town", "old-town"),
    ("Riverside", "riverside"),
    ("St Mary's", "st-marys"),
]

# (name, birth year, has own login)
DEMO_CHILDREN = [("Maya", 2016, True), ("Leo", 2019, False)]


@dataclass
class Demo:
    """What the parts have built so far, for the parts that come after them."""

    site: Site
    home: HomePage
    users: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)
    learners: dict = field(default_factory=dict)
    neighbourhoods: dict = field(default_factory=dict)
    changed: list = field(default_factory=list)


# StreamField content, in the raw form Wagtail stores.


def heading(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


def paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def callout(title: str, html: str, link: Page | None = None, link_text: str = "") -> dict:
    link_id = link.pk if link else None
    value = {"title": title, "text": html, "link": link_id, "link_text": link_text}
    return {"type": "callout", "value": value}


def _content(page: Page) -> dict:
    """Return what the command sets on a page, without block ids, to compare runs."""
    body = [{"type": b["type"], "value": b["value"]} for b in page.body.get_prep_value()]
    return {
        "title": page.title,
        "introduction": page.introduction,
        "show_in_menus": page.show_in_menus,
        "body": body,
    }


def publish_page(demo: Demo, parent: Page, model, slug: str, **fields) -> Page:
    """Create or update a page under parent, publishing a revision only when it changed."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        before = _content(page)
        for name, value in fields.items():
            setattr(page, name, value)
        if _content(page) == before and page.live and not page.has_unpublished_changes:
            return page
    page.save_revision().publish()
    demo.changed.append(page.title)
    return page


# The parts, in the order they run.


def load_site_settings(demo: Demo) -> None:
    site_settings = SiteSettings.for_site(demo.site)
    wanted = {
        "place_name": PLACE_NAME,
        "contact_email": CONTACT_EMAIL,
        "safeguarding_lead_name": SAFEGUARDING_LEAD_NAME,
        "safeguarding_lead_email": SAFEGUARDING_LEAD_EMAIL,
    }
    if any(getattr(site_settings, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(site_settings, name, value)
        site_settings.save()
        demo.changed.append("site settings")


def load_neighbourhoods(demo: Demo) -> None:
    for name, slug in NEIGHBOURHOODS:
        neighbourhood, _ = Neighbourhood.objects.update_or_create(
            slug=slug, defaults={"name": name}
        )
        demo.neighbourhoods[slug] = neighbourhood


def load_users(demo: Demo) -> None:
    User = get_user_model()
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(username=spec.username)
        wanted = {
            "display_name": spec.display_name,
            "email": spec.email,
            "first_name": spec.display_name.split()[0],
            "is_superuser": spec.is_superuser,
            "is_staff": spec.is_superuser,
            "is_active": True,
        }
        stale = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in stale:
            setattr(user, name, wanted[name])
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            stale.append("password")
        if stale:
            user.save()
        # The demo logins are public and password-only: undo two-step login turned on
        # while trying the site, as the password above is put back.
        two_factor.turn_off(user=user)
        demo.users[spec.username] = user


def load_household(demo: Demo) -> None:
    parent = demo.users["parent"]
    for name, birth_year, own_login in DEMO_CHILDREN:
        login = demo.users["learner"] if own_login else None
        learner = Learner.objects.guarded_by(parent).filter(name=name).first()
        if learner is None:
            learner = Learner.objects.create(name=name, birth_year=birth_year, user=login)
            learner.guardians.add(parent)
        elif (learner.birth_year, learner.user_id) != (birth_year, login and login.pk):
            learner.birth_year, learner.user = birth_year, login
            learner.save()
        demo.learners[name] = learner


def load_standard_pages(demo: Demo) -> None:
    home = demo.home
    demo.pages["about"] = publish_page(demo, home, StandardPage, "about", **ABOUT_PAGE)
    demo.pages["safeguarding"] = publish_page(
        demo, home, StandardPage, "safeguarding", **SAFEGUARDING_PAGE
    )
    demo.pages["privacy"] = publish_page(demo, home, StandardPage, "privacy", **PRIVACY_PAGE)


def load_home_page(demo: Demo) -> None:
    home = demo.home
    about = demo.pages["about"]
    fields = {
        "title": f"Learning together in {PLACE_NAME}",
        "introduction": (
            f"One website for {PLACE_NAME}’s community-run schools, parent co-ops and "
            "home-education groups: find a group, book a hall, share a curriculum, "
            "and follow how your children are getting on."
        ),
        "show_in_menus": False,
        "body": [
            heading("What the commons is for"),
            paragraph(
                f"<p>{PLACE_NAME} has more than a dozen small learning groups, from the "
                "Riverside home educators who meet at St Mary’s Hall to the Northfields "
                "parent co-op that runs a forest school on Fridays. Each used to keep its own "
                "spreadsheets, its own list of volunteers and its own hall bookings. The "
                "commons pools them.</p>"
            ),
            paragraph(
                "<ul>"
                "<li><b>One pool of spaces:</b> church halls, the Old Library and the "
                "Northfields Community Centre, booked through one calendar so nobody is "
                "double-booked.</li>"
                "<li><b>One pool of tutors:</b> parents, retired teachers and students whose "
                "safeguarding checks have been verified once, for every group.</li>"
                "<li><b>One library of curricula:</b> any group may adopt another’s course "
                "plans and adapt them.</li>"
                "</ul>"
            ),
            heading("How it works for families"),
            paragraph(
                "<p>Sign up, add your children by first name, and join the groups you "
                "already belong to. You will see what your children are learning, when "
                "sessions are on and who is leading them. Your children’s names and progress "
                "are never shown to the public: only to you, their other guardians and the "
                "tutors who teach them.</p>"
            ),
            callout(
                "Can you give an hour a week?",
                "<p>Every session needs enough adults. If you can read with a small group, "
                "help at the forest school or teach something you love, sign up as a tutor. "
                "We check references and a DBS certificate once, and then any group in "
                f"{PLACE_NAME} can ask for your help.</p>",
                link=about,
                link_text="How volunteering works",
            ),
        ],
    }
    demo.home = publish_page(demo, home.get_parent(), HomePage, home.slug, **fields)


def _manager(demo: Demo, username: str, display_name: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "display_name": display_name,
            "first_name": display_name.split()[0],
            "email": f"{username}@example.org",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    demo.users[username] = user


def _space(demo: Demo, index: SpaceIndexPage, spec: DemoSpace, start) -> SpacePage:
    """Create a space the first time; later runs leave it as its managers have made it."""
    space = SpacePage.objects.child_of(index).filter(slug=spec.slug).first()
    if space is not None:
        return space
    space = SpacePage(
        title=spec.title,
        slug=spec.slug,
        neighbourhood=demo.neighbourhoods[spec.neighbourhood],
        address=spec.address,
        capacity=spec.capacity,
        summary=spec.summary,
        description=[paragraph(spec.about)],
        key_holder=spec.key_holder,
        door_code=spec.door_code,
        **dict.fromkeys(spec.access, True),
        **spec.rules,
    )
    space.facilities = [demo.facilities[slug] for slug in spec.facilities]
    space.managers = [demo.users[username] for username in spec.managers]
    space.opening_periods = [
        OpeningPeriod(weekday=day, opens=opens, closes=closes)
        for days, opens, closes in spec.opening
        for day in days
    ]
    space.closures = [
        Closure(
            start_date=start + timedelta(days=after),
            end_date=start + timedelta(days=after + length - 1),
            reason=reason,
        )
        for after, length, reason in spec.closures
    ]
    index.add_child(instance=space)
    space.save_revision().publish()
    demo.changed.append(spec.title)
    return space


def load_spaces(demo: Demo) -> None:
    demo.facilities = {}
    for name, slug in FACILITIES:
        demo.facilities[slug], _ = Facility.objects.update_or_create(
            slug=slug, defaults={"name": name}
        )
    for username, display_name in MANAGERS:
        _manager(demo, username, display_name)
    index = publish_page(
        demo,
        demo.home,
        SpaceIndexPage,
        "spaces",
        title="Spaces",
        introduction=(
            f"The halls and rooms {PLACE_NAME}’s groups share, each looked after by its own "
            "managers. Find one that suits your group and is free when you need it."
        ),
        show_in_menus=True,
        body=[],
    )
    demo.pages["spaces"] = index
    start = term_start(timezone.localdate())
    demo.spaces = {spec.slug: _space(demo, index, spec, start) for spec in SPACES}
    sync_space_managers_group()


PARTS = [
    load_site_settings,
    load_neighbourhoods,
    load_users,
    load_household,
    load_standard_pages,
    load_home_page,
    load_spaces,
]


def all_parts() -> list:
    """Return this module's parts, then each later app's `demo.PARTS`, in app order.

    Apps to the right of commons (groups, learning) add their demo data through a
    `demo` module of their own, found by name, so commons never imports them.
    """
    parts = list(PARTS)
    for app_config in apps.get_app_configs():
        if app_config.name == "commons":
            continue
        try:
            module = import_module(f"{app_config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.demo":
                raise
            continue
        parts.extend(module.PARTS)
    return parts


class Command(BaseCommand):
    help = "Build a believable demo commons for Ashby Vale; safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo logins share a published password.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: the demo logins, including a "
                "superuser, share a published password. Pass --force if you mean it."
            )
        with transaction.atomic():
            demo = Demo(site=self._site(), home=self._home())
            for part in all_parts():
                part(demo)
        self._report(demo)

    def _site(self) -> Site:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError("There is no default Wagtail site. Run migrate first.")
        return site

    def _home(self) -> HomePage:
        home = self._site().root_page.specific
        if not isinstance(home, HomePage):
            raise CommandError("The default site's root page is not a HomePage.")
        return home

    def _report(self, demo: Demo) -> None:
        changed = ", ".join(demo.changed) if demo.changed else "nothing (already up to date)"
        self.stdout.write(f"Demo commons for {PLACE_NAME}. Updated: {changed}.")
        self.stdout.write(
            f"{Page.objects.live().descendant_of(demo.home, inclusive=True).count()} live pages, "
            f"{len(demo.users)} demo logins, {len(demo.learners)} learners."
        )
        self.stdout.write(f"Logins (password for all: {DEMO_PASSWORD}):")
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<13} {spec.role}")
        self.stdout.write(self.style.SUCCESS("Done."))


# Page content. Written for a real town's families; the names are fictional.

ABOUT_PAGE = {
    "title": "About the commons",
    "introduction": (
        f"The {PLACE_NAME} Commons is run by and for the town’s community-run schools, "
        "parent co-ops and home-education groups, so that together they can do more than "
        "any of them could alone."
    ),
    "show_in_menus": True,
    "body": [
        heading("Why a commons?"),
        paragraph(
            "<p>Public services work best when the people of a place run them together and "
            "pool what the place already has. Ashby Vale has halls that stand empty on "
            "weekday mornings, parents with skills to share and retired teachers who would "
            "happily give an afternoon. What it lacked was one place to bring them "
            "together.</p>"
            "<p>The commons is that place. It does not replace any group: each keeps its own "
            "name, its own way of doing things and its own members. What the groups share is "
            "the practical work — rooms, volunteers and course plans.</p>"
        ),
        heading("Who is part of it"),
        paragraph(
            "<p>Groups from every part of town take part, including the Riverside home "
            "educators, the Mill End Saturday School, the Northfields parent co-op and the "
            "Old Town reading circle. New groups are welcome: all a group needs is two adults "
            "willing to act as its admins and to follow the safeguarding policy.</p>"
        ),
        heading("How it is run"),
        paragraph(
            "<p>A steering group of six volunteers, elected each September by the member "
            "groups, looks after the website, the shared spaces and the safeguarding policy. "
            "Anyone may come to the open meeting on the first Tuesday of every month at the "
            "Old Library on Station Road, 7pm.</p>"
        ),
        heading("Volunteering"),
        paragraph(
            "<p>Tutors are the heart of the commons. You might lead a weekly maths club, "
            "help at a science afternoon or sit with two children while they read. To "
            "volunteer:</p>"
            "<ol>"
            "<li>Sign up and fill in your tutor profile: what you can teach and when you "
            "are free.</li>"
            "<li>Show a group admin your enhanced DBS certificate and give us two "
            "references.</li>"
            "<li>Once your check is verified, sign up to help at any session in any "
            "group.</li>"
            "</ol>"
            "<p>There is no minimum commitment. An hour a month helps.</p>"
        ),
    ],
}

SAFEGUARDING_PAGE = {
    "title": "Safeguarding policy",
    "introduction": (
        "Every child who learns with a group in the commons has the right to be safe. "
        "This policy says how we keep them safe and what to do if you are worried."
    ),
    "show_in_menus": True,
    "body": [
        heading("If you are worried about a child"),
        paragraph(
            "<p>If a child is in immediate danger, call 999.</p>"
            f"<p>Otherwise, talk to our safeguarding lead, {SAFEGUARDING_LEAD_NAME}, as soon "
            f'as you can: email <a href="mailto:{SAFEGUARDING_LEAD_EMAIL}">'
            f"{SAFEGUARDING_LEAD_EMAIL}</a>, or speak to her at any session. You do not need "
            "to be certain that something is wrong. Write down what you saw or heard, in the "
            "words that were used, with the date and time, and do not investigate "
            "yourself.</p>"
            "<p>You can also contact the county council’s children’s services directly, or "
            "the NSPCC helpline on 0808 800 5000.</p>"
        ),
        heading("Our safeguarding lead"),
        paragraph(
            f"<p>{SAFEGUARDING_LEAD_NAME} is the commons’ designated safeguarding lead. She "
            "is a former primary school deputy head, has completed the local safeguarding "
            "partnership’s designated lead training, and refreshes it every two years. Each "
            "member group also names one of its admins as its own safeguarding contact, who "
            "passes any concern to her the same day.</p>"
        ),
        heading("Checks on adults"),
        paragraph(
            "<ul>"
            "<li>Every tutor who leads or helps at a session has an enhanced DBS check, seen "
            "and recorded by a group admin, and two references.</li>"
            "<li>Checks are renewed every three years. The website will not let a tutor "
            "whose check has expired lead a session.</li>"
            "<li>Parents who stay with their own children do not need a check, but may not "
            "be left alone with other people’s children.</li>"
            "</ul>"
        ),
        heading("At sessions"),
        paragraph(
            "<ul>"
            "<li>There are always at least two adults, and enough adults for the number and "
            "age of the learners (for example one adult for every six learners).</li>"
            "<li>The session leader takes a register and knows about any medical needs.</li>"
            "<li>Photos of children are taken only with their guardian’s consent, on group "
            "devices, and are never posted publicly.</li>"
            "<li>Tutors contact learners only through their guardians or the website, never "
            "by private message.</li>"
            "</ul>"
        ),
        heading("Reviewing this policy"),
        paragraph(
            "<p>The steering group reviews this policy every September, and after any "
            "serious incident. Comments are always welcome at the monthly open meeting.</p>"
        ),
    ],
}

PRIVACY_PAGE = {
    "title": "Privacy notice",
    "introduction": (
        "What we keep about you and your children, who can see it, and how to have it removed."
    ),
    "show_in_menus": False,
    "body": [
        heading("Who we are"),
        paragraph(
            f"<p>The {PLACE_NAME} Commons is a volunteer-run association of the town’s "
            "community learning groups. The steering group is responsible for the personal "
            f'information on this website. You can reach it at <a href="mailto:{CONTACT_EMAIL}">'
            f"{CONTACT_EMAIL}</a>.</p>"
        ),
        heading("What we keep about adults"),
        paragraph(
            "<p>Your username, your email address, the name you choose to show to others, "
            "the groups you belong to and, if you volunteer, your tutor profile and the date "
            "and result of your safeguarding check. We keep your password only in a form "
            "that cannot be turned back into the password.</p>"
        ),
        heading("What we keep about children and other learners"),
        paragraph(
            "<p>We keep as little as we can. A learner is stored by <b>first name or "
            "nickname only</b>: never a surname, address, school or photograph of their "
            "face. A guardian may add a year of birth, medical notes, an emergency contact "
            "and whether photos of the learner’s work are allowed. We also keep the "
            "learner’s attendance and the progress their tutors, their guardians and they "
            "themselves record.</p>"
            "<p>Learners are <b>never shown publicly</b>. Only these people can see a "
            "learner:</p>"
            "<ul>"
            "<li>their guardians;</li>"
            "<li>the learner, through their own login if a guardian made one;</li>"
            "<li>tutors, for the sessions that learner attends;</li>"
            "<li>the admins of the groups in which the learner is enrolled.</li>"
            "</ul>"
        ),
        heading("Why we keep it"),
        paragraph(
            "<p>To run sessions safely and to help children learn. We rely on our legitimate "
            "interest in running the groups you joined, and on a guardian’s explicit consent "
            "for medical notes and photos. We never sell information, never use it for "
            "advertising and never share it outside the commons, except where the law "
            "requires us to or a child is at risk of harm.</p>"
        ),
        heading("Removing a learner or closing your account"),
        paragraph(
            "<p>A guardian can remove a learner at any time from <b>My household</b>. "
            "Removing a learner permanently erases everything about them: their name, "
            "notes, attendance, progress and any photos of their work. It cannot be undone, "
            "and it also ends the learner’s own login. If a learner has two guardians, "
            "either of them can do this.</p>"
            "<p>To close your own account, email us. We erase it within 30 days; "
            "safeguarding records are the one exception, which we must keep for as long as "
            "the law requires.</p>"
        ),
        heading("Cookies"),
        paragraph(
            "<p>We use only the cookies that keep you logged in and protect forms from "
            "misuse. There are no analytics or advertising cookies, and no trackers.</p>"
        ),
        heading("Your rights"),
        paragraph(
            "<p>You can ask for a copy of what we hold about you or your children, ask us "
            "to correct it, or ask us to erase it. If you are unhappy with how we have "
            "handled your information, please tell us first; you can also complain to the "
            "Information Commissioner’s Office.</p>"
        ),
    ],
}
