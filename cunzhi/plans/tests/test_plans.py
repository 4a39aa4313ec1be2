"""Work plans: the board shows the year's tasks by month, a task is done only with evidence, a
rectification item is closed off with evidence and signed off by someone else."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping, make_user
from cunzhi.demands.testing import photo
from cunzhi.plans.models import LedgerItem, LedgerState, Task, TaskStatus
from cunzhi.plans.selectors import board
from cunzhi.plans.services import (
    ledgeritem_transition,
    objective_add,
    task_create,
    task_progress,
)
from cunzhi.plans.testing import make_ledger_item, make_plan

pytestmark = pytest.mark.django_db


def test_the_board_shows_the_year_s_tasks_by_month_and_status(
    county: County, people: ThreePeople
) -> None:
    plan = make_plan(county, people)
    objective = objective_add(
        actor=people.in_scope,
        plan=plan,
        role="economy",
        duty="prosperity",
        title="发展村集体经济，年收入超过10万元",
    )
    for month, title in ((3, "成立合作社"), (3, "流转土地200亩"), (9, "首批花椒销售")):
        task_create(
            actor=people.in_scope,
            plan=plan,
            objective=objective,
            title=title,
            owner=people.in_scope,
            due_on=datetime.date(2026, month, 28),
        )
    with pytest.raises(ValidationError):  # a time node outside the plan's year
        task_create(
            actor=people.in_scope,
            plan=plan,
            title="明年的事",
            owner=people.in_scope,
            due_on=datetime.date(2027, 1, 5),
        )
    months = board(people.in_scope, plan)
    assert [m.count for m in months] == [0, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0]
    assert [len(c.tasks) for c in months[2].columns] == [2, 0, 0]
    client = Client()
    client.force_login(people.in_scope)
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200 and "首批花椒销售" in page.content.decode()


def test_the_board_takes_the_same_queries_for_few_and_many_tasks(
    county: County, people: ThreePeople
) -> None:
    plan = make_plan(county, people)
    client = Client()
    client.force_login(people.in_scope)
    task_create(
        actor=people.in_scope,
        plan=plan,
        title="任务0",
        owner=people.in_scope,
        due_on=datetime.date(2026, 1, 10),
    )
    few = _queries(client, plan.get_absolute_url())
    for n in range(1, 15):
        task_create(
            actor=people.in_scope,
            plan=plan,
            title=f"任务{n}",
            owner=people.in_scope,
            due_on=datetime.date(2026, 1 + n % 12, 10),
        )
    assert _queries(client, plan.get_absolute_url()) == few


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_task_is_done_only_with_evidence(county: County, people: ThreePeople) -> None:
    plan = make_plan(county, people)
    task = task_create(
        actor=people.in_scope,
        plan=plan,
        title="修缮活动室",
        owner=people.in_scope,
        due_on=datetime.date(2026, 5, 31),
    )
    with pytest.raises(ValidationError) as refused:
        task_progress(
            actor=people.in_scope,
            task=task,
            expected_version=1,
            status=TaskStatus.DONE,
            progress="已完工",
        )
    assert "evidence" in refused.value.message_dict
    task_progress(
        actor=people.in_scope,
        task=task,
        expected_version=1,
        status=TaskStatus.DONE,
        progress="已完工并验收",
        evidence=photo("活动室.jpg"),
    )
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE


def test_a_rectification_item_is_closed_off_with_evidence_and_signed_off_by_someone_else(
    county: County, people: ThreePeople
) -> None:
    item = make_ledger_item(county, people)
    with pytest.raises(ValidationError):
        ledgeritem_transition(
            actor=people.in_scope,
            ledgeritem=item,
            name="close",
            expected_version=1,
            closing_note="已补齐",
        )
    ledgeritem_transition(
        actor=people.in_scope,
        ledgeritem=item,
        name="close",
        expected_version=1,
        closing_note="已补齐记录",
        attachment=photo("记录本.jpg"),
    )
    with pytest.raises(ValidationError):  # who closed it cannot sign it off
        ledgeritem_transition(
            actor=people.in_scope, ledgeritem=item, name="sign_off", expected_version=item.version
        )
    township = make_user(county, "township_staff", Role.TOWNSHIP_STAFF, county.township)
    ledgeritem_transition(
        actor=township,
        ledgeritem=item,
        name="sign_off",
        expected_version=item.version,
        comment="验收合格",
    )
    assert LedgerItem.objects.get(pk=item.pk).state == LedgerState.SIGNED_OFF


def test_three_people_see_and_work_on_a_plan_as_their_posts_allow(
    county: County, people: ThreePeople
) -> None:
    plan = make_plan(county, people)
    assert_three_people_scoping(
        people,
        plan,
        page_url=plan.get_absolute_url(),
        edit_url=plan.get_absolute_url(),
        edit_data={
            "objective-role": "party_building",
            "objective-duty": "organisation",
            "objective-title": "支部规范化建设达标",
        },
        changed=lambda: plan.objectives.exists(),
    )
    item = make_ledger_item(county, people)
    assert_three_people_scoping(people, item, page_url=item.get_absolute_url())
    client = Client()
    client.force_login(people.in_scope)
    for url in (
        reverse("plans:plans", args=[county.village.code]),
        reverse("plans:ledger", args=[county.village.code]),
    ):
        page = client.get(url)
        assert page.status_code == 200 and 'style="' not in page.content.decode()


def test_the_demo_has_a_plan_per_village_with_tasks_through_the_year() -> None:
    from cunzhi.core.demo import seed_demo
    from cunzhi.plans.models import Plan

    seed_demo()
    from cunzhi.accounts.models import Post

    with_cadres = Post.objects.filter(role__in=["first_secretary", "village_party_secretary"])
    villages = set(with_cadres.values_list("region_code", flat=True))
    assert set(Plan.objects.values_list("region_code", flat=True)) == villages
    assert Task.objects.filter(status=TaskStatus.DONE).exists() or datetime.date.today().month == 1
    assert LedgerItem.objects.filter(state=LedgerState.SIGNED_OFF).exists()
