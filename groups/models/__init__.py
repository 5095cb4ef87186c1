from .courses import (
    AdultAttendance,
    Attendance,
    CalendarToken,
    CoursePage,
    Enrolment,
    Session,
    TutorSignup,
)
from .membership import Membership
from .pages import GroupIndexPage, GroupMeetingTime, GroupPage
from .tutors import CheckReminder, SafeguardingCheck, TutorProfile

__all__ = [
    "AdultAttendance",
    "Attendance",
    "CalendarToken",
    "CoursePage",
    "Enrolment",
    "Session",
    "TutorSignup",
    "CheckReminder",
    "GroupIndexPage",
    "GroupMeetingTime",
    "GroupPage",
    "Membership",
    "SafeguardingCheck",
    "TutorProfile",
]
