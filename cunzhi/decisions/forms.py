"""The forms of the decisions pages: plain forms, whose cleaned data the services take."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.forms import ModelMultipleChoiceField, VersionedForm
from cunzhi.decisions.models import Body, Matter, MatterType, MeetingKind
from cunzhi.decisions.registers import adults_on
from cunzhi.decisions.workflows import STEP_MEETINGS
from cunzhi.regions.models import Region
from cunzhi.registry.models import Resident, ResidentStatus


class MatterForm(forms.Form):
    matter_type = forms.ChoiceField(label=_("type"), choices=MatterType.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 4}))
    proposed_on = forms.DateField(label=_("proposed on"), initial=timezone.localdate)


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _residents(village: Region) -> Any:
    return (
        Resident.objects.filter(region=village, status=ResidentStatus.LIVING)
        .select_related("household")
        .order_by("household__household_no", "pk")
    )


class ResidentChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.household.household_no}）"


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("meeting"))
    held_on = forms.DateField(label=pgettext_lazy("meeting", "held on"), initial=timezone.localdate)
    notice_on = forms.DateField(label=_("notice given on"))
    place = forms.CharField(label=_("place"), max_length=100)
    attendees = ResidentChoice(
        label=_("attendees"),
        queryset=Resident.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick who signed the sign-in sheet; the quorum is counted from the register."),
    )

    def __init__(self, *args: Any, matter: Matter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = STEP_MEETINGS.get(matter.state, ())
        kind_field: Any = self.fields["kind"]
        kind_field.choices = [(k, MeetingKind(k).label) for k in kinds]
        village = matter.region
        attendees: Any = self.fields["attendees"]
        if kinds and MeetingKind.VILLAGERS not in kinds:
            attendees.queryset = (
                _residents(village)
                .filter(  # type: ignore[attr-defined]
                    memberships__body__in=[b for b in Body.values if b != Body.SUPERVISION]
                )
                .distinct()
            )
        else:
            attendees.queryset = (
                adults_on(village, timezone.localdate())
                .select_related(  # type: ignore[attr-defined]
                    "household"
                )
                .order_by("household__household_no", "pk")
            )


class VoteForm(VersionedForm, forms.Form):
    votes_for = forms.IntegerField(label=_("for"), min_value=0, max_value=100000)
    votes_against = forms.IntegerField(label=_("against"), min_value=0, max_value=100000)
    votes_abstain = forms.IntegerField(label=_("abstaining"), min_value=0, max_value=100000)


class MembershipForm(forms.Form):
    body = forms.ChoiceField(label=_("register"), choices=Body.choices)
    resident = forms.ModelChoiceField(label=_("resident"), queryset=Resident.objects.none())
    position = forms.CharField(label=_("position"), max_length=50, required=False)
    starts_on = forms.DateField(label=_("from"), initial=timezone.localdate)

    def __init__(self, *args: Any, village: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = _residents(village)  # type: ignore[attr-defined]


class MembershipEndForm(VersionedForm, forms.Form):
    ends_on = forms.DateField(label=_("until"), initial=timezone.localdate)


class RegisterDateForm(forms.Form):
    on = forms.DateField(label=_("on"), required=False)

    def date(self) -> datetime.date:
        if self.is_valid() and self.cleaned_data["on"]:
            return self.cleaned_data["on"]  # type: ignore[no-any-return]
        return timezone.localdate()
