"""What the public board asks of people: objections to answer, disclosures overdue."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.core import attention
from cunzhi.core.attention import AttentionItem, Kind
from cunzhi.core.regioncodes import level_of
from cunzhi.openness.disclosure import compliance
from cunzhi.openness.models import Objection


@attention.register
def objections(user: Any, post: Any) -> list[AttentionItem]:
    if post is None:
        return []
    counts = attention.count(
        Objection.objects.for_user(user, "change"), open=Q(answered_on__isnull=True)
    )
    url = reverse("openness:compliance", args=[post.region_code])
    return [AttentionItem(_("Objections to answer"), counts["open"], url, Kind.DECIDE)]


@attention.register(queries=3)
def disclosures(user: Any, post: Any) -> list[AttentionItem]:
    """Overdue disclosures of the villages of the post's region: villages, notices, the rules."""
    if post is None or level_of(post.region_code) not in {"village", "township", "county"}:
        return []
    today = timezone.localdate()
    late = sum(len(v.overdue(today)) for v in compliance(user, post.region_code, today))
    url = reverse("openness:compliance", args=[post.region_code])
    return [AttentionItem(_("Disclosures overdue"), late, url, Kind.OVERDUE)]
