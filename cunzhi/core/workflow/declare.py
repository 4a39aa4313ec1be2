"""Declaring a workflow: its states, its transitions and what each requires, its deadlines.

A domain declares one ``Workflow`` per model in its ``workflows.py`` and registers it; the engine
(``engine.py``), the pages (``views.py``, the ``workflow_panel`` tag), the API (``api.py``), the
sweep (``sweep.py``) and the diagrams (``diagram.py``) all read the declaration, so a rule is
written once. Nothing here touches the database.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cunzhi.audit import labels as audit_labels

if TYPE_CHECKING:
    import datetime

Label = str | Promise
# guard(obj, actor) -> None when the step may be taken, else a translated sentence saying why not.
Guard = Callable[[Any, Any], Label | None]
# effect(obj, cleaned_data, actor): the domain's own changes when the step is taken (a level
# raised, an assignee set). It sets attributes only; the engine validates, saves and audits.
Effect = Callable[[Any, dict[str, Any], Any], None]


class DayUnit(enum.StrEnum):
    CALENDAR = "calendar"  # 日
    WORKING = "working"  # 工作日, on core.calendar


@dataclass(frozen=True)
class Deadline:
    """A state's time limit: ``days`` from a starting event, counted the Chinese way.

    ``days`` is a policy key (DESIGN rule 4; its value a whole number of days) or, for a limit no
    rule sets, a plain number. ``starts`` names a date field of the record (``received_on``) or is
    ``None`` for the day the record entered the state. The first day is not counted (as the
    petition regulation counts): 5 working days from Monday 2025-09-29 end on 2025-10-13.
    ``remind_days`` calendar days before the end the record becomes "soon" and a reminder goes
    out. ``escalation`` names the transition the sweep takes when the deadline has passed.
    ``extension_cap`` (a policy key or number) allows extending by at most that many days in
    all, ``max_extensions`` times at most (``None``: no extension allowed).
    """

    days: str | int
    unit: DayUnit = DayUnit.CALENDAR
    starts: str | None = None
    remind_days: int = 3
    escalation: str | None = None
    extension_cap: str | int | None = None
    max_extensions: int | None = 1
    # Where a rule says a period ending on a rest day runs to the next working day.
    ends_on_working_day: bool = False

    def describe(self) -> str:
        unit = "working days" if self.unit == DayUnit.WORKING else "days"
        start = self.starts or "entering the state"
        return f"{self.days} {unit} from {start}"


@dataclass(frozen=True)
class Transition:
    """One step from any of ``sources`` to ``target``.

    ``permission`` is checked in the record's region (default ``<app>.change_<model>``). What the
    step requires becomes one form, the same for the page and the API: ``comment`` (optional
    text), ``reason`` (required text), ``attachment`` (a file, stored with that purpose through
    ``core.attachments``), ``fields`` (model fields the person fills in, required unless listed
    in ``optional_fields``) or ``form`` (a Form class of the domain's own). ``guard`` can refuse
    the step with a message, and the page then says why instead of offering it.
    ``system_only`` steps are taken by the sweep, never offered to a person.
    """

    name: str
    label: Label
    sources: tuple[str, ...]
    target: str
    permission: str | None = None
    comment: bool = False
    reason: bool = False
    attachment: str | None = None
    fields: tuple[str, ...] = ()
    optional_fields: tuple[str, ...] = ()
    form: type[forms.Form] | None = None
    guard: Guard | None = None
    effect: Effect | None = None
    system_only: bool = False
    # Shown as a secondary button: going back, withdrawing, rejecting.
    backwards: bool = False

    def requires(self) -> list[str]:
        """What the step asks for, in words a client can switch on."""
        needs = []
        if self.reason:
            needs.append("reason")
        if self.comment:
            needs.append("comment")
        if self.attachment:
            needs.append("attachment")
        needs.extend(self.fields)
        if self.form is not None:
            needs.extend(self.form.base_fields)
        return needs


@dataclass
class Workflow:
    """The state machine of one model: ``states`` are the TextChoices of its ``field``."""

    model: type[models.Model]
    states: type[models.TextChoices]
    transitions: list[Transition]
    field: str = "state"
    deadlines: dict[str, Deadline] = dataclasses.field(default_factory=dict)
    # The audit action is "<app>.<entity>_transition"; entity defaults to the model's name.
    entity: str = ""
    # Who is told of a reminder or an overdue mark: recipients(record, kind) -> users, kind
    # "reminder" or "overdue". None: the holders of the default permission nearest the record's
    # region (accounts.selectors.holders_of), which accounts wires to the sweep's signal.
    recipients: Callable[[Any, str], Iterable[Any]] | None = None

    def __post_init__(self) -> None:
        self.entity = self.entity or self.model._meta.model_name or ""
        values = {str(v) for v in self.states.values}
        names: set[str] = set()
        for step in self.transitions:
            if step.name in names:
                raise ValueError(f"{self.key}: two transitions named {step.name}")
            names.add(step.name)
            unknown = ({*step.sources, step.target}) - values
            if unknown:
                raise ValueError(f"{self.key}.{step.name}: unknown states {sorted(unknown)}")
        for state, deadline in self.deadlines.items():
            if state not in values:
                raise ValueError(f"{self.key}: a deadline on unknown state {state}")
            if deadline.escalation and deadline.escalation not in names:
                raise ValueError(f"{self.key}: unknown escalation {deadline.escalation}")

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def app_entity(self) -> str:
        return f"{self.model._meta.app_label}.{self.entity}"

    @property
    def action(self) -> str:
        return f"{self.app_entity}_transition"

    def transition(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def state_label(self, value: str) -> str:
        try:
            return str(self.states(value).label)
        except ValueError:
            return value

    @property
    def default_permission(self) -> str:
        return f"{self.model._meta.app_label}.change_{self.model._meta.model_name}"

    def permission_of(self, step: Transition) -> str:
        return step.permission or self.default_permission

    def from_state(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def state_of(self, obj: models.Model) -> str:
        return str(getattr(obj, self.field))

    def deadline_start(self, obj: models.Model, deadline: Deadline, today: datetime.date) -> Any:
        return getattr(obj, deadline.starts) if deadline.starts else today


_registry: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Make ``workflow`` known to the sweep, the diagrams and the readable history."""
    _registry[workflow.key] = workflow
    audit_labels.register(
        {
            workflow.action: _("Step taken"),
            f"{workflow.app_entity}_deadline_extend": _("Deadline extended"),
            f"{workflow.app_entity}_deadline_reminder": _("Deadline reminder sent"),
            f"{workflow.app_entity}_deadline_overdue": _("Marked overdue"),
        }
    )
    return workflow


def workflow_for(model_or_key: type[models.Model] | models.Model | str) -> Workflow:
    key = model_or_key if isinstance(model_or_key, str) else model_or_key._meta.label_lower
    return _registry[key]


def all_workflows() -> Iterable[Workflow]:
    return [_registry[key] for key in sorted(_registry)]
