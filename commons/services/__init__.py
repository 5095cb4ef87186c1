"""Writes that touch more than one row: households, learners, spaces and bookings."""

from .bookings import (
    cancel_booking,
    decide_booking,
    move_booking,
    preview_series,
    request_booking,
    request_series,
)
from .households import (
    accept_invitation,
    add_learner,
    erase_learner,
    invite_guardian,
    set_learner_login,
)
from .mail import send_mail_after_commit

__all__ = [
    "cancel_booking",
    "decide_booking",
    "move_booking",
    "preview_series",
    "request_booking",
    "request_series",
    "accept_invitation",
    "add_learner",
    "erase_learner",
    "invite_guardian",
    "send_mail_after_commit",
    "set_learner_login",
]
