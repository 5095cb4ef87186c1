from .pages import CurriculumIndexPage, CurriculumPage, LearningObjective, UnitPage
from .progress import Evidence, FollowedCurriculum, ProgressEntry
from .subjects import Subject

__all__ = [
    "CurriculumIndexPage",
    "CurriculumPage",
    "Evidence",
    "FollowedCurriculum",
    "LearningObjective",
    "ProgressEntry",
    "Subject",
    "UnitPage",
]
