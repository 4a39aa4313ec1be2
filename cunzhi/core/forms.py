"""Form helpers shared by every app."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cunzhi.audit import services as audit
from cunzhi.core.versions import ChangesSince, changes_since, values_seen
from cunzhi.core.writes import EditConflict

# The largest id a BigAutoField holds (a signed 64-bit column on SQLite and PostgreSQL alike).
MAX_ID = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id no 64-bit column can hold before it reaches the database.

    Django bounds one id looked up alone, not a list of them: ``pk__in=[10**20]`` reached
    SQLite's driver, which cannot bind it (OverflowError), and a form of the register answered
    a 500 where it should say the choice is not valid. Every app's forms use this one.
    """

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                too_large = abs(int(str(pk))) > MAX_ID
            except ValueError:
                too_large = False  # not a number at all: Django's own check says so
            if too_large:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private in the stubs


VERSION_FIELD = "version"


def apply_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class VersionedForm(forms.BaseForm):
    """A form that edits one stored record and says which version of it the person saw.

    Mix it in before ``forms.ModelForm`` or ``forms.Form``: ``class ContactForm(VersionedForm,
    forms.ModelForm)``. The version rides in a hidden field, from the model form's instance or the
    ``version=`` argument (none when the same form adds a record); ``submit`` hands it to the
    service as ``expected_version``. When the service refuses a stale edit, the form says so,
    lists what changed meanwhile (``edit_conflict``, shown by ``includes/edit_conflict.html``),
    keeps what the person changed, shows the stored value where they changed nothing, and
    advances its hidden version to the stored one: saving again deliberately applies their
    changes, and nobody else's change is lost.
    """

    edit_conflict: ChangesSince | None = None

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk is not None:
            version = instance.version
        if version is None:
            return  # the same form adding a record: nothing stored, no version to name
        # Not required at field level: a missing version is a refusal of the whole form, below.
        # 0 names "nothing was stored yet" (a village profile nobody has filled in).
        # Bounded like the API's version (2**31 - 1): a larger one reached the query that
        # lists what changed meanwhile, which SQLite cannot bind (a 500).
        self.fields[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput,
            min_value=0,
            max_value=2**31 - 1,
            required=False,
            initial=version,
        )

    @property
    def edits_a_version(self) -> bool:
        return VERSION_FIELD in self.fields

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if not self.edits_a_version:
            return cleaned
        if cleaned.get(VERSION_FIELD) is None and VERSION_FIELD not in self.errors:
            raise ValidationError(
                _("This page is out of date. Open the record again, then make your change."),
                code="no_version",
            )
        return cleaned

    def _post_clean(self) -> None:
        # A malformed hidden version would otherwise be an error on a field nobody can see.
        super()._post_clean()  # type: ignore[misc]
        if VERSION_FIELD in self.errors:
            del self.errors[VERSION_FIELD]
            self.add_error(
                None,
                _("This page is out of date. Open the record again, then make your change."),
            )

    def show_conflict(self, conflict: EditConflict) -> None:
        """Refuse, list what changed meanwhile, and make saving again lose nothing.

        A field the person changed keeps what they typed. A field they left as they found it,
        which someone else changed meanwhile, now shows the stored value: saving again must not
        put back the value the other editor replaced.
        """
        self.edit_conflict = changes_since(
            conflict.current, conflict.expected_version, conflict.current_version
        )
        self.add_error(None, conflict.messages[0])
        # The bound form renders its data: the hidden field must carry the version now seen.
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix(VERSION_FIELD)] = str(self.edit_conflict.current_version)
        typed = getattr(self, "cleaned_data", {})
        for attname, value_seen in values_seen(self.edit_conflict).items():
            name = self._field_for(attname)
            if name is None or name not in typed or _as_stored(typed[name]) != value_seen:
                continue  # not on this form, or the person changed it: theirs to apply
            stored = getattr(conflict.current, attname)
            data[self.add_prefix(name)] = "" if stored is None else str(stored)
        self.data = data

    def _field_for(self, attname: str) -> str | None:
        """The form field of a model attribute: ``group_id`` is the ``group`` choice."""
        if attname in self.fields:
            return attname
        if attname.endswith("_id") and attname[:-3] in self.fields:
            return attname[:-3]
        return None


def _as_stored(value: Any) -> Any:
    """A cleaned form value as the trace keeps it (a record by its key, dates as text)."""
    if isinstance(value, models.Model):
        return value.pk
    return audit.normalise(value)


def submit(form: forms.BaseForm, save: Callable[[dict[str, Any]], Any]) -> Any | None:
    """Validate ``form`` and hand its data to a service; the service's errors land on the form.

    A ``VersionedForm``'s version reaches the service as ``expected_version``, so a view stays
    ``submit(form, lambda data: services.contact_update(actor=..., contact=c, **data))``.
    Returns what the service returned, or None when the form or the service refused.
    """
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    if isinstance(form, VersionedForm) and form.edits_a_version:
        data["expected_version"] = data.pop(VERSION_FIELD)
    try:
        return save(data)
    except EditConflict as exc:
        if isinstance(form, VersionedForm):
            form.show_conflict(exc)
        else:
            apply_validation_error(form, exc)
        return None
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


class PolicyOverrideForm(forms.Form):
    """A county's own value for a rule, from a date on (DESIGN rule 4)."""

    key = forms.ChoiceField(label=_("Rule"))
    valid_from = forms.DateField(
        label=_("Applies from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    value = forms.JSONField(
        label=_("Value"),
        help_text=_('A number such as 10; a share as {"numerator": 2, "denominator": 3}.'),
    )
    note = forms.CharField(
        label=_("Document or reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from cunzhi.core import policy

        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [  # type: ignore[attr-defined]
            (key, str(defaults[0].description))
            for key, defaults in sorted(policy.registry().items())
        ]


# The phone keyboard each kind of field needs, by field name, for every form of every app; set
# here once so that no form has to remember it (issue 9). An ID number is not given the numeric
# keypad: its last character may be X, which a phone's number pad cannot type.
KEYBOARD_BY_NAME: dict[str, dict[str, str]] = {
    "phone": {"type": "tel", "autocomplete": "tel"},
    "id_number": {"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"},
    "household_no": {"inputmode": "numeric", "autocomplete": "off"},
}


def _keyboard_for(field: forms.Field, name: str) -> dict[str, str]:
    if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
        return {"type": "date"}
    if isinstance(field, (forms.IntegerField, forms.DecimalField)):
        return {"inputmode": "decimal" if isinstance(field, forms.DecimalField) else "numeric"}
    for suffix, attrs in KEYBOARD_BY_NAME.items():
        if name == suffix or name.endswith("_" + suffix):
            return attrs
    return {}


class KeyboardBoundField(forms.BoundField):
    """A bound field whose input brings up the right keyboard on a phone."""

    def as_widget(
        self, widget: forms.Widget | None = None, attrs: Any = None, only_initial: bool = False
    ) -> Any:
        widget = widget or self.field.widget
        keyboard = dict(_keyboard_for(self.field, self.html_name.rsplit("-", 1)[-1]))
        input_type = keyboard.pop("type", None)
        if isinstance(widget, forms.TextInput | forms.NumberInput):
            if input_type and widget.input_type != input_type:
                widget = copy.copy(widget)
                widget.input_type = input_type
            if widget.input_type == "date" and not getattr(widget, "format", None):
                # <input type="date"> takes and gives the ISO form whatever the language; the
                # Chinese locale's first format (2026/03/01) would leave it empty.
                widget = copy.copy(widget)
                setattr(widget, "format", "%Y-%m-%d")  # noqa: B010 (TextInput has no format)
            attrs = {**keyboard, **(attrs or {})}
        return super().as_widget(widget, attrs, only_initial)


class FormRenderer(DjangoTemplates):
    """The project's form renderer (settings.FORM_RENDERER): Django's, with the keyboards."""

    bound_field_class = KeyboardBoundField


class MaskedNumberInput(forms.TextInput):
    """A text input for a personal number, with a "show in full" button when ``reveal_url`` is set.

    The button posts to the audited reveal with HTMX (which sends the form's CSRF token along)
    and the answer appears beside the input. It is ``type="button"``: a submit button placed
    before the form's own would be the one pressing Enter uses. Whether the reader may see the
    number is the reveal view's check, not the form's.
    """

    template_name = "core/widgets/masked_number.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.reveal_url = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["reveal_url"] = self.reveal_url
        widget["full_id"] = f"{widget['attrs'].get('id') or name}-full"
        return context


class MaskedBoundField(KeyboardBoundField):
    """Shows the stored number masked; what the person typed is shown back as typed."""

    def value(self) -> Any:
        value = super().value()
        field = self.field
        if isinstance(field, MaskedNumberField) and self.initial and value == self.initial:
            return field.mask(str(value))
        return value


class MaskedNumberField(forms.CharField):
    """A stored ID or phone number that an edit form shows masked (DESIGN rule 7).

    The full number never goes into the page: the input holds the masked form, and posting it
    back unchanged keeps the stored number (the field is not in ``changed_data``, and its
    cleaned value is the stored one). Typing another number replaces it; emptying the input
    clears it. Seeing the stored number in full is the audited reveal, offered by the widget.
    """

    widget = MaskedNumberInput
    bound_field_class = MaskedBoundField

    def __init__(self, *, mask: Callable[[str], str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask = mask

    @classmethod
    def replacing(cls, field: forms.Field, mask: Callable[[str], str]) -> MaskedNumberField:
        """The same field (label, help, required, length) shown masked."""
        return cls(
            mask=mask,
            label=field.label,
            help_text=field.help_text,
            required=field.required,
            max_length=getattr(field, "max_length", None),
            widget=MaskedNumberInput(attrs=dict(field.widget.attrs)),
        )

    def untouched(self, data: Any, initial: Any) -> bool:
        """The masked stored number posted back as it was shown."""
        return bool(initial) and str(data or "").strip() == self.mask(str(initial))

    def _clean_bound_field(self, bf: forms.BoundField) -> Any:
        if self.untouched(bf.data, bf.initial):
            return bf.initial
        return super()._clean_bound_field(bf)  # type: ignore[misc]

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.untouched(data, initial):
            return False
        return super().has_changed(initial, data)


def offer_reveal(form: forms.BaseForm, url: str) -> None:
    """Put a "show in full" button beside each masked number the form holds a stored value of."""
    for name, field in form.fields.items():
        if isinstance(field, MaskedNumberField) and form.get_initial_for_field(field, name):
            field.widget.reveal_url = f"{url}?field={name}"  # type: ignore[attr-defined]
