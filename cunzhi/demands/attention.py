"""Demands on the home page: overdue, waiting for me, escalated to my level (docs/kit.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.core import attention
from cunzhi.core.attention import AttentionItem, Kind
from cunzhi.core.scoping import has_permission_anywhere
from cunzhi.core.workflow import deadline_q
from cunzhi.demands.models import OPEN_STATES, Demand, DemandState


@attention.register
def demands(user: Any, post: Any) -> list[AttentionItem]:
    """Three counts in one query, on the deadline and assignee indexes."""
    if post is None or not has_permission_anywhere(user, "demands.view_demand"):
        return []
    overdue = deadline_q("overdue", timezone.localdate())
    mine = Q(assignee=user)
    escalated = Q(state=DemandState.ESCALATED)
    takes_over = has_permission_anywhere(user, "demands.take_over_demand")
    relevant = Demand.objects.for_user(user, "view").filter(
        (overdue | mine | escalated) if takes_over else (overdue | mine), state__in=OPEN_STATES
    )
    counts = attention.count(relevant, overdue=overdue, mine=mine, escalated=escalated)
    listing = reverse("demands:list", args=[post.region_code])
    items = [
        AttentionItem(
            _("Demands overdue"), counts["overdue"], f"{listing}?deadline=overdue", Kind.OVERDUE
        ),
        AttentionItem(
            _("Demands waiting for you"), counts["mine"], reverse("demands:mine"), Kind.DECIDE
        ),
    ]
    if takes_over:
        items.append(
            AttentionItem(
                _("Escalated demands to take over"),
                counts["escalated"],
                reverse("demands:escalated"),
                Kind.DECIDE,
            )
        )
    return items
