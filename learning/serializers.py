"""Fields for the pages that Wagtail's API v2 serves (learning/api.py)."""

from rest_framework import relations


class PublishedPageField(relations.RelatedField):
    """A page that a page field points at, shown only when the API serves it too.

    Wagtail's own field for a foreign key to a page names the page whatever its state, so
    a curriculum adapted from one later made private or unpublished would give its title
    away. This shows it as Wagtail shows a page's parent: only if it is among the API's
    published, public pages; otherwise null.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        page = super().get_attribute(instance)
        if page is not None and self.context["base_queryset"].filter(pk=page.pk).exists():
            return page
        return None

    def to_representation(self, value):
        # Imported here: the API's serializers load page models, and page models load this.
        from wagtail.api.v2.serializers import PageSerializer, get_serializer_class

        serializer_class = get_serializer_class(
            value.__class__,
            ["id", "type", "detail_url", "html_url", "title"],
            meta_fields=["type", "detail_url", "html_url"],
            base=PageSerializer,
        )
        return serializer_class(context=self.context).to_representation(value)
