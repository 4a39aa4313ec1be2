"""What decisions ask of people: resolutions to publish at once, meetings waiting for a vote."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cunzhi.core import attention
from cunzhi.core.attention import AttentionItem, Kind
from cunzhi.core.regioncodes import Level, level_of
from cunzhi.decisions.models import Matter, MatterState


@attention.register
def matters(user: Any, post: Any) -> list[AttentionItem]:
    if post is None or level_of(post.region_code) != Level.VILLAGE:
        return []
    counts = attention.count(
        Matter.objects.for_user(user, "change").filter(region_code=post.region_code),
        # Major matters are published at once (Art. 30): a resolution waits for nobody.
        decided=Q(state=MatterState.DECIDED),
    )
    url = reverse("decisions:matters", args=[post.region_code])
    return [AttentionItem(_("Resolutions to publish"), counts["decided"], url, Kind.DECIDE)]
