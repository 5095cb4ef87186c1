"""An id sweep: a guardian walks every learner id and every evidence id on each learner URL
and never sees another family's marker text."""

import contextlib
import re

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import NoReverseMatch, reverse

from commons.models import Learner, User
from learning.choices import Level, Source
from learning.models import Evidence, ProgressEntry
from tests.learning.conftest import enrol

FAMILIES = 200
MARKER = re.compile(r"MARKER-\d{4}")
LEARNER_URL_NAMES = [
    "learning:learner_page",
    "learning:guardian_dashboard",
    "learning:record_print",
    "learning:record_zip",
    "learning:learner_erase",
    "commons:learner_detail",
    "commons:learner_edit",
    "commons:learner_record_views",
]


def seed_families(tracked) -> list[Evidence]:
    """200 families, each with a learner on the course whose entry, medical notes and
    evidence file carry the family's own marker."""
    guardians = User.objects.bulk_create(
        User(username=f"family{n}", display_name=f"Family {n}") for n in range(FAMILIES)
    )
    learners = Learner.objects.bulk_create(
        Learner(name=f"Kid{n}", birth_year=2016, medical_notes=f"MARKER-{n:04d} peanuts")
        for n in range(FAMILIES)
    )
    Learner.guardians.through.objects.bulk_create(
        Learner.guardians.through(learner_id=learner.pk, user_id=guardian.pk)
        for learner, guardian in zip(learners, guardians, strict=True)
    )
    enrol(tracked.course, *learners)
    entries = ProgressEntry.objects.bulk_create(
        ProgressEntry(
            learner=learner,
            objective=tracked.objectives[0],
            level=Level.SECURE,
            source=Source.TUTOR,
            note=f"MARKER-{n:04d} halved the pizza",
        )
        for n, learner in enumerate(learners)
    )
    storage = storages["private"]
    return Evidence.objects.bulk_create(
        Evidence(
            entry=entry,
            file=storage.save(f"evidence/{n}.png", _png(f"MARKER-{n:04d}")),
            original_name=f"MARKER-{n:04d}.png",
            content_type="image/png",
            size=20,
        )
        for n, entry in enumerate(entries[:40])
    )


def _png(text: str) -> ContentFile:
    return ContentFile(b"\x89PNG\r\n\x1a\n" + text.encode())


def test_a_guardian_walking_every_id_sees_no_other_familys_marker(tracked, client_for):
    ProgressEntry.objects.create(
        learner=tracked.child,
        objective=tracked.objectives[0],
        level=Level.SECURE,
        source=Source.TUTOR,
        note="OWN-FAMILY note",
    )
    evidence = seed_families(tracked)
    client = client_for(tracked.parent)
    ids = list(Learner.objects.values_list("pk", flat=True))
    assert len(ids) == FAMILIES + 1
    urls = []
    for name in LEARNER_URL_NAMES:
        try:
            urls.extend(reverse(name, args=[pk]) for pk in ids)
        except NoReverseMatch:
            continue
    with contextlib.suppress(NoReverseMatch):
        urls.extend(reverse("learning:evidence_download", args=[e.pk]) for e in evidence)
    assert len(urls) > FAMILIES
    leaks, own_pages = [], 0
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        if MARKER.search(text):
            leaks.append(url)
        own_pages += "OWN-FAMILY" in text
    assert leaks == []
    assert own_pages >= 1  # the walk did reach the guardian's own child's pages
