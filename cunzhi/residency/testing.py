"""Residency records for the tests and the sweeps over every URL, made through the services."""

from __future__ import annotations

import datetime
from typing import Any

from cunzhi.accounts.models import Role, SendingUnit, User
from cunzhi.accounts.services import sending_unit_create
from cunzhi.accounts.testing import County, ThreePeople, make_user, record_factory
from cunzhi.regions.models import Region
from cunzhi.residency.models import (
    Assessment,
    DiaryEntry,
    Dispatch,
    DispatchRole,
    LeaveRequest,
    LeaveType,
    Recall,
    SupportYear,
)
from cunzhi.residency.services import (
    assessment_open,
    cadre_register,
    diary_entry_write,
    dispatch_create,
    leave_request_create,
    recall_start,
    support_open,
)

D = datetime.date
FIRST_DAY = D(2026, 1, 5)  # a Monday


def make_unit(county: County, name: str = "省农业农村厅") -> SendingUnit:
    unit = SendingUnit.objects.filter(name=name).first()
    return unit or sending_unit_create(actor=county.admin, name=name, region=county.county)


def make_cadre(
    county: County,
    username: str,
    *,
    village: Region | None = None,
    unit: SendingUnit | None = None,
    starts_on: D = FIRST_DAY,
    role: str = DispatchRole.FIRST_SECRETARY,
    ended_on: D | None = None,
) -> Dispatch:
    """A user with a first secretary's post, recorded as a cadre and dispatched to ``village``."""
    village = village or county.village
    unit = unit or make_unit(county)
    user = make_user(
        county,
        username,
        Role.FIRST_SECRETARY if role == DispatchRole.FIRST_SECRETARY else Role.WORK_TEAM_MEMBER,
        village,
        sending_unit=unit,
        starts_on=starts_on,
    )
    cadre = cadre_register(actor=county.admin, user=user, sending_unit=unit, village=village)
    dispatch = dispatch_create(
        actor=county.admin, cadre=cadre, village=village, role=role, starts_on=starts_on
    )
    if ended_on is not None:
        from cunzhi.residency.services import dispatch_end

        dispatch = dispatch_end(
            actor=county.admin, dispatch=dispatch, ended_on=ended_on, expected_version=None
        )
    return dispatch


def cadre_user(dispatch: Dispatch) -> User:
    return dispatch.cadre.user  # type: ignore[no-any-return]


def a_leave(dispatch: Dispatch, starts_on: D, ends_on: D, **extra: Any) -> LeaveRequest:
    return leave_request_create(
        actor=cadre_user(dispatch),
        leave_type=extra.pop("leave_type", LeaveType.PERSONAL),
        starts_on=starts_on,
        ends_on=ends_on,
        reason=extra.pop("reason", "家中老人住院"),
        **extra,
    )


@record_factory("residency.dispatch")
def a_dispatch(county: County, people: ThreePeople) -> Dispatch:
    return make_cadre(county, "first_secretary")


@record_factory("residency.assessment")
def an_assessment(county: County, people: ThreePeople) -> Assessment:
    return assessment_open(
        actor=county.admin, dispatch=make_cadre(county, "first_secretary"), year=2026
    )


@record_factory("residency.recall")
def a_recall(county: County, people: ThreePeople) -> Recall:
    dispatch = make_cadre(county, "first_secretary")
    return recall_start(actor=county.admin, dispatch=dispatch, reason="长期不在村")


@record_factory("residency.diaryentry")
def a_diary_entry(county: County, people: ThreePeople) -> DiaryEntry:
    dispatch = make_cadre(county, "first_secretary")
    return diary_entry_write(actor=cadre_user(dispatch), date=D(2026, 11, 2), text="走访了三户")


@record_factory("residency.leaverequest")
def a_leave_request(county: County, people: ThreePeople) -> LeaveRequest:
    dispatch = make_cadre(county, "first_secretary")
    return a_leave(dispatch, D(2026, 12, 1), D(2026, 12, 2))


@record_factory("residency.supportyear")
def a_support_ledger(county: County, people: ThreePeople) -> SupportYear:
    dispatch = make_cadre(county, "first_secretary")
    return support_open(actor=county.admin, dispatch=dispatch, year=2026)
