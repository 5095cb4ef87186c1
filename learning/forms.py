from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from groups.models import GroupPage, Membership
from learning.choices import Level
from learning.models import CurriculumPage


def groups_to_adopt_into(*, curriculum: CurriculumPage, user) -> QuerySet:
    """Return the groups the user actively admins that may adopt this curriculum: none if
    it is unpublished (a preview) or all rights reserved, and never its own group."""
    if not (user.is_authenticated and curriculum.live and curriculum.may_be_adopted):
        return GroupPage.objects.none()
    administered = Membership.objects.admins().filter(user=user).values("group")
    return (
        GroupPage.objects.filter(pk__in=administered)
        .exclude(pk=curriculum.get_parent().pk)
        .order_by("title")
    )


class AdoptForm(forms.Form):
    """Choose which of your groups gets a draft copy of a curriculum."""

    group = forms.ModelChoiceField(
        queryset=GroupPage.objects.none(),
        empty_label=None,
        label=_("Adopt into"),
        help_text=_("One of the groups you are an admin of."),
        error_messages={
            "invalid_choice": _("Choose one of the groups you are an admin of."),
            "required": _("Choose the group to adopt it into."),
        },
    )

    def __init__(self, *args, curriculum: CurriculumPage, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups_to_adopt_into(curriculum=curriculum, user=user)

    @property
    def is_offered(self) -> bool:
        """Whether the user has any group to adopt into (and the licence allows it)."""
        return self.fields["group"].queryset.exists()


# The progress tracker's forms: a learner's self-assessment, a guardian's home
# observation, following a curriculum from the library, and confirming an erasure.


class SelfAssessForm(forms.Form):
    """Where a learner thinks they are with one objective, in their own words."""

    level = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Where do you think you are?"),
        error_messages={"required": _("Pick one of the four answers.")},
    )

    def __init__(self, *args, **kwargs):
        from learning.choices import LEARNER_LEVEL_LABELS

        super().__init__(*args, **kwargs)
        self.fields["level"].choices = list(LEARNER_LEVEL_LABELS.items())


class ObservationForm(forms.Form):
    """A guardian's home observation against an objective the learner follows."""

    objective = forms.TypedChoiceField(
        coerce=int,
        label=_("Objective"),
        help_text=_("What you saw them do, from this unit."),
        error_messages={
            "required": _("Choose the objective you saw."),
            "invalid_choice": _("Choose one of the objectives listed."),
        },
    )
    level = forms.TypedChoiceField(
        coerce=int,
        label=_("Level"),
        error_messages={"required": _("Choose a level.")},
    )
    note = forms.CharField(
        label=_("What you saw"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A sentence or two: where, what they did, what they said."),
    )
    evidence = forms.FileField(
        label=_("Photo or PDF of their work"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP or PDF, up to 8 MB. Only the people who can see this page can open it."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )

    def __init__(self, *args, objectives, **kwargs):
        """`objectives`: the unit's ObjectiveStatus list (tracker.unit_progress)."""
        super().__init__(*args, **kwargs)
        self.objectives = {status.objective.pk: status.objective for status in objectives}
        self.fields["level"].choices = [("", _("Choose…"))] + list(Level.choices)
        self.fields["objective"].choices = [("", _("Choose…"))] + [
            (pk, objective.statement) for pk, objective in self.objectives.items()
        ]

    def chosen_objective(self):
        """The objective chosen, once the form is valid."""
        return self.objectives[self.cleaned_data["objective"]]


class FollowForm(forms.Form):
    """Add a curriculum from the library to a learner's tracker."""

    curriculum = forms.ModelChoiceField(
        queryset=CurriculumPage.objects.none(),
        label=_("Curriculum from the library"),
        empty_label=_("Choose…"),
        error_messages={
            "required": _("Choose a curriculum to follow."),
            "invalid_choice": _("Choose one of the curricula listed."),
        },
    )

    def __init__(self, *args, following, **kwargs):
        super().__init__(*args, **kwargs)
        # Never shown as a list (the library has thousands): each search result posts its
        # own id, which this checks.
        self.fields["curriculum"].queryset = (
            CurriculumPage.objects.live().public().exclude(pk__in=following)
        )


class FollowSearchForm(forms.Form):
    """Words to look for in the library's curricula, to follow one."""

    q = forms.CharField(
        label=_("Find a curriculum in the library"),
        required=False,
        max_length=100,
        help_text=_("Words from its title or summary, like “fractions” or “bread”."),
    )


class EraseForm(forms.Form):
    """Confirm erasing a learner by typing their name."""

    name = forms.CharField(label=_("Type their name to confirm"), max_length=40)

    def __init__(self, *args, learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if name.casefold() != self.learner.name.casefold():
            raise forms.ValidationError(
                _("Type “%(name)s” to confirm.") % {"name": self.learner.name}
            )
        return name


class SessionProgressForm(forms.Form):
    """A session's progress grid: a level per learner per objective, and one optional note
    per learner. Each cell starts at the learner's current level."""

    def __init__(self, data=None, *, learners, objectives, current: dict, disabled=False):
        super().__init__(data)
        self.learners, self.objectives = learners, objectives
        for learner in learners:
            for objective in objectives:
                level = current.get((learner.pk, objective.pk))
                choices = list(Level.choices)
                if level is None:
                    choices.insert(0, ("", _("Not recorded yet")))
                self.fields[self._cell(learner, objective)] = forms.TypedChoiceField(
                    label=objective.statement,
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=level,
                    disabled=disabled,
                )
            self.fields[f"note_{learner.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=2000,
                disabled=disabled,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def _cell(learner, objective) -> str:
        return f"level_{learner.pk}_{objective.pk}"

    def rows(self) -> list[dict]:
        """Each learner with their cells (objective and field) and their note field."""
        return [
            {
                "learner": learner,
                "cells": [(o, self[self._cell(learner, o)]) for o in self.objectives],
                "note": self[f"note_{learner.pk}"],
            }
            for learner in self.learners
        ]

    def levels(self) -> dict[tuple[int, int], int]:
        return {
            (learner.pk, objective.pk): self.cleaned_data[self._cell(learner, objective)]
            for learner in self.learners
            for objective in self.objectives
            if self.cleaned_data.get(self._cell(learner, objective)) is not None
        }

    def notes(self) -> dict[int, str]:
        return {
            learner.pk: self.cleaned_data[f"note_{learner.pk}"]
            for learner in self.learners
            if self.cleaned_data.get(f"note_{learner.pk}")
        }
