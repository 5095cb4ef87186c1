"""`load_demo_data` builds the Ashby Vale commons on a fresh database, and again safely."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from commons.management.commands.load_demo_data import (
    DEMO_PASSWORD,
    DEMO_USERS,
    SAFEGUARDING_LEAD_NAME,
)
from commons.models import HomePage, Learner, Neighbourhood, SiteSettings, StandardPage, User

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "users": User.objects.count(),
        "learners": Learner.objects.count(),
        "neighbourhoods": Neighbourhood.objects.count(),
    }


def load_twice():
    """Load the demo data twice, returning the counts after each run and the last output."""
    call_command("load_demo_data", force=True, stdout=StringIO())
    first = counts()
    out = StringIO()
    call_command("load_demo_data", force=True, stdout=out)
    return {"first": first, "second": counts(), "output": out.getvalue()}


def check_loading_twice_creates_nothing_new(demo):
    assert demo["first"] == demo["second"]
    assert demo["first"]["users"] >= len(DEMO_USERS)
    assert demo["first"]["learners"] >= 2
    assert "already up to date" in demo["output"]


def check_output_lists_every_login_and_the_password(demo):
    assert DEMO_PASSWORD in demo["output"]
    for spec in DEMO_USERS:
        assert spec.username in demo["output"]


def check_every_demo_user_has_the_demo_password(demo):
    for spec in DEMO_USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(DEMO_PASSWORD), spec.username
        assert user.display_name


def check_only_the_admin_is_a_superuser(demo):
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == [
        "admin"
    ]


def check_parent_guards_maya_and_leo(demo):
    parent = User.objects.get(username="parent")

    children = Learner.objects.guarded_by(parent).order_by("birth_year")

    assert [(c.name, c.birth_year) for c in children] == [("Maya", 2016), ("Leo", 2019)]


def check_the_learner_login_is_mayas_own(demo):
    learner = User.objects.get(username="learner")

    assert learner.is_learner_login
    assert learner.learner_profile.name == "Maya"
    assert learner.email == ""


def check_site_settings_name_the_place_and_safeguarding_lead(demo):
    settings = SiteSettings.objects.get()

    assert settings.place_name == "Ashby Vale"
    assert settings.safeguarding_lead_name == SAFEGUARDING_LEAD_NAME
    assert settings.contact_email.endswith("example.org")


def check_standard_pages_are_published_under_home(demo):
    home = HomePage.objects.get()
    pages = {p.slug: p for p in StandardPage.objects.child_of(home).live()}

    assert set(pages) >= {"about", "safeguarding", "privacy"}
    assert pages["about"].show_in_menus
    assert pages["safeguarding"].show_in_menus
    assert not pages["privacy"].show_in_menus


def check_policies_say_what_they_must(demo, client):
    safeguarding = client.get("/safeguarding/").content.decode()
    privacy = client.get("/privacy/").content.decode()

    assert SAFEGUARDING_LEAD_NAME in safeguarding.split("<main", 1)[1].split("</main>")[0]
    assert "first name or nickname only" in privacy
    assert "never shown publicly" in privacy
    assert "My household" in privacy


def check_home_page_shows_the_demo_commons(demo, client):
    html = client.get("/").content.decode()

    assert "<h1>Learning together in Ashby Vale</h1>" in html
    assert "Can you give an hour a week?" in html
    assert 'href="/privacy/"' in html


def test_demo_data_refuses_to_run_with_debug_off_unless_forced():
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("load_demo_data", stdout=StringIO())


def check_demo_groups_have_admins_tutors_checks_and_requests(demo):
    from groups.models import GroupPage, Membership, TutorProfile

    assert GroupPage.objects.live().count() >= 6
    assert len(set(GroupPage.objects.values_list("kind", flat=True))) >= 3
    assert len(set(GroupPage.objects.values_list("neighbourhood", flat=True))) >= 4
    for group in GroupPage.objects.all():
        assert Membership.objects.admins().filter(group=group).exists(), group
        assert group.admin_group.user_set.exists(), group
    profiles = list(TutorProfile.objects.with_current_check())
    checked = [p for p in profiles if p.is_checked]
    expired = [p for p in profiles if p.current_check and not p.is_checked]
    expiring = [p for p in checked if (p.current_check.renewal_date - date.today()).days <= 60]
    assert len(checked) > len(profiles) / 2
    assert expired and expiring
    assert Membership.objects.pending().count() >= 2
    groupadmin = User.objects.get(username="groupadmin")
    assert groupadmin.has_perm("wagtailadmin.access_admin")


def test_demo_data_loads_twice_and_builds_every_part(client):
    """Load the demo commons twice (it is slow), then check each part of it."""
    demo = load_twice()
    check_loading_twice_creates_nothing_new(demo)
    check_output_lists_every_login_and_the_password(demo)
    check_every_demo_user_has_the_demo_password(demo)
    check_only_the_admin_is_a_superuser(demo)
    check_parent_guards_maya_and_leo(demo)
    check_the_learner_login_is_mayas_own(demo)
    check_site_settings_name_the_place_and_safeguarding_lead(demo)
    check_standard_pages_are_published_under_home(demo)
    check_policies_say_what_they_must(demo, client)
    check_home_page_shows_the_demo_commons(demo, client)
    check_demo_groups_have_admins_tutors_checks_and_requests(demo)
