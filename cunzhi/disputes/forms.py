"""Forms of the disputes pages; the rules live in the services, which the forms call."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.forms import ModelMultipleChoiceField, VersionedForm
from cunzhi.disputes.models import (
    CaseParty,
    CommitteeRole,
    MediationCase,
    PartySide,
    Petition,
    StabilityAssessment,
)
from cunzhi.registry.models import Resident

DATE = forms.DateInput(attrs={"type": "date"})


class PetitionForm(forms.ModelForm):
    """Registering a petition; the earlier petition on the same matter is named by its id."""

    same_matter_as = forms.IntegerField(
        label=_("Earlier petition on the same matter (its id)"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
    )

    class Meta:
        model = Petition
        fields = [
            "kind",
            "channel",
            "petitioner_name",
            "petitioner_count",
            "content",
            "receiving_organ",
            "received_on",
        ]
        widgets = {"received_on": DATE, "content": forms.Textarea(attrs={"rows": 4})}


class CaseForm(forms.ModelForm):
    """Registering a dispute between two parties named here (more can be added on its page)."""

    applicant = forms.CharField(label=_("Applicant"), max_length=100)
    respondent = forms.CharField(label=_("Respondent"), max_length=100)

    class Meta:
        model = MediationCase
        fields = ["title", "dispute_type", "facts", "received_on", "level", "risk_flag",
                  "risk_note"]  # fmt: skip
        widgets = {"received_on": DATE, "facts": forms.Textarea(attrs={"rows": 4})}

    def parties(self) -> list[dict[str, Any]]:
        return [
            {"side": PartySide.APPLICANT, "name": self.cleaned_data["applicant"]},
            {"side": PartySide.RESPONDENT, "name": self.cleaned_data["respondent"]},
        ]


class PartyForm(forms.Form):
    side = forms.ChoiceField(label=_("Side"), choices=PartySide.choices)
    name = forms.CharField(label=_("Name"), max_length=100)


class ConsentForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = CaseParty
        fields = ["consented_on"]
        widgets = {"consented_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consented_on"].required = True


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}))


class RiskForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = MediationCase
        fields = ["risk_flag", "risk_note"]


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = StabilityAssessment
        fields = ["subject", "matter_type", "risk_points", "level", "measures"]
        widgets = {
            "risk_points": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }


class CommitteeForm(forms.Form):
    """A village's mediation committee for a new term: its chair and members, residents of the
    village (the rules of its size and of women on it are warned about, not refused)."""

    term_starts_on = forms.DateField(label=_("Term starts on"), widget=DATE)
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=Resident.objects.none())
    members = ModelMultipleChoiceField(
        label=pgettext_lazy("committee", "Members"),
        queryset=Resident.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, residents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = residents  # type: ignore[attr-defined]
        self.fields["members"].queryset = residents  # type: ignore[attr-defined]

    def seats(self) -> list[tuple[Resident, str]]:
        chair = self.cleaned_data["chair"]
        others = [m for m in self.cleaned_data["members"] if m.pk != chair.pk]
        return [(chair, CommitteeRole.CHAIR), *((m, CommitteeRole.MEMBER) for m in others)]
