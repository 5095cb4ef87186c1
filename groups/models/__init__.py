from .membership import Membership
from .pages import GroupIndexPage, GroupMeetingTime, GroupPage
from .tutors import CheckReminder, SafeguardingCheck, TutorProfile

__all__ = [
    "CheckReminder",
    "GroupIndexPage",
    "GroupMeetingTime",
    "GroupPage",
    "Membership",
    "SafeguardingCheck",
    "TutorProfile",
]
