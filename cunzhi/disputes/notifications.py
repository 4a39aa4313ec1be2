"""Who is told what (core.inbox): the keepers of a record's area when its time limit comes near
or passes (the sweep's ``deadline_reached``), and the township or county when a case is
escalated to it.

The keepers of a record are the people with an active post at its region or above it (the
village, the township, the county) whose role may change it: the village's cadres for a case of
the village, the reception centre for a petition the township received.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import Post
from cunzhi.accounts.permissions import role_has
from cunzhi.core.inbox.services import notify
from cunzhi.core.regioncodes import Level, level_of, parent_code
from cunzhi.core.scoping import permission_name
from cunzhi.core.workflow import Workflow

GRASSROOTS = (Level.GROUP, Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY)


def _codes_up(code: str) -> list[str]:
    """The code and its parents', from the villager group up to the county."""
    codes = [code]
    while (parent := parent_code(codes[-1])) is not None:
        codes.append(parent)
    return [c for c in codes if level_of(c) in GRASSROOTS]


def keepers(obj: models.Model, *, at: str | None = None) -> list[Any]:
    """The users who may change ``obj`` with a post at ``at`` (default: its region) or above it,
    up to the county (the province and city are not the grassroots' inbox)."""
    permission = permission_name(type(obj), "change")
    codes = _codes_up(at or obj.region_code)  # type: ignore[attr-defined]
    posts = Post.objects.active().filter(region__code__in=codes).select_related("user")
    return [post.user for post in posts if role_has(post.role, permission)]


def deadline_reached(
    sender: Any, *, obj: models.Model, workflow: Workflow, kind: str, **_kwargs: Any
) -> None:
    """The sweep reminded a record or marked it overdue: its keepers are told (one message)."""
    state = workflow.state_label(workflow.state_of(obj))
    due_on = obj.due_on.isoformat()  # type: ignore[attr-defined]
    if kind == "overdue":
        message = _("%(record)s (%(state)s) is past its time limit of %(date)s.")
    else:
        message = _("%(record)s (%(state)s) must be done by %(date)s.")
    notify(
        recipients=keepers(obj),
        message=message % {"record": obj, "state": state, "date": due_on},
        obj=obj,
        verb="overdue" if kind == "overdue" else "reminder",
    )


def escalated(case: Any, *, reason: str) -> None:
    """A case came up to the township or the county: its keepers there are told."""
    kept = {"township": 9, "county": 6}.get(case.level)
    if kept is None:
        return
    notify(
        recipients=keepers(case, at=case.region_code[:kept].ljust(12, "0")),
        message=_("A dispute was escalated to you: %(case)s. Reason: %(reason)s")
        % {"case": case, "reason": reason},
        obj=case,
        verb="escalated",
    )
