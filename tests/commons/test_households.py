import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from commons.models import GuardianInvitation, Learner, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def learner_url(name, learner):
    return reverse(f"commons:{name}", args=[learner.pk])


def test_guardian_adds_a_child_with_first_name_only(client_for, parent):
    client = client_for(parent)
    response = client.post(
        reverse("commons:learner_add"),
        {"name": "Maya", "birth_year": "2016", "creation_key": str(uuid.uuid4())},
        follow=True,
    )
    learner = Learner.objects.get()
    assert list(learner.guardians.all()) == [parent]
    assert "Maya is added to your household" in response.text


def test_a_resubmitted_add_form_makes_one_child_not_two(client_for, parent):
    client = client_for(parent)
    data = {"name": "Maya", "creation_key": str(uuid.uuid4())}

    first = client.post(reverse("commons:learner_add"), data)
    second = client.post(reverse("commons:learner_add"), data)

    assert Learner.objects.count() == 1
    assert first.url == second.url


def test_a_surname_is_refused_with_a_reason(client_for, parent):
    client = client_for(parent)
    response = client.post(reverse("commons:learner_add"), {"name": "Maya Smith"})
    assert "without a surname" in response.text
    assert not Learner.objects.exists()


@pytest.mark.parametrize("year", ["1850", "3000", "twenty"])
def test_an_impossible_birth_year_is_refused_with_a_reason(client_for, parent, year):
    client = client_for(parent)
    response = client.post(reverse("commons:learner_add"), {"name": "Maya", "birth_year": year})
    assert response.status_code == 200
    assert "year of birth" in response.text.lower() or "whole number" in response.text
    assert not Learner.objects.exists()


def test_guardian_edits_a_child(client_for, parent, child):
    client = client_for(parent)
    client.post(
        learner_url("learner_edit", child),
        {"name": "May", "birth_year": "2016", "medical_notes": "Nut allergy"},
    )
    child.refresh_from_db()
    assert (child.name, child.medical_notes) == ("May", "Nut allergy")


def test_removing_a_child_erases_them_and_their_login(client_for, parent, child, child_login):
    client = client_for(parent)
    response = client.get(learner_url("learner_remove", child), follow=True)
    assert response.status_code == 200

    client.post(response.redirect_chain[-1][0], {"name": child.name})

    assert not Learner.objects.filter(pk=child.pk).exists()
    assert not User.objects.filter(pk=child_login.pk).exists()
    assert User.objects.filter(pk=parent.pk).exists()


@pytest.mark.parametrize(
    "name", ["learner_detail", "learner_edit", "learner_remove", "guardian_invite", "learner_login"]
)
def test_someone_elses_child_is_not_found(client_for, stranger, child, name):
    client = client_for(stranger)
    assert client.get(learner_url(name, child)).status_code == 404
    assert client.post(learner_url(name, child), {"name": "Hacked"}).status_code == 404
    child.refresh_from_db()
    assert child.name == "Maya"


def test_anonymous_visitors_are_sent_to_log_in(client, child):
    response = client.get(learner_url("learner_detail", child))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_household_lists_only_my_children(client_for, parent, child, stranger):
    other = Learner.objects.create(name="Zed")
    other.guardians.add(stranger)
    response = client_for(parent).get(reverse("commons:household"))
    assert "Maya" in response.text
    assert "Zed" not in response.text


def test_guardian_creates_a_login_and_the_learner_sees_only_their_own_page(
    client, client_for, parent, child, sibling
):
    client_for(parent).post(
        learner_url("learner_login", child),
        {"username": "maya-k", "password1": "blue-kite-river", "password2": "blue-kite-river"},
    )
    client.logout()
    child.refresh_from_db()
    assert child.user.username == "maya-k"
    assert child.user.email == ""

    response = client.post(
        reverse("login"), {"username": "maya-k", "password": "blue-kite-river"}, follow=True
    )
    assert response.redirect_chain[-1][0] == learner_url("learner_detail", child)
    assert "Hello, Maya" in response.text
    assert "Medical notes" not in response.text
    assert client.get(learner_url("learner_detail", sibling)).status_code == 404
    for name in ["commons:household", "commons:learner_add", "commons:profile_edit"]:
        assert client.get(reverse(name)).status_code == 404
    assert client.get(learner_url("learner_edit", child)).status_code == 404


def test_resetting_a_learners_password_keeps_their_username(client_for, parent, child, child_login):
    client_for(parent).post(
        learner_url("learner_login", child),
        {"username": "ignored", "password1": "green-owl-song", "password2": "green-owl-song"},
    )
    child_login.refresh_from_db()
    assert child_login.username == "maya"
    assert child_login.check_password("green-owl-song")


def test_a_learner_login_username_must_be_free(client_for, parent, child, stranger):
    response = client_for(parent).post(
        learner_url("learner_login", child),
        {
            "username": stranger.username,
            "password1": "blue-kite-river",
            "password2": "blue-kite-river",
        },
    )
    assert "username is taken" in response.text
    child.refresh_from_db()
    assert child.user is None


def test_invited_second_guardian_accepts_and_can_see_the_child(
    client, client_for, parent, child, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(parent).post(
            learner_url("guardian_invite", child), {"email": "alex@example.org"}
        )
    assert len(mail.outbox) == 1
    path = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)

    alex = UserFactory(username="alex", email="alex@example.org")
    client.logout()
    anonymous_view = client.get(path)
    assert "Maya" not in anonymous_view.text
    client_for(alex).post(path)

    assert set(child.guardians.all()) == {parent, alex}
    assert client.get(learner_url("learner_detail", child)).status_code == 200
    assert client.post(path).status_code == 302  # used: a clear message, no second guardian
    assert client.get(path).status_code == 410


def test_inviting_the_same_email_twice_keeps_one_invitation(client_for, parent, child):
    client = client_for(parent)
    client.post(learner_url("guardian_invite", child), {"email": "alex@example.org"})
    client.post(learner_url("guardian_invite", child), {"email": "ALEX@example.org"})
    assert GuardianInvitation.objects.count() == 1


def test_an_expired_invitation_says_so(client, parent, child):
    invitation = GuardianInvitation.objects.create(
        learner=child, email="alex@example.org", invited_by=parent
    )
    GuardianInvitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at.replace(year=invitation.created_at.year - 1)
    )
    response = client.get(reverse("commons:invitation_accept", args=[invitation.token]))
    assert response.status_code == 410
    assert "expired" in response.text


def test_a_failing_mail_server_does_not_lose_the_invitation(
    client_for, parent, child, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("commons.services.mail.send_mail", broken)
    client = client_for(parent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(learner_url("guardian_invite", child), {"email": "alex@example.org"})

    assert response.status_code == 302
    assert GuardianInvitation.objects.filter(email="alex@example.org").exists()
    assert "Could not send" in caplog.text
