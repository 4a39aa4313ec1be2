"""The forms of the demand pages; the services validate again (and the API calls them too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import User
from cunzhi.core.forms import VersionedForm
from cunzhi.demands.models import (
    Demand,
    DemandCategory,
    DemandPriority,
    DemandSource,
)
from cunzhi.registry.models import Household, Resident

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class DemandForm(forms.Form):
    """Register a demand: what the villager raised, who raised it, the cause analysis."""

    source = forms.ChoiceField(label=_("Source"), choices=DemandSource.choices)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=DemandCategory.objects.filter(active=True)
    )
    title = forms.CharField(label=_("Subject"), max_length=100)
    description = forms.CharField(label=_("Description"), widget=TEXTAREA, max_length=5000)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=DemandPriority.choices, initial=DemandPriority.NORMAL
    )
    household = forms.ModelChoiceField(
        label=_("Household"), queryset=Household.objects.none(), required=False
    )
    resident = forms.ModelChoiceField(
        label=_("Villager"), queryset=Resident.objects.none(), required=False
    )
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    cause_subjective = forms.CharField(
        label=_("Subjective causes"), widget=TEXTAREA, required=False, max_length=2000
    )
    cause_objective = forms.CharField(
        label=_("Objective causes"), widget=TEXTAREA, required=False, max_length=2000
    )
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, village: Any, user: Any, cadres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        households = Household.objects.for_user(user, "view").filter(region=village)
        self.fields["household"].queryset = households.select_related("head")  # type: ignore[attr-defined]
        self.fields["resident"].queryset = Resident.objects.for_user(user, "view").filter(  # type: ignore[attr-defined]
            region=village, status="living"
        )
        self.fields["assignee"].queryset = cadres  # type: ignore[attr-defined]


class DemandEditForm(VersionedForm, forms.ModelForm):  # type: ignore[misc]
    class Meta:
        model = Demand
        fields = ["category", "title", "description", "priority", "cause_subjective",
                  "cause_objective"]  # fmt: skip
        widgets = {
            "description": TEXTAREA,
            "cause_subjective": TEXTAREA,
            "cause_objective": TEXTAREA,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = DemandCategory.objects.filter(active=True)  # type: ignore[attr-defined]


class AssignForm(VersionedForm, forms.Form):  # type: ignore[misc]
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())

    def __init__(self, *args: Any, cadres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = cadres  # type: ignore[attr-defined]


class MergeForm(VersionedForm, forms.Form):  # type: ignore[misc]
    into = forms.CharField(
        label=_("Follow-up code of the demand it duplicates"), max_length=12, min_length=4
    )


class VillagerReplyForm(forms.Form):
    """The villager's answer on the public page: satisfied (1–5), or not resolved after all."""

    name = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("reopen", _("Not resolved: reopen"))],
        widget=forms.HiddenInput,
    )
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you? (1 = not at all, 5 = very)"),
        choices=[("", "—")] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
    )
    reason = forms.CharField(
        label=_("What is still wrong?"), widget=TEXTAREA, required=False, max_length=1000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name") == "confirm" and not data.get("satisfaction"):
            self.add_error("satisfaction", _("Choose how satisfied you are."))
        if data.get("name") == "reopen" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say what is still wrong."))
        return data
