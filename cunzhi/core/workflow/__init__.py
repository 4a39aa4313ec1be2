"""Workflows, deadlines and the scheduled sweep (DESIGN rule 6), shared by every domain.

Not django-fsm-2/viewflow: they set state in a model method; save, version, scope, audit: caller.

The small core below does those steps once (``engine.take``) and reads one declaration for the
pages, the API, the sweep and the diagrams; no dependency is added.

A domain writes (see docs/architecture.md, "Workflows and deadlines"):

* in ``models.py``: the states as ``TextChoices``, a ``state`` field, and ``DeadlineFields``
  mixed in when a state has a deadline;
* in ``workflows.py``: ``register(Workflow(model=..., states=..., transitions=[...],
  deadlines={...}))``, imported from the app config's ``ready``;
* in ``services.py``: ``<entity>_transition(*, actor, <entity>, name, expected_version,
  **inputs)`` calling ``engine.take``;
* the page includes ``{% workflow_panel obj %}``; the URLs and the API take the generic view
  and ``api.add_transition_routes``.

This package's ``__init__`` imports nothing that touches other apps, so a domain's ``models.py``
can import ``DeadlineFields`` from it.
"""

from cunzhi.core.workflow.declare import (
    DayUnit,
    Deadline,
    Transition,
    Workflow,
    all_workflows,
    register,
    workflow_for,
)
from cunzhi.core.workflow.fields import (
    DeadlineFields,
    DeadlineStatus,
    deadline_q,
    deadline_status_now,
)

__all__ = [
    "DayUnit",
    "Deadline",
    "DeadlineFields",
    "DeadlineStatus",
    "Transition",
    "Workflow",
    "all_workflows",
    "deadline_q",
    "deadline_status_now",
    "register",
    "workflow_for",
]
