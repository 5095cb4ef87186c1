from .households import GuardianInvitation, Learner
from .pages import HomePage, StandardPage
from .site_settings import SiteSettings
from .users import User

__all__ = ["GuardianInvitation", "HomePage", "Learner", "SiteSettings", "StandardPage", "User"]
