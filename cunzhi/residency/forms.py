"""Forms of the residency pages; the services check the rules, the forms the shapes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import SendingUnit, User
from cunzhi.core.forms import VersionedForm
from cunzhi.core.regioncodes import Level
from cunzhi.regions.models import Region
from cunzhi.residency.compliance import Status
from cunzhi.residency.models import DispatchRole, Grade, LeaveType, PresenceKind
from cunzhi.residency.services import FILLABLE


class CheckInForm(forms.Form):
    """Filled by the browser's geolocation (static/js/position.js); empty when refused."""

    latitude = forms.DecimalField(
        required=False, min_value=Decimal(-90), max_value=Decimal(90), decimal_places=6,
        max_digits=9, widget=forms.HiddenInput,
    )  # fmt: skip
    longitude = forms.DecimalField(
        required=False, min_value=Decimal(-180), max_value=Decimal(180), decimal_places=6,
        max_digits=9, widget=forms.HiddenInput,
    )  # fmt: skip
    accuracy_m = forms.IntegerField(
        required=False, min_value=0, max_value=1_000_000, widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            raise forms.ValidationError(_("A position needs both a latitude and a longitude."))
        return cleaned


class FillForm(forms.Form):
    date = forms.DateField(label=_("Day"))
    kind = forms.ChoiceField(
        label=_("Where you were"), choices=[(k.value, k.label) for k in FILLABLE]
    )
    reason = forms.CharField(
        label=_("Why it was not recorded on the day"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectForm(forms.Form):
    date = forms.DateField(label=_("Day"))
    kind = forms.ChoiceField(label=_("Where the cadre was"), choices=PresenceKind.choices)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LeaveForm(forms.Form):
    leave_type = forms.ChoiceField(label=_("Type of leave"), choices=LeaveType.choices)
    starts_on = forms.DateField(label=_("First day"))
    ends_on = forms.DateField(label=_("Last day"))
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


def year_choices() -> list[tuple[int, int]]:
    this = timezone.localdate().year
    return [(y, y) for y in range(this + 1, this - 5, -1)]


class ComplianceFilter(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, choices=())
    region = forms.ChoiceField(label=_("Region"), required=False, choices=())
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )

    def __init__(self, *args: Any, regions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = year_choices()
        year.initial = timezone.localdate().year
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [("", _("Everywhere I see")), *((r.code, r.name) for r in regions)]


class AssessmentOpenForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class OpinionForm(VersionedForm, forms.Form):
    opinion = forms.CharField(
        label=_("Opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class GradeForm(VersionedForm, forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)


class RecallForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the cadre is recalled"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DispatchForm(forms.Form):
    """The county dispatches a person who has an account (the county administrator made it)."""

    username = forms.CharField(label=_("Account name"), max_length=150)
    sending_unit = forms.ModelChoiceField(
        label=_("Sending unit"), queryset=SendingUnit.objects.none()
    )
    village = forms.ModelChoiceField(label=_("Village"), queryset=Region.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=DispatchRole.choices)
    starts_on = forms.DateField(label=_("Starts on"))
    position = forms.CharField(
        label=_("Position at the sending unit"), max_length=100, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = (
            Region.objects.for_user(user, "view").filter(level=Level.VILLAGE).order_by("code")
        )
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        # Every unit: a province's department sends cadres to counties that do not see its region;
        # a unit's name is no secret.
        self.fields["sending_unit"].queryset = SendingUnit.objects.order_by("name")  # type: ignore[attr-defined]

    def clean_username(self) -> Any:
        user = User.objects.filter(username=self.cleaned_data["username"]).first()
        if user is None:
            raise forms.ValidationError(
                _("No account has that name: ask the county administrator.")
            )
        return user


class DiaryForm(forms.Form):
    date = forms.DateField(label=_("Day"))
    text = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class DiaryEditForm(VersionedForm, forms.Form):
    text = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )


def month_of(value: str | None) -> Any:
    """The first day of ``YYYY-MM``, or of this month for anything else."""
    import datetime

    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date().replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


# The support ledger (保障台账)

_DATE = forms.DateInput(attrs={"type": "date"})
_MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal(0)}


class SupportOpenForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class SupportForm(VersionedForm, forms.Form):
    """What the sending unit provided this year; the services check the rules."""

    medical_check_on = forms.DateField(label=_("Medical check on"), required=False, widget=_DATE)
    medical_check_done = forms.BooleanField(label=_("Medical check done"), required=False)
    insurance_starts_on = forms.DateField(
        label=_("Accident insurance from"), required=False, widget=_DATE
    )
    insurance_ends_on = forms.DateField(
        label=_("Accident insurance until"), required=False, widget=_DATE
    )
    insurance_policy = forms.CharField(
        label=_("Insurer and policy number"), required=False, max_length=100
    )
    living_subsidy_yuan = forms.DecimalField(
        label=_("Living subsidy (yuan)"), required=False, **_MONEY
    )
    living_subsidy_paid_on = forms.DateField(
        label=_("Living subsidy paid on"), required=False, widget=_DATE
    )
    transport_subsidy_yuan = forms.DecimalField(
        label=_("Transport subsidy (yuan)"), required=False, **_MONEY
    )
    transport_subsidy_paid_on = forms.DateField(
        label=_("Transport subsidy paid on"), required=False, widget=_DATE
    )
    communication_subsidy_yuan = forms.DecimalField(
        label=_("Communication subsidy (yuan)"), required=False, **_MONEY
    )
    communication_subsidy_paid_on = forms.DateField(
        label=_("Communication subsidy paid on"), required=False, widget=_DATE
    )
    work_funds_yuan = forms.DecimalField(label=_("Work funds provided (yuan)"), **_MONEY)
    work_funds_paid_on = forms.DateField(
        label=_("Work funds paid on"), required=False, widget=_DATE
    )
    paired_leader = forms.ModelChoiceField(
        label=_("Township leader paired one to one"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, leaders: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["paired_leader"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in leaders])  # type: ignore[attr-defined]


class SpendingForm(forms.Form):
    amount_yuan = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    purpose = forms.CharField(label=_("Spent on"), max_length=200)
    spent_on = forms.DateField(label=_("Spent on (date)"), widget=_DATE)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=_DATE)
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TrainingForm(forms.Form):
    course = forms.CharField(label=_("Course"), max_length=200)
    starts_on = forms.DateField(label=_("First day"), widget=_DATE)
    ends_on = forms.DateField(label=_("Last day"), widget=_DATE)
    organiser = forms.CharField(label=_("Organiser"), max_length=200)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=6, decimal_places=1, min_value=Decimal("0.5")
    )
