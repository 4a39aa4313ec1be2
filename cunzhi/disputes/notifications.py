"""Who is told what (core.inbox) about a mediation case: the people at the case's level.

A case is kept where it is mediated: a village's case by the village's cadres, a case escalated
to the township by the township. Its reminders and overdue marks (the sweep's, sent to the inbox
by ``accounts.deadlines``) go to the holders nearest the case's *level* rather than its village,
and an escalation tells the level it came up to. Petitions keep the kit's default: the holders
nearest the petition's region (the reception centre of the township that received it).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.selectors import holders_of
from cunzhi.core.inbox.services import notify
from cunzhi.core.scoping import permission_name

# How many digits of a village's code name the region of each level above it.
LEVEL_DIGITS = {"township": 9, "county": 6}


def level_code(case: Any) -> str:
    """The code of the region at the case's level (its village, township or county)."""
    digits = LEVEL_DIGITS.get(case.level)
    return case.region_code if digits is None else case.region_code[:digits].ljust(12, "0")


def case_recipients(case: Any, kind: str) -> list[Any]:
    """The people who keep the case at its level (``Workflow.recipients``)."""
    return holders_of(permission_name(type(case), "change"), level_code(case), nearest=True)


def escalated(case: Any, *, reason: str) -> None:
    """A case came up to the township or the county: the people there are told."""
    if case.level not in LEVEL_DIGITS:
        return
    notify(
        recipients=case_recipients(case, "escalated"),
        message=_("A dispute was escalated to you: %(case)s. Reason: %(reason)s")
        % {"case": case, "reason": reason},
        obj=case,
        verb="escalated",
    )
