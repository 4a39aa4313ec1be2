"""The demo county's demands: every state, some overdue, escalated by the sweep, some reopened.

Written through the services (DESIGN rule 3), from the context's seeded random: the same county
each run. Dates are counted back from today so that the demo always has something overdue.
"""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cunzhi.demands.models import Demand, DemandCategory
from cunzhi.demands.selectors import cadres_for
from cunzhi.demands.services import demand_create, demand_merge, demand_transition

if TYPE_CHECKING:
    from cunzhi.core.demo import DemoContext

# (category, subject, description, subjective cause, objective cause)
MATTERS = [
    ("roads", "村道塌方", "上寨到下寨的村道雨后塌方约十米，摩托车无法通行。", "",
     "连日暴雨，路基为回填土"),
    ("drinking_water", "自来水停水", "下寨自来水已停三天，老人只能到河边挑水。",
     "管护员巡查不到位", "水池进水管被山洪冲断"),
    ("housing", "危房漏雨", "老屋屋顶多处漏雨，雨季有垮塌风险。", "", "土木结构房屋建于七十年代"),
    ("schooling", "孩子上学接送难", "小学撤并后孩子上学要走一个多小时山路。", "",
     "校车线路未覆盖本组"),
    ("employment", "想参加技能培训", "返乡后想学电工，希望村里联系培训。", "", ""),
    ("medical", "慢性病报销", "高血压门诊费用报销不了，不知道怎么办理慢特病。",
     "政策宣传不够", ""),
    ("social_security", "养老保险没到账", "这个月的养老金没有到账。", "", "银行卡信息变更未同步"),
    ("environment", "垃圾池满了没人清", "村口垃圾池满了一周没人清运，气味很大。",
     "保洁员排班不合理", "清运车辆故障"),
    ("land", "宅基地界址争议", "与邻居对宅基地边界有不同意见，想请村里量一下。", "",
     "早年登记图纸不清"),
    ("disputes", "灌溉用水纠纷", "两户因轮灌顺序发生争执。", "轮灌制度没有公示", "今年干旱"),
    ("culture", "文化广场没有灯", "晚上跳广场舞没有照明。", "", "广场建设时未安装路灯"),
    ("other", "村里信号差", "上寨手机信号很差，打不通电话。", "", "基站覆盖不足"),
]  # fmt: skip

SOURCES = ["visit", "walk_in", "phone", "meeting", "visit", "visit"]
# Where each demand ends, and how long ago it was registered (days).
PLAN = [
    ("registered", 2), ("accepted", 5), ("in_progress", 8), ("resolved", 12),
    ("confirmed", 20), ("confirmed", 40), ("reopened", 25), ("rejected", 15),
    ("overdue", 45), ("overdue", 70), ("merged", 3), ("in_progress", 1),
]  # fmt: skip


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 140, 110)).save(output, "JPEG")
    return SimpleUploadedFile("现场照片.jpg", output.getvalue(), content_type="image/jpeg")


def _step(actor: Any, demand: Demand, name: str, today: datetime.date, **inputs: Any) -> None:
    demand_transition(
        actor=actor,
        demand=demand,
        name=name,
        expected_version=demand.version,
        today=today,
        **inputs,
    )


def seed(ctx: DemoContext) -> None:
    from cunzhi.registry.models import Household

    today = timezone.localdate()
    categories = {c.code: c for c in DemandCategory.objects.all()}
    villages = [r for r in ctx.regions.values() if getattr(r, "is_village", False)][:6]
    for village in villages:
        cadres = list(cadres_for(village).filter(posts__region=village).order_by("pk"))
        if not cadres:
            continue
        cadre, assignee = cadres[0], cadres[-1]
        households = list(Household.objects.filter(region=village).order_by("pk")[:24])
        created: list[Demand] = []
        for index, (end, days_ago) in enumerate(PLAN):
            code, title, description, subjective, objective = MATTERS[
                (index + ctx.rng.randrange(len(MATTERS))) % len(MATTERS)
            ]
            registered = today - datetime.timedelta(days=days_ago)
            household = households[index % len(households)] if households else None
            demand = demand_create(
                actor=cadre,
                village=village,
                category=categories[code],
                title=title,
                description=description,
                source=SOURCES[index % len(SOURCES)],
                household=household if index % 5 else None,
                anonymous=household is None or index % 5 == 0,
                priority=ctx.rng.choice(["normal", "normal", "high", "urgent", "low"]),
                cause_subjective=subjective,
                cause_objective=objective,
                assignee=assignee if end != "registered" else None,
                registered_on=registered,
                today=registered,
            )
            created.append(demand)
            _advance(cadre, demand, end, registered, created, ctx)
    # The worker's sweep ran until ten days ago: the long overdue went up a level; the recently
    # overdue wait in the lists, which count overdue from the dates.
    _escalate_the_overdue(today - datetime.timedelta(days=10))


def _advance(
    cadre: Any,
    demand: Demand,
    end: str,
    registered: datetime.date,
    created: list[Demand],
    ctx: DemoContext,
) -> None:
    day = registered + datetime.timedelta(days=1)
    if end == "registered":
        return
    if end == "merged":
        demand_merge(actor=cadre, demand=demand, into=created[0], expected_version=demand.version)
        return
    if end == "rejected":
        _step(cadre, demand, "reject", day, reason="属于个人合同纠纷，已告知通过司法途径解决。")
        return
    _step(cadre, demand, "accept", day, comment="已受理，安排专人跟进。")
    if end in ("accepted", "overdue"):
        return
    _step(cadre, demand, "start", day, comment="已到现场查看。")
    if end == "in_progress":
        return
    resolved_on = registered + datetime.timedelta(days=ctx.rng.randint(3, 9))
    _step(cadre, demand, "resolve", resolved_on, resolution="已协调有关部门处理完毕。",
          attachment=_photo())  # fmt: skip
    if end == "confirmed":
        _step(cadre, demand, "confirm", resolved_on, satisfaction=ctx.rng.choice([4, 5, 5, 3]),
              comment="电话回访，村民表示满意。")  # fmt: skip
    elif end == "reopened":
        _step(cadre, demand, "reopen", resolved_on, reason="村民反映问题仍然存在。")


def _escalate_the_overdue(today: datetime.date) -> None:
    """What the worker's sweep would have done by ``today``: overdue demands go up a level."""
    from cunzhi.core.workflow import workflow_for
    from cunzhi.core.workflow.sweep import SweepReport, sweep_one

    workflow = workflow_for(Demand)
    report = SweepReport()
    for demand in Demand.objects.filter(sweep_on__lte=today).order_by("pk"):
        sweep_one(workflow, demand, today, report)
