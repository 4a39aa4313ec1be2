"""The form of what a transition requires: one class, used by the page, the API and the engine.

The engine validates every transition's inputs with this form, whichever door they came in by,
so the page and the API refuse the same things with the same messages, naming the same fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from cunzhi.core.workflow.declare import Transition, Workflow

REASON_MAX = 1000


_classes: dict[tuple[str, str], type[forms.Form]] = {}


def form_class(workflow: Workflow, step: Transition) -> type[forms.Form]:
    """The Form class of ``step``'s requirements (kept: declarations do not change)."""
    key = (workflow.key, step.name)
    if key not in _classes:
        _classes[key] = _build(workflow, step)
    return _classes[key]


def _build(workflow: Workflow, step: Transition) -> type[forms.Form]:
    attrs: dict[str, Any] = {}
    if step.fields:
        model_fields = forms.fields_for_model(workflow.model, fields=list(step.fields))
        for name in step.fields:
            field = model_fields[name]
            if field is None:
                raise ValueError(f"{workflow.key}.{step.name}: {name} is not an editable field")
            field.required = name not in step.optional_fields
            attrs[name] = field
    if step.reason:
        attrs["reason"] = forms.CharField(
            label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
        )
    if step.comment:
        attrs["comment"] = forms.CharField(
            label=_("Comment"),
            max_length=REASON_MAX,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
    if step.attachment:
        attrs["attachment"] = forms.FileField(label=_("Attachment"))
    base = step.form or forms.Form
    return type(f"{step.name.title()}TransitionForm", (base,), attrs)


class ExtensionForm(forms.Form):
    """Extending a running deadline (``deadlines.deadline_extend``)."""

    days = forms.IntegerField(label=_("Days to add"), min_value=1, max_value=366)
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


def initial_for(workflow: Workflow, step: Transition, obj: models.Model) -> dict[str, Any]:
    """What the page's form shows before the person types: the record's current values."""
    return {name: getattr(obj, name) for name in step.fields}


def bind(
    workflow: Workflow,
    step: Transition,
    obj: models.Model,
    data: Any = None,
    files: Any = None,
    prefix: str | None = None,
) -> forms.Form:
    cls = form_class(workflow, step)
    # A step's own form that sets ``takes_record = True`` is given the record, to offer choices
    # that depend on it (the villages under a petition's township).
    extra: dict[str, Any] = {"record": obj} if getattr(cls, "takes_record", False) else {}
    return cls(data, files, initial=initial_for(workflow, step, obj), prefix=prefix, **extra)


def recordable(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The inputs as the trace keeps them: a file by its name, a record by its key."""
    kept: dict[str, Any] = {}
    for name, value in cleaned.items():
        if hasattr(value, "read") and hasattr(value, "name"):
            kept[name] = getattr(value, "name", "")
        elif isinstance(value, models.Model):
            kept[name] = value.pk
        else:
            kept[name] = value
    return kept
