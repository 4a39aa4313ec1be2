"""Conditions other domains put on a matter's steps, without this app knowing them.

The social-stability risk assessment (社会稳定风险评估) that the disputes app keeps must be done
before some matters' resolution is published. Disputes sits beside decisions, not below it, so
decisions may not import it; instead disputes registers a check here from its ``AppConfig.ready``::

    from cunzhi.decisions import preconditions

    @preconditions.register
    def risk_assessed(matter, step):
        if step == "publish_resolution" and matter.matter_type in NEEDS_ASSESSMENT:
            if not assessment_done(matter):
                return _("Assess the social-stability risk before publishing the resolution.")
        return None

Every forward step of the matter workflow asks each registered check (``refusal``); the first
sentence returned refuses the step and the page shows it in place of the button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cunzhi.decisions.models import Matter

# check(matter, step name) -> None, or a translated sentence saying what is missing.
Check = Callable[["Matter", str], Any]

_checks: list[Check] = []


def register(check: Check) -> Check:
    if check not in _checks:
        _checks.append(check)
    return check


def unregister(check: Check) -> None:
    if check in _checks:
        _checks.remove(check)


def refusal(matter: Matter, step: str) -> Any:
    for check in _checks:
        refused = check(matter, step)
        if refused:
            return refused
    return None
