from wagtail.snippets.models import register_snippet

from learning.viewsets import SubjectViewSet

register_snippet(SubjectViewSet)
