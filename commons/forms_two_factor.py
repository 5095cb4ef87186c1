"""Forms for two-step login: one box for a code, checked for shape before it is tried."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from commons.services.two_factor import normalise


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or (when allowed) a backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        error_messages={"required": _("Type the code to carry on.")},
    )

    def __init__(self, *args, backup_codes_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.backup_codes_allowed = backup_codes_allowed
        field = self.fields["code"]
        field.widget.attrs.update(
            {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        )
        if backup_codes_allowed:
            field.help_text = _(
                "The 6-digit code your authenticator app shows now, or one of your backup codes."
            )
        else:
            field.help_text = _("The 6-digit code your authenticator app shows now.")
            field.widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = normalise(self.cleaned_data["code"])
        if re.fullmatch(r"\d{6}", code):
            return code
        if self.backup_codes_allowed and re.fullmatch(r"[a-z2-7]{8}", code):
            return code
        if self.backup_codes_allowed:
            raise forms.ValidationError(
                _(
                    "Type the 6 digits your authenticator app shows, or a backup code "
                    "(8 letters and numbers)."
                )
            )
        raise forms.ValidationError(_("Type the 6 digits your authenticator app shows."))
