"""The POST-data id sweep: the object in the URL is one the user may touch, but the form
names someone else's (Wagtail's recent advisories: the check is on the URL's object, the
action on the posted one). Each case posts to a real form with one posted id swapped for
another group's, another family's, or a private or unpublished object's, and checks the
answer, that nothing of theirs shows, and that nothing at all changed in the database.

Where the URL's object itself is not the user's, the answer is 404; where only a posted id
is wrong, the form says what is wrong (or the page says nothing changed) and saves nothing.
"""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from commons.models import Learner
from tests.commons.id_world import Case, build_world, route, sweep
from tests.factories import LearnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name, *attributes):
    return lambda w: reverse(name, args=[getattr(w, a).pk for a in attributes])


def nothing_of(*attributes):
    """Hide anything of theirs and these objects' titles or names."""
    return lambda w: ["THEIRS", *(str(getattr(w, a)) for a in attributes)]


def only(*attributes):
    """Hide these objects' titles, where public things of theirs are rightly listed (the
    spaces to book, the library to follow)."""
    return lambda w: [str(getattr(w, a)) for a in attributes]


def booking_form(w, **changes):
    day = w.next_week + timedelta(days=3)
    return {
        "group": w.ours.pk,
        "space": w.hall.pk,
        "title": "Maths club",
        "date": day.isoformat(),
        "start_time": "15:00",
        "end_time": "16:00",
        "note": "",
        "repeat": "none",
        "until": "",
        **changes,
    }


def term_form(w, **changes):
    return {
        "first_date": (w.next_week + timedelta(days=30)).isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "weeks": "2",
        "skip_dates": "",
        "space": w.hall.pk,
        "action": "schedule_all",
        **changes,
    }


def check_form(w, **changes):
    return {
        "group": w.ours.pk,
        "level": "enhanced_barred",
        "certificate_date": "2026-01-10",
        **changes,
    }


POST_CASES = [
    # Households: the learner in the URL is someone else's child.
    *(
        Case(
            f"a parent posts to another family's {name.split(':')[1]}",
            name,
            "pat",
            url(name, "zed"),
            method="post",
            data=data,
            hidden=nothing_of("zed"),
        )
        for name, data in [
            ("commons:learner_edit", lambda w: {"name": "Hacked", "birth_year": 2016}),
            ("commons:learner_remove", lambda w: {}),
            ("commons:guardian_invite", lambda w: {"email": "me@example.org"}),
            (
                "commons:learner_login",
                lambda w: {
                    "username": "zed2",
                    "password1": "Tr0ub4dor&3x!",
                    "password2": "Tr0ub4dor&3x!",
                },
            ),
            ("learning:learner_erase", lambda w: {"name": "Zebedee"}),
            (
                "learning:guardian_observe",
                lambda w: {"objective": w.their_objectives[0].pk, "level": 2, "note": "seen"},
            ),
            ("learning:guardian_follow", lambda w: {"curriculum": w.our_curriculum.pk}),
        ]
    ),
    Case(
        "a parent unfollows a curriculum for another family's child",
        "learning:guardian_unfollow",
        "pat",
        lambda w: reverse("learning:guardian_unfollow", args=[w.zed.pk, w.their_curriculum.pk]),
        method="post",
        hidden=nothing_of("zed"),
    ),
    # A creation key is a posted uuid: another household's must not reach their child.
    Case(
        "a parent adds a child with another family's creation key",
        "commons:learner_add",
        "pat",
        lambda w: reverse("commons:learner_add"),
        method="post",
        status=200,
        data=lambda w: {"name": "Zeb", "creation_key": str(w.zed.creation_key)},
        hidden=nothing_of("zed"),
    ),
    Case(
        "a parent accepts a guessed invitation token",
        "commons:invitation_accept",
        "pat",
        lambda w: reverse("commons:invitation_accept", args=["not-a-real-invitation-token"]),
        method="post",
        status=302,
        hidden=nothing_of("zed"),
    ),
    # The tracker: the learner is ours, the posted or second id is not something we see.
    Case(
        "a parent records an observation on an objective their child doesn't follow",
        "learning:guardian_observe",
        "pat",
        url("learning:guardian_observe", "maya"),
        method="post",
        status=400,
        data=lambda w: {"objective": w.their_objectives[0].pk, "level": 2, "note": "x"},
        hidden=lambda w: [w.their_objectives[0].statement],
    ),
    Case(
        "a parent records an observation on an unpublished curriculum's objective",
        "learning:guardian_observe",
        "pat",
        url("learning:guardian_observe", "maya"),
        method="post",
        status=400,
        data=lambda w: {"objective": w.draft_objectives[0].pk, "level": 2, "note": "x"},
        hidden=lambda w: [w.draft_objectives[0].statement],
    ),
    *(
        Case(
            f"a parent follows {kind} curriculum for their child",
            "learning:guardian_follow",
            "pat",
            url("learning:guardian_follow", "maya"),
            method="post",
            status=400,
            data=lambda w, a=attribute: {"curriculum": getattr(w, a).pk},
            hidden=only(attribute),
        )
        for kind, attribute in [
            ("an unpublished", "draft_curriculum"),
            ("a private", "private_curriculum"),
        ]
    ),
    Case(
        "a parent unfollows an unpublished curriculum (its title must not show)",
        "learning:guardian_unfollow",
        "pat",
        lambda w: reverse("learning:guardian_unfollow", args=[w.maya.pk, w.draft_curriculum.pk]),
        method="post",
        hidden=nothing_of("draft_curriculum"),
    ),
    Case(
        "a learner self-assesses for another learner",
        "learning:self_assess",
        "maya_login",
        lambda w: reverse("learning:self_assess", args=[w.zed.pk, w.their_objectives[0].pk]),
        method="post",
        data=lambda w: {"level": 2},
        hidden=nothing_of("zed"),
    ),
    Case(
        "a learner self-assesses an unpublished curriculum's objective",
        "learning:self_assess",
        "maya_login",
        lambda w: reverse("learning:self_assess", args=[w.maya.pk, w.draft_objectives[0].pk]),
        method="post",
        data=lambda w: {"level": 2},
        hidden=lambda w: ["THEIRS", w.draft_objectives[0].statement],
    ),
    Case(
        "a learner self-assesses a published objective they don't follow",
        "learning:self_assess",
        "maya_login",
        lambda w: reverse("learning:self_assess", args=[w.maya.pk, w.their_objectives[0].pk]),
        method="post",
        data=lambda w: {"level": 2},
        hidden=lambda w: [],
    ),
    Case(
        "a learner self-assesses an objective of a curriculum they follow",
        "learning:self_assess",
        "maya_login",
        lambda w: reverse("learning:self_assess", args=[w.maya.pk, w.our_objectives[0].pk]),
        method="post",
        status=302,
        data=lambda w: {"level": 9},
        hidden=lambda w: [],
    ),
    Case(
        "the lead's progress grid names another course's learner and objective",
        "learning:session_progress",
        "tom",
        url("learning:session_progress", "our_session"),
        method="post",
        status=302,
        data=lambda w: {
            f"level_{w.zed.pk}_{w.our_objectives[0].pk}": 2,
            f"level_{w.maya.pk}_{w.their_objectives[0].pk}": 2,
            f"level_{w.zed.pk}_{w.their_objectives[0].pk}": 2,
            f"note_{w.zed.pk}": "THEIRS note",
        },
    ),
    Case(
        "a tutor posts a grid to another group's session",
        "learning:session_progress",
        "tom",
        url("learning:session_progress", "their_session"),
        method="post",
        data=lambda w: {f"level_{w.zed.pk}_{w.their_objectives[0].pk}": 2},
    ),
    # The register: our session, with another course's learner and another group's adult.
    Case(
        "the lead's register names another course's learner and another group's tutor",
        "groups:session_register",
        "tom",
        url("groups:session_register", "our_session"),
        method="post",
        status=302,
        data=lambda w: {
            f"learner-{w.maya.pk}": "present",
            f"adult-{w.tom.pk}": "on",
            f"learner-{w.zed.pk}": "absent",
            f"adult-{w.ben.pk}": "on",
        },
    ),
    Case(
        "a tutor takes another group's register",
        "groups:session_register",
        "tom",
        url("groups:session_register", "their_session"),
        method="post",
        data=lambda w: {f"learner-{w.zed.pk}": "absent"},
    ),
    # The rota: buttons on our session naming a place on theirs.
    Case(
        "a tutor takes cover of a place on another session",
        "groups:session_detail",
        "tess",
        url("groups:session_detail", "our_session"),
        method="post",
        status=302,
        data=lambda w: {"action": "take", "signup": w.their_cover.pk},
    ),
    Case(
        "an admin accepts an offer made to another group's session",
        "groups:session_detail",
        "ada",
        url("groups:session_detail", "our_session"),
        method="post",
        status=302,
        data=lambda w: {"action": "accept", "signup": w.their_offer.pk},
    ),
    Case(
        "an admin accepts an offer on another group's session page",
        "groups:session_detail",
        "ada",
        url("groups:session_detail", "their_session"),
        method="post",
        status=302,
        data=lambda w: {"action": "accept", "signup": w.their_offer.pk},
        hidden=lambda w: [],
    ),
    Case(
        "a tutor signs up to lead a private group's session",
        "groups:session_detail",
        "tom",
        url("groups:session_detail", "private_session"),
        method="post",
        data=lambda w: {"action": "lead"},
    ),
    # Bookings: the group and space are posted; the booking is in the URL.
    Case(
        "an admin books a space for another group",
        "groups:booking_request",
        "ada",
        lambda w: reverse("groups:booking_request"),
        method="post",
        status=200,
        data=lambda w: booking_form(w, group=w.theirs.pk),
        hidden=lambda w: [],
    ),
    *(
        Case(
            f"an admin books {kind} space",
            "groups:booking_request",
            "ada",
            lambda w: reverse("groups:booking_request"),
            method="post",
            status=200,
            data=lambda w, a=attribute: booking_form(w, space=getattr(w, a).pk),
            hidden=only(attribute),
        )
        for kind, attribute in [("a private", "private_space"), ("an unpublished", "hidden_space")]
    ),
    Case(
        "an admin cancels another group's booking",
        "groups:booking_cancel",
        "ada",
        url("groups:booking_cancel", "their_booking"),
        method="post",
        data=lambda w: {"scope": "one"},
    ),
    Case(
        "an admin moves another group's booking",
        "groups:booking_move",
        "ada",
        url("groups:booking_move", "their_booking"),
        method="post",
        data=lambda w: {
            "date": w.next_week.isoformat(),
            "start_time": "11:00",
            "end_time": "12:00",
        },
    ),
    Case(
        "a manager decides a booking of a space they don't manage",
        "commons:booking_review",
        "mia",
        url("commons:booking_review", "their_booking"),
        method="post",
        data=lambda w: {"decision": "approve", "reason": ""},
    ),
    Case(
        "the group admin who asked approves their own request",
        "commons:booking_review",
        "ada",
        url("commons:booking_review", "our_booking"),
        method="post",
        data=lambda w: {"decision": "approve", "reason": ""},
        hidden=lambda w: [],
    ),
    # Tutors: the pool is shared; the group a check or invitation is for is posted.
    Case(
        "an admin records a check for another group",
        "groups:check_record",
        "ada",
        url("groups:check_record", "ben_profile"),
        method="post",
        status=200,
        data=lambda w: check_form(w, group=w.theirs.pk),
        hidden=lambda w: [],
    ),
    Case(
        "a tutor who runs no group records a check",
        "groups:check_record",
        "tom",
        url("groups:check_record", "ben_profile"),
        method="post",
        data=lambda w: check_form(w),
    ),
    Case(
        "an admin invites a tutor to another group",
        "groups:tutor_invite",
        "ada",
        url("groups:tutor_invite", "ben_profile"),
        method="post",
        status=302,
        data=lambda w: {"group": w.theirs.pk},
        hidden=lambda w: [],
    ),
    Case(
        "a tutor who runs no group invites a tutor",
        "groups:tutor_invite",
        "tom",
        url("groups:tutor_invite", "ben_profile"),
        method="post",
        data=lambda w: {"group": w.ours.pk},
    ),
    # Course pages' own routes: the learner, space, units and session are posted or routed.
    Case(
        "a parent enrols another family's child",
        "CoursePage.enrol",
        "pat",
        lambda w: route(w.our_course, "enrol"),
        method="post",
        data=lambda w: {"learner": w.zed.pk},
        hidden=nothing_of("zed"),
    ),
    Case(
        "a parent withdraws another family's child",
        "CoursePage.withdraw",
        "pat",
        lambda w: route(w.their_course, "withdraw"),
        method="post",
        data=lambda w: {"learner": w.zed.pk, "confirm": "1"},
        hidden=nothing_of("zed"),
    ),
    Case(
        "an admin schedules a term in a private space with another curriculum's unit",
        "CoursePage.schedule",
        "ada",
        lambda w: route(w.our_course, "schedule"),
        method="post",
        status=200,
        data=lambda w: term_form(w, space=w.private_space.pk, units=[w.their_session.unit_id]),
        hidden=only("private_space"),
    ),
    Case(
        "an admin of another group schedules our course",
        "CoursePage.schedule",
        "bea",
        lambda w: route(w.our_course, "schedule"),
        method="post",
        data=lambda w: term_form(w),
    ),
    Case(
        "an admin moves another group's session through their own course",
        "CoursePage.move_session",
        "ada",
        lambda w: route(w.our_course, "move_session", w.their_session.pk),
        method="post",
        data=lambda w: {
            "date": w.next_week.isoformat(),
            "start_time": "16:00",
            "end_time": "17:00",
        },
    ),
    Case(
        "an admin cancels another group's session through their own course",
        "CoursePage.cancel_session",
        "ada",
        lambda w: route(w.our_course, "cancel_session", w.their_session.pk),
        method="post",
    ),
    Case(
        "an admin adopts a curriculum into another group",
        "CurriculumPage.adopt",
        "ada",
        lambda w: route(w.their_curriculum, "adopt"),
        method="post",
        status=200,
        data=lambda w: {"group": w.theirs.pk},
        hidden=lambda w: [],
    ),
    # A group's page: the membership is posted.
    Case(
        "an admin decides another group's join request",
        "GroupPage.manage",
        "ada",
        lambda w: route(w.ours, "manage"),
        method="post",
        status=302,
        data=lambda w: {"membership": w.their_request.pk, "decision": "approve"},
    ),
    Case(
        "an admin changes the role of another group's member",
        "GroupPage.manage",
        "ada",
        lambda w: route(w.ours, "manage"),
        method="post",
        status=302,
        data=lambda w: {
            "action": "role",
            "membership": w.their_admin_membership.pk,
            "role": "parent",
        },
    ),
    Case(
        "an admin of another group decides our request",
        "GroupPage.manage",
        "bea",
        lambda w: route(w.ours, "manage"),
        method="post",
        data=lambda w: {"membership": w.our_request.pk, "decision": "approve"},
        hidden=lambda w: [],
    ),
    # The project's admin screens.
    Case(
        "a space manager decides another space's booking",
        "space_bookings:edit",
        "mia",
        url("space_bookings:edit", "their_booking"),
        method="post",
        data=lambda w: {"decision": "approve", "reason": ""},
    ),
    Case(
        "a space manager deletes their own space's booking",
        "space_bookings:delete",
        "mia",
        url("space_bookings:delete", "our_booking"),
        method="post",
        hidden=lambda w: [],
    ),
    Case(
        "a group admin edits another group's membership",
        "group_memberships:edit",
        "ada",
        url("group_memberships:edit", "their_request"),
        method="post",
        data=lambda w: {"role": "admin", "status": "active"},
    ),
    Case(
        "a group admin deletes another group's membership",
        "group_memberships:delete",
        "ada",
        url("group_memberships:delete", "their_admin_membership"),
        method="post",
    ),
]


# Posts whose answer is the normal one, but whose posted ids are ignored: the rows those
# ids name must stay as they are (checked with the whole database, like every case).
MOVED_FIELD_CASES = [
    Case(
        "a group admin moves their membership to another group and person",
        "group_memberships:edit",
        "ada",
        url("group_memberships:edit", "our_request"),
        method="post",
        status=302,
        hidden=lambda w: [],
        data=lambda w: {
            "group": w.theirs.pk,
            "user": w.quentin.pk,
            "message": "moved",
            "role": w.our_request.role,
            "status": w.our_request.status,
        },
    ),
    Case(
        "a group admin adds a member to another group",
        "group_memberships:add",
        "ada",
        lambda w: reverse("group_memberships:add"),
        method="post",
        status=(200, 302),
        hidden=lambda w: [],
        data=lambda w: {"group": w.theirs.pk, "user": w.priya.pk, "role": "parent"},
    ),
]

# Every table of this file, for the completeness check in test_id_sweep.py.
TABLES = [POST_CASES, MOVED_FIELD_CASES]


@pytest.fixture
def world():
    return build_world()


def test_no_posted_id_reaches_what_is_not_yours(client, world, subtests):
    sweep(client, world, POST_CASES, subtests)


def test_fixed_fields_and_scoped_choices_in_the_admin_ignore_posted_ids(client, world, subtests):
    sweep(client, world, MOVED_FIELD_CASES, subtests)


def test_another_households_creation_key_adds_nobody_and_offers_a_fresh_form(client_for):
    other_key = uuid.uuid4()
    LearnerFactory(name="Zebedee", guardians=[UserFactory(username="peg")], creation_key=other_key)
    client = client_for(UserFactory(username="pat"))
    add = reverse("commons:learner_add")

    response = client.post(add, {"name": "Zeb", "creation_key": str(other_key)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "This form has expired" in html
    assert "Zebedee" not in html and str(other_key) not in html
    assert Learner.objects.count() == 1
    fresh = re.search(r'name="creation_key" value="([^"]+)"', html).group(1)
    assert 'value="Zeb"' in html  # What they typed is kept.
    response = client.post(add, {"name": "Zeb", "creation_key": fresh})
    assert response.status_code == 302
    assert list(
        Learner.objects.filter(guardians__username="pat").values_list("name", flat=True)
    ) == ["Zeb"]
