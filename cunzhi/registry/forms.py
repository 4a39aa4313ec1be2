"""Forms of the register. They only shape input: the services validate and write.

These are plain forms, not ModelForms: a ModelForm writes the posted values onto the instance
while validating, and the service would then see no change to record in the trace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cunzhi.regions.models import Region
from cunzhi.registry.models import (
    Household,
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


class HouseholdForm(forms.Form):
    household_no = forms.CharField(label=_("Household number"), max_length=30)
    group = forms.ModelChoiceField(
        label=_("Villager group"), queryset=Region.objects.none(), required=False
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Household phone"), max_length=30, required=False)

    def __init__(self, *args: Any, groups: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]


class ResidentForm(forms.Form):
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


class TagsForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, tags: QuerySet[Tag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = tags  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    """Moved out, deceased, or back to living here, from a date."""

    status = forms.ChoiceField(label=_("Status"), choices=ResidentStatus.choices)
    since = forms.DateField(label=_("Since"), widget=DATE)


# The reason given for seeing full numbers (a reveal, an export), kept in the trace.
REASON_LENGTH = 200


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you need the full numbers"), max_length=REASON_LENGTH, required=False
    )


class ExportForm(forms.Form):
    """The register export's own field; its filters come in a RegisterFilterForm."""

    full_numbers = forms.BooleanField(label=_("Include full ID and phone numbers"), required=False)
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


def household_label(household: Household) -> str:
    """ "002 · 王建国": how a household is offered in a choice or a suggestion (head selected)."""
    head = household.head.name if household.head else gettext("no head")
    return f"{household.household_no} · {head}"


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return household_label(obj)


class HouseholdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return household_label(obj)


class GroupLeaderForm(forms.Form):
    resident = forms.ModelChoiceField(label=_("Leader"), queryset=Resident.objects.none())
    starts_on = forms.DateField(label=_("In office from"), widget=DATE)

    def __init__(self, *args: Any, residents: QuerySet[Resident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["resident"]
        field.queryset = residents  # type: ignore[attr-defined]
        field.label_from_instance = lambda r: f"{r.name} · {r.household.household_no}"  # type: ignore[attr-defined]


class TenGroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    households = HouseholdMultipleChoiceField(
        label=_("Households"), queryset=Household.objects.none(), widget=forms.SelectMultiple
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


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
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
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].widget.options = villages  # type: ignore[attr-defined]
        self.fields["household_no"].widget.options = households  # type: ignore[attr-defined]
        relation: Any = self.fields["relation"]
        relation.choices = [("", "---------"), *member_relations()]


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


class TagForm(forms.Form):
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


# An upload larger than this goes through `manage.py registry_import` (docs/registry-import.md).
IMPORT_MAX_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A .xlsx workbook or a .csv file (UTF-8 or GBK), at most 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(label=_("Only check the file; write nothing"), required=False)

    def clean_file(self) -> Any:
        from cunzhi.registry.import_files import FileProblem, file_kind

        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _(
                    "The file is larger than 50 MB: split it, or ask an administrator to run "
                    "the import on the server."
                )
            )
        head = upload.read(4096)
        upload.seek(0)
        if not head.strip():
            raise ValidationError(_("The file is empty."))
        try:
            file_kind(upload.name or "", head)
        except FileProblem as problem:
            raise ValidationError(problem.messages) from None
        return upload
