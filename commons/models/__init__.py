from .households import GuardianInvitation, Learner
from .outbox import OutboxEmail
from .pages import HomePage, StandardPage
from .places import Neighbourhood
from .record_views import LearnerRecordView
from .site_settings import SiteSettings
from .spaces import (
    Booking,
    BookingSeries,
    Closure,
    Facility,
    OpeningPeriod,
    SpaceIndexPage,
    SpacePage,
    SpacePhoto,
)
from .users import User

__all__ = [
    "Booking",
    "BookingSeries",
    "Closure",
    "Facility",
    "OpeningPeriod",
    "SpaceIndexPage",
    "SpacePage",
    "SpacePhoto",
    "GuardianInvitation",
    "HomePage",
    "Learner",
    "LearnerRecordView",
    "Neighbourhood",
    "OutboxEmail",
    "SiteSettings",
    "StandardPage",
    "User",
]
