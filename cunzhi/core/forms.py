"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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
            (key, f"{defaults[0].description} ({key})")
            for key, defaults in sorted(policy.registry().items())
        ]


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


class MaskedBoundField(forms.BoundField):
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
