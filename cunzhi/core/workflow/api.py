"""The API's door to a workflow: list a record's steps, take one (docs/api.md, "Workflows").

``add_transition_routes(router, model=Case, service=case_transition, prefix="/cases")`` adds

* ``GET {prefix}/{id}/transitions``: the state, the version, the deadline, the steps the caller
  may take now with what each requires, and the steps a guard holds with the reason;
* ``POST {prefix}/{id}/transitions/{name}``: take one, with the version the caller started from
  (``If-Match: "3"`` or ``"expected_version": 3``) and what the step requires, as JSON or, for a
  step that takes a file, as multipart form data. The answer is the same as the GET's, with the
  new version in ``ETag``;
* ``POST {prefix}/{id}/deadline/extension``: ``{"days", "reason"}`` and the version, the same way.

Refusals use the one error format: 404 out of scope or for an unknown step, 403 for a step the
caller may not take, 409 (412 with If-Match) for a stale version, 422 naming the field for a
missing or wrong input or a step the record's state does not allow.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from cunzhi.core.api import ALL_FIELDS, WRITE_ERRORS, ErrorOut, InputSchema, actor
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.workflow import forms as step_forms
from cunzhi.core.workflow.deadlines import can_extend, deadline_extend
from cunzhi.core.workflow.declare import Transition, Workflow, workflow_for
from cunzhi.core.workflow.engine import transition_options
from cunzhi.core.workflow.views import deadline_context
from cunzhi.core.writes import require_permission


class RequirementOut(Schema):
    name: str
    label: str
    required: bool
    kind: str  # text, choice, number, date, file, ...
    choices: list[str] = []


class StepOut(Schema):
    name: str
    label: str
    target: str
    target_label: str
    requires: list[RequirementOut]


class BlockedOut(Schema):
    name: str
    label: str
    reason: str


class TransitionsOut(Schema):
    id: int
    state: str
    state_label: str
    version: int
    due_on: datetime.date | None = None
    deadline_status: str | None = None
    deadline_status_label: str | None = None
    transitions: list[StepOut]
    blocked: list[BlockedOut]
    extendable: bool = False


def _kind(field: Any) -> str:
    name = type(field).__name__
    for kind, markers in (
        ("file", ("FileField", "ImageField")),
        ("choice", ("ChoiceField",)),
        ("number", ("IntegerField", "DecimalField", "FloatField")),
        ("date", ("DateField",)),
        ("boolean", ("BooleanField",)),
    ):
        if any(marker in name for marker in markers):
            return kind
    return "text"


def requirements(workflow: Workflow, step: Transition, obj: models.Model) -> list[dict[str, Any]]:
    """What the step asks for, with the choices it offers for this record."""
    form = step_forms.bind(workflow, step, obj)
    out = []
    for name, field in form.fields.items():
        choices = [str(value) for value, _label in getattr(field, "choices", []) if value != ""]
        out.append(
            {
                "name": name,
                "label": str(field.label or name),
                "required": field.required,
                "kind": _kind(field),
                "choices": choices,
            }
        )
    return out


def transitions_payload(user: Any, obj: models.Model) -> dict[str, Any]:
    workflow = workflow_for(obj)
    deadline = deadline_context(obj)
    options = transition_options(user, obj)
    return {
        "id": obj.pk,
        "state": workflow.state_of(obj),
        "state_label": workflow.state_label(workflow.state_of(obj)),
        "version": obj.version,  # type: ignore[attr-defined]
        "due_on": deadline.get("due_on"),
        "deadline_status": deadline.get("deadline_status"),
        "deadline_status_label": str(deadline["deadline_label"]) if deadline else None,
        "transitions": [
            {
                "name": o.step.name,
                "label": str(o.step.label),
                "target": o.step.target,
                "target_label": workflow.state_label(o.step.target),
                "requires": requirements(workflow, o.step, obj),
            }
            for o in options
            if o.blocked is None
        ],
        "blocked": [
            {"name": o.step.name, "label": str(o.step.label), "reason": str(o.blocked)}
            for o in options
            if o.blocked is not None
        ],
        "extendable": can_extend(user, obj),
    }


class ExtensionIn(InputSchema):
    expected_version: int | None = Field(None, ge=1)
    days: int = Field(..., ge=1, le=366)
    reason: str = Field(..., max_length=step_forms.REASON_MAX)


def _version_from(request: HttpRequest, body: dict[str, Any]) -> int:
    """The version the caller started from: If-Match first (RFC 9110), else the body's."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        tag = header.removeprefix("W/").strip('"')
        if tag.isdigit():
            return int(tag)
        raise ValidationError({"If-Match": [_('Send the version as If-Match: "3".')]})
    value = body.pop("expected_version", None)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise ValidationError(
        {"expected_version": [_("Send the version you started from (or If-Match).")]}
    )


def _inputs_from(request: HttpRequest) -> dict[str, Any]:
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("multipart/form-data"):
        inputs: dict[str, Any] = {k: request.POST.get(k) for k in request.POST}
        inputs.update({k: request.FILES[k] for k in request.FILES})
        return inputs
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        message = _("The request body is not valid JSON.")
        raise ValidationError({ALL_FIELDS: [message]}) from None
    if not isinstance(body, dict):
        raise ValidationError({ALL_FIELDS: [_("Send a JSON object.")]})
    return body


def _check_names(workflow: Workflow, step: Transition, inputs: dict[str, Any]) -> None:
    known = set(step_forms.form_class(workflow, step).base_fields)
    unknown = sorted(set(inputs) - known)
    if unknown:
        message = _("This field is unknown or cannot be changed here.")
        raise ValidationError({name: [message] for name in unknown})
    for name, value in inputs.items():
        if isinstance(value, (dict, list)) or (isinstance(value, str) and "\x00" in value):
            raise ValidationError({name: [_("Enter a valid value.")]})


def add_transition_routes(
    router: Router,
    *,
    model: type[models.Model],
    service: Callable[..., Any],
    prefix: str,
    entity_arg: str | None = None,
) -> None:
    """Add the two workflow endpoints of ``model`` under ``prefix`` (see the module docstring)."""
    argument = entity_arg or model._meta.model_name or "obj"
    name_prefix = model._meta.model_name
    body_schema = {
        "type": "object",
        "properties": {"expected_version": {"type": "integer", "minimum": 1}},
        "additionalProperties": True,
    }

    @router.get(
        f"{prefix}/{{int:id}}/transitions",
        response={200: TransitionsOut, **WRITE_ERRORS},
        operation_id=f"{name_prefix}_transitions",
        summary="The steps the caller may take now",
    )
    def transitions_list(request: HttpRequest, id: int) -> dict[str, Any]:
        obj = get_in_scope(model._default_manager.all(), actor(request), "view", pk=id)
        return transitions_payload(actor(request), obj)

    @router.post(
        f"{prefix}/{{int:id}}/transitions/{{name}}",
        response={200: TransitionsOut, 409: ErrorOut, 412: ErrorOut, **WRITE_ERRORS},
        operation_id=f"{name_prefix}_transition_take",
        summary="Take a step",
        openapi_extra={
            "requestBody": {
                "content": {
                    "application/json": {"schema": body_schema},
                    "multipart/form-data": {"schema": body_schema},
                }
            }
        },
    )
    def transition_take(
        request: HttpRequest, id: int, name: str, response: HttpResponse
    ) -> dict[str, Any]:
        user = actor(request)
        obj = get_in_scope(model._default_manager.all(), user, "view", pk=id)
        workflow = workflow_for(model)
        step = workflow.transition(name)
        if step is None or step.system_only:
            raise Http404("No such step.")
        # A reader learns they may not before being told what the step would need.
        require_permission(user, workflow.permission_of(step), obj.region_code)  # type: ignore[attr-defined]
        inputs = _inputs_from(request)
        version = _version_from(request, inputs)
        _check_names(workflow, step, inputs)
        taken = service(
            actor=user, **{argument: obj}, name=name, expected_version=version, **inputs
        )
        response["ETag"] = f'"{taken.version}"'
        return transitions_payload(user, taken)

    @router.post(
        f"{prefix}/{{int:id}}/deadline/extension",
        response={200: TransitionsOut, 409: ErrorOut, 412: ErrorOut, **WRITE_ERRORS},
        operation_id=f"{name_prefix}_deadline_extend",
        summary="Extend the running deadline with a reason",
    )
    def extension(
        request: HttpRequest, id: int, payload: ExtensionIn, response: HttpResponse
    ) -> dict[str, Any]:
        user = actor(request)
        obj = get_in_scope(model._default_manager.all(), user, "change", pk=id)
        body = {"expected_version": payload.expected_version}
        version = _version_from(request, body)
        extended: Any = deadline_extend(
            actor=user, obj=obj, days=payload.days, reason=payload.reason, expected_version=version
        )
        response["ETag"] = f'"{extended.version}"'
        return transitions_payload(user, extended)
