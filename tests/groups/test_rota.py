"""The rota on a session's page: signing up, waiting lists, cancelling, cover and offers."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commons.cache import bump_generation
from groups import rota
from groups.choices import Role, SignupRole, SignupStatus
from groups.models import TutorProfile, TutorSignup
from groups.services import add_member
from tests.factories import (
    LearnerFactory,
    TutorProfileFactory,
    UserFactory,
    checked_tutor,
    make_check,
    make_course,
    make_group,
    make_session,
    make_space,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(username="gina", display_name="Gina Admin")


@pytest.fixture
def group(admin):
    return make_group(title="Riverside Home Ed", admins=[admin])


@pytest.fixture
def course(group):
    # Ages 8 to 11: one adult for every 8 learners.
    return make_course(group=group, title="Maths Club", min_age=8, max_age=11, places=40)


@pytest.fixture
def session(course):
    session = make_session(course=course)
    session.space = make_space(title="St Mary's Hall")
    session.save(update_fields=["space"])
    return session


@pytest.fixture
def tutor(group, admin):
    return checked_tutor(group=group, admin=admin, username="toby", display_name="Toby Tutor")


@pytest.fixture
def helper(group, admin):
    return checked_tutor(group=group, admin=admin, username="hana", display_name="Hana Helper")


@pytest.fixture
def outsider():
    """A checked tutor of another group."""
    other_admin = UserFactory(username="otto", display_name="Otto Other")
    other = make_group(title="Hillside Co-op", admins=[other_admin])
    return checked_tutor(group=other, admin=other_admin, username="olga", display_name="Olga")


def enrol(course, count, name="Kid"):
    """Enrol `count` children, each by their own guardian, through the rota service."""
    for n in range(count):
        guardian = UserFactory()
        learner = LearnerFactory(name=f"{name}{n}", birth_year=2016, guardians=[guardian])
        rota.enrol(course=course, learner=learner, by=guardian)


def url(session):
    return reverse("groups:session_detail", args=[session.pk])


def press(client, session, action, signup=None):
    data = {"action": action}
    if signup is not None:
        data["signup"] = signup.pk
    return client.post(url(session), data, follow=True)


def page(client, session) -> str:
    response = client.get(url(session))
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_reads_a_session_with_its_time_place_and_rota(client, session, tutor):
    rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)

    html = page(client, session)

    assert "Maths Club" in html
    assert "Riverside Home Ed" in html
    assert "St Mary&#x27;s Hall" in html or "St Mary's Hall" in html
    assert timezone.localtime(session.start).strftime("%H:%M") in html
    assert "Toby Tutor" in html
    assert "Checked" in html
    assert 'href="/accounts/login/?next=' in html


def test_a_session_in_an_unpublished_space_does_not_name_it(client, session):
    session.space.title = "The Back Room Nobody Knows"
    session.space.save_revision().publish()
    session.space.unpublish()

    html = page(client, session)

    assert "The Back Room Nobody Knows" not in html
    assert "A place the group will tell you about" in html


def test_anonymous_posts_go_to_log_in_and_change_nothing(client, session):
    response = client.post(url(session), {"action": "lead"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not TutorSignup.objects.exists()


def test_a_group_tutor_signs_up_to_lead(client_for, session, tutor):
    response = press(client_for(tutor), session, "lead")

    signup = TutorSignup.objects.get(session=session, user=tutor)
    assert (signup.role, signup.status) == (SignupRole.LEAD, SignupStatus.CONFIRMED)
    assert "on the rota for this session as lead" in response.content.decode()


def test_a_group_tutor_signs_up_to_help_when_learners_need_a_second_adult(
    client_for, session, course, tutor, helper
):
    enrol(course, 9)
    rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)

    press(client_for(helper), session, "help")

    signup = TutorSignup.objects.get(session=session, user=helper)
    assert (signup.role, signup.status) == (SignupRole.HELPER, SignupStatus.CONFIRMED)


def test_the_page_says_how_many_more_adults_are_needed_without_naming_learners(
    client, session, course, tutor
):
    enrol(course, 17, name="Zephyrine")  # 17 learners at 1:8 need 3 adults.
    rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)

    html = page(client, session)

    assert "17 learners enrolled" in html
    assert "2 more adults needed" in html
    assert "Zephyrine" not in html


def test_an_unchecked_tutor_is_refused_on_a_child_facing_session_and_sees_why(
    client_for, session, group
):
    unchecked = UserFactory(display_name="Uma Unchecked")
    add_member(group=group, user=unchecked, role=Role.TUTOR)
    client = client_for(unchecked)

    html = page(client, session)
    assert "only adults with a current safeguarding check can lead or help" in html
    assert "Sign up to lead" not in html

    response = press(client, session, "lead")

    assert "only adults with a current safeguarding check" in response.content.decode()
    assert not TutorSignup.objects.filter(user=unchecked).exists()


def test_an_expired_check_stops_counting(client_for, session, group, admin):
    lapsed = UserFactory(display_name="Lara Lapsed")
    add_member(group=group, user=lapsed, role=Role.TUTOR)
    make_check(
        tutor=TutorProfileFactory(user=lapsed),
        group=group,
        by=admin,
        certificate_date=timezone.localdate() - timedelta(days=365 * 3 + 30),
    )
    client = client_for(lapsed)

    assert "current safeguarding check" in page(client, session)
    press(client, session, "help")

    assert not TutorSignup.objects.filter(user=lapsed).exists()


def test_a_lapsed_check_on_the_rota_is_flagged(client, session, tutor):
    rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)
    check = TutorProfile.objects.get(user=tutor).current_check
    check.renewal_date = timezone.localdate() - timedelta(days=1)
    check.save(update_fields=["renewal_date"])

    assert "Check not current" in page(client, session)


def test_an_unchecked_tutor_may_help_when_the_course_is_not_child_facing(
    client_for, group, session, course
):
    course.child_facing = False
    course.save()
    unchecked = UserFactory()
    add_member(group=group, user=unchecked, role=Role.TUTOR)

    press(client_for(unchecked), session, "lead")

    assert TutorSignup.objects.get(user=unchecked).status == SignupStatus.CONFIRMED


def test_a_full_rota_puts_a_tutor_on_the_waiting_list_and_shows_their_place(
    client_for, session, tutor, helper, group, admin
):
    rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)
    rota.sign_up(session=session, user=helper, role=SignupRole.HELPER)  # no helper place
    third = checked_tutor(group=group, admin=admin, display_name="Theo Third")
    client = client_for(third)

    response = press(client, session, "help")

    assert TutorSignup.objects.get(user=third).status == SignupStatus.WAITLISTED
    assert "number 2 on the waiting list" in response.content.decode()
    assert "You are <strong>number 2</strong> on the waiting list to help" in page(client, session)


def test_cancelling_moves_the_first_waiting_adult_up_and_emails_them_after_commit(
    client_for, session, course, tutor, helper, group, admin, django_capture_on_commit_callbacks
):
    enrol(course, 9)  # a lead and one helper
    rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)
    rota.sign_up(session=session, user=helper, role=SignupRole.HELPER)
    waiting = checked_tutor(group=group, admin=admin, display_name="Wanda Waiting")
    rota.sign_up(session=session, user=waiting, role=SignupRole.HELPER)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = press(client_for(helper), session, "cancel")

    assert "Your sign-up is cancelled." in response.content.decode()
    assert TutorSignup.objects.get(user=helper).status == SignupStatus.CANCELLED
    assert TutorSignup.objects.get(user=waiting).status == SignupStatus.CONFIRMED
    assert len([c for c in callbacks if c is not bump_generation]) == 1
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert "Maths Club" in mail.outbox[0].body


def test_cancelling_after_the_cutoff_is_refused_and_says_to_ask_for_cover(
    client_for, course, tutor
):
    soon = make_session(course=course, start=timezone.now() + timedelta(hours=12))
    rota.sign_up(session=soon, user=tutor, role=SignupRole.LEAD)
    client = client_for(tutor)

    html = page(client, soon)
    assert "less than 24 hours to the session" in html
    assert "Cancel my sign-up" not in html
    assert "Ask for cover" in html

    response = press(client, soon, "cancel")

    assert "Ask for cover instead" in response.content.decode()
    assert TutorSignup.objects.get(user=tutor).status == SignupStatus.CONFIRMED


def test_cover_is_asked_for_and_taken_in_one_step(
    client_for, session, tutor, helper, django_capture_on_commit_callbacks
):
    rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)
    press(client_for(tutor), session, "cover")
    signup = TutorSignup.objects.get(user=tutor)
    assert signup.cover_requested

    client = client_for(helper)
    assert "Take this cover" in page(client, session)
    with django_capture_on_commit_callbacks(execute=True):
        response = press(client, session, "take", signup)

    assert "taken Toby Tutor" in response.content.decode()
    taken = TutorSignup.objects.get(user=helper)
    assert (taken.role, taken.status) == (SignupRole.LEAD, SignupStatus.CONFIRMED)
    assert TutorSignup.objects.get(user=tutor).status == SignupStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [[tutor.email]]


def test_a_tutor_of_another_group_offers_help_and_the_admin_accepts(
    client_for, session, course, tutor, outsider, admin, django_capture_on_commit_callbacks
):
    enrol(course, 9)
    rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)
    client = client_for(outsider)
    html = page(client, session)
    assert "Offer to help" in html
    assert "Sign up to help" not in html

    with django_capture_on_commit_callbacks(execute=True):
        press(client, session, "offer")

    offer = TutorSignup.objects.get(user=outsider)
    assert offer.status == SignupStatus.OFFERED
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "admins of Riverside Home Ed will confirm" in page(client, session)

    admin_client = client_for(admin)
    assert 'Accept<span class="visually-hidden"> Olga' in page(admin_client, session)
    response = press(admin_client, session, "accept", offer)

    assert "Olga is confirmed as a helper." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == SignupStatus.CONFIRMED


def test_only_the_groups_admins_can_accept_an_offer(client_for, session, outsider, tutor):
    offer = rota.offer_help(session=session, user=outsider)

    press(client_for(tutor), session, "accept", offer)

    offer.refresh_from_db()
    assert offer.status == SignupStatus.OFFERED


def test_double_posts_create_nothing_twice(client_for, session, course, tutor, outsider, admin):
    enrol(course, 9)
    client = client_for(tutor)
    press(client, session, "lead")
    press(client, session, "lead")
    client = client_for(outsider)
    press(client, session, "offer")
    press(client, session, "offer")
    offer = TutorSignup.objects.get(user=outsider)
    client = client_for(admin)
    press(client, session, "accept", offer)
    response = press(client, session, "accept", offer)

    assert TutorSignup.objects.filter(session=session).count() == 2
    assert TutorSignup.objects.filter(status=SignupStatus.CONFIRMED).count() == 2
    assert "already been answered" in response.content.decode()


def test_taking_cover_twice_is_one_sign_up(client_for, session, tutor, helper):
    rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)
    signup = rota.request_cover(signup=TutorSignup.objects.get(user=tutor), by=tutor)
    client = client_for(helper)

    press(client, session, "take", signup)
    response = press(client, session, "take", signup)

    assert "You are on this session&#x27;s rota." in response.content.decode()
    assert TutorSignup.objects.filter(user=helper).count() == 1


def test_a_signup_of_another_session_cannot_be_acted_on_here(client_for, session, course, admin):
    other = make_session(course=course, start=session.start + timedelta(days=7))
    tutor = checked_tutor(group=course.get_parent().specific, admin=admin)
    signup = rota.sign_up(session=other, user=tutor, role=SignupRole.LEAD)
    rota.request_cover(signup=signup, by=tutor)

    response = press(client_for(admin), session, "take", signup)

    assert "no longer on this session" in response.content.decode()
    assert TutorSignup.objects.get(user=tutor).status == SignupStatus.CONFIRMED


def test_a_cancelled_or_unpublished_course_session_is_not_found(client, course, session):
    course.unpublish()

    assert client.get(url(session)).status_code == 404


def test_the_session_page_costs_the_same_queries_however_full_its_rota(
    client_for, session, course, group, admin, tutor
):
    client = client_for(admin)
    enrol(course, 3)
    rota.sign_up(session=session, user=tutor, role=SignupRole.LEAD)
    client.get(url(session))  # warm the site's root paths and content types
    with CaptureQueriesContext(connection) as few:
        client.get(url(session))

    enrol(course, 27)
    for _ in range(3):
        rota.sign_up(
            session=session, user=checked_tutor(group=group, admin=admin), role=SignupRole.HELPER
        )
    for _ in range(2):
        outsider = UserFactory()
        add_member(group=make_group(), user=outsider, role=Role.TUTOR)
        make_check(tutor=TutorProfileFactory(user=outsider), group=group, by=admin)
        rota.offer_help(session=session, user=outsider)
    client.get(url(session))  # refill what the writes emptied in the cache
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(session))

    assert response.content.decode().count('value="accept"') == 2
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
