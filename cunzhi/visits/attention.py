"""Households due for a visit by the frequency their tags set (``visits.visit_every_days_by_tag``),
on the home page of the cadres who visit (one query).

The issue asks for the cadres paired with each household; the cadre–household pairing (结对帮扶)
belongs to ``assistance``, not built yet: until then every cadre who records the village's visits
sees the village's count.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cunzhi.core import attention
from cunzhi.core.attention import AttentionItem, Kind
from cunzhi.core.scoping import has_permission_anywhere
from cunzhi.visits.selectors import due_count


# Two queries: the rule in force (each tag's frequency, a dated policy parameter) and the count.
@attention.register(queries=2)
def visits_due(user: Any, post: Any) -> list[AttentionItem]:
    if post is None or not has_permission_anywhere(user, "visits.add_visit"):
        return []
    count = due_count(user, post.region_code)
    return [
        AttentionItem(_("Households due for a visit"), count, reverse("visits:today"), Kind.OVERDUE)
    ]
