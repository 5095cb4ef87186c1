from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock

from commons.blocks import FigureBlock, HeadingBlock


class ResourceBlock(blocks.StructBlock):
    """A document from the library or a link to a resource elsewhere."""

    title = blocks.CharBlock(label=_("Title"), max_length=120)
    document = DocumentChooserBlock(required=False, label=_("Document"))
    url = blocks.URLBlock(required=False, label=_("Or a link"))
    description = blocks.TextBlock(required=False, max_length=300, label=_("What it is"))

    class Meta:
        icon = "doc-full"
        template = "learning/blocks/resource_block.html"
        label = _("Resource")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("document")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Choose a document or give a link, not both."))
                }
            )
        return value


class ActivityBlock(blocks.StructBlock):
    """A hands-on activity: how long, what you need, what to do."""

    title = blocks.CharBlock(label=_("Activity"), max_length=120)
    duration_minutes = blocks.IntegerBlock(
        min_value=1, max_value=600, label=_("Minutes"), help_text=_("Roughly how long it takes.")
    )
    materials = blocks.ListBlock(blocks.CharBlock(max_length=120), label=_("You will need"))
    steps = blocks.ListBlock(blocks.TextBlock(max_length=500), label=_("Steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "learning/blocks/activity_block.html"
        label = _("Activity")


class CurriculumStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        icon="pilcrow",
        label=_("Paragraph"),
        features=["bold", "italic", "link", "ol", "ul", "h3", "document-link"],
        template="commons/blocks/paragraph_block.html",
    )
    image = FigureBlock()
    resource = ResourceBlock()
    video = EmbedBlock(icon="media", label=_("Video"), template="commons/blocks/embed_block.html")
    activity = ActivityBlock()
