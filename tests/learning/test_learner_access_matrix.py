"""Every learner-data URL against every role in DESIGN.md's table: 200, 404 or login.

URLs are found by name, so the matrix grows as views are added: a name that does not
exist yet is skipped.
"""

from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse

from learning.choices import Level, Source
from learning.models import Evidence, ProgressEntry
from tests.factories import LearnerFactory, UserFactory, make_course, make_group, make_session
from tests.learning.conftest import enrol, sign_up

ROLES = [
    "learner",
    "guardian",
    "second_guardian",
    "session_tutor",
    "other_session_tutor",
    "group_admin",
    "other_group_admin",
    "other_parent",
    "anonymous",
]
# Who may open each kind of URL (DESIGN.md, "Who may see and do what").
SEES_LEARNER = {"learner", "guardian", "second_guardian", "session_tutor", "group_admin"}
GUARDIANS = {"guardian", "second_guardian"}
SESSION_STAFF = {"session_tutor", "group_admin"}
# The household page (medical notes, emergency contact, logins) is the family's own; the
# session's adults read medical notes on the register instead.
HOUSEHOLD = {"learner", "guardian", "second_guardian"}

# (namespaced name, which object's id it takes, who gets 200)
LEARNER_URLS = [
    ("learning:learner_page", "learner", SEES_LEARNER),
    ("learning:guardian_dashboard", "learner", GUARDIANS),
    ("learning:record_print", "learner", GUARDIANS),
    ("learning:record_zip", "learner", GUARDIANS),
    ("learning:learner_erase", "learner", GUARDIANS),
    ("learning:evidence_download", "evidence", SEES_LEARNER),
    ("learning:session_progress", "session", SESSION_STAFF),
    ("learning:course_overview", "course", SESSION_STAFF),
    ("groups:session_register", "session", SESSION_STAFF),
    ("commons:learner_detail", "learner", HOUSEHOLD),
    # Who has looked at the record (issue 10): its guardians alone.
    ("commons:learner_record_views", "learner", GUARDIANS),
]


def existing_urls(objects: dict) -> list[tuple[str, str, set]]:
    urls = []
    for name, kind, allowed in LEARNER_URLS:
        try:
            urls.append((name, reverse(name, args=[objects[kind].pk]), allowed))
        except NoReverseMatch:
            continue
    return urls


def build_roles(tracked, child_login) -> dict:
    second_guardian = UserFactory(username="gwen")
    tracked.child.guardians.add(second_guardian)
    other_course = make_course(group=tracked.group, title="Pottery")
    other_session = make_session(course=other_course)
    other_tutor = UserFactory(username="tess")
    sign_up(other_session, other_tutor)
    other_admin = UserFactory(username="olga")
    make_group(title="Northfields Co-op", admins=[other_admin])
    other_parent = UserFactory(username="otto")
    enrol(other_course, LearnerFactory(name="Ossie", guardians=[other_parent]))
    return {
        "learner": child_login,
        "guardian": tracked.parent,
        "second_guardian": second_guardian,
        "session_tutor": tracked.lead,
        "other_session_tutor": other_tutor,
        "group_admin": tracked.admin,
        "other_group_admin": other_admin,
        "other_parent": other_parent,
        "anonymous": None,
    }


def test_every_role_gets_exactly_what_the_table_allows(tracked, child_login, client):
    entry = ProgressEntry.objects.create(
        learner=tracked.child,
        objective=tracked.objectives[0],
        level=Level.SECURE,
        source=Source.TUTOR,
        note="Halved the pizza.",
    )
    evidence = Evidence(entry=entry, original_name="pizza.png", content_type="image/png", size=4)
    evidence.file.save("pizza.png", ContentFile(b"\x89PNG"), save=False)
    evidence.save()
    objects = {
        "learner": tracked.child,
        "evidence": evidence,
        "session": tracked.session,
        "course": tracked.course,
    }
    urls = existing_urls(objects)
    assert len(urls) >= 3
    users = build_roles(tracked, child_login)
    wrong = []
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role], backend="django.contrib.auth.backends.ModelBackend")
        for name, url, allowed in urls:
            response = client.get(url)
            if role == "anonymous":
                ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
            else:
                ok = response.status_code == (200 if role in allowed else 404)
            if not ok:
                wrong.append(f"{role} on {name}: {response.status_code}")
    assert wrong == []
