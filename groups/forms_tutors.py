"""Forms for tutor profiles, the tutor pool and recording safeguarding checks."""

from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from commons.widgets import DateInput
from groups.choices import CheckLevel
from groups.models import GroupPage, TutorProfile
from groups.models.tutors import renewal_after


def _long_date(value) -> str:
    return date_format(value, "j F Y")


class TutorProfileForm(forms.ModelForm):
    """What a tutor offers. The view saves it through services.save_tutor_profile."""

    class Meta:
        model = TutorProfile
        fields = ["bio", "subjects", "availability"]
        widgets = {"subjects": forms.CheckboxSelectMultiple}


class TutorFilterForm(forms.Form):
    """Narrow the tutor pool; submitted by GET so a filtered list is a shareable link."""

    subject = forms.ModelChoiceField(
        queryset=None,
        to_field_name="slug",
        required=False,
        empty_label=_("Any subject"),
        label=_("Subject"),
    )
    checked = forms.BooleanField(required=False, label=_("Checked tutors only"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # By name, not by import: learning builds on groups, not the other way round.
        self.fields["subject"].queryset = apps.get_model("learning", "Subject").objects.all()


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class TutorInviteForm(forms.Form):
    """Invite a tutor to help one of the groups the admin runs."""

    group = GroupChoiceField(
        queryset=GroupPage.objects.none(),
        label=_("Group"),
        error_messages={
            "required": _("Choose the group you would like them to help."),
            "invalid_choice": _("You can invite tutors only to groups you are an admin of."),
        },
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class CheckForm(forms.Form):
    """A safeguarding check an admin has seen. No certificate image or number is asked for."""

    group = GroupChoiceField(
        queryset=GroupPage.objects.none(),
        empty_label=_("Choose a group"),
        label=_("Recorded for"),
        help_text=_("The group you are an admin of. Every group's admins will see the check."),
        error_messages={
            "required": _("Choose the group you are recording this check for."),
            "invalid_choice": _("You can record checks only for groups you are an admin of."),
        },
    )
    level = forms.ChoiceField(
        choices=[("", _("Choose a level"))] + CheckLevel.choices,
        label=_("Level of check"),
        help_text=_("As printed on the certificate."),
        error_messages={
            "required": _("Choose the level of the check."),
            "invalid_choice": _("Choose one of the levels in the list."),
        },
    )
    certificate_date = forms.DateField(
        label=_("Certificate date"),
        help_text=_("The date printed on the certificate."),
        widget=DateInput,
        error_messages={
            "required": _("Enter the date printed on the certificate."),
            "invalid": _("Enter the certificate date as a date, for example 14 March 2024."),
        },
    )
    on_update_service = forms.BooleanField(
        required=False,
        label=_("The tutor is on the DBS update service"),
        help_text=_("Tick if you checked their status on the update service."),
    )
    renewal_date = forms.DateField(
        required=False,
        label=_("Renew by"),
        widget=DateInput,
        error_messages={
            "invalid": _("Enter the renewal date as a date, for example 14 March 2027."),
        },
    )

    def __init__(self, *args, groups, tutor: TutorProfile, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.tutor = tutor
        self.user = user
        self.fields["group"].queryset = groups
        if len(groups) == 1:
            self.fields["group"].initial = groups[0].pk
        years = settings.SAFEGUARDING_RENEWAL_YEARS
        self.fields["renewal_date"].help_text = _(
            "Leave empty to use %(years)s years after the certificate date."
        ) % {"years": years}

    def clean(self):
        data = super().clean()
        if self.tutor.user_id == self.user.pk:
            # Nobody vouches for their own check: another admin must see the certificate.
            raise forms.ValidationError(
                _("You cannot record your own check. Ask another group admin to record it.")
            )
        certificate_date = data.get("certificate_date")
        renewal_date = data.get("renewal_date")
        today = timezone.localdate()
        if certificate_date and certificate_date > today:
            # Said here, before a renewal date is worked out from it (year 9999 has no +3).
            self.add_error("certificate_date", _("The certificate date cannot be in the future."))
            return data
        if certificate_date and not renewal_date:
            renewal_date = renewal_after(certificate_date)
        if certificate_date and renewal_date and certificate_date < renewal_date < today:
            self.add_error(
                "renewal_date" if data.get("renewal_date") else "certificate_date",
                _(
                    "This check was due for renewal on %(date)s, so it no longer counts. "
                    "Ask the tutor for a newer certificate."
                )
                % {"date": _long_date(renewal_date)},
            )
        return data
