"""The demo county's work plans: a plan per village for this year, objectives under the first
secretary's roles, tasks through the year, and a rectification ledger. Through the services."""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cunzhi.demands.selectors import cadres_for
from cunzhi.plans.services import (
    ledgeritem_create,
    ledgeritem_transition,
    objective_add,
    plan_create,
    task_create,
    task_progress,
)

if TYPE_CHECKING:
    from cunzhi.core.demo import DemoContext

OBJECTIVES = [
    (
        "party_building",
        "organisation",
        "支部规范化建设达标，三会一课按时开展",
        [(2, "制定支部年度学习计划"), (6, "七一主题党日"), (11, "年度组织生活会")],
    ),
    (
        "economy",
        "prosperity",
        "村集体经济收入超过10万元",
        [(3, "成立花椒专业合作社"), (5, "流转土地200亩"), (9, "首批花椒销售")],
    ),
    (
        "petition_agent",
        "service",
        "群众诉求按期办结率达到95%",
        [(1, "全覆盖走访脱贫户和监测户"), (7, "回访上半年诉求办理情况")],
    ),
    ("educator", "prosperity", "开展实用技术培训4期", [(4, "电工培训"), (10, "电商直播培训")]),
    ("branch_secretary", "governance", "完善村规民约和四议两公开", [(8, "修订村规民约")]),
]
LEDGER = [
    ("三会一课记录不全", "补齐记录，每月5日前检查"),
    ("村务公开栏信息未按月更新", "指定专人每月更新，拍照留档"),
    ("防返贫监测台账信息与系统不一致", "逐户核对，月底前更正"),
]


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (320, 240), (150, 130, 110)).save(output, "JPEG")
    return SimpleUploadedFile("佐证.jpg", output.getvalue(), content_type="image/jpeg")


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    villages = [r for r in ctx.regions.values() if getattr(r, "is_village", False)]
    for village in villages:
        cadres = list(cadres_for(village).filter(posts__region=village).order_by("pk"))
        everyone = list(cadres_for(village).order_by("pk"))
        if not cadres or len(everyone) < 2:
            continue
        signer = next(person for person in everyone if person.pk != cadres[0].pk)
        plan = plan_create(
            actor=cadres[0], village=village, year=today.year, title=f"{today.year}年度驻村工作计划"
        )
        for role, duty, title, tasks in OBJECTIVES:
            objective = objective_add(actor=cadres[0], plan=plan, role=role, duty=duty, title=title)
            for month, task_title in tasks:
                owner = cadres[(month + len(title)) % len(cadres)]
                task = task_create(
                    actor=cadres[0],
                    plan=plan,
                    objective=objective,
                    title=task_title,
                    owner=owner,
                    due_on=datetime.date(today.year, month, 25),
                )
                if month < today.month:
                    task_progress(
                        actor=owner,
                        task=task,
                        expected_version=task.version,
                        status="done",
                        progress="已按计划完成。",
                        evidence=_photo(),
                    )
                elif month == today.month:
                    task_progress(
                        actor=owner,
                        task=task,
                        expected_version=task.version,
                        status="in_progress",
                        progress="正在推进。",
                    )
        for index, (problem, measure) in enumerate(LEDGER):
            item = ledgeritem_create(
                actor=cadres[0],
                village=village,
                problem=problem,
                measure=measure,
                responsible=cadres[index % len(cadres)],
                deadline_on=today + datetime.timedelta(days=30 * index - 20),
                today=today,
            )
            if index == 0:
                ledgeritem_transition(
                    actor=cadres[0],
                    ledgeritem=item,
                    name="close",
                    expected_version=item.version,
                    closing_note="已补齐记录。",
                    attachment=_photo(),
                )
                ledgeritem_transition(
                    actor=signer,
                    ledgeritem=item,
                    name="sign_off",
                    expected_version=item.version,
                    comment="验收合格。",
                )
