"""The plan's records for the sweeps over every URL and for the app's tests (accounts.testing).

Each is made in ``county.village`` through the services, by the county's system administrator,
with the village's secretary (the in-scope person of the three) as owner or responsible.
"""

from __future__ import annotations

import datetime

from cunzhi.accounts.testing import County, ThreePeople, record_factory
from cunzhi.plans.models import Milestone, Objective, Plan, ProgressNote, Rectification, Task
from cunzhi.plans.services import (
    milestone_add,
    objective_add,
    plan_create,
    progress_note_add,
    rectification_create,
    task_create,
)

YEAR = 2026


def a_plan_of(county: County, year: int = YEAR) -> Plan:
    existing = Plan.objects.filter(region=county.village, year=year).first()
    return existing or plan_create(actor=county.admin, village=county.village, year=year)


def a_plan(county: County, people: ThreePeople) -> Plan:
    return a_plan_of(county)


def an_objective(county: County, people: ThreePeople) -> Objective:
    return objective_add(
        actor=county.admin,
        plan=a_plan_of(county),
        role="economic_guide",
        duty="prosperity",
        title="发展村集体经济",
        target="村集体经营性收入达到10万元",
    )


def a_task(county: County, people: ThreePeople) -> Task:
    return task_create(
        actor=county.admin,
        objective=an_objective(county, people),
        title="建设50亩高原蓝莓示范基地",
        owner=people.in_scope,
        planned_start=datetime.date(YEAR, 3, 1),
        planned_end=datetime.date(YEAR, 6, 30),
        today=datetime.date(YEAR, 2, 20),
    )


def a_milestone(county: County, people: ThreePeople) -> Milestone:
    return milestone_add(
        actor=county.admin,
        task=a_task(county, people),
        title="完成土地流转",
        due_on=datetime.date(YEAR, 4, 15),
    )


def a_note(county: County, people: ThreePeople) -> ProgressNote:
    return progress_note_add(actor=county.admin, task=a_task(county, people), text="已流转土地32亩")


def a_rectification(county: County, people: ThreePeople) -> Rectification:
    return rectification_create(
        actor=county.admin,
        village=county.village,
        problem="村务公开栏未按季度更新",
        source="inspection",
        measure="每季度首月10日前更新公开栏，支部书记审核",
        responsible=people.in_scope,
        deadline_on=datetime.date(YEAR, 9, 30),
        today=datetime.date(YEAR, 7, 1),
    )


record_factory("plans.plan")(a_plan)
record_factory("plans.objective")(an_objective)
record_factory("plans.task")(a_task)
record_factory("plans.milestone")(a_milestone)
record_factory("plans.progressnote")(a_note)
record_factory("plans.rectification")(a_rectification)
