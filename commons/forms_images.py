"""The Wagtail image library's upload form, made to refuse a damaged image politely."""

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm


class ReadableImageField(WagtailImageField):
    """An image file that Pillow can actually read, not just one with the right first bytes.

    Wagtail 8.0 recognises the type from the header, then asks Pillow for the size and
    catches only its "too many pixels" errors; a truncated or damaged file (a PNG header
    and nothing after it) then raises from Pillow and the upload answers 500.
    """

    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
        except ValidationError:
            raise
        except Exception as error:  # noqa: BLE001 - Pillow raises OSError, SyntaxError, ValueError…
            raise ValidationError(
                _("This file is damaged or not a complete image. Save it again and upload that."),
                code="invalid_image",
            ) from error


class ImageForm(BaseImageForm):
    """Wagtail's image form with a `file` field that reads the whole image."""

    file = ReadableImageField(label=capfirst(_("file")))
