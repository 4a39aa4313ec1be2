"""What petitions and mediation put on a person's home page (docs/kit.md, "Attention").

Petitions past or near their statutory date, mediation cases past their month, and, for a post
at the township or the county, open cases flagged as a risk of a collective incident: each count
in one aggregate on the rows that can count (the deadline index, the risk flag).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.core import attention
from cunzhi.core.attention import AttentionItem, Kind
from cunzhi.core.regioncodes import Level, level_of
from cunzhi.core.workflow import deadline_q
from cunzhi.disputes.models import CASE_OPEN, PETITION_OPEN, MediationCase, Petition


def _area(post: Any) -> str | None:
    """The post's village, township or county code (read from the code: no query)."""
    if post is None or level_of(post.region_code) not in AREAS:
        return None
    return str(post.region_code)


AREAS = (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY)


@attention.register
def petitions(user: Any, post: Any) -> list[AttentionItem]:
    code = _area(post)
    if code is None:
        return []
    today = timezone.localdate()
    overdue, soon = deadline_q("overdue", today), deadline_q("soon", today)
    counts = attention.count(
        Petition.objects.for_user(user, "view").filter(overdue | soon, state__in=PETITION_OPEN),
        overdue=overdue,
        soon=soon,
    )
    url = reverse("disputes:petitions", args=[code])
    return [
        AttentionItem(_("Petitions past their time limit"), counts["overdue"],
                      f"{url}?deadline=overdue", Kind.OVERDUE),
        AttentionItem(_("Petitions near their time limit"), counts["soon"],
                      f"{url}?deadline=soon", Kind.DUE_SOON),
    ]  # fmt: skip


@attention.register
def mediation(user: Any, post: Any) -> list[AttentionItem]:
    code = _area(post)
    if code is None:
        return []
    today = timezone.localdate()
    overdue = deadline_q("overdue", today)
    # The township and the county watch the risk flags (维稳); a village sees its own cases.
    watch_risk = level_of(code) != Level.VILLAGE
    relevant = overdue | Q(risk_flag=True) if watch_risk else overdue
    conditions = {"overdue": overdue, **({"risk": Q(risk_flag=True)} if watch_risk else {})}
    counts = attention.count(
        MediationCase.objects.for_user(user, "view").filter(relevant, state__in=CASE_OPEN),
        **conditions,
    )
    url = reverse("disputes:cases", args=[code])
    items = [
        AttentionItem(
            _("Mediation cases past their time limit"),
            counts["overdue"],
            f"{url}?deadline=overdue",
            Kind.OVERDUE,
        ),
    ]
    if watch_risk:
        items.append(
            AttentionItem(
                _("Disputes at risk of a collective incident"),
                counts["risk"],
                f"{url}?watch=risk&state=open",
                Kind.DECIDE,
            )
        )
    return items  # fmt: skip
