"""The village's plan, its tasks on the board and the rectification ledger, as people use them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping, make_user
from cunzhi.audit.models import Event
from cunzhi.core.attachments.selectors import attachments_of
from cunzhi.core.inbox.models import Notification
from cunzhi.core.workflow.sweep import sweep
from cunzhi.core.writes import EditConflict
from cunzhi.plans import selectors, services
from cunzhi.plans.models import PlanState, RectificationState, TaskState, TaskStatus
from cunzhi.plans.testing import a_plan, a_rectification, a_task, an_objective

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("整改照片说明.pdf", PDF, content_type="application/pdf")


def test_a_village_has_one_plan_a_year(county: County, people: ThreePeople) -> None:
    services.plan_create(actor=people.in_scope, village=county.village, year=2026)
    with pytest.raises(ValidationError) as refused:
        services.plan_create(actor=people.in_scope, village=county.village, year=2026)
    assert "year" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.plan_create(actor=county.admin, village=county.township, year=2026)


def test_the_plan_goes_to_the_township_and_back(county: County, people: ThreePeople) -> None:
    plan = a_plan(county, people)
    with pytest.raises(ValidationError, match="工作目标"):
        services.plan_transition(
            actor=people.in_scope, plan=plan, name="submit", expected_version=plan.version
        )
    an_objective(county, people)
    plan.refresh_from_db()
    services.plan_transition(
        actor=people.in_scope, plan=plan, name="submit", expected_version=plan.version
    )
    # The village cannot approve its own plan, nor change it once submitted.
    with pytest.raises(PermissionDenied):
        services.plan_transition(
            actor=people.in_scope, plan=plan, name="approve", expected_version=plan.version
        )
    with pytest.raises(ValidationError, match="已报送"):
        services.plan_update(
            actor=people.in_scope, plan=plan, expected_version=plan.version, title="改"
        )
    leader = make_user(county, "zhenzhang", Role.TOWNSHIP_LEADER, county.township)
    services.plan_transition(
        actor=leader, plan=plan, name="return", expected_version=plan.version, reason="目标不具体"
    )
    assert plan.state == PlanState.DRAFT
    services.plan_transition(
        actor=people.in_scope, plan=plan, name="submit", expected_version=plan.version
    )
    services.plan_transition(actor=leader, plan=plan, name="approve", expected_version=plan.version)
    assert plan.state == PlanState.APPROVED


def test_a_task_turns_overdue_the_day_after_its_planned_end(
    county: County, people: ThreePeople
) -> None:
    task = a_task(county, people)  # planned end 2026-06-30
    assert task.due_on == datetime.date(2026, 6, 30)
    on_the_day = datetime.date(2026, 6, 30)
    day_after = datetime.date(2026, 7, 1)
    assert selectors.status_of(task, on_the_day) == TaskState.NOT_STARTED
    assert selectors.status_of(task, day_after) == TaskStatus.OVERDUE
    overdue = selectors.village_tasks(people.in_scope, county.village, day_after)
    assert [getattr(t, "status", "") for t in overdue] == [TaskStatus.OVERDUE]
    # Done on time stays done, whatever the date.
    services.task_transition(
        actor=people.in_scope,
        task=task,
        name="start",
        expected_version=task.version,
        today=datetime.date(2026, 3, 2),
    )
    services.task_transition(
        actor=people.in_scope,
        task=task,
        name="finish",
        expected_version=task.version,
        today=on_the_day,
    )
    assert task.deadline_status == "met"
    rows = selectors.village_tasks(people.in_scope, county.village, datetime.date(2026, 8, 1))
    assert [getattr(t, "status", "") for t in rows] == [TaskStatus.DONE]


def test_moving_the_planned_end_moves_the_time_limit(county: County, people: ThreePeople) -> None:
    task = a_task(county, people)
    services.task_update(
        actor=people.in_scope,
        task=task,
        expected_version=task.version,
        planned_end=datetime.date(2026, 8, 31),
        today=datetime.date(2026, 7, 1),
    )
    assert task.due_on == datetime.date(2026, 8, 31)
    with pytest.raises(EditConflict):
        services.task_update(
            actor=people.in_scope, task=task, expected_version=1, title="别人的旧版本"
        )


def test_a_task_ends_in_the_plan_year_and_after_it_starts(
    county: County, people: ThreePeople
) -> None:
    objective = an_objective(county, people)
    before = Event.objects.count()
    for start, end in [
        (datetime.date(2026, 5, 1), datetime.date(2026, 4, 1)),
        (datetime.date(2026, 12, 1), datetime.date(2027, 1, 15)),
    ]:
        with pytest.raises(ValidationError):
            services.task_create(
                actor=people.in_scope,
                objective=objective,
                title="修缮村史馆",
                owner=people.in_scope,
                planned_start=start,
                planned_end=end,
            )
    assert Event.objects.count() == before


def test_the_owner_must_work_on_the_village_and_is_told(
    county: County, people: ThreePeople
) -> None:
    objective = an_objective(county, people)
    with pytest.raises(ValidationError) as refused:
        services.task_create(
            actor=people.in_scope,
            objective=objective,
            title="组织党员冬训",
            owner=people.outsider,
            planned_start=datetime.date(2026, 11, 1),
            planned_end=datetime.date(2026, 12, 20),
        )
    assert "owner" in refused.value.message_dict
    member = make_user(county, "cunwei", Role.VILLAGE_COMMITTEE_MEMBER, county.village)
    task = services.task_create(
        actor=people.in_scope,
        objective=objective,
        title="组织党员冬训",
        owner=member,
        planned_start=datetime.date(2026, 11, 1),
        planned_end=datetime.date(2026, 12, 20),
    )
    note = Notification.objects.get(recipient=member)
    assert "组织党员冬训" in note.message and note.url == task.get_absolute_url()


def test_a_rectification_is_closed_off_with_evidence_by_someone_else(
    county: County, people: ThreePeople
) -> None:
    item = a_rectification(county, people)  # the secretary is responsible
    # The person responsible cannot sign off their own work.
    with pytest.raises(ValidationError, match="整改责任人"):
        services.rectification_transition(
            actor=people.in_scope,
            rectification=item,
            name="close_off",
            expected_version=item.version,
            result="已更新",
            attachment=evidence(),
        )
    first_secretary = make_user(county, "diyishuji", Role.FIRST_SECRETARY, county.village)
    # Without evidence: refused, nothing changed.
    with pytest.raises(ValidationError) as refused:
        services.rectification_transition(
            actor=first_secretary,
            rectification=item,
            name="close_off",
            expected_version=item.version,
            result="已更新",
        )
    assert "attachment" in refused.value.message_dict
    item.refresh_from_db()
    assert item.state == RectificationState.OPEN
    services.rectification_transition(
        actor=first_secretary,
        rectification=item,
        name="close_off",
        expected_version=item.version,
        result="公开栏已更新至第三季度",
        attachment=evidence(),
    )
    item.refresh_from_db()
    assert item.state == RectificationState.CLOSED
    assert item.signed_off_by == first_secretary and item.closed_on is not None
    assert [a.purpose for a in attachments_of(item)] == ["evidence"]
    # A closed item is not edited; it is reopened first.
    with pytest.raises(ValidationError):
        services.rectification_update(
            actor=people.in_scope,
            rectification=item,
            expected_version=item.version,
            measure="改",
        )


def test_the_sweep_marks_an_overdue_rectification_once_and_tells_its_people(
    county: County, people: ThreePeople
) -> None:
    item = a_rectification(county, people)  # time limit 2026-09-30, the secretary responsible
    first_secretary = make_user(county, "diyishuji", Role.FIRST_SECRETARY, county.village)
    committee = make_user(county, "cunwei", Role.VILLAGE_COMMITTEE_MEMBER, county.village)
    before = set(Notification.objects.values_list("pk", flat=True))
    first = sweep(today=datetime.date(2026, 10, 1))
    again = sweep(today=datetime.date(2026, 10, 1))
    assert (first.overdue, again.overdue) == (1, 0)
    told = Notification.objects.exclude(pk__in=before).filter(url=item.get_absolute_url())
    # The person responsible and those who sign off; not a committee member, not the township.
    assert set(told.values_list("recipient__username", flat=True)) == {
        people.in_scope.username,
        first_secretary.username,
    }
    assert not told.filter(recipient=committee).exists()


def test_plan_pages_are_kept_to_the_village(county: County, people: ThreePeople) -> None:
    task = a_task(county, people)
    item = a_rectification(county, people)
    assert_three_people_scoping(people, task.plan, page_url=task.plan.get_absolute_url())
    assert_three_people_scoping(
        people,
        task,
        page_url=task.get_absolute_url(),
        edit_url=reverse("plans:task_edit", args=[task.pk]),
        edit_data={
            "title": "建设60亩高原蓝莓示范基地",
            "owner": people.in_scope.pk,
            "planned_start": "2026-03-01",
            "planned_end": "2026-06-30",
            "version": task.version,
        },
        changed=lambda: type(task).objects.get(pk=task.pk).title.startswith("建设60亩"),
    )
    assert_three_people_scoping(
        people,
        item,
        page_url=item.get_absolute_url(),
        edit_url=reverse("plans:rectification_edit", args=[item.pk]),
        edit_data={
            "problem": item.problem,
            "source": "self_check",
            "measure": item.measure,
            "responsible": people.in_scope.pk,
            "deadline_on": "2026-10-31",
            "version": item.version,
        },
        changed=lambda: type(item).objects.get(pk=item.pk).source == "self_check",
    )


def test_the_board_shows_the_year_by_month(county: County, people: ThreePeople) -> None:
    task = a_task(county, people)
    client = Client()
    client.force_login(people.read_only)
    response = client.get(reverse("plans:board", args=[task.plan_id]))
    assert response.status_code == 200
    months = response.context["board"].months
    assert [m.month for m in months] == list(range(1, 13))
    assert [t.title for t in months[5].tasks] == [task.title]  # June
    assert b"board-month" in response.content
