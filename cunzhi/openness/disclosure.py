"""The disclosure schedule (公开时限): what each village must publish, how often, and what is late.

Village affairs and party affairs at least quarterly, finances monthly (where transactions are
many: a county with few sets its own interval), from dated policy parameters (Art. 30). Major
matters are published at once: the decisions app counts resolutions waiting to be published.
Benefits lists are published per list, with their publicity period, and have no schedule.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from cunzhi.core import policy
from cunzhi.core.regioncodes import Level, prefix_of
from cunzhi.openness.models import Notice, NoticeCategory
from cunzhi.regions.models import Region

SCHEDULE = {
    NoticeCategory.VILLAGE: "openness.disclosure_interval_months",
    NoticeCategory.PARTY: "openness.disclosure_interval_months",
    NoticeCategory.FINANCE: "openness.finance_disclosure_interval_months",
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Due:
    category: str
    label: str
    months: int
    last: datetime.date | None
    due_on: datetime.date | None  # None: nothing was ever published, so it is due now

    def overdue(self, today: datetime.date) -> bool:
        return self.due_on is None or self.due_on < today


@dataclass(frozen=True)
class VillageCompliance:
    village: Region
    items: list[Due]

    def overdue(self, today: datetime.date) -> list[Due]:
        return [item for item in self.items if item.overdue(today)]


def compliance(user: Any, code: str, today: datetime.date) -> list[VillageCompliance]:
    """Every village under the region ``code`` (or the village itself) with its schedule, in three
    queries: the villages, the last publication of each kind, the rules in force."""
    villages = list(
        Region.objects.for_user(user, "view")
        .filter(level=Level.VILLAGE)
        .in_region(prefix_of(code))
        .order_by("code")
    )
    last = {
        (row["region_code"], row["category"]): row["last"]
        for row in Notice.objects.for_user(user, "view")
        .in_region(prefix_of(code))
        .filter(category__in=list(SCHEDULE))
        .values("region_code", "category")
        .annotate(last=Max("published_on"))
        .order_by()
    }
    rules = policy.rules_in_force(code, today)  # one query for every key
    months = {
        category: int(
            rules[key][2] if key in rules else policy.get(key, region_code=code, on=today)
        )
        for category, key in SCHEDULE.items()
    }
    result = []
    for village in villages:
        items = []
        for category in SCHEDULE:
            published = last.get((village.code, category))
            items.append(
                Due(
                    category,
                    str(NoticeCategory(category).label),
                    months[category],
                    published,
                    add_months(published, months[category]) if published else None,
                )
            )
        result.append(VillageCompliance(village, items))
    return result
