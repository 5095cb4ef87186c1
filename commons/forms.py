import unicodedata
import uuid

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commons.models import Learner, User


def _email_taken(email: str, *, exclude: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=email)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


class SignupForm(UserCreationForm):
    """Create an adult's account: a username, a display name, an email and a password."""

    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("For password resets and messages from your groups. Never shown publicly."),
    )

    class Meta:
        model = User
        fields = ["username", "display_name", "email"]
        help_texts = {
            "username": _("What you log in with: letters, digits and @ . + - _ only."),
        }

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if _email_taken(email):
            raise forms.ValidationError(
                _(
                    "An account with this email address already exists. Try logging in, or "
                    "reset your password."
                )
            )
        return email


class ProfileForm(forms.ModelForm):
    """Change how an adult appears on the site and where their email goes."""

    class Meta:
        model = User
        fields = ["display_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if _email_taken(email, exclude=self.instance):
            raise forms.ValidationError(_("Another account already uses this email address."))
        return email


class LearnerForm(forms.ModelForm):
    """Add or edit a learner: first name or nickname only, never a surname or address."""

    # A key made when the form is shown, so a double-clicked or resubmitted "Add" makes
    # one learner, not two (DESIGN.md, invariant 4).
    creation_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Learner
        fields = ["name", "birth_year", "medical_notes", "emergency_contact", "photo_consent"]
        widgets = {
            "medical_notes": forms.Textarea(attrs={"rows": 3}),
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["creation_key"].initial = uuid.uuid4()
        else:
            del self.fields["creation_key"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter a first name or nickname."))
        if " " in name:
            raise forms.ValidationError(
                _(
                    "Enter a first name or nickname only, without a surname. Commons never "
                    "stores children's surnames."
                )
            )
        return name

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        this_year = timezone.localdate().year
        if year is not None and not this_year - 100 <= year <= this_year:
            raise forms.ValidationError(
                _("Enter a year of birth between %(first)s and %(last)s, or leave it blank.")
                % {"first": this_year - 100, "last": this_year}
            )
        return year


class GuardianInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("We email them a link. It works once, for %(days)s days."),
    )

    def __init__(self, *args, days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = self.fields["email"].help_text % {"days": days}


class LearnerLoginForm(forms.Form):
    """Choose a username and password for a learner's own login (no email needed)."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("What they type to log in: letters, digits and @ . + - _ only."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, learner: Learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        if learner.user_id:
            self.fields["username"].initial = learner.user.username
            self.fields["username"].disabled = True

    def clean_username(self):
        username = self.cleaned_data["username"]
        User.username_validator(username)
        taken = User.objects.filter(username__iexact=username)
        if self.learner.user_id:
            taken = taken.exclude(pk=self.learner.user_id)
        if taken.exists():
            raise forms.ValidationError(_("That username is taken. Try another."))
        return username

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            user = self.learner.user or User(
                username=cleaned.get("username", ""), display_name=self.learner.name
            )
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class BookingDecisionForm(forms.Form):
    """A manager's answer to a booking request: approve, or decline with a reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason, if you decline"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The group sees this, so say what would work instead if you can."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the group a reason for declining."))
        return cleaned


# Site search


class SearchForm(forms.Form):
    """What a visitor searches for and, if they chose, which kind of page to show.

    Whatever is typed becomes plain words: letters and digits in any script, everything
    else a space. So nothing reaches the search engine's own query syntax (quotes,
    operators, wildcards), and a query is never more than a dozen words.
    """

    MAX_LENGTH = 100
    MAX_WORDS = 12

    q = forms.CharField(
        label=_("Search the commons"),
        required=False,
        max_length=MAX_LENGTH,
        widget=forms.SearchInput,
        error_messages={
            "max_length": _(
                "Keep your search under %(limit_value)s characters: a few words work best."
            )
        },
    )
    type = forms.ChoiceField(label=_("Show"), required=False)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Everything")), *kinds]
        self.fields["type"].error_messages["invalid_choice"] = _(
            "There is no “%(value)s” to show; here is everything that matches."
        )

    def clean_q(self) -> str:
        typed = unicodedata.normalize("NFKC", self.cleaned_data["q"])
        words = "".join(char if char.isalnum() else " " for char in typed).split()
        if typed and not words:
            raise forms.ValidationError(
                _("Search with letters or numbers, for example “fractions” or “hall”.")
            )
        return " ".join(words[: self.MAX_WORDS])
