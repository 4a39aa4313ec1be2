"""The demo county's disputes: committees, cases at every level, petitions near and past each
statutory date, one review and one re-review, and two stability assessments.

Dates are counted back from today, so that a demo seeded on any day shows petitions due soon and
overdue. Everything is written through ``cunzhi.disputes.services`` as the township's reception
officer and the villages' cadres would.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cunzhi.accounts.models import User
from cunzhi.disputes.models import CaseLevel, MediationCase, PartySide, Petition
from cunzhi.disputes.services import (
    assessment_create,
    assessment_transition,
    case_party_consent,
    committee_set,
    mediation_case_create,
    mediation_case_set_risk,
    mediation_case_transition,
    mediation_session_add,
    petition_extend,
    petition_register,
    petition_transition,
)
from cunzhi.registry.models import Resident, ResidentStatus, Sex

if TYPE_CHECKING:
    from cunzhi.core.demo import DemoContext

# The smallest document the content check accepts as a PDF: the scanned agreement.
AGREEMENT_SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _days_before(today: datetime.date) -> Any:
    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    return ago


def _user(username: str, ctx: DemoContext) -> Any:
    return User.objects.filter(username=username).first() or ctx.admin


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    officer = _user("township_staff_qinglong", ctx)
    leader = _user("township_leader_qinglong", ctx)
    _committees(ctx, today)
    _cases(ctx, officer, today)
    _petitions(ctx, officer, today)
    _assessments(ctx, officer, leader, today)


def _committees(ctx: DemoContext, today: datetime.date) -> None:
    """石板村's committee keeps the rules; 柳溪村's has no woman and its term has run out."""
    for key, start, women in (
        ("shiban", today.replace(year=today.year - 1), 2),
        ("liuxi", None, 0),
    ):
        village = ctx.regions.get(key)
        if village is None:
            continue
        living = Resident.objects.filter(
            region=village, status=ResidentStatus.LIVING, birth_date__year__lt=today.year - 30
        ).order_by("pk")
        members = list(living.filter(sex=Sex.FEMALE)[:women]) + list(
            living.filter(sex=Sex.MALE)[: 5 - women]
        )
        roles = ["chair", "vice_chair"] + ["member"] * 3
        committee_set(
            actor=ctx.admin,
            village=village,
            term_starts_on=start or today.replace(year=today.year - 4),
            members=list(zip(members, roles, strict=False)),
        )


def _step(case: MediationCase, actor: Any, name: str, on: datetime.date, **inputs: Any) -> Any:
    return mediation_case_transition(
        actor=actor,
        mediation_case=case,
        name=name,
        expected_version=case.version,
        today=on,
        **inputs,
    )


def _consented_and_started(case: MediationCase, actor: Any, on: datetime.date) -> Any:
    for party in case.parties.all():
        case_party_consent(actor=actor, party=party, consented_on=on, expected_version=1)
    case.refresh_from_db()
    mediation_session_add(
        actor=actor, case=case, held_on=on, notes="双方到场陈述，调解员释法说理。"
    )
    case.refresh_from_db()
    return _step(case, actor, "start", on, started_on=on, mediators="村调委会 杨主任、李委员")


def _case(
    ctx: DemoContext, key: str, actor: Any, title: str, kind: str, parties: tuple[str, str],
    received: datetime.date, level: str = CaseLevel.VILLAGE,
) -> MediationCase:  # fmt: skip
    return mediation_case_create(
        actor=actor,
        region=ctx.regions[key],
        title=title,
        dispute_type=kind,
        facts=title + "。双方各执一词，申请调解。",
        received_on=received,
        level=level,
        parties=[
            {"side": PartySide.APPLICANT, "name": parties[0]},
            {"side": PartySide.RESPONDENT, "name": parties[1]},
        ],
        today=received,
    )


def _cases(ctx: DemoContext, officer: Any, today: datetime.date) -> None:
    if "shiban" not in ctx.regions:
        return
    admin = ctx.admin
    ago = _days_before(today)
    # Settled in the villager group and in the village: "small matters stay in the village".
    for number, (title, kind, parties) in enumerate(
        [
            ("鸡啄菜园赔偿纠纷", "damage", ("杨德福", "杨德顺")),
            ("宅基地滴水檐纠纷", "land", ("李春生", "李春华")),
            ("赡养老人费用分担纠纷", "family", ("王秀英", "王建国")),
            ("借款三千元未还纠纷", "contracts", ("赵永平", "张有才")),
        ]
    ):
        level = CaseLevel.GROUP if number == 0 else CaseLevel.VILLAGE
        case = _case(ctx, "shiban", admin, title, kind, parties, ago(90 - number * 5), level)
        case = _consented_and_started(case, admin, ago(88 - number * 5))
        _step(case, admin, "agree_oral", ago(85 - number * 5), agreement_terms="双方当场和解。",
              agreed_on=ago(85 - number * 5))  # fmt: skip
    # A written agreement whose 30 days to ask a court to confirm it are running.
    case = _case(ctx, "shiban", admin, "承包地界址纠纷", "land", ("杨文忠", "李国强"), ago(40))
    case = _consented_and_started(case, admin, ago(38))
    scan = SimpleUploadedFile("调解协议书.pdf", AGREEMENT_SCAN, content_type="application/pdf")
    _step(case, admin, "agree_written", ago(20), agreement_terms="以老界石为准，李家退还半分地。",
          agreed_on=ago(20), signatures_recorded=True, attachment=scan)  # fmt: skip
    # Failed in the village, escalated to the township, settled there.
    case = _case(
        ctx, "liuxi", admin, "灌溉水渠用水纠纷", "neighbours", ("张学文", "刘正德"), ago(60)
    )
    case = _step(case, admin, "fail", ago(50), routes_told="可申请乡镇调委会调解或向法院起诉。")
    case = _step(case, admin, "escalate", ago(49), reason="村级调解不成，涉及上下游两个村民小组。")
    case = _consented_and_started(case, officer, ago(45))
    _step(case, officer, "agree_oral", ago(40), agreement_terms="按田亩轮灌，每周一调。",
          agreed_on=ago(40))  # fmt: skip
    # Escalated to the township and mediating, past its month: overdue.
    wages = ("杨建华", "外地包工头周某")
    case = _case(ctx, "longtan", admin, "外出务工工资拖欠纠纷", "wages", wages, ago(50))
    case = _step(case, admin, "escalate", ago(45), reason="对方在外地，村里无法联系。")
    _consented_and_started(case, officer, ago(40))
    # At risk of a collective incident, at the county.
    forest = ("石板村第三村民小组", "石板村委会")
    case = _case(ctx, "shiban", admin, "林地承包收益分配纠纷", "land", forest, ago(15),
                 CaseLevel.COUNTY)  # fmt: skip
    mediation_case_set_risk(actor=admin, case=case, risk_flag=True,
                            risk_note="涉及四十余户，有集体上访苗头。",
                            expected_version=case.version)  # fmt: skip
    # The same two households again: a repeat dispute, linked to the first.
    _case(ctx, "shiban", admin, "宅基地滴水檐纠纷（再次）", "land", ("李春生", "李春华"), ago(3))


def _register(
    ctx: DemoContext, officer: Any, received: datetime.date, petitioner: str, content: str,
    kind: str = "request", count: int = 1, same: Petition | None = None,
) -> Petition:  # fmt: skip
    return petition_register(
        actor=officer,
        region=ctx.regions["qinglong"],
        kind=kind,
        channel="visit" if count > 1 else "letter",
        petitioner_name=petitioner,
        petitioner_count=count,
        content=content,
        receiving_organ="青龙镇信访办",
        received_on=received,
        same_matter_as=same,
        today=received,
    )


def _take(petition: Petition, officer: Any, name: str, on: datetime.date, **inputs: Any) -> Any:
    return petition_transition(
        actor=officer,
        petition=petition,
        name=name,
        expected_version=petition.version,
        today=on,
        **inputs,
    )


def _petitions(ctx: DemoContext, officer: Any, today: datetime.date) -> None:
    if "qinglong" not in ctx.regions:
        return
    ago = _days_before(today)
    # Waiting for the decision to accept: one just in, one due in two days, one overdue.
    _register(ctx, officer, ago(1), "杨德明", "反映村道路灯损坏无人维修。", kind="suggestion")
    _register(ctx, officer, ago(13), "李桂芬", "要求核实低保评定结果。")
    _register(
        ctx, officer, ago(20), "张光明等12人", "反映砂石厂噪音扰民。", kind="complaint", count=12
    )
    # Not this organ's matter: objected within its 5 working days.
    p = _register(ctx, officer, ago(10), "王志刚", "反映县城房屋买卖合同纠纷。")
    _take(p, officer, "redirect", ago(8), redirected_to="县住房和城乡建设局",
          reason="属县住建局职责")  # fmt: skip
    # Being handled: one due in three days, one overdue, one extended by 30 days.
    for days, who, what in ((57, "赵春梅", "反映征地补偿款未足额发放。"),
                            (70, "杨光荣", "反映危房改造补助未到位。"),
                            (75, "刘明", "要求解决饮水管道破损问题。")):  # fmt: skip
        p = _register(ctx, officer, ago(days + 2), who, what)
        p = _take(p, officer, "accept", ago(days), accepted_on=ago(days))
    petition_extend(actor=officer, petition=p, days=30, reason="需县水务局现场勘测管网。",
                    expected_version=p.version, today=ago(10))  # fmt: skip
    # Replied, then a review whose answer is due in three days.
    p = _register(ctx, officer, ago(120), "周永福", "反映林权证登记错误。")
    p = _take(p, officer, "accept", ago(118), accepted_on=ago(118))
    p = _take(p, officer, "reply", ago(50), reply="经核查，登记无误。", replied_on=ago(50),
              satisfaction="unsatisfied")  # fmt: skip
    _take(p, officer, "request_review", ago(27), review_requested_on=ago(27))
    # A matter taken through review and re-review: final, and refused if filed again.
    p = _register(ctx, officer, ago(300), "陈国华", "要求重新划分宅基地。")
    p = _take(p, officer, "accept", ago(298), accepted_on=ago(298))
    p = _take(p, officer, "reply", ago(250), reply="不符合宅基地分户条件。", replied_on=ago(250),
              satisfaction="unsatisfied")  # fmt: skip
    p = _take(p, officer, "request_review", ago(230), review_requested_on=ago(230))
    p = _take(p, officer, "answer_review", ago(210), review_answer="维持原答复意见。",
              review_answered_on=ago(210))  # fmt: skip
    p = _take(p, officer, "request_re_review", ago(200), re_review_requested_on=ago(200))
    _take(p, officer, "answer_re_review", ago(180), re_review_answer="复核维持，信访终结。",
          re_review_answered_on=ago(180))  # fmt: skip
    # Accepted, then referred to people's mediation at the township.
    p = _register(ctx, officer, ago(9), "杨春林", "与邻居因排水沟走向发生争执。")
    p = _take(p, officer, "accept", ago(8), accepted_on=ago(8))
    _take(p, officer, "refer", ago(7), dispute_type="neighbours", level="township")


def _assessments(ctx: DemoContext, officer: Any, leader: Any, today: datetime.date) -> None:
    if "shiban" not in ctx.regions:
        return
    done = assessment_create(
        actor=officer,
        region=ctx.regions["shiban"],
        subject="石板村村道拓宽征地",
        matter_type="requisition_compensation",
        risk_points="涉及7户承包地调整；2户对补偿标准有异议。",
        level="medium",
        measures="逐户入户解释补偿政策；邀请村民代表全程监督丈量。",
    )
    assessment_transition(actor=leader, assessment=done, name="approve", expected_version=1,
                          conclusion="风险可控，可以实施。", approved_on=today)  # fmt: skip
    assessment_create(
        actor=officer,
        region=ctx.regions["liuxi"],
        subject="柳溪村集体鱼塘发包",
        matter_type="collective_property",
        risk_points="原承包户要求优先续包。",
        level="low",
        measures="公开招标，原承包户同等条件优先。",
    )
