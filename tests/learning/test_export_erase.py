"""Evidence downloads, the portable record (ZIP and print) and erasure."""

import csv
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commons.models import Learner, User
from groups.choices import Presence
from groups.models import Attendance, Enrolment
from learning import tracker
from learning.choices import Level, Source
from learning.models import Evidence, ProgressEntry
from tests.factories import LearnerFactory, UserFactory
from tests.learning.progress_builders import PNG, make_world

pytestmark = pytest.mark.django_db

MARKER = "Zebrafinch-7781"


@pytest.fixture
def world(child):
    return make_world(learners=[child])


@pytest.fixture
def evidence(world, child, parent):
    entry = tracker.record_entry(
        learner=child,
        objective=world.objectives()[0],
        level=Level.SECURE,
        source=Source.GUARDIAN,
        note=f"Maya cut the pizza {MARKER}",
        by=parent,
        evidence_file=SimpleUploadedFile(f"maya {MARKER}.png", PNG, content_type="image/png"),
    )
    return entry.evidence.get()


def evidence_url(evidence):
    return reverse("learning:evidence_download", args=[evidence.pk])


# Evidence downloads


@pytest.mark.parametrize("who", ["parent", "learner", "tutor", "admin"])
def test_people_who_may_see_the_learner_download_evidence(
    world, child, child_login, parent, evidence, client_for, who
):
    user = {"parent": parent, "learner": child_login, "tutor": world.tutor, "admin": world.admin}
    response = client_for(user[who]).get(evidence_url(evidence))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["stranger", "other_family", "other_tutor"])
def test_anyone_else_gets_404_for_evidence(world, child, evidence, stranger, client_for, who):
    other_parent = UserFactory()
    LearnerFactory(guardians=[other_parent])
    users = {
        "stranger": stranger,
        "other_family": other_parent,
        "other_tutor": make_world(title="Hilltop Co-op").tutor,
    }
    assert client_for(users[who]).get(evidence_url(evidence)).status_code == 404


def test_an_anonymous_visitor_cannot_download_evidence(evidence, client):
    response = client.get(evidence_url(evidence))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The portable record


def test_the_record_zip_holds_json_csv_and_the_evidence(world, child, parent, evidence, client_for):
    Attendance.objects.create(session=world.session, learner=child, presence=Presence.PRESENT)

    response = client_for(parent).get(reverse("learning:record_zip", args=[child.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert {"record.json", "entries.csv", "attendance.csv"} <= set(names)
    record = json.loads(archive.read("record.json"))
    assert record["learner"] == {"first_name": "Maya", "birth_year": 2016}
    [entry] = record["entries"]
    assert entry["objective"] == world.objectives()[0].statement
    assert (entry["level"], entry["source"]) == (Level.SECURE, Source.GUARDIAN)
    assert MARKER in entry["note"]
    assert record["attendance"][0]["presence"] == "present"
    assert record["enrolments"][0]["course"] == world.course.title
    rows = list(csv.DictReader(io.StringIO(archive.read("entries.csv").decode())))
    assert rows[0]["note"] == entry["note"]
    assert "present" in archive.read("attendance.csv").decode()
    [evidence_name] = [name for name in names if name.startswith("evidence/")]
    assert archive.read(evidence_name) == PNG


def test_the_printable_record_lists_every_entry(world, child, parent, evidence, client_for):
    response = client_for(parent).get(reverse("learning:record_print", args=[child.pk]))
    assert response.status_code == 200
    assert MARKER in response.content.decode()


@pytest.mark.parametrize("name", ["record_zip", "record_print", "learner_erase"])
def test_only_guardians_export_or_erase(world, child, child_login, stranger, client_for, name):
    url = reverse(f"learning:{name}", args=[child.pk])
    for user in [stranger, child_login, world.tutor, world.admin]:
        client = client_for(user)
        assert client.get(url).status_code == 404
        if name == "learner_erase":
            assert client.post(url, {"name": "Maya"}).status_code == 404
    assert Learner.objects.filter(pk=child.pk).exists()


# Erasure


def test_the_erase_page_names_what_goes_and_needs_the_name(
    world, child, parent, evidence, client_for
):
    client = client_for(parent)
    url = reverse("learning:learner_erase", args=[child.pk])

    page = client.get(url).content.decode()
    assert "1 progress entry" in page and "1 evidence file" in page

    response = client.post(url, {"name": "Someone else"})
    assert response.status_code == 400
    assert Learner.objects.filter(pk=child.pk).exists()


def test_the_old_remove_link_leads_to_the_erase_page(child, parent, client_for):
    response = client_for(parent).get(reverse("commons:learner_remove", args=[child.pk]))
    assert response["Location"] == reverse("learning:learner_erase", args=[child.pk])


def _rows_mentioning(text: str) -> list[str]:
    """Every row of every text column, in every table, that contains the text."""
    found = []
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.get_internal_type() in {"CharField", "TextField", "FileField", "JSONField"}
        ]
        for field in text_fields:
            lookup = {f"{field}__icontains": text}
            if model._base_manager.filter(**lookup).exists():
                found.append(f"{model._meta.label}.{field}")
    return found


def test_erasing_removes_every_trace(
    world, child, child_login, parent, evidence, client_for, django_capture_on_commit_callbacks
):
    Attendance.objects.create(session=world.session, learner=child, presence=Presence.PRESENT)
    child.medical_notes = f"Nut allergy {MARKER}"
    child.save()
    stored_name = evidence.file.name
    assert _rows_mentioning(MARKER)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(parent).post(
            reverse("learning:learner_erase", args=[child.pk]), {"name": "maya"}
        )

    assert response.status_code == 302
    assert not Learner.objects.filter(pk=child.pk).exists()
    assert not User.objects.filter(pk=child_login.pk).exists()
    assert User.objects.filter(pk=parent.pk).exists()
    assert not ProgressEntry.objects.filter(learner_id=child.pk).exists()
    assert not Evidence.objects.exists()
    assert not Enrolment.objects.filter(learner_id=child.pk).exists()
    assert not Attendance.objects.filter(learner_id=child.pk).exists()
    assert not storages["private"].exists(stored_name)
    assert _rows_mentioning(MARKER) == []
    assert _rows_mentioning("Maya") == []


def test_erasing_keeps_the_sessions_attendance_as_nameless_counts(world, child, parent):
    Attendance.objects.create(session=world.session, learner=child, presence=Presence.ABSENT)
    Attendance.objects.create(
        session=world.session, learner=child, presence=Presence.LATE, recorded_by=parent
    )

    tracker.erase_learner(learner=child, by=parent)

    marks = Attendance.objects.filter(session=world.session)
    assert list(marks.values_list("learner_id", "presence", "recorded_by")) == [
        (None, Presence.LATE, None)
    ]
