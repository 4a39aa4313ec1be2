"""Form helpers shared by every app."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _


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


def submit(form: forms.BaseForm, save: Callable[[dict[str, Any]], Any]) -> Any | None:
    """Validate ``form`` and hand its data to a service; the service's errors land on the form.

    Returns what the service returned, or None when the form or the service refused.
    """
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
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
