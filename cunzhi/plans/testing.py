"""Building plan test data through the services, and the records for the URL sweeps."""

from __future__ import annotations

import datetime

from cunzhi.accounts.testing import County, ThreePeople, record_factory
from cunzhi.plans.models import LedgerItem, Plan, Task
from cunzhi.plans.services import ledgeritem_create, plan_create, task_create


def make_plan(county: County, people: ThreePeople, year: int = 2026) -> Plan:
    return plan_create(
        actor=people.in_scope, village=county.village, year=year, title=f"{year}年度驻村工作计划"
    )


@record_factory("plans.plan")
def a_plan(county: County, people: ThreePeople) -> Plan:
    return make_plan(county, people)


@record_factory("plans.task")
def a_task(county: County, people: ThreePeople) -> Task:
    return task_create(
        actor=people.in_scope,
        plan=make_plan(county, people),
        title="修缮村级活动场所",
        owner=people.in_scope,
        due_on=datetime.date(2026, 5, 31),
    )


@record_factory("plans.ledgeritem")
def a_ledger_item(county: County, people: ThreePeople) -> LedgerItem:
    return make_ledger_item(county, people)


def make_ledger_item(county: County, people: ThreePeople) -> LedgerItem:
    return ledgeritem_create(
        actor=people.in_scope,
        village=county.village,
        problem="三会一课记录不全",
        measure="补齐记录，每月检查",
        responsible=people.in_scope,
        deadline_on=datetime.date(2026, 6, 30),
    )
