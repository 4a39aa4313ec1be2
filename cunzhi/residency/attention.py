"""What needs attention in residency: cadres at risk of missing the year, leave to decide.

For whoever manages cadres (the township, the county organisation department): the cadres in
scope who can no longer meet the year's share or are at risk, read from the rollup (a constant
number of queries however many cadres), and the leave requests waiting for their approval.
"""

from __future__ import annotations

from typing import Any

from django.db.models import FilteredRelation, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.core import attention
from cunzhi.core.attention import AttentionItem, Kind
from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.residency.compliance import Status
from cunzhi.residency.models import (
    Dispatch,
    DispatchStatus,
    LeaveRequest,
    LeaveState,
    SupportGap,
    support_gap_conditions,
)
from cunzhi.residency.scoping import residency_scope
from cunzhi.residency.selectors import compliance_table
from cunzhi.residency.workflows import COUNTY_APPROVES, TOWNSHIP_APPROVES, township_limit

MANAGES = ("residency.change_presenceday", COUNTY_APPROVES)


def _holds(user: Any, permission: str) -> bool:
    scope = residency_scope(user, permission)
    return not isinstance(scope, tuple) or bool(scope[0] or scope[1])


# The dispatches and their months, the rules of the county, the calendar's stamp; the leave
# requests waiting, and the township's limit read on the first of them.
@attention.register(queries=7)
def residency(user: Any, post: Any) -> list[AttentionItem]:
    if post is None or not any(_holds(user, p) for p in MANAGES):
        return []
    today = timezone.localdate()
    url = reverse("residency:compliance")
    items = []
    try:
        rows = compliance_table(user, today.year, on=today)
    except CalendarYearMissing:
        rows = []
    cannot = sum(1 for r in rows if r.status == Status.CANNOT_MEET)
    at_risk = sum(1 for r in rows if r.status == Status.AT_RISK)
    items.append(
        AttentionItem(
            _("Cadres who can no longer meet the year's days in the village"),
            cannot,
            f"{url}?status={Status.CANNOT_MEET}",
            Kind.OVERDUE,
        )
    )
    items.append(
        AttentionItem(
            _("Cadres at risk of missing the year's days in the village"),
            at_risk,
            f"{url}?status={Status.AT_RISK}",
            Kind.DUE_SOON,
        )
    )
    waiting = list(
        LeaveRequest.objects.for_user(user, "view")
        .filter(state=LeaveState.REQUESTED)
        .only("pk", "region_code", "starts_on", "working_days")[:500]
    )
    if waiting:
        limit = township_limit(waiting[0])
        mine = 0
        for leave in waiting:
            short = leave.working_days <= limit
            if (short and _holds(user, TOWNSHIP_APPROVES)) or (
                not short and _holds(user, COUNTY_APPROVES)
            ):
                mine += 1
        items.append(
            AttentionItem(
                _("Leave requests waiting for your approval"),
                mine,
                reverse("residency:leaves") + f"?state={LeaveState.REQUESTED}",
                Kind.DECIDE,
            )
        )
    return items


# The support ledger: what the sending units have not provided, for their contacts and the county
# organisation department (the ones who write the ledger). One aggregate over the serving
# dispatches in scope, each joined to this year's ledger, if any.
@attention.register(queries=1)
def residency_support(user: Any, post: Any) -> list[AttentionItem]:
    if post is None or not _holds(user, "residency.change_supportyear"):
        return []
    today = timezone.localdate()
    gaps = support_gap_conditions(today, prefix="ledger__")
    counts = attention.count(
        Dispatch.objects.for_user(user, "view")
        .filter(status=DispatchStatus.SERVING)
        .annotate(ledger=FilteredRelation("support", condition=Q(support__year=today.year))),
        none=Q(ledger__pk__isnull=True),
        **{str(name): Q(ledger__pk__isnull=False) & condition for name, condition in gaps.items()},
    )
    url = reverse("residency:support_list")
    items = [
        AttentionItem(
            _("Cadres with no support ledger this year"),
            counts["none"],
            reverse("residency:compliance"),
            Kind.OVERDUE,
        )
    ]
    for gap in SupportGap:
        items.append(
            AttentionItem(
                str(gap.label),
                counts[str(gap)],
                f"{url}?year={today.year}&missing={gap.value}",
                Kind.OVERDUE,
            )
        )
    return items
