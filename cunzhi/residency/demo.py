"""The demo's resident cadres: their dispatch, this year's presence, and leave in every state.

The four dispatched demo users (accounts.demo) are recorded as cadres and dispatched on their
post's start date. This year's working days up to yesterday get a check-in each, near the village
office, except a share of days chosen so that:

* 陈志远 (石板村) and 张伟 (大坪村) are on track;
* 刘洋 (石板村) is at risk: below two thirds so far, but the rest of the year can still make it;
* 段丽萍 (大坪村) can no longer meet the year, with a few check-ins far from the village.

Assessments of this year: 陈志远's waits for the village's opinion; 段丽萍's is graded
incompetent, as her unexplained absences require, and proposes a recall.

Leave: a returned 2-day leave approved by the township, a 5-day one approved by the county
organisation department, one waiting, one refused and one withdrawn. Everything goes through
the services, as the people named would do it.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from cunzhi.accounts.models import DISPATCHED_ROLES, Post, Role, User
from cunzhi.core import policy
from cunzhi.core.calendar import CalendarYearMissing, year_working_days
from cunzhi.residency.models import Dispatch, DispatchRole, Grade, LeaveRequest, PresenceDay
from cunzhi.residency.services import (
    assessment_grade,
    assessment_open,
    assessment_opinion_give,
    cadre_register,
    diary_entry_write,
    dispatch_create,
    leave_request_create,
    leave_request_transition,
    presence_check_in,
    presence_correct,
    presence_fill,
    village_position,
)

if TYPE_CHECKING:
    from cunzhi.core.demo import DemoContext

# username: the status the year's presence is drawn to
# For those on track: working days left without a record; the township corrects the first as
# training, so 陈志远 has no unexplained absence and 张伟 one.
MISSED = {"first_secretary_shiban": 1, "first_secretary_daping": 2}
TARGETS = {
    "first_secretary_shiban": "on_track",
    "work_team_shiban": "at_risk",
    "first_secretary_daping": "on_track",
    "work_team_daping": "cannot_meet",
}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    dispatches = {}
    posts = Post.objects.filter(role__in=DISPATCHED_ROLES, user__username__in=TARGETS)
    for post in posts.select_related("user", "region", "sending_unit").order_by("pk"):
        assert post.sending_unit is not None, "a dispatched cadre's post names the unit"
        cadre = cadre_register(
            actor=ctx.admin,
            user=post.user,
            sending_unit=post.sending_unit,
            village=post.region,
            position="科员",
            phone=post.user.phone,
        )
        role = (
            DispatchRole.FIRST_SECRETARY
            if post.role == "first_secretary"
            else DispatchRole.TEAM_MEMBER
        )
        # The batch sent in mid-2024 had its term extended by a year (to mid-2027), so that
        # the demo's "today" falls within it.
        starts_on = post.starts_on
        dispatches[post.user.username] = dispatch_create(
            actor=ctx.admin, cadre=cadre, village=post.region, role=role, starts_on=starts_on,
            planned_end=starts_on.replace(year=starts_on.year + 3) - datetime.timedelta(days=1),
        )  # fmt: skip
    _seed_support(dispatches, today)
    try:
        working = [d for d in year_working_days(today.year) if d < today]
    except CalendarYearMissing:
        return  # the year's holidays are not imported yet: no presence to draw
    leave_days = _seed_leave(ctx, dispatches, working, today)
    for username, dispatch in dispatches.items():
        missed = MISSED.get(username, 0)
        _seed_presence(ctx, dispatch, TARGETS[username], working, leave_days, today, missed)
    _seed_assessments(ctx, dispatches, today)
    _seed_diary(dispatches["first_secretary_shiban"], working)


DIARY = (
    "上午走访杨家、李家三户，了解到上寨饮水管道老化，记入问题清单。",
    "召开村“两委”会议，研究冬季护林防火安排，确定巡山人员。",
    "到镇上对接通村公路硬化项目，带回设计图纸，明天向群众公示。",
)


def _seed_diary(dispatch: Dispatch, working: list[datetime.date]) -> None:
    """A few entries of 陈志远's diary, on his last working days."""
    user = dispatch.cadre.user
    for day, text in zip(working[-len(DIARY) :], DIARY, strict=True):
        diary_entry_write(actor=user, date=day, text=text)


def _seed_assessments(
    ctx: DemoContext, dispatches: dict[str, Dispatch], today: datetime.date
) -> None:
    """陈志远's assessment waits for the village's opinion; 段丽萍's is graded incompetent (her
    unexplained absences cap it) and proposes a recall."""
    org = _user("county_org_dept")
    opinions = {
        "township": ("township", "驻村工作扎实，走访全面，群众认可度高。"),
        "unit": ("unit", "派出单位对该同志驻村期间的表现满意。"),
        "village": ("village", "第一书记经常在村，为村里办了实事。"),
    }
    for username, parties in (
        ("first_secretary_shiban", ["township", "unit"]),
        ("work_team_daping", ["township", "unit", "village"]),
    ):
        dispatch = dispatches[username]
        assessment = assessment_open(actor=org, dispatch=dispatch, year=today.year)
        for party in parties:
            who = {
                "township": _township_leader(dispatch),
                "unit": _unit_contact(dispatch),
                "village": _village_secretary(dispatch),
            }[party]
            assessment = assessment_opinion_give(
                actor=who, assessment=assessment, party=party, opinion=opinions[party][1],
                expected_version=assessment.version,
            )  # fmt: skip
        if len(parties) == 3:
            assessment_grade(
                actor=org, assessment=assessment, grade=Grade.INCOMPETENT,
                expected_version=assessment.version,
            )  # fmt: skip


def _unit_contact(dispatch: Dispatch) -> User:
    post = Post.objects.filter(
        role=Role.SENDING_UNIT_CONTACT, sending_unit_id=dispatch.sending_unit_id
    ).first()
    assert post is not None, "no contact of the unit in the demo"
    return post.user  # type: ignore[no-any-return]


def _village_secretary(dispatch: Dispatch) -> User:
    post = Post.objects.filter(
        role=Role.VILLAGE_PARTY_SECRETARY, region_code=dispatch.region_code
    ).first()
    assert post is not None, "no village secretary in the demo"
    return post.user  # type: ignore[no-any-return]


def _working_after(
    working: list[datetime.date], start: datetime.date, n: int
) -> list[datetime.date]:
    days = [d for d in working if d >= start][:n]
    return days if len(days) == n else []


def _seed_leave(
    ctx: DemoContext,
    dispatches: dict[str, Dispatch],
    working: list[datetime.date],
    today: datetime.date,
) -> set[tuple[int, datetime.date]]:
    """Leave in every state; returns the (dispatch, day) pairs recorded as approved leave."""
    year = today.year
    org = _user("county_org_dept")

    def ask(username: str, days: list[datetime.date], reason: str, kind: str) -> Any:
        if not days:
            return None
        return leave_request_create(
            actor=_user(username),
            leave_type=kind,
            starts_on=days[0],
            ends_on=days[-1],
            reason=reason,
        )

    def step(leave: LeaveRequest | None, actor: User, name: str, **inputs: Any) -> None:
        if leave is not None:
            leave.refresh_from_db()
            leave_request_transition(
                actor=actor, leaverequest=leave, name=name, expected_version=leave.version,
                **inputs,
            )  # fmt: skip

    shiban_leader = _township_leader(dispatches["first_secretary_shiban"])
    # Returned: 2 working days in March, approved by the township.
    short = ask("first_secretary_shiban", _working_after(working, datetime.date(year, 3, 10), 2),
                "父亲住院手术，需回家陪护", "family")  # fmt: skip
    step(short, shiban_leader, "approve_township", comment="同意，注意安全")
    if short is not None:
        step(short, _user("first_secretary_shiban"), "report_return",
             returned_on=(short.ends_on + datetime.timedelta(days=1)).isoformat())  # fmt: skip
    # Approved by the county: 5 working days in August.
    long = ask("first_secretary_daping", _working_after(working, datetime.date(year, 8, 3), 5),
               "参加派出单位年度体检及处理家中事务", "personal")  # fmt: skip
    step(long, org, "approve_county", comment="同意")
    # Refused and withdrawn: 段丽萍's.
    refused = ask("work_team_daping", _working_after(working, datetime.date(year, 6, 8), 4),
                  "回城处理私事", "personal")  # fmt: skip
    step(refused, org, "reject", reason="正值防汛关键期，请安排在汛期后")
    withdrawn = ask("work_team_daping", _working_after(working, datetime.date(year, 9, 14), 1),
                    "孩子开家长会", "personal")  # fmt: skip
    step(withdrawn, _user("work_team_daping"), "withdraw")
    # Waiting: 刘洋's two days in the coming weeks.
    coming = _next_working(today, 14)[:2]
    if coming:
        ask("work_team_shiban", coming, "回单位办理职称评审手续", "personal")
    return set(
        PresenceDay.objects.filter(kind="leave").values_list("dispatch_id", "date")  # type: ignore[arg-type]
    )


def _next_working(today: datetime.date, skip: int) -> list[datetime.date]:
    start = today + datetime.timedelta(days=skip)
    try:
        days = [d for d in year_working_days(start.year) if d >= start]
    except CalendarYearMissing:
        return []
    return days


def _in_village_target(status: str, so_far: int, remaining: int, share: Any) -> int:
    required = math.ceil(share * (so_far + remaining))
    if status == "at_risk":
        # Below the share so far, yet enough days left to make it.
        return max(required - remaining, min(so_far, math.ceil(share * so_far) - 3))
    if status == "cannot_meet":
        return max(0, min(so_far, required - remaining - 8))
    return so_far


def _seed_presence(
    ctx: DemoContext,
    dispatch: Dispatch,
    status: str,
    working: list[datetime.date],
    leave_days: set[tuple[int, datetime.date]],
    today: datetime.date,
    missed: int,
) -> None:
    user = dispatch.cadre.user
    days = [d for d in working if d >= dispatch.starts_on]
    remaining = len([d for d in year_working_days(today.year) if d >= today])
    share = policy.get_fraction(
        "residency.presence_share_of_working_days", region_code=dispatch.region_code, on=today
    )
    free = [d for d in days if (dispatch.pk, d) not in leave_days]
    target = _in_village_target(status, len(free), remaining, share) - missed
    chosen = sorted(ctx.rng.sample(free, min(target, len(free))))
    office = village_position(dispatch.region)
    far = set(ctx.rng.sample(chosen, min(6, len(chosen)))) if status == "cannot_meet" else set()
    for day in chosen:
        position: dict[str, Any] = {}
        if office is not None:
            jitter = Decimal("0.3") if day in far else Decimal("0.004")
            position = {
                "latitude": office[0] + jitter * Decimal(f"{ctx.rng.uniform(-1, 1):.6f}"),
                "longitude": office[1] + jitter * Decimal(f"{ctx.rng.uniform(-1, 1):.6f}"),
                "accuracy_m": ctx.rng.choice([8, 12, 20, 35, 60]),
            }
            position["latitude"] = position["latitude"].quantize(Decimal("0.000001"))
            position["longitude"] = position["longitude"].quantize(Decimal("0.000001"))
        presence_check_in(actor=user, today=day, **position)
    missed_days = [d for d in free if d not in set(chosen)]
    # A missed day filled in, and the township correcting one as organised training.
    recent = [d for d in missed_days if 0 < (today - d).days <= 3]
    if recent and status != "cannot_meet":
        presence_fill(actor=user, date=recent[-1], kind="in_village", reason="手机没电，忘了打卡")
    if status == "on_track" and missed_days:
        presence_correct(
            actor=_township_leader(dispatch), dispatch=dispatch, date=missed_days[0],
            kind="training",
            reason="参加县委组织部第一书记培训班，经核实",
        )  # fmt: skip


def _township_leader(dispatch: Dispatch) -> User:
    township = dispatch.region_code[:9] + "000"
    post = Post.objects.filter(role=Role.TOWNSHIP_LEADER, region_code=township).first()
    assert post is not None, f"no township leader at {township} in the demo"
    return post.user  # type: ignore[no-any-return]


def _seed_support(dispatches: dict[str, Dispatch], today: datetime.date) -> None:
    """The support ledgers of this year: 陈志远 fully supported by his unit; 刘洋's insurance
    lapsed a month ago and his unit gave 4,000 of the 10,000 yuan of work funds."""
    from cunzhi.residency.services import (
        support_meeting_add,
        support_open,
        support_spending_add,
        support_training_add,
        support_update,
    )

    year = today.year
    first = datetime.date(year, 1, 1)

    def day(month: int, dom: int) -> datetime.date:
        return max(first, min(today, datetime.date(year, month, dom)))

    full = dispatches["first_secretary_shiban"]
    contact = _unit_contact(full)
    leader = _township_leader(full)
    support = support_open(actor=contact, dispatch=full, year=year)
    support = support_update(
        actor=contact, support=support, expected_version=support.version,
        changes={
            "medical_check_on": day(4, 16), "medical_check_done": True,
            "insurance_starts_on": first, "insurance_ends_on": datetime.date(year, 12, 31),
            "insurance_policy": "中国人寿 团体意外险 GX-2026-0415",
            "living_subsidy_yuan": Decimal("9600.00"), "living_subsidy_paid_on": day(1, 20),
            "transport_subsidy_yuan": Decimal("3600.00"), "transport_subsidy_paid_on": day(1, 20),
            "communication_subsidy_yuan": Decimal("1200.00"),
            "communication_subsidy_paid_on": day(1, 20),
            "work_funds_yuan": Decimal("12000.00"), "work_funds_paid_on": day(3, 2),
            "paired_leader": leader,
        },
    )  # fmt: skip
    for amount, purpose, when in (
        ("3200.50", "上寨饮水管道维修材料", day(5, 8)),
        ("1800.00", "村级活动场所桌椅", day(6, 15)),
        ("2600.00", "农民夜校教材和培训场地", day(9, 10)),
    ):
        support_spending_add(
            actor=contact, support=support, amount_yuan=Decimal(amount), purpose=purpose,
            spent_on=when,
        )  # fmt: skip
    for when, notes in (
        (day(3, 5), "谈心谈话：熟悉村情，商定走访计划"),
        (day(7, 8), "研究通村公路硬化项目的推进和群众工作"),
    ):
        support_meeting_add(actor=contact, support=support, held_on=when, notes=notes)
    support_training_add(
        actor=contact, support=support, course="全省驻村第一书记示范培训班",
        starts_on=day(6, 8), ends_on=day(6, 12), organiser="省委组织部",
        hours=Decimal("40.0"),
    )  # fmt: skip

    lapsed = dispatches["work_team_shiban"]
    contact = _unit_contact(lapsed)
    support = support_open(actor=contact, dispatch=lapsed, year=year)
    support_update(
        actor=contact, support=support, expected_version=support.version,
        changes={
            "medical_check_on": day(5, 20), "medical_check_done": True,
            "insurance_starts_on": first,
            "insurance_ends_on": max(first, today - datetime.timedelta(days=30)),
            "insurance_policy": "平安 意外险 PA-2025-3321",
            "living_subsidy_yuan": Decimal("9600.00"), "living_subsidy_paid_on": day(1, 25),
            "work_funds_yuan": Decimal("4000.00"), "work_funds_paid_on": day(4, 1),
            "paired_leader": _township_leader(lapsed),
        },
    )  # fmt: skip
