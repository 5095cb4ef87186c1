from .pages import CurriculumIndexPage, CurriculumPage, LearningObjective, UnitPage
from .progress import ProgressEntry
from .subjects import Subject

__all__ = [
    "CurriculumIndexPage",
    "CurriculumPage",
    "LearningObjective",
    "ProgressEntry",
    "Subject",
    "UnitPage",
]
