from .households import GuardianInvitation, Learner
from .pages import HomePage, StandardPage
from .places import Neighbourhood
from .site_settings import SiteSettings
from .users import User

__all__ = [
    "GuardianInvitation",
    "HomePage",
    "Learner",
    "Neighbourhood",
    "SiteSettings",
    "StandardPage",
    "User",
]
