"""The kit's attention items: what an app's ``attention.py`` looks like."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from cunzhi.core import attention
from cunzhi.core.attention import AttentionItem, Kind
from cunzhi.core.tests.kit.models import Errand

LIST_URL = "/kit/errands/"


@attention.register
def errands(user: Any, post: Any) -> list[AttentionItem]:
    """Overdue, waiting for this person, and due soon: three counts in one query.

    The filter keeps only the rows that can count, so the query walks the two indexes' ranges
    (deadline state, assignee) instead of every open errand of a county.
    """
    waiting_for_me = Q(assignee=user, status=Errand.Status.WAITING)
    relevant = Errand.objects.for_user(user, "view").filter(
        Q(due_state__in=[Errand.DueState.OVERDUE, Errand.DueState.SOON]) | waiting_for_me,
        status__in=[Errand.Status.OPEN, Errand.Status.WAITING],
    )
    counts = attention.count(
        relevant,
        overdue=Q(due_state=Errand.DueState.OVERDUE),
        mine=waiting_for_me,
        soon=Q(due_state=Errand.DueState.SOON),
    )
    return [
        AttentionItem(
            "Errands overdue", counts["overdue"], f"{LIST_URL}?due=overdue", Kind.OVERDUE
        ),
        AttentionItem("Errands waiting for you", counts["mine"], f"{LIST_URL}?mine=1", Kind.DECIDE),
        AttentionItem("Errands due soon", counts["soon"], f"{LIST_URL}?due=soon", Kind.DUE_SOON),
    ]
