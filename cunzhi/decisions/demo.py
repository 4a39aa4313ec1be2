"""Demo data for village decisions in 石板村: its registers and a matter at every step.

Written through the services, as a secretary and the supervision committee would. The steps of
the older matters are replayed on the days they happened (``on_day``), so that a resolution's
publicity period is over by today and its matter could go on to be carried out.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from typing import Any
from unittest import mock

from django.apps import apps
from django.utils import timezone

from cunzhi.accounts.models import User
from cunzhi.core.demo import DemoContext
from cunzhi.decisions import services
from cunzhi.decisions.models import Body, Matter, MatterType, MeetingKind
from cunzhi.openness.models import Notice
from cunzhi.openness.services import objection_raise, sender_of
from cunzhi.registry.models import Resident, ResidentStatus

TERM_START = datetime.date(2024, 1, 2)


@contextlib.contextmanager
def on_day(day: datetime.date) -> Iterator[None]:
    """Take the steps as on ``day``: the services date what they do by ``timezone.localdate``."""
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        yield


def is_empty() -> bool:
    return not Matter.objects.exists()


def seed(ctx: DemoContext) -> None:
    village = ctx.regions.get("shiban")
    if village is None:
        return
    secretary = User.objects.get(username="village_secretary_shiban")
    supervisor = User.objects.get(username="supervisor_shiban")
    registers = _registers(village, secretary)
    today = timezone.localdate()
    demo = Demo(secretary, supervisor, registers)
    road = demo.propose(village, "石板村第一村民小组通组道路硬化", MatterType.PUBLIC_WELFARE,
                        "硬化第一村民小组至村委会道路1.2公里，宽4.5米，村集体出资30%。",
                        today - datetime.timedelta(days=60))  # fmt: skip
    demo.advance(road, "publish_result", today - datetime.timedelta(days=50))
    steps = [
        ("村民小组活动室修缮", MatterType.COLLECTIVE_PROJECT, None),
        ("2026年度村干部误工补贴标准", MatterType.CADRE_ALLOWANCES, "consult"),
        ("集体林地流转收益分配方案", MatterType.COLLECTIVE_INCOME, "review"),
        ("村级光伏电站收益使用方案", MatterType.COLLECTIVE_INCOME, "decide"),
        ("第二村民小组宅基地使用方案", MatterType.HOMESTEAD, "implement"),
    ]
    for n, (title, kind, upto) in enumerate(steps):
        matter = demo.propose(
            village, title, kind, "见附件方案。", today - datetime.timedelta(days=40 - n)
        )
        if upto:
            demo.advance(matter, upto, today - datetime.timedelta(days=35 - n))
    # Held by an objection raised during its resolution's publicity period, not yet answered.
    held = demo.propose(
        village,
        "征地补偿款分配方案",
        MatterType.REQUISITION_COMPENSATION,
        "按人口分配县道拓宽征地补偿款。",
        today - datetime.timedelta(days=20),
    )
    demo.advance(held, "publish_resolution", today - datetime.timedelta(days=12))
    notice = Notice.objects.get(source_type="decisions.matter", source_id=str(held.pk))
    objection_raise(notice=notice, phone="13987650001", text="外嫁女未列入分配名单。",
                    sender=sender_of("demo"))  # fmt: skip
    # Stopped for lack of quorum: 3 party members came to the party members' meeting.
    stopped = demo.propose(village, "村集体仓库出租方案", MatterType.COLLECTIVE_PROPERTY,
                           "出租村集体仓库三年。", today - datetime.timedelta(days=15))  # fmt: skip
    demo.advance(stopped, "consult", today - datetime.timedelta(days=12))
    with on_day(today - datetime.timedelta(days=10)):
        services.meeting_convene(
            actor=secretary, matter=stopped, kind=MeetingKind.PARTY_MEMBERS,
            held_on=today - datetime.timedelta(days=10),
            notice_on=today - datetime.timedelta(days=13),
            place="村委会会议室", attendees=registers[Body.PARTY_MEMBERS][:3],
        )  # fmt: skip
    withdrawn = demo.propose(village, "村口停车场收费方案", MatterType.OTHER, "拟对外来车辆收费。",
                             today - datetime.timedelta(days=9))  # fmt: skip
    services.matter_transition(
        actor=secretary,
        matter=withdrawn,
        name="withdraw",
        expected_version=withdrawn.version,
        reason="群众意见较大，暂缓。",
    )


def _risk_assessed(matter: Matter, day: datetime.date) -> None:
    """Where the rule asks for it, the township's approved social-stability risk assessment of
    the matter (disputes), without which its resolution is not published."""
    if not apps.is_installed("cunzhi.disputes"):
        return
    from cunzhi.disputes.selectors import assessment_required
    from cunzhi.disputes.services import assessment_create, assessment_transition

    if not assessment_required(matter.matter_type, matter.region_code, day):
        return
    officer = User.objects.get(username="township_staff_qinglong")
    leader = User.objects.get(username="township_leader_qinglong")
    assessment = assessment_create(
        actor=officer,
        region=matter.region,
        subject=matter.title,
        matter_type=matter.matter_type,
        risk_points="涉及群众切身利益，个别农户对方案有不同意见。",
        level="medium",
        measures="入户解释政策；村务监督委员会全程监督。",
        subject_type="decisions.matter",
        subject_id=matter.pk,
    )
    assessment_transition(
        actor=leader,
        assessment=assessment,
        name="approve",
        expected_version=assessment.version,
        conclusion="风险可控，可以公布实施。",
        approved_on=day,
    )


def _registers(village: Any, actor: User) -> dict[str, list[Resident]]:
    """Committees, party members, representatives and the supervision committee of the village,
    from its adult residents (one per household for the heads, so nobody supervises a relative)."""
    adults = list(
        Resident.objects.filter(
            region=village, status=ResidentStatus.LIVING, birth_date__lte=datetime.date(1995, 1, 1)
        ).order_by("household__household_no", "pk")
    )
    heads = [r for r in adults if r.relation == "head"]
    women = [r for r in adults if r.sex == "female" and r.relation != "head"]
    households = len({r.household_id for r in adults})
    reps_needed = max(3, households // 10)
    women_reps = women[: -(-reps_needed // 3) + 1]
    plan = {
        Body.VILLAGE_COMMITTEE: heads[:3],
        Body.BRANCH_COMMITTEE: heads[3:5],
        Body.PARTY_MEMBERS: heads[:5] + heads[10:25],
        Body.REPRESENTATIVES: women_reps + heads[30 : 30 + reps_needed - len(women_reps)],
        Body.SUPERVISION: heads[-3:],
    }
    for body, residents in plan.items():
        for resident in residents:
            services.membership_appoint(
                actor=actor, village=village, body=body, resident=resident, starts_on=TERM_START
            )
    return {str(body): list(residents) for body, residents in plan.items()}


class Demo:
    def __init__(self, secretary: User, supervisor: User, registers: dict[str, list[Resident]]):
        self.secretary, self.supervisor, self.registers = secretary, supervisor, registers

    def propose(
        self, village: Any, title: str, kind: str, description: str, day: datetime.date
    ) -> Matter:
        return services.matter_propose(
            actor=self.secretary, village=village, matter_type=kind, title=title,
            description=description, proposed_on=day,
        )  # fmt: skip

    def _meet(self, matter: Matter, kind: str, people: list[Resident], day: datetime.date) -> None:
        meeting = services.meeting_convene(
            actor=self.secretary, matter=matter, kind=kind, held_on=day,
            notice_on=day - datetime.timedelta(days=3), place="村委会会议室", attendees=people,
        )  # fmt: skip
        services.meeting_vote(
            actor=self.secretary, meeting=meeting, votes_for=len(people), votes_against=0,
            votes_abstain=0, expected_version=meeting.version,
        )  # fmt: skip

    def _step(self, matter: Matter, name: str, **inputs: Any) -> None:
        services.opinion_give(actor=self.supervisor, matter=matter, opinion="程序合规，同意。")
        matter.refresh_from_db()
        services.matter_transition(
            actor=self.secretary, matter=matter, name=name, expected_version=matter.version,
            **inputs,
        )  # fmt: skip
        matter.refresh_from_db()

    def advance(self, matter: Matter, upto: str, day: datetime.date) -> None:
        """Take the matter's steps up to and including ``upto``, starting on ``day``."""
        r = self.registers
        committees = r[Body.VILLAGE_COMMITTEE] + r[Body.BRANCH_COMMITTEE]
        plan: list[tuple[str, Any, dict[str, str]]] = [
            ("consult", (MeetingKind.JOINT, committees), {}),
            ("review", (MeetingKind.PARTY_MEMBERS, r[Body.PARTY_MEMBERS]), {}),
            ("decide", (MeetingKind.REPRESENTATIVES, r[Body.REPRESENTATIVES]),
             {"resolution": "会议表决通过，按方案实施。"}),
            ("publish_resolution", None, {}),
            ("implement", None, {}),
            ("publish_result", None, {"result": "已按决议实施完毕，经村务监督委员会验收。"}),
        ]  # fmt: skip
        for name, meeting, inputs in plan:
            with on_day(day):
                if meeting is not None:
                    self._meet(matter, meeting[0], meeting[1], day)
                if name == "publish_resolution":
                    _risk_assessed(matter, day)
                self._step(matter, name, **inputs)
            day += datetime.timedelta(days=9 if name == "publish_resolution" else 2)
            if name == upto:
                return
