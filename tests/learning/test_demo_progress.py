"""Demo progress: the demo children have a term of progress, and loading twice adds none."""

from io import StringIO

import pytest
from django.core.files.storage import storages
from django.core.management import call_command

from commons.models import Learner, LearnerRecordView
from learning.choices import Source
from learning.demo_progress import png
from learning.models import Evidence, ProgressEntry

pytestmark = pytest.mark.django_db


def test_the_demo_children_have_a_term_of_progress_loaded_once():
    call_command("load_demo_data", force=True, stdout=StringIO())
    entries = ProgressEntry.objects.filter(learner__name__in=["Maya", "Leo"])
    sources = set(entries.values_list("source", flat=True))
    assert sources == {Source.TUTOR, Source.GUARDIAN, Source.SELF}
    assert entries.exclude(note="").filter(source=Source.TUTOR).exists()
    dates = entries.values_list("recorded_at", flat=True)
    assert (max(dates) - min(dates)).days >= 42
    evidence = Evidence.objects.filter(entry__learner__name="Maya")
    assert 2 <= evidence.count() <= 3
    assert storages["private"].open(evidence.first().file.name).read().startswith(b"\x89PNG")
    count = entries.count()
    views = LearnerRecordView.objects.filter(learner__name="Maya")
    assert {(view.viewer_name, view.role_words) for view in views} == {
        ("Sam Okafor", "tutor at Riverside Home Ed")
    }
    assert views.count() == 3
    call_command("load_demo_data", force=True, stdout=StringIO())
    assert ProgressEntry.objects.filter(learner__in=Learner.objects.all()).count() == count
    assert LearnerRecordView.objects.count() == 3


def test_the_generated_evidence_is_a_valid_png():
    data = png(4, 4, (10, 20, 30))
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")
