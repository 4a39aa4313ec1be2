"""Forms of the plan's pages; each hands its data to one service (core.forms.submit)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.core.forms import VersionedForm
from cunzhi.plans.models import Objective, Plan, Rectification, Task
from cunzhi.plans.selectors import people_of_village
from cunzhi.regions.models import Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class PlanForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ("title", "summary")
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class ObjectiveForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Objective
        fields = ("role", "duty", "title", "target")
        widgets = {"target": forms.Textarea(attrs={"rows": 2})}


class _PersonForm(forms.ModelForm):
    person_field = ""

    def __init__(self, *args: Any, village: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[self.person_field]
        field.queryset = people_of_village(village)  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.full_name or user.username  # type: ignore[attr-defined]


class TaskForm(VersionedForm, _PersonForm):
    person_field = "owner"

    class Meta:
        model = Task
        fields = ("title", "description", "owner", "planned_start", "planned_end")
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "planned_start": DATE,
            "planned_end": DATE,
        }


class RectificationForm(VersionedForm, _PersonForm):
    person_field = "responsible"

    class Meta:
        model = Rectification
        fields = ("problem", "source", "measure", "responsible", "deadline_on")
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 2}),
            "measure": forms.Textarea(attrs={"rows": 2}),
            "deadline_on": DATE,
        }


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Planned date"), widget=DATE)


class MilestoneReachForm(VersionedForm, forms.Form):
    reached_on = forms.DateField(label=_("Reached on"), widget=DATE)


class ProgressNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Progress"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    written_on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    evidence = forms.FileField(
        label=_("Evidence (photo or document)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,.pdf,.docx,.xlsx,.pptx", "capture": "environment"}
        ),
    )
