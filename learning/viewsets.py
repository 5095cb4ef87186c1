from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from learning.models import Subject


class SubjectViewSet(SnippetViewSet):
    model = Subject
    icon = "tag"
    menu_label = _("Subjects")
    add_to_admin_menu = False
    list_display = ["name", "code", "colour"]
    search_fields = ["name"]
