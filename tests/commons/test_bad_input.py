"""Hostile input to the site-wide forms and query strings, and to Wagtail's uploads.

Each test builds one world, then sends many generated examples through the real view as
someone allowed to use it: never a server error, and a refused post saves nothing.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.test.utils.form_data import nested_form_data, streamfield

from commons.choices import BookingStatus
from commons.models import Booking, Learner, User
from commons.services import bookings as booking_services
from tests.factories import UserFactory, at, make_group, make_space
from tests.strategies import (
    HOSTILE,
    assert_no_500,
    assert_saved_nothing_unless_done,
    date_text,
    hostile_text,
    number_text,
    row_counts,
    time_text,
    uploads,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


# A guardian's household: a learner's name and year of birth


@given(
    name=hostile_text(),
    year=number_text(),
    notes=hostile_text(200),
    contact=hostile_text(),
    consent=st.sampled_from(["", "on", "true", "\x00", "2"]),
    key=st.one_of(st.just(""), st.uuids().map(str), hostile_text(20)),
)
@HOSTILE
def test_adding_a_learner_never_crashes_and_a_refusal_adds_no_one(
    client_for, parent, name, year, notes, contact, consent, key
):
    data = {
        "name": name,
        "birth_year": year,
        "medical_notes": notes,
        "emergency_contact": contact,
        "photo_consent": consent,
        "creation_key": key,
    }
    before = row_counts(Learner, Learner.guardians.through)
    response = client_for(parent).post(reverse("commons:learner_add"), data)
    assert_saved_nothing_unless_done(
        response, before, row_counts(Learner, Learner.guardians.through)
    )
    this_year = TODAY.year
    for learner in Learner.objects.exclude(birth_year=None):
        assert this_year - 100 <= learner.birth_year <= this_year


@given(name=hostile_text(), year=number_text())
@HOSTILE
def test_editing_a_learner_never_crashes_and_a_refusal_changes_nothing(
    client_for, parent, child, name, year
):
    before = Learner.objects.values("name", "birth_year").get(pk=child.pk)
    response = client_for(parent).post(
        reverse("commons:learner_edit", args=[child.pk]), {"name": name, "birth_year": year}
    )
    assert_no_500(response)
    if response.status_code != 302:
        assert Learner.objects.values("name", "birth_year").get(pk=child.pk) == before


@given(
    username=hostile_text(30),
    password=hostile_text(30),
    email=st.one_of(st.emails(), hostile_text(30)),
)
@HOSTILE
def test_signing_up_and_profiles_never_crash_on_odd_text(client, parent, username, password, email):
    before = row_counts(User)
    response = client.post(
        reverse("commons:signup"),
        {
            "username": username,
            "display_name": username,
            "email": email,
            "password1": password,
            "password2": password,
        },
    )
    assert_saved_nothing_unless_done(response, before, row_counts(User))
    client.logout()
    client.force_login(parent)
    response = client.post(
        reverse("commons:profile_edit"), {"display_name": username, "email": email}
    )
    assert_no_500(response)
    client.logout()


# A space manager's decision on a request


@pytest.fixture
def manager():
    return UserFactory(username="maggie", display_name="Maggie Manager")


@pytest.fixture
def waiting(manager):
    admin = UserFactory(username="gina")
    group = make_group(title="Riverside Home Ed", admins=[admin])
    library = make_space(title="Old Library", requires_approval=True, managers=[manager])
    day = TODAY + timedelta(days=7)
    return booking_services.request_booking(
        space=library, group=group, by=admin, title="Maths club", start=at(day, 10), end=at(day, 11)
    )


@given(
    decision=st.one_of(st.sampled_from(["approve", "decline", ""]), hostile_text(10)),
    reason=hostile_text(400),
)
@HOSTILE
def test_a_booking_decision_never_crashes(client_for, manager, waiting, decision, reason):
    Booking.objects.filter(pk=waiting.pk).update(status=BookingStatus.REQUESTED)
    response = client_for(manager).post(
        reverse("commons:booking_review", args=[waiting.pk]),
        {"decision": decision, "reason": reason},
    )
    assert_no_500(response)
    status = Booking.objects.get(pk=waiting.pk).status
    if response.status_code != 302:
        assert status == BookingStatus.REQUESTED


# Query strings on public pages: What's on, its feed, the spaces, search, the API


QUERY_VALUES = st.one_of(hostile_text(30), number_text(), date_text(near=TODAY), time_text())


@pytest.fixture
def hall():
    return make_space(title="St Mary's Hall")


@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "view",
                "week",
                "month",
                "group",
                "subject",
                "age",
                "neighbourhood",
                "space",
                "has_places",
                "needs_helpers",
                "page",
            ]
        ),
        QUERY_VALUES,
        max_size=4,
    )
)
@HOSTILE
def test_whats_on_and_its_feed_read_any_query(client, hall, params):
    if "month" in params:
        params["view"] = "month"
    assert_no_500(client.get(reverse("commons:whats_on"), params))
    assert_no_500(client.get(reverse("commons:whats_on_feed"), params))


@pytest.mark.parametrize(
    "query",
    [
        {"week": "0001-01-01"},
        {"week": "9999-12-31"},
        {"view": "month", "month": "0001-01"},
        {"view": "month", "month": "9999-12"},
        {"view": "month", "month": "2027-13"},
        {"week": "2027-03-28"},
        {"age": "1e309"},
        {"age": "NaN"},
    ],
)
def test_whats_on_at_the_ends_of_time_says_what_it_shows(client, query):
    response = client.get(reverse("commons:whats_on"), query)
    assert response.status_code in {200, 400}


@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "neighbourhood",
                "capacity",
                "facilities",
                "access",
                "free_date",
                "free_from",
                "free_to",
                "page",
            ]
        ),
        QUERY_VALUES,
        max_size=4,
    ),
    week=date_text(near=TODAY),
)
@HOSTILE
def test_the_spaces_and_a_space_week_read_any_query(client, hall, params, week):
    assert_no_500(client.get(hall.get_parent().url, params))
    assert_no_500(client.get(f"{hall.url}week/{week}/"))
    assert_no_500(client.get(reverse("commons:space_bookings_feed", args=[hall.pk]), params))


@given(q=hostile_text(200), kind=hostile_text(10), page=number_text())
@HOSTILE
def test_search_reads_any_query(client, q, kind, page):
    assert_no_500(client.get(reverse("commons:search"), {"q": q, "type": kind, "page": page}))


@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "from",
                "to",
                "group",
                "subject",
                "age",
                "neighbourhood",
                "space",
                "has_places",
                "needs_helpers",
                "page",
                "page_size",
                "capacity",
                "facility",
                "kind",
            ]
        ),
        QUERY_VALUES,
        max_size=4,
    ),
    path=st.sampled_from(["/api/v1/sessions", "/api/v1/groups", "/api/v1/spaces"]),
)
@HOSTILE
def test_the_open_data_api_answers_any_query_without_a_server_error(client, hall, params, path):
    response = client.get(path, params)
    assert_no_500(response)
    busy = client.get(f"/api/v1/spaces/{hall.pk}/busy", params)
    assert_no_500(busy)
    assert busy.status_code in {200, 404, 422, 429}


# Wagtail's image and document libraries (the admin's uploads)


@pytest.fixture
def superuser():
    return User.objects.create_superuser("root", "root@example.org", "x-very-long-pass-1")


@given(upload=uploads(huge_bytes=11 * 1024 * 1024), title=hostile_text(300))
@HOSTILE
def test_an_image_upload_never_crashes_and_a_refusal_stores_nothing(
    client_for, superuser, upload, title
):
    Image = get_image_model()
    before = row_counts(Image)
    response = client_for(superuser).post(
        reverse("wagtailimages:add"), {"title": title, "file": upload, "collection": 1}
    )
    assert_saved_nothing_unless_done(response, before, row_counts(Image))
    for image in Image.objects.all():
        assert "/" not in image.file.name.removeprefix("original_images/")
        assert ".." not in image.file.name and "\x00" not in image.file.name


@given(upload=uploads(huge_bytes=11 * 1024 * 1024), title=hostile_text(300))
@HOSTILE
def test_a_document_upload_never_crashes_and_a_refusal_stores_nothing(
    client_for, superuser, upload, title
):
    Document = get_document_model()
    before = row_counts(Document)
    response = client_for(superuser).post(
        reverse("wagtaildocs:add"), {"title": title, "file": upload, "collection": 1}
    )
    assert_saved_nothing_unless_done(response, before, row_counts(Document))
    for document in Document.objects.all():
        assert ".." not in document.file.name and "\x00" not in document.file.name
        assert document.file.name.rsplit(".", 1)[-1].lower() in {
            "csv",
            "docx",
            "odt",
            "pdf",
            "pptx",
            "rtf",
            "txt",
            "xlsx",
        }


def _png(width=4, height=3) -> bytes:
    from io import BytesIO

    from PIL import Image as PILImage

    out = BytesIO()
    PILImage.new("RGB", (width, height), "teal").save(out, "PNG")
    return out.getvalue()


def test_a_damaged_image_is_refused_with_a_reason_on_both_upload_screens(client_for, superuser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.strategies import PNG_HEAD

    client = client_for(superuser)
    damaged = SimpleUploadedFile("hall.png", PNG_HEAD, content_type="image/png")
    response = client.post(
        reverse("wagtailimages:add"), {"title": "Hall", "file": damaged, "collection": 1}
    )
    assert response.status_code == 200
    assert "damaged or not a complete image" in response.content.decode()
    damaged = SimpleUploadedFile("hall.png", PNG_HEAD, content_type="image/png")
    response = client.post(reverse("wagtailimages:add_multiple"), {"files[]": damaged})
    assert response.status_code < 500
    assert response.json()["success"] is False
    assert get_image_model().objects.count() == 0


def test_a_whole_image_still_uploads_and_its_title_can_be_changed(client_for, superuser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(superuser)
    upload = SimpleUploadedFile("../../hall<script>.png", _png(), content_type="image/png")
    response = client.post(
        reverse("wagtailimages:add"), {"title": "Hall", "file": upload, "collection": 1}
    )
    assert response.status_code == 302
    image = get_image_model().objects.get()
    assert (image.width, image.height) == (4, 3)
    assert ".." not in image.file.name and "<" not in image.file.name
    response = client.post(
        reverse("wagtailimages:edit", args=[image.pk]), {"title": "Main hall", "collection": 1}
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.title == "Main hall"


# A space's opening hours and closures, edited in Wagtail's page editor


def _edit_form_data(html: str) -> dict:
    """The page editor's form as the browser would post it unchanged."""
    from bs4 import BeautifulSoup

    forms = BeautifulSoup(html, "html.parser").find_all("form")
    form = next(form for form in forms if form.find(attrs={"name": "title"}))
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "button", "file"}:
            continue
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select" and field.has_attr("multiple"):
            data[name] = [option.get("value") for option in field.find_all("option", selected=True)]
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.get("type") in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data


@pytest.mark.parametrize(
    ("opens", "closes", "closure"),
    [
        ("17:00", "09:00", None),
        ("09:00", "09:00", None),
        ("25:00", "26:00", None),
        ("09:00", "17:00", ("2027-01-10", "2027-01-01")),
        ("09:00", "17:00", ("9999-12-31", "0001-01-01")),
    ],
)
def test_publishing_a_space_with_impossible_hours_or_closures_is_explained(
    client_for, superuser, hall, opens, closes, closure
):
    response, data = _publish_space(client_for(superuser), hall, opens, closes, closure)
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    formsets = form.formsets.values()
    assert form.errors or any(any(f.errors) or f.non_form_errors() for f in formsets)
    hall.refresh_from_db()
    assert list(hall.opening_periods.values_list("opens", "closes")) == before_hours(data)
    assert not hall.closures.exists()


def before_hours(data: dict) -> list:
    return data["_before"]


def test_publishing_sensible_hours_and_a_closure_saves_them(client_for, superuser, hall):
    """The control for the test above: the same post with good values is published."""
    response, _data = _publish_space(
        client_for(superuser), hall, "07:00", "21:00", ("2027-01-01", "2027-01-02")
    )
    assert response.status_code == 302
    assert hall.opening_periods.filter(opens="07:00", closes="21:00").exists()
    assert hall.closures.count() == 1


def _publish_space(client, hall, opens, closes, closure):
    url = reverse("wagtailadmin_pages:edit", args=[hall.pk])
    data = _edit_form_data(client.get(url).content.decode())
    # The StreamField is drawn by JavaScript, so it has no inputs to read: an empty one.
    data.update(nested_form_data({"description": streamfield([])}))
    data.update({"opening_periods-0-opens": opens, "opening_periods-0-closes": closes})
    if closure is not None:
        count = int(data.get("closures-TOTAL_FORMS", 0))
        data.update(
            {
                "closures-TOTAL_FORMS": str(count + 1),
                f"closures-{count}-start_date": closure[0],
                f"closures-{count}-end_date": closure[1],
                f"closures-{count}-reason": "Polling station",
                f"closures-{count}-ORDER": str(count + 1),
                f"closures-{count}-id": "",
            }
        )
    data["action-publish"] = "action-publish"
    before = list(hall.opening_periods.values_list("opens", "closes"))
    response = client.post(url, data)
    return response, {**data, "_before": before}
