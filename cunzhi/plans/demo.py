"""The demo county's work plans (``seed`` for ``seed_demo``), written through the services.

Every demo village gets this year's plan: objectives under the five roles, tasks spread over the
twelve months in every status (done, in progress, not started, overdue), milestones and progress
notes; and a rectification ledger with items open, overdue and closed off with evidence. The
plans of the villages with a full team are submitted and approved by the township.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cunzhi.core.regioncodes import Level
from cunzhi.plans import services
from cunzhi.plans.selectors import people_of_village
from cunzhi.regions.models import Region

if TYPE_CHECKING:
    from cunzhi.core.demo import DemoContext

# (role, duty, objective, [(task, planned start month, planned end month)])
OBJECTIVES = (
    (
        "party_building",
        "strengthen_party",
        "规范支部组织生活",
        [
            ("落实“三会一课”，每月主题党日", 1, 12),
            ("发展入党积极分子2名", 3, 9),
        ],
    ),
    (
        "petition_agent",
        "serve_people",
        "群众诉求件件有回音",
        [
            ("走访全村农户，建立民情台账", 1, 3),
            ("每月开展一次矛盾纠纷排查", 2, 11),
        ],
    ),
    (
        "economic_guide",
        "prosperity",
        "壮大村集体经济",
        [
            ("建设50亩高原特色产业示范基地", 2, 6),
            ("成立农民专业合作社", 4, 8),
            ("申报冷链仓储项目", 7, 10),
        ],
    ),
    (
        "farmer_educator",
        "serve_people",
        "提升农民技能",
        [
            ("开展种植技术培训4期", 3, 11),
        ],
    ),
    (
        "branch_secretary",
        "governance",
        "完善村规民约与村务公开",
        [
            ("修订村规民约并经村民代表会议通过", 5, 7),
            ("按季度更新村务公开栏", 1, 12),
            ("组织年终述职评议", 12, 12),
        ],
    ),
)

RECTIFICATIONS = (
    ("村务公开栏未按季度更新", "inspection", "明确专人负责，每季度首月10日前更新"),
    ("党员发展档案材料不全", "supervision", "对照发展党员工作细则逐项补齐"),
    ("村集体资产台账与实物不符", "audit", "组织清产核资，更新资产台账"),
    ("人居环境整治存在卫生死角", "self_check", "划分责任区，每周巡查"),
    ("部分农户反映灌溉渠堵塞", "villagers", "组织清淤，建立管护制度"),
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _last_day(year: int, month: int) -> datetime.date:
    after = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return after - datetime.timedelta(days=1)


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    villages = Region.objects.filter(level=Level.VILLAGE).order_by("code")
    for index, village in enumerate(villages):
        people = list(people_of_village(village))
        if not people:
            continue
        _seed_plan(ctx, village, people, today, approve=index % 3 == 0)
        _seed_ledger(ctx, village, people, today)


def _seed_plan(
    ctx: DemoContext, village: Region, people: list[Any], today: datetime.date, *, approve: bool
) -> None:
    year = today.year
    admin = ctx.admin
    plan = services.plan_create(
        actor=admin,
        village=village,
        year=year,
        title=f"{village.name}{year}年度驻村工作计划",
        summary="围绕第一书记“五大员”职责和建强村党组织、推进强村富民、提升治理水平、为民办事服务四项职责，列出时间节点，逐项推进落实。",
    )
    tasks = []
    for role, duty, title, task_specs in OBJECTIVES:
        objective = services.objective_add(
            actor=admin, plan=plan, role=role, duty=duty, title=title
        )
        for name, start, end in task_specs:
            planned_start = datetime.date(year, start, 1)
            planned_end = _last_day(year, end)
            tasks.append(
                services.task_create(
                    actor=admin,
                    objective=objective,
                    title=name,
                    owner=ctx.rng.choice(people),
                    planned_start=planned_start,
                    planned_end=planned_end,
                    today=datetime.date(year, 1, 5),
                )
            )
    if approve:
        plan.refresh_from_db()
        services.plan_transition(
            actor=admin,
            plan=plan,
            name="submit",
            expected_version=plan.version,
            today=datetime.date(year, 1, 10),
            comment="请镇党委审定",
        )
        services.plan_transition(
            actor=admin,
            plan=plan,
            name="approve",
            expected_version=plan.version,
            today=datetime.date(year, 1, 20),
            comment="同意",
        )
    for task in tasks:
        _milestone(ctx, task, today)
        _progress(ctx, task, today)


def _milestone(ctx: DemoContext, task: Any, today: datetime.date) -> None:
    """A time node half-way through the task, reached when its day has passed."""
    halfway = task.planned_start + (task.planned_end - task.planned_start) / 2
    milestone = services.milestone_add(
        actor=ctx.admin, task=task, title="完成阶段性目标并报送进展", due_on=halfway
    )
    if halfway < today:
        services.milestone_reach(
            actor=ctx.admin, milestone=milestone, reached_on=halfway, expected_version=None
        )


def _progress(ctx: DemoContext, task: Any, today: datetime.date) -> None:
    """Tasks that have begun are started; most of those ended are done, some left overdue."""
    if task.planned_start > today:
        return  # not started yet
    services.task_transition(
        actor=ctx.admin,
        task=task,
        name="start",
        expected_version=task.version,
        today=task.planned_start,
    )
    services.progress_note_add(
        actor=ctx.admin,
        task=task,
        text="已召开专题会议部署，明确分工。",
        written_on=task.planned_start,
    )
    if task.planned_end < today and ctx.rng.random() < 0.7:
        done_on = task.planned_end - datetime.timedelta(days=ctx.rng.randint(0, 10))
        services.progress_note_add(
            actor=ctx.admin,
            task=task,
            text="任务已完成，材料已归档。",
            written_on=done_on,
            evidence=SimpleUploadedFile("完成情况.pdf", PDF, content_type="application/pdf"),
        )
        services.task_transition(
            actor=ctx.admin,
            task=task,
            name="finish",
            expected_version=task.version,
            today=done_on,
        )


def _seed_ledger(
    ctx: DemoContext, village: Region, people: list[Any], today: datetime.date
) -> None:
    for number, (problem, source, measure) in enumerate(RECTIFICATIONS):
        # Two closed off, two overdue, one open with time left.
        opened = today - datetime.timedelta(days=90 - 10 * number)
        deadline_on = (
            today + datetime.timedelta(days=30)
            if number == 4
            else opened + datetime.timedelta(days=45)
        )
        responsible = ctx.rng.choice(people)
        item = services.rectification_create(
            actor=ctx.admin,
            village=village,
            problem=problem,
            source=source,
            measure=measure,
            responsible=responsible,
            deadline_on=deadline_on,
            today=opened,
        )
        if number in (0, 1):
            services.rectification_transition(
                actor=ctx.admin,
                rectification=item,
                name="start",
                expected_version=item.version,
                today=opened,
            )
            services.rectification_transition(
                actor=ctx.admin,
                rectification=item,
                name="close_off",
                expected_version=item.version,
                today=deadline_on - datetime.timedelta(days=3),
                result="已按整改措施完成，经核查销号。",
                attachment=SimpleUploadedFile("整改佐证.pdf", PDF, content_type="application/pdf"),
            )
        elif number == 2:
            services.rectification_transition(
                actor=ctx.admin,
                rectification=item,
                name="start",
                expected_version=item.version,
                today=opened,
            )
