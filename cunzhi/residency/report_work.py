"""The year report's home visits and villagers' demands (述职: 走访, 民情诉求), read from the
``visits`` and ``demands`` apps' own models.

Whose they are, as the records allow:

- **Visits**: the visits of the dispatch's village, in the part of the year the dispatch served,
  with the cadre's account among the visiting cadres (a visit made with village cadres counts for
  each of them). Another cadre's visits to the same households do not count.
- **Demands**: a demand names no one who registered it (the audit event does, not the row), and
  its assignee is cleared when it escalates, so neither says whose it was. A resident cadre
  answers for the village's demands while serving there: the report counts the demands of the
  dispatch's village registered in the part of the year the dispatch served, and says how many
  of them were assigned to the cadre and how many came from the cadre's own visits.

States are today's (the day the report is printed): a demand registered in the year and resolved
in the next counts as resolved. "On time" is resolved on or before the day it was due last (an
escalation sets a new day); "overdue" is still open with that day passed, from the dates (as the
lists count it, not only the sweep's mark).

Three queries, whatever the number of visits and demands: the visits, the longest findings, the
demands by category.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import Length

from cunzhi.core.workflow import deadline_q
from cunzhi.demands.models import OPEN_STATES, Demand, DemandState
from cunzhi.visits.models import Visit, VisitPurpose

VISIT_HIGHLIGHTS = 3  # visits quoted with their findings (the longest of the year)
RESOLVED_STATES = (DemandState.RESOLVED, DemandState.CONFIRMED)
ORDER = {value: n for n, value in enumerate(VisitPurpose.values)}  # ties in the choices' order


@dataclass
class VisitFigures:
    visits: int = 0
    households: int = 0  # distinct households visited
    by_month: dict[int, int] = field(default_factory=dict)
    by_purpose: list[tuple[str, int]] = field(default_factory=list)  # (label, count), most first
    highlights: list[Visit] = field(default_factory=list)
    visit_ids: list[int] = field(default_factory=list)


@dataclass
class CategoryFigures:
    name: str
    registered: int = 0
    resolved: int = 0
    on_time: int = 0
    open: int = 0
    overdue: int = 0


@dataclass
class DemandFigures:
    registered: int = 0
    resolved: int = 0  # resolved, or resolved and confirmed by the villager
    on_time: int = 0
    open: int = 0
    overdue: int = 0
    rejected: int = 0
    merged: int = 0
    assigned_to_cadre: int = 0
    from_cadre_visits: int = 0
    by_category: list[CategoryFigures] = field(default_factory=list)


def visit_figures(
    user: Any, village_id: int, start: datetime.date, end: datetime.date
) -> VisitFigures:
    """The cadre's visits in the village between ``start`` and ``end``: two queries."""
    visits = Visit.objects.filter(
        region_id=village_id, cadres=user, visited_on__gte=start, visited_on__lte=end
    )
    rows = list(visits.values_list("pk", "visited_on", "household_id", "purpose"))
    labels = dict(VisitPurpose.choices)
    figures = VisitFigures(
        visits=len(rows),
        households=len({household for _pk, _on, household, _p in rows}),
        by_month=dict(Counter(on.month for _pk, on, _h, _p in rows)),
        by_purpose=[
            (str(labels.get(purpose, purpose)), count)
            for purpose, count in sorted(
                Counter(p for _pk, _on, _h, p in rows).items(),
                key=lambda item: (-item[1], ORDER.get(item[0], len(ORDER))),
            )
        ],
        visit_ids=[pk for pk, _on, _h, _p in rows],
    )
    if rows:
        longest = visits.only("visited_on", "purpose", "findings").order_by(
            Length("findings").desc(), "visited_on", "pk"
        )[:VISIT_HIGHLIGHTS]
        figures.highlights = sorted(longest, key=lambda v: (v.visited_on, v.pk))
    return figures


def demand_figures(
    user: Any,
    village_id: int,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
    visit_ids: list[int],
) -> DemandFigures:
    """The village's demands registered between ``start`` and ``end``, by category: one query."""
    open_ = Q(state__in=OPEN_STATES)
    resolved = Q(state__in=RESOLVED_STATES)
    on_time = resolved & Q(resolved_on__lte=F("resolve_by"))
    refs = [f"visits.visit:{pk}" for pk in visit_ids]
    rows = (
        Demand.objects.filter(
            region_id=village_id, registered_on__gte=start, registered_on__lte=end
        )
        .values("category__name", "category__order", "category__code")
        .annotate(
            registered=Count("pk"),
            resolved=Count("pk", filter=resolved),
            on_time=Count("pk", filter=on_time),
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=open_ & deadline_q("overdue", today)),
            rejected=Count("pk", filter=Q(state=DemandState.REJECTED)),
            merged=Count("pk", filter=Q(state=DemandState.MERGED)),
            assigned=Count("pk", filter=Q(assignee=user)),
            # the cadre's visits' demands; none to ask for when the cadre made no visit
            **({"from_visits": Count("pk", filter=Q(source_ref__in=refs))} if refs else {}),
        )
        .order_by("category__order", "category__code")
    )
    figures = DemandFigures()
    for row in rows:
        category = CategoryFigures(
            name=row["category__name"],
            registered=row["registered"],
            resolved=row["resolved"],
            on_time=row["on_time"],
            open=row["open"],
            overdue=row["overdue"],
        )
        figures.by_category.append(category)
        figures.registered += category.registered
        figures.resolved += category.resolved
        figures.on_time += category.on_time
        figures.open += category.open
        figures.overdue += category.overdue
        figures.rejected += row["rejected"]
        figures.merged += row["merged"]
        figures.assigned_to_cadre += row["assigned"]
        from_visits = row.get("from_visits", 0)
        assert isinstance(from_visits, int)
        figures.from_cadre_visits += from_visits
    return figures
