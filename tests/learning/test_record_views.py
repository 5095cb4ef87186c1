"""Who looked at my child (issue 10): every view of a learner's record by someone outside
their family is logged (who, in which role, which page, when; never what it showed) and
their guardians, and nobody else, read that log on the child's household page."""

import logging
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commons.choices import RecordPage, ViewerRole
from commons.models import Learner, LearnerRecordView
from commons.services import record_views as record_views_service
from commons.services.record_views import record_views
from learning import tracker
from learning.choices import Level, Source
from learning.models import ProgressEntry
from tests.factories import LearnerFactory, UserFactory
from tests.learning.conftest import enrol
from tests.learning.progress_builders import PNG

NOTE = "NOTE-MARKER-5b21 wobbly on halves after the dog ate the worksheet"
MEDICAL = "MEDICAL-MARKER-c9d4 severe sesame allergy, inhaler in the red bag"
CONTACT = "CONTACT-MARKER-71ee Aunt Bea 07700 900456"


def learner_page(learner) -> str:
    return reverse("learning:learner_page", args=[learner.pk])


def detail(learner) -> str:
    return reverse("commons:learner_detail", args=[learner.pk])


def full_list(learner) -> str:
    return reverse("commons:learner_record_views", args=[learner.pk])


def logged(learner) -> list[tuple]:
    return list(
        LearnerRecordView.objects.of(learner).values_list(
            "viewer_name", "role", "group_name", "page", "about"
        )
    )


def log_views(learner, viewer, count: int, *, start=None) -> None:
    """`count` views of different pages' slots, a minute apart, newest last."""
    start = start or timezone.now() - timedelta(days=3)
    LearnerRecordView.objects.bulk_create(
        LearnerRecordView(
            learner=learner,
            viewer=viewer,
            viewer_name=viewer.get_display_name(),
            role=ViewerRole.TUTOR,
            group_name="Riverside Home Ed",
            page=RecordPage.REGISTER,
            about=f"Session {n}",
            at=start + timedelta(minutes=n),
            slot=record_views_service.slot_of(start + timedelta(minutes=n)),
        )
        for n in range(count)
    )


@pytest.fixture
def evidence(tracked):
    entry = tracker.record_entry(
        learner=tracked.child,
        objective=tracked.objectives[0],
        level=Level.SECURE,
        source=Source.GUARDIAN,
        by=tracked.parent,
        evidence_file=SimpleUploadedFile("work.png", PNG, content_type="image/png"),
    )
    return entry.evidence.get()


# What is logged


def test_a_tutor_opening_the_childs_page_is_logged_with_their_role_and_group(tracked, client_for):
    assert client_for(tracked.lead).get(learner_page(tracked.child)).status_code == 200

    view = LearnerRecordView.objects.get()
    assert (view.learner, view.viewer, view.viewer_name) == (
        tracked.child,
        tracked.lead,
        "Lee Lead",
    )
    assert view.page == "learning:learner_page"
    assert view.role_words == "tutor at Riverside Home Ed"
    assert timezone.now() - view.at < timedelta(minutes=1)


def test_a_group_admin_opening_the_childs_page_is_logged_as_its_admin(tracked, client_for):
    client_for(tracked.admin).get(learner_page(tracked.child))

    assert logged(tracked.child) == [
        ("Ada Admin", ViewerRole.GROUP_ADMIN, "Riverside Home Ed", RecordPage.LEARNER_PAGE, "")
    ]
    assert LearnerRecordView.objects.get().role_words == "admin of Riverside Home Ed"


def test_the_child_and_their_guardians_are_never_logged(tracked, child_login, client_for):
    second = UserFactory(display_name="Gwen Guardian")
    tracked.child.guardians.add(second)
    for user in (child_login, tracked.parent, second):
        assert client_for(user).get(learner_page(tracked.child)).status_code == 200
    for page in ("learning:guardian_dashboard", "learning:record_print", "learning:record_zip"):
        assert client_for(tracked.parent).get(reverse(page, args=[tracked.child.pk])).status_code
    assert not LearnerRecordView.objects.exists()


def test_the_register_the_grid_and_the_overview_log_each_learner_they_show(
    tracked, sibling, client_for
):
    enrol(tracked.course, sibling)
    client = client_for(tracked.lead)
    client.get(reverse("groups:session_register", args=[tracked.session.pk]))
    client.get(reverse("learning:session_progress", args=[tracked.session.pk]))
    client_for(tracked.admin).get(reverse("learning:course_overview", args=[tracked.course.pk]))

    for learner in (tracked.child, sibling):
        assert sorted((name, role, page) for name, role, _, page, _ in logged(learner)) == [
            ("Ada Admin", "group_admin", RecordPage.COURSE_OVERVIEW),
            ("Lee Lead", "tutor", RecordPage.REGISTER),
            ("Lee Lead", "tutor", RecordPage.SESSION_PROGRESS),
        ]
        assert {(group, about) for _, _, group, _, about in logged(learner)} == {
            ("Riverside Home Ed", "Kitchen Maths")
        }


def test_a_tutor_who_is_also_a_guardian_is_logged_only_for_other_families_children(
    tracked, client_for
):
    own = LearnerFactory(name="Tilly", guardians=[tracked.lead])
    enrol(tracked.course, own)

    client_for(tracked.lead).get(reverse("groups:session_register", args=[tracked.session.pk]))

    assert [view.learner for view in LearnerRecordView.objects.all()] == [tracked.child]


def test_downloading_a_childs_evidence_is_logged_for_a_tutor_not_for_the_guardian(
    tracked, evidence, client_for
):
    url = reverse("learning:evidence_download", args=[evidence.pk])
    assert client_for(tracked.parent).get(url).status_code == 200
    assert not LearnerRecordView.objects.exists()

    assert client_for(tracked.lead).get(url).status_code == 200

    assert logged(tracked.child) == [
        ("Lee Lead", "tutor", "Riverside Home Ed", RecordPage.EVIDENCE, "")
    ]


def test_a_page_opened_again_within_ten_minutes_is_one_row_and_later_another(
    tracked, client_for, monkeypatch
):
    client = client_for(tracked.lead)
    slot_start = timezone.now().replace(minute=0, second=1, microsecond=0)
    monkeypatch.setattr(record_views_service.timezone, "now", lambda: slot_start)
    for _ in range(5):
        client.get(learner_page(tracked.child))
    client.get(reverse("groups:session_register", args=[tracked.session.pk]))
    assert LearnerRecordView.objects.count() == 2  # one per page

    later = slot_start + timedelta(minutes=10)
    monkeypatch.setattr(record_views_service.timezone, "now", lambda: later)
    client.get(learner_page(tracked.child))

    pages = LearnerRecordView.objects.of(tracked.child).values_list("page", "at")
    assert list(pages) == [
        (RecordPage.LEARNER_PAGE, later),
        (RecordPage.REGISTER, slot_start),
        (RecordPage.LEARNER_PAGE, slot_start),
    ]


def test_logging_a_whole_class_is_one_statement(tracked, client_for):
    learners = [LearnerFactory(guardians=[UserFactory()]) for _ in range(30)]
    with CaptureQueriesContext(connection) as queries:
        record_views(
            learners=learners,
            viewer=tracked.lead,
            page=RecordPage.REGISTER,
            role=ViewerRole.TUTOR,
            group_name="Riverside Home Ed",
            about="Kitchen Maths",
        )
    assert len(queries) == 1
    assert LearnerRecordView.objects.count() == 30


# Who sees the log


def test_the_guardian_sees_the_latest_20_on_the_childs_page_with_a_link_to_all(tracked, client_for):
    log_views(tracked.child, tracked.lead, 24)
    client_for(tracked.admin).get(learner_page(tracked.child))

    response = client_for(tracked.parent).get(detail(tracked.child))

    html = response.content.decode()
    assert "Who has looked at Maya's record" in html
    rows = response.context["record_views"]
    assert len(rows) == 20
    assert rows[0].viewer_name == "Ada Admin"  # the newest first
    assert "admin of Riverside Home Ed" in html and "Their learning page" in html
    assert "tutor at Riverside Home Ed" in html and "Session 23" in html
    assert "Session 4" not in html  # the 21st and older are on the full list
    assert f'href="{full_list(tracked.child)}"' in html


def test_the_full_list_is_paginated_and_survives_a_bad_page_number(tracked, client_for):
    log_views(tracked.child, tracked.lead, 60)
    client = client_for(tracked.parent)

    first = client.get(full_list(tracked.child))
    second = client.get(full_list(tracked.child), {"page": "2"})
    nonsense = client.get(full_list(tracked.child), {"page": "lots"})

    assert first.status_code == second.status_code == nonsense.status_code == 200
    assert "60 views, page 1 of 2" in first.content.decode()
    assert [v.about for v in second.context["results"]] == [
        f"Session {n}" for n in range(9, -1, -1)
    ]
    assert nonsense.context["results"].number == 1


def test_nobody_but_the_guardians_sees_the_log(tracked, child_login, stranger, client_for):
    log_views(tracked.child, tracked.lead, 3)
    for user in (tracked.lead, tracked.admin, child_login, stranger):
        assert client_for(user).get(full_list(tracked.child)).status_code == 404
    own_page = client_for(child_login).get(detail(tracked.child))
    assert own_page.status_code == 200
    assert "Who has looked" not in own_page.content.decode()
    second = UserFactory()
    tracked.child.guardians.add(second)
    assert client_for(second).get(full_list(tracked.child)).status_code == 200


def test_the_childs_page_says_so_when_nobody_has_looked(tracked, client_for):
    html = client_for(tracked.parent).get(detail(tracked.child)).content.decode()
    assert "Nobody outside the family has looked yet." in html


# Erasure and leavers


def test_erasing_the_child_erases_their_log(tracked, sibling, client_for):
    log_views(tracked.child, tracked.lead, 3)
    log_views(sibling, tracked.lead, 2)

    response = client_for(tracked.parent).post(
        reverse("learning:learner_erase", args=[tracked.child.pk]), {"name": "Maya"}
    )

    assert response.status_code == 302
    assert not Learner.objects.filter(pk=tracked.child.pk).exists()
    assert LearnerRecordView.objects.count() == 2
    assert set(LearnerRecordView.objects.values_list("learner", flat=True)) == {sibling.pk}


def test_a_viewer_who_deletes_their_account_stays_in_the_log_by_name(tracked, client_for):
    client_for(tracked.lead).get(learner_page(tracked.child))
    tracked.lead.delete()

    view = LearnerRecordView.objects.get()
    assert (view.viewer, view.viewer_name) == (None, "Lee Lead")
    html = client_for(tracked.parent).get(detail(tracked.child)).content.decode()
    assert "Lee Lead" in html


# No content in the log, nor in the application's logs


def test_no_progress_note_or_medical_detail_reaches_the_logs_or_the_view_log(
    tracked, evidence, client_for, caplog
):
    tracked.child.medical_notes = MEDICAL
    tracked.child.emergency_contact = CONTACT
    tracked.child.save(update_fields=["medical_notes", "emergency_contact"])
    caplog.set_level(logging.DEBUG)
    lead = client_for(tracked.lead)
    grid = reverse("learning:session_progress", args=[tracked.session.pk])
    data = {f"level_{tracked.child.pk}_{tracked.objectives[1].pk}": Level.SECURE}

    with CaptureQueriesContext(connection):  # SQL with its parameters, were it logged
        recorded = lead.post(grid, {**data, f"note_{tracked.child.pk}": NOTE})
        register = lead.get(reverse("groups:session_register", args=[tracked.session.pk]))
        lead.get(learner_page(tracked.child))
        lead.get(reverse("learning:evidence_download", args=[evidence.pk]))
        lead.post(grid, {**data, f"note_{tracked.child.pk}": NOTE + "x" * 2000})  # refused
        lead.get(reverse("learning:record_print", args=[tracked.child.pk]))  # 404 logs
        client_for(tracked.parent).get(detail(tracked.child))

    assert recorded.status_code == 302
    assert ProgressEntry.objects.filter(note=NOTE).exists()
    assert MEDICAL in register.content.decode()  # the tutor did see the medical notes
    assert caplog.records, "the requests above log something (the 404 at least)"
    logged_text = "\n".join(
        f"{record.getMessage()} {record.exc_text or ''} {record.args!r}"
        for record in caplog.records
    )
    for secret in (NOTE, MEDICAL, CONTACT, "dog ate", "sesame", "Aunt Bea"):
        assert secret not in logged_text
    rows = " ".join(str(row) for row in LearnerRecordView.objects.values_list())
    assert LearnerRecordView.objects.count() == 4
    for secret in (NOTE, MEDICAL, CONTACT, tracked.objectives[1].statement):
        assert secret not in rows


def test_sql_and_template_lookups_are_never_logged_even_at_debug_level():
    for name in ("django.db.backends", "django.template"):
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG)
