"""Forms of the register's households and residents: filter, edit, tags, status, reveal, export."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cunzhi.core.exports import REASON_LENGTH, ExportForm  # noqa: F401  (re-exported)
from cunzhi.core.forms import MaskedNumberField, ModelMultipleChoiceField, VersionedForm
from cunzhi.core.privacy import mask_id_number, mask_phone
from cunzhi.regions.models import Region
from cunzhi.registry.models import (
    HouseholdStatus,
    Relation,
    Resident,
    ResidentStatus,
    Tag,
)
from cunzhi.registry.selectors import AGE_BANDS
from cunzhi.registry.services import RESIDENT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# The resident's own fields, as the trace keeps them; the status has its own form.
RESIDENT_FORM_FIELDS = [f for f in RESIDENT_FIELDS if f not in {"status", "status_since"}]


HOUSEHOLD_FIELDS = {"household_no", "group", "address", "village", "status"}


class RegisterFilterForm(forms.Form):
    """The register's filters (GET): every field optional, unknown values ignored."""

    q = forms.CharField(
        label=_("Name, pinyin, household number or last digits of the ID"),
        required=False,
        max_length=50,
    )
    group = forms.ModelChoiceField(
        label=_("Villager group"), queryset=Region.objects.none(), required=False
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.none(), required=False, to_field_name="code"
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *HouseholdStatus.choices],
    )
    age_band = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[("", _("Any age")), *((band, band) for band in AGE_BANDS)],
    )

    def __init__(
        self, *args: Any, groups: QuerySet[Region], tags: QuerySet[Tag], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["tag"].queryset = tags  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters as the selector's keyword arguments; invalid ones are dropped."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "group": data.get("group"),
            "tag": data.get("tag"),
            "status": data.get("status") or None,
            "age_band": data.get("age_band") or None,
            "query": data.get("q") or "",
        }

    def applied(self) -> list[tuple[str, str]]:
        """The valid filters that are set, as (name, value) to submit again: the export's."""
        self.is_valid()
        pairs = []
        for name, value in getattr(self, "cleaned_data", {}).items():
            if value is None or value == "":
                continue
            if isinstance(value, Model):
                value = getattr(value, getattr(self.fields[name], "to_field_name", None) or "pk")
            pairs.append((name, str(value)))
        return pairs


class HouseholdForm(VersionedForm, forms.Form):
    household_no = forms.CharField(label=_("Household number"), max_length=30)
    group = forms.ModelChoiceField(
        label=_("Villager group"), queryset=Region.objects.none(), required=False
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = MaskedNumberField(
        mask=mask_phone, label=_("Household phone"), max_length=30, required=False
    )

    def __init__(self, *args: Any, groups: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]


class ResidentForm(VersionedForm, forms.Form):
    """A person's fields. Sex and birth date may stay empty: the ID number gives them."""

    def __init__(
        self,
        *args: Any,
        relations: Sequence[tuple[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(
            Resident,
            fields=RESIDENT_FORM_FIELDS,
            widgets={"birth_date": DATE, "away_since": DATE},
        )
        for name in RESIDENT_FORM_FIELDS:
            if name == "relation" and relations is None:
                continue
            self.fields[name] = fields[name]
        self.fields["sex"].required = False
        self.fields["sex"].help_text = _("Leave empty to take it from the ID number.")
        self.fields["birth_date"].help_text = _("Leave empty to take it from the ID number.")
        self.fields["id_number"].help_text = _("18 characters; the last may be X.")
        # Shown masked; left as shown, the stored number stays (DESIGN rule 7).
        self.fields["id_number"] = MaskedNumberField.replacing(
            self.fields["id_number"], mask_id_number
        )
        self.fields["phone"] = MaskedNumberField.replacing(self.fields["phone"], mask_phone)
        if relations is not None:
            relation: Any = self.fields["relation"]
            relation.choices = [("", "---------"), *relations]


def member_relations() -> list[tuple[str, Any]]:
    """Every relation but the head's: a household has one head."""
    return [(value, label) for value, label in Relation.choices if value != Relation.HEAD]


class MemberForm(ResidentForm):
    """One member in the household registration formset."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, relations=member_relations(), **kwargs)


MemberFormSet = forms.formset_factory(MemberForm, extra=4, max_num=12, validate_max=True)


def resident_initial(resident: Resident) -> dict[str, Any]:
    return {name: getattr(resident, name) for name in RESIDENT_FORM_FIELDS}


class TagsForm(VersionedForm, forms.Form):
    tags = ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, tags: QuerySet[Tag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = tags  # type: ignore[attr-defined]


class StatusForm(VersionedForm, forms.Form):
    """Moved out, deceased, or back to living here, from a date."""

    status = forms.ChoiceField(label=_("Status"), choices=ResidentStatus.choices)
    since = forms.DateField(label=_("Since"), widget=DATE)


# The reason given for seeing full numbers (a reveal, an export), kept in the trace.


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you need the full numbers"), max_length=REASON_LENGTH, required=False
    )


def route_register_errors(
    error: ValidationError,
    household_form: forms.Form,
    head_form: forms.Form,
    member_forms: Sequence[forms.Form],
) -> None:
    """Put household_register's errors on the form they are about.

    The service names a member's error ``members.<index>.<field>``, with the index into the list
    of members it was given (the filled-in forms only); a head's error may come as
    ``head.<field>`` or, unprefixed, as a resident field name. What belongs to no form shows above
    the household's fields, saying whose it is where that is known.
    """
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            household_form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        form: forms.Form = household_form
        field: str | None = key
        who = ""
        if key.startswith("members."):
            _members, index, field = [*key.split(".", 2), "", ""][:3]
            position = int(index) if index.isdigit() else -1
            number = position + 1
            if 0 <= position < len(member_forms):
                form = member_forms[position]
                # Numbered as on the page, which counts the empty forms the service never saw.
                suffix = (form.prefix or "").rsplit("-", 1)[-1]
                if suffix.isdigit():
                    number = int(suffix) + 1
            who = gettext("Member %(number)s") % {"number": number}
        elif key.startswith("head."):
            form, field = head_form, key.split(".", 1)[1]
            who = gettext("Head of household")
        elif key not in HOUSEHOLD_FIELDS and key != NON_FIELD_ERRORS:
            form = head_form
            who = gettext("Head of household")
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
            else:
                label = f"{who}: " if who else ""
                form.add_error(None, f"{label}{message}")
