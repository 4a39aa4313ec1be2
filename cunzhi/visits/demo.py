"""The demo county's home visits: most households visited this year, the tagged ones more often,
a few needs turned into demands on the spot. Written through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from cunzhi.demands.models import DemandCategory
from cunzhi.demands.selectors import cadres_for
from cunzhi.registry.models import Household
from cunzhi.visits.services import Need, visit_record

if TYPE_CHECKING:
    from cunzhi.core.demo import DemoContext

FINDINGS = {
    "survey": "家中人口、收入、住房情况已核实，与台账一致。",
    "policy": "宣讲了医保缴费和防返贫监测政策，户主表示了解。",
    "follow_up": "回访上次反映的问题，已基本解决。",
    "care": "老人身体尚可，独居，叮嘱注意用电用火安全。",
    "mediation": "与邻居的排水沟纠纷已当面说开，双方同意共同清理。",
}
NEEDS = [
    ("roads", "入户路泥泞", "雨天入户路泥泞，老人出行困难。"),
    ("medical", "慢病药品", "高血压药吃完了，卫生室缺货。"),
    ("housing", "屋顶漏雨", "厨房屋顶漏雨，需要修补。"),
]


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    categories = {c.code: c for c in DemandCategory.objects.all()}
    villages = [r for r in ctx.regions.values() if getattr(r, "is_village", False)][:6]
    for village in villages:
        cadres = list(cadres_for(village).filter(posts__region=village).order_by("pk"))
        if not cadres:
            continue
        households = list(
            Household.objects.filter(region=village).select_related("group", "region")
        )
        for index, household in enumerate(households):
            if ctx.rng.random() < 0.3:
                continue  # not visited yet this year: coverage below 100%
            purpose = list(FINDINGS)[index % len(FINDINGS)]
            days_ago = ctx.rng.randrange(1, max(2, today.timetuple().tm_yday))
            need = None
            if index % 9 == 4:
                code, title, description = NEEDS[index % len(NEEDS)]
                need = Need(categories[code], title, description)
            visit_record(
                actor=cadres[0],
                household=household,
                visited_on=today - datetime.timedelta(days=days_ago),
                cadres=cadres[: 1 + index % 2],
                purpose=purpose,
                findings=FINDINGS[purpose],
                latitude=Decimal("25.04") + Decimal(ctx.rng.randrange(1000)) / 100000,
                longitude=Decimal("102.71") + Decimal(ctx.rng.randrange(1000)) / 100000,
                need=need,
            )
