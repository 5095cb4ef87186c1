"""A learner says where they think they are; their guardian sees it beside the tutor's
level and downloads the whole record."""

import zipfile

from learning import tracker
from learning.choices import Level, Source
from tests.browser.axe import check_accessibility, login, visit
from tests.factories import PASSWORD, LearnerFactory, UserFactory
from tests.learning.progress_builders import make_world


def test_a_learner_self_assesses_and_the_guardian_sees_it_and_downloads_the_record(
    page, server_url, tmp_path
):
    parent = UserFactory(username="pat", display_name="Pat Parent")
    maya_login = UserFactory(username="maya", email="", display_name="Maya")
    maya = LearnerFactory(name="Maya", guardians=[parent])
    maya.user = maya_login
    maya.save(update_fields=["user"])
    world = make_world(learners=[maya])
    objective = world.objectives()[0]
    tracker.record_entry(
        learner=maya,
        objective=objective,
        level=Level.SECURE,
        source=Source.TUTOR,
        note="Cut the pizza into equal halves",
        by=world.tutor,
    )

    login(page, server_url, "maya", PASSWORD)
    check_accessibility(page)
    visit(page, f"{server_url}/learners/{maya.pk}/learning/")
    assert "Your grown-ups (Pat Parent) and your tutors can see this page" in page.inner_text(
        "main"
    )
    # The page lists each unit in counts; its objectives are on the unit's own page.
    with page.expect_navigation():
        page.get_by_role("link", name="Halves and quarters").click()
    check_accessibility(page)
    card = page.locator(f"#objective-{objective.pk}")
    card.get_by_label("Could teach it").check()
    with page.expect_navigation():
        card.get_by_role("button", name="Save").click()
    check_accessibility(page)
    assert "Saved" in page.inner_text("main")
    card = page.locator(f"#objective-{objective.pk}")
    assert "Got it" in card.inner_text() and "Could teach it" in card.inner_text()

    page.context.clear_cookies()
    login(page, server_url, "pat", PASSWORD)
    visit(page, f"{server_url}/learners/{maya.pk}/progress/")
    assert "1 of 3 achieved; Maya says 1" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("link", name="Halves and quarters").click()
    check_accessibility(page)
    card = page.locator(f"#objective-{objective.pk}")
    assert "Secure" in card.inner_text() and "Could teach it" in card.inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Maya's progress").click()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the record (ZIP)").click()
    saved = tmp_path / "record.zip"
    download_info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert "Cut the pizza into equal halves" in archive.read("entries.csv").decode()

    visit(page, f"{server_url}/learners/{maya.pk}/record/")
    assert "Cut the pizza into equal halves" in page.inner_text("main")
