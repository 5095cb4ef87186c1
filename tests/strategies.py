"""Hypothesis strategies for hostile form input: what a confused person, a broken client or
an attacker might post in place of a date, a time, a number, a name or a file."""

import os
import string
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Each test builds its world once (fixtures) and then posts many examples into it; the
# examples share that world on purpose, so the function-scoped fixtures are not a mistake.
HOSTILE = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'"

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202etxt.exe",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-1",
    "0",
    "9" * 40,
    "'; DROP TABLE commons_booking; --",
    "{{ 7|add:7 }}",
    "%(name)s %s {0}",
    XSS,
    "../../etc/passwd",
    "é" * 300,
    "x" * 5000,
    "\U0001f600" * 10,
    "\r\n\t",
]


def hostile_text(max_size: int = 60):
    return st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=max_size))


FAR_DATES = [
    "0001-01-01",
    "0001-01-07",
    "9999-12-31",
    "9999-12-25",
    "9998-12-31",
    "1900-01-01",
    "2027-03-28",  # the clocks go forward in Europe/London
    "2027-10-31",  # and back
    "2027-02-29",
    "2027-02-30",
    "2027-13-01",
    "2027-00-10",
    "10000-01-01",
    "27-03-2027",
    "28/03/2027",
    "03/28/2027",
    "-2027-03-28",
    "2027-03-28T01:30",
    "today",
    "NaN",
    "inf",
    "1e10",
    "",
    "\x00",
]


def date_text(near: date | None = None):
    """A date as text: far past and future, impossible, malformed, or near `near`."""
    options = [st.sampled_from(FAR_DATES), st.dates().map(date.isoformat), hostile_text(20)]
    if near is not None:
        options.append(
            st.integers(-400, 400).map(lambda days: (near + timedelta(days=days)).isoformat())
        )
    return st.one_of(*options)


TIMES = [
    "00:00",
    "01:30",  # in the spring gap: this wall-clock time does not exist on 2027-03-28
    "01:59",
    "02:00",
    "23:59",
    "23:59:59.999999",
    "24:00",
    "25:61",
    "12:60",
    "-01:00",
    "1:30 PM",
    "13",
    "noon",
    "NaN",
    "",
    "\x00",
]


def time_text():
    return st.one_of(
        st.sampled_from(TIMES),
        st.times().map(lambda moment: moment.strftime("%H:%M")),
        hostile_text(12),
    )


NUMBERS = [
    "0",
    "-1",
    "-2147483649",
    "2147483648",
    "9223372036854775808",
    "9" * 400,
    "1e309",
    "1e3",
    "1.5",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "0x10",
    "\u0663",  # Arabic-Indic three
    " 7 ",
    "",
]


def number_text():
    return st.one_of(
        st.sampled_from(NUMBERS), st.integers(-(10**20), 10**20).map(str), hostile_text(12)
    )


FILE_NAMES = [
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "<script>alert(1)</script>.png",
    "evil\x00.png",
    "a" * 300 + ".png",
    ".png",
    "photo.png.exe",
    "CON.png",
    "\u202egnp.exe",
    "ok photo.jpg",
    "",
]

PNG_HEAD = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG_HEAD = b"\xff\xd8\xff\xe0" + b"\x00" * 16
PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"

FILE_BODIES = [
    b"",
    b"\x00",
    PNG_HEAD,
    JPEG_HEAD,
    PDF_HEAD,
    b"<html><script>alert(1)</script></html>",
    b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    b"MZ\x90\x00",  # a Windows program
    b"GIF89a",
]


@st.composite
def uploads(draw, *, huge_bytes: int | None = None):
    """A file as a browser might send it: any name, any claimed type, any (or no) content."""
    name = draw(st.one_of(st.sampled_from(FILE_NAMES), st.text(min_size=1, max_size=40)))
    body = draw(st.one_of(st.sampled_from(FILE_BODIES), st.binary(max_size=64)))
    if huge_bytes and draw(st.booleans()):
        body = (body or PNG_HEAD) + b"\x00" * huge_bytes
    content_type = draw(
        st.sampled_from(["image/png", "image/jpeg", "application/pdf", "text/html", ""])
    )
    # A browser always sends some base name; NULs, dots and odd scripts are the server's job.
    if os.path.basename(name) in {"", ".", ".."}:
        name += "x"
    return SimpleUploadedFile(name, body, content_type=content_type or "image/png")


def ascii_words(max_size: int = 20):
    return st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=max_size)


def row_counts(*models) -> dict[str, int]:
    """How many rows each model has: compare before and after a refused post."""
    return {model._meta.label: model._default_manager.count() for model in models}


def assert_no_500(response) -> None:
    assert response.status_code < 500, response.content[:500]


def assert_saved_nothing_unless_done(response, before: dict, after: dict) -> None:
    """A post that did not succeed (no redirect) must leave every counted table as it was."""
    assert_no_500(response)
    if response.status_code != 302:
        assert after == before, f"{response.status_code}: {before} -> {after}"
