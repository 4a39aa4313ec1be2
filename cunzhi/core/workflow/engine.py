"""Taking a transition: the one audited write every workflow's steps go through (DESIGN rules 3, 6).

``take`` is what a domain's ``<entity>_transition(*, actor, obj, name, expected_version, ...)``
service calls. In one transaction it checks the step exists and the actor may take it in the
record's region (the record's model ``DoesNotExist`` when the actor cannot even see it, so both
doors answer 404; ``PermissionDenied`` when they see it but may not), locks the stored row and
refuses a stale version (``EditConflict``), checks the step leaves the stored state, validates
the inputs with the step's form and its guard, applies the fields, the domain's effect, the new
state and the new state's deadline, saves (the version goes up) and records one event with the
states and the inputs.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.audit import services as audit
from cunzhi.core.scoping import permission_name
from cunzhi.core.workflow import forms as step_forms
from cunzhi.core.workflow.deadlines import apply_state_deadline
from cunzhi.core.workflow.declare import Label, Transition, Workflow, workflow_for
from cunzhi.core.writes import check_version, editable_fields, lock_current, require_permission

M = TypeVar("M", bound=models.Model)


class SystemActor:
    """Who the scheduled sweep acts as: every permission, no account; "system" in the trace."""

    pk = None
    id = None
    username = "system"
    is_authenticated = True
    is_active = True
    is_superuser = True

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


def check_in_scope(actor: Any, obj: models.Model, permission: str) -> None:
    """``DoesNotExist`` if ``actor`` cannot see ``obj``; PermissionDenied if they may not act."""
    region_code = obj.region_code  # type: ignore[attr-defined]
    try:
        require_permission(actor, permission, region_code)
    except PermissionDenied:
        try:
            require_permission(actor, permission_name(type(obj), "view"), region_code)
        except PermissionDenied:
            not_found: Any = type(obj).DoesNotExist  # type: ignore[attr-defined]
            raise not_found("No such record.") from None
        raise


def locked_version(obj: M, expected_version: int | None) -> M:
    """The stored row, locked, refused with EditConflict if it is not ``expected_version``."""
    current = lock_current(obj)
    check_version(current, expected_version)
    return current


def inputs_to_form_data(inputs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    files = {k: v for k, v in inputs.items() if hasattr(v, "read") and hasattr(v, "name")}
    data = {k: v for k, v in inputs.items() if k not in files and v is not None}
    return data, files


# The day the step in progress is taken on, for its guard and effect: ``take``'s ``today``.
_step_day: contextvars.ContextVar[datetime.date | None] = contextvars.ContextVar(
    "workflow_step_day", default=None
)


def step_day() -> datetime.date:
    """The day the step being taken is taken on: the ``today`` its caller gave ``take`` (the
    deadline sweep's day, a back-dated entry's, a test's), or else today in China. A guard or an
    effect that dates something (a resolution day, the next level's period) reads it here, so the
    sweep's escalation counts from the sweep's day, not from the clock."""
    return _step_day.get() or timezone.localdate()


@contextlib.contextmanager
def _taken_on(day: datetime.date) -> Iterator[None]:
    token = _step_day.set(day)
    try:
        yield
    finally:
        _step_day.reset(token)


def take(
    *,
    workflow: Workflow,
    actor: Any,
    obj: M,
    name: str,
    expected_version: int | None,
    inputs: dict[str, Any] | None = None,
    today: datetime.date | None = None,
) -> M:
    """Take the transition ``name`` on ``obj`` (see the module docstring); returns the saved row.

    ``inputs`` are what the step requires, by the names of its form (``reason``, ``comment``,
    ``attachment``, the listed model fields). ``expected_version`` is the version the person saw;
    only the sweep, acting as ``SYSTEM``, passes None.
    """
    step = workflow.transition(name)
    if step is None:
        raise ValidationError({"name": [_("There is no such step.")]}, code="unknown_step")
    today = today or timezone.localdate()
    with transaction.atomic(), _taken_on(today):
        check_in_scope(actor, obj, workflow.permission_of(step))
        if step.system_only and actor is not SYSTEM:
            raise PermissionDenied(step.name)
        current = locked_version(obj, expected_version)
        state = workflow.state_of(current)
        if state not in step.sources:
            raise ValidationError(
                _("This step cannot be taken now: the record is “%(state)s”.")
                % {"state": workflow.state_label(state)},
                code="not_available",
            )
        data, files = inputs_to_form_data(inputs or {})
        form = step_forms.bind(workflow, step, current, data, files)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        cleaned = form.cleaned_data
        refused = step.guard(current, actor) if step.guard else None
        if refused:
            raise ValidationError(str(refused), code="guard")
        fields = editable_fields(current)
        before = audit.snapshot(current, fields)
        for field_name in step.fields:
            setattr(current, field_name, cleaned[field_name])
        if step.effect:
            step.effect(current, cleaned, actor)
        setattr(current, workflow.field, step.target)
        deadline = apply_state_deadline(current, step.target, today, workflow.deadlines)
        current.full_clean()
        changes = audit.diff(before, audit.snapshot(current, fields))
        current.save()
        if step.attachment:
            attach(actor=actor, obj=current, upload=cleaned["attachment"], purpose=step.attachment)
        audit.record(
            actor=actor,
            action=workflow.action,
            obj=current,
            data={
                "workflow": workflow.key,
                "transition": step.name,
                "from": state,
                "to": step.target,
                "inputs": step_forms.recordable(
                    {k: v for k, v in cleaned.items() if k not in step.fields}
                ),
                "changes": {k: v for k, v in changes.items() if k != workflow.field},
                "deadline": deadline,
                "version": current.version,  # type: ignore[attr-defined]
            },
        )
    for field in current._meta.concrete_fields:
        setattr(obj, field.attname, getattr(current, field.attname))
    return current


def attach(*, actor: Any, obj: models.Model, upload: Any, purpose: str) -> None:
    """Store the step's file through ``core.attachments``, in the step's transaction (the model
    declares ``attachments = Attachable(...)``)."""
    from cunzhi.core.attachments.services import attachment_add

    attachment_add(actor=actor, obj=obj, upload=upload, purpose=purpose)


@dataclass(frozen=True)
class Option:
    """A step as the viewer sees it: ``blocked`` says why they cannot take it yet."""

    step: Transition
    blocked: Label | None = None


def transition_options(user: Any, obj: models.Model) -> list[Option]:
    """The steps from the record's state that ``user`` holds the permission for, in order."""
    workflow = workflow_for(obj)
    options = []
    for step in workflow.from_state(workflow.state_of(obj)):
        if step.system_only:
            continue
        try:
            require_permission(user, workflow.permission_of(step), obj.region_code)  # type: ignore[attr-defined]
        except PermissionDenied:
            continue
        blocked = step.guard(obj, user) if step.guard else None
        options.append(Option(step, blocked or None))
    return options


def available_transitions(user: Any, obj: models.Model) -> list[Transition]:
    """The steps ``user`` may take on ``obj`` now (permitted here, from this state, not guarded)."""
    return [option.step for option in transition_options(user, obj) if option.blocked is None]
