"""Forms of the household operations (head, move, split, merge, transfer), the groups and tags."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cunzhi.core.forms import ModelMultipleChoiceField, VersionedForm
from cunzhi.regions.models import Region
from cunzhi.registry.forms.records import DATE, member_relations
from cunzhi.registry.models import (
    Household,
    Relation,
    Resident,
)


def household_label(household: Household) -> str:
    """ "002 · 王建国": how a household is offered in a choice or a suggestion (head selected)."""
    head = household.head.name if household.head else gettext("no head")
    return f"{household.household_no} · {head}"


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return household_label(obj)


class HouseholdMultipleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return household_label(obj)


class GroupLeaderForm(VersionedForm, forms.Form):
    resident = forms.ModelChoiceField(label=_("Leader"), queryset=Resident.objects.none())
    starts_on = forms.DateField(label=_("In office from"), widget=DATE)

    def __init__(self, *args: Any, residents: QuerySet[Resident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["resident"]
        field.queryset = residents  # type: ignore[attr-defined]
        field.label_from_instance = lambda r: f"{r.name} · {r.household.household_no}"  # type: ignore[attr-defined]


class TenGroupForm(VersionedForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    households = HouseholdMultipleChoiceField(
        label=pgettext_lazy("the households in a group", "Households"),
        queryset=Household.objects.none(),
        widget=forms.SelectMultiple,
    )
    lead_household = HouseholdChoiceField(
        label=_("Lead household"), queryset=Household.objects.none(), required=False
    )

    def __init__(self, *args: Any, households: QuerySet[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = households  # type: ignore[attr-defined]
        self.fields["lead_household"].queryset = households  # type: ignore[attr-defined]


class SuggestInput(forms.TextInput):
    """A text input with suggestions from a ``<datalist>``: on a phone one types the first digits
    of a household number (a village has hundreds) or picks one, where a select would scroll."""

    template_name = "registry/widgets/suggest.html"

    def __init__(
        self, attrs: dict[str, Any] | None = None, options: Sequence[tuple[str, str]] = ()
    ) -> None:
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.options = list(options)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-options"
        widget["attrs"]["list"] = widget["list_id"]
        widget["options"] = self.options
        return context


def household_options(households: Iterable[Household]) -> list[tuple[str, str]]:
    """(number, "number · head") for a SuggestInput of households (heads selected)."""
    return [(h.household_no, household_label(h)) for h in households]


def village_options(villages: Iterable[Region]) -> list[tuple[str, str]]:
    return [(v.code, f"{v.code} · {v.name}") for v in villages]


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.get_relation_display()}"


class MemberMultipleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return MemberChoiceField.label_from_instance(self, obj)  # type: ignore[arg-type]


class SetHeadForm(forms.Form):
    """变更户主: a living member becomes the head; the old head takes another relation."""

    head = MemberChoiceField(label=_("New head of household"), queryset=Resident.objects.none())
    old_head_relation = forms.ChoiceField(
        label=_("The old head becomes"),
        choices=member_relations,
        initial=Relation.OTHER,
        help_text=_("Their relation to the new head."),
    )

    def __init__(self, *args: Any, members: QuerySet[Resident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = members  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    """迁户: a person joins another household, of this village or another one."""

    village = forms.CharField(
        label=_("Village code"),
        max_length=12,
        widget=SuggestInput(attrs={"inputmode": "numeric"}),
        help_text=_("12 digits; this village's code is filled in."),
    )
    household_no = forms.CharField(
        label=_("Household number"), max_length=30, widget=SuggestInput()
    )
    relation = forms.ChoiceField(label=_("Relation to that household's head"), choices=())

    def __init__(
        self,
        *args: Any,
        villages: Sequence[tuple[str, str]],
        households: Sequence[tuple[str, str]],
        find_household: Callable[[str, str], Household],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].widget.options = villages  # type: ignore[attr-defined]
        self.fields["household_no"].widget.options = households  # type: ignore[attr-defined]
        relation: Any = self.fields["relation"]
        relation.choices = [("", "---------"), *member_relations()]
        self.find_household = find_household
        self.target: Household | None = None

    def clean_household_no(self) -> str:
        """The household looked up as soon as its number is cleaned, so that a number with no
        household says so even while another field (the relation) is still empty."""
        number: str = self.cleaned_data["household_no"]
        village = self.cleaned_data.get("village")
        if village:
            try:
                self.target = self.find_household(village, number)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return number


class SplitForm(forms.Form):
    """分户: members leave to form a new household of the village, one of them its head."""

    members = MemberMultipleChoiceField(
        label=_("Members who leave"),
        queryset=Resident.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    head = MemberChoiceField(label=_("Head of the new household"), queryset=Resident.objects.none())
    household_no = forms.CharField(label=_("New household number"), max_length=30)
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to keep this household's address."),
    )

    def __init__(self, *args: Any, members: QuerySet[Resident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
        self.fields["head"].queryset = members  # type: ignore[attr-defined]


class HouseholdMergeForm(forms.Form):
    """合户: every member joins another household of the village."""

    into = forms.CharField(
        label=_("Number of the household to merge into"), max_length=30, widget=SuggestInput()
    )

    def __init__(self, *args: Any, households: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].widget.options = households  # type: ignore[attr-defined]


class TransferForm(forms.Form):
    """迁移: the whole household moves to another village."""

    village = forms.CharField(
        label=_("Code of the new village"),
        max_length=12,
        widget=SuggestInput(attrs={"inputmode": "numeric"}),
        help_text=_("12 digits."),
    )
    household_no = forms.CharField(
        label=_("Household number there"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to keep its number."),
    )

    def __init__(self, *args: Any, villages: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].widget.options = villages  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    """Which of two records of one person to keep; the other leaves the register."""

    keep = forms.IntegerField(min_value=1)
    duplicate = forms.IntegerField(min_value=1)


class TagForm(VersionedForm, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=40)
    colour = forms.RegexField(
        label=_("Colour"),
        regex=r"^#[0-9a-fA-F]{6}$",
        widget=forms.TextInput(attrs={"type": "color"}),
        error_messages={"invalid": _("A colour such as #b45309.")},
    )
    sensitive = forms.BooleanField(
        label=_("Sensitive"),
        required=False,
        help_text=_("Shown only to those who may see personal data in full (低保, disability)."),
    )
    key_person = forms.BooleanField(label=_("Key person"), required=False)
    active = forms.BooleanField(label=_("In use"), required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767)
