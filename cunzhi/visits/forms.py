"""The visit forms; the services check again (the API calls them too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.core.forms import ModelMultipleChoiceField, VersionedForm
from cunzhi.demands.models import DemandCategory, DemandPriority
from cunzhi.registry.models import Household, HouseholdStatus, Resident, ResidentStatus
from cunzhi.visits.models import Visit, VisitPurpose

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class NeedFields(forms.Form):
    """A need found on the visit, registered as a demand in the same step (all optional)."""

    need_category = forms.ModelChoiceField(
        label=_("Need: category"),
        queryset=DemandCategory.objects.filter(active=True),
        required=False,
    )
    need_title = forms.CharField(label=_("Need: subject"), max_length=100, required=False)
    need_description = forms.CharField(
        label=_("Need: description"), widget=TEXTAREA, max_length=5000, required=False
    )
    need_priority = forms.ChoiceField(
        label=_("Need: priority"), choices=DemandPriority.choices, initial="normal", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get("need_category"), data.get("need_title"), data.get("need_description")]
        if any(given) and not all(given):
            self.add_error(
                "need_title",
                _("A need to register as a demand needs its category, subject and description."),
            )
        return data

    def need(self) -> Any:
        from cunzhi.visits.services import Need

        data = self.cleaned_data
        if not data.get("need_title"):
            return None
        return Need(
            category=data["need_category"],
            title=data["need_title"],
            description=data["need_description"],
            priority=data.get("need_priority") or "normal",
        )


class VisitForm(NeedFields):
    household = forms.ModelChoiceField(label=_("Household"), queryset=Household.objects.none())
    visited_on = forms.DateField(
        label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    cadres = ModelMultipleChoiceField(
        label=_("Visiting cadres"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,  # type: ignore[arg-type]
    )
    people_met = ModelMultipleChoiceField(
        label=_("People met"),
        queryset=Resident.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others_met = forms.CharField(label=_("Others met"), max_length=200, required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=VisitPurpose.choices)
    findings = forms.CharField(label=_("Findings"), widget=TEXTAREA, max_length=5000)
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, min_value=-90, max_value=90,
        required=False,
    )  # fmt: skip
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, min_value=-180, max_value=180,
        required=False,
    )  # fmt: skip

    # The position last, after the need, just above its status line and the button: the phone
    # fills it while the cadre writes (static/js/position.js).
    field_order = ["household", "visited_on", "cadres", "people_met", "others_met", "purpose",
                   "findings", "need_category", "need_title", "need_description", "need_priority",
                   "latitude", "longitude"]  # fmt: skip

    def __init__(
        self, *args: Any, village: Any, user: Any, cadres: Any, household: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = (  # type: ignore[attr-defined]
            Household.objects.for_user(user, "view")
            .filter(region=village, status=HouseholdStatus.ACTIVE)
            .select_related("head")
        )
        self.fields["household"].label_from_instance = _household_label  # type: ignore[attr-defined]
        self.fields["cadres"].queryset = cadres  # type: ignore[attr-defined]
        self.fields["visited_on"].initial = timezone.localdate()
        if household is not None:
            self.fields["household"].initial = household.pk
            self.fields["people_met"].queryset = Resident.objects.filter(  # type: ignore[attr-defined]
                household=household, status=ResidentStatus.LIVING
            )
        else:
            del self.fields["people_met"]


def _household_label(household: Household) -> str:
    head = household.head.name if household.head else ""
    return f"{household.household_no} {head}".strip()


class VisitEditForm(VersionedForm, forms.ModelForm):  # type: ignore[misc]
    class Meta:
        model = Visit
        fields = ["purpose", "findings", "others_met", "latitude", "longitude"]
        widgets = {"findings": TEXTAREA}


class NeedForm(NeedFields):
    """Turn a need found on the visit into a demand (all three fields required here)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("need_category", "need_title", "need_description"):
            self.fields[name].required = True
