"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

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
            (key, f"{defaults[0].description} ({key})")
            for key, defaults in sorted(policy.registry().items())
        ]
