from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section (h2)")), ("h3", _("Subsection (h3)"))],
        default="h2",
        label=_("Level"),
    )

    class Meta:
        icon = "title"
        template = "commons/blocks/heading_block.html"
        label = _("Heading")


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])
    link = blocks.PageChooserBlock(required=False, label=_("Link to a page"))
    link_text = blocks.CharBlock(required=False, max_length=60, label=_("Link text"))

    class Meta:
        icon = "pick"
        template = "commons/blocks/callout_block.html"
        label = _("Callout")


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        icon = "image"
        template = "commons/blocks/figure_block.html"
        label = _("Image")


class BaseStreamBlock(blocks.StreamBlock):
    """The blocks every editable page body offers."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        icon="pilcrow",
        label=_("Paragraph"),
        features=["bold", "italic", "link", "ol", "ul", "h3", "document-link"],
        template="commons/blocks/paragraph_block.html",
    )
    callout = CalloutBlock()
    image = FigureBlock()
    embed = EmbedBlock(
        icon="media",
        label=_("Video or other embed"),
        template="commons/blocks/embed_block.html",
    )
