from wagtail.snippets.models import register_snippet

from commons.viewsets import NeighbourhoodViewSet

register_snippet(NeighbourhoodViewSet)
