"""The plan forms; the services check again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import User
from cunzhi.core.forms import VersionedForm
from cunzhi.plans.models import Duty, Objective, SecretaryRole, Task, TaskStatus

DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=100)


class ObjectiveForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=SecretaryRole.choices)
    duty = forms.ChoiceField(label=_("Duty"), choices=Duty.choices)
    title = forms.CharField(label=_("Objective"), max_length=200)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    objective = forms.ModelChoiceField(
        label=_("Objective"), queryset=Objective.objects.none(), required=False
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Time node"), widget=DATE)

    def __init__(self, *args: Any, plan: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = plan.objectives.all()  # type: ignore[attr-defined]
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]


class ProgressForm(VersionedForm, forms.ModelForm):  # type: ignore[misc]
    evidence = forms.FileField(label=_("Evidence (photo or document)"), required=False)

    class Meta:
        model = Task
        fields = ["status", "progress"]
        widgets = {"progress": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = TaskStatus.choices  # type: ignore[attr-defined]
        self.fields["progress"].required = True


class LedgerItemForm(forms.Form):
    problem = forms.CharField(label=_("Problem"), max_length=200)
    measure = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=User.objects.none())
    deadline_on = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people  # type: ignore[attr-defined]
