"""The scheduled sweep: reminders, overdue marks and escalation, once each, in the worker."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.core.workflow import DeadlineStatus
from cunzhi.core.workflow.sweep import deadline_reached, deadline_sweep_task, schedule, sweep
from tests.kitdomain.models import Case, CaseLevel, CaseState
from tests.kitdomain.services import case_transition
from tests.kitdomain.tests.factories import make_case

pytestmark = pytest.mark.django_db
D = datetime.date


def _actions(case: Case) -> list[str]:
    events = Event.objects.filter(object_type="kitdomain.case", object_id=str(case.pk))
    return [e.action for e in events.order_by("seq") if e.action != "kitdomain.case_create"]


def test_the_sweep_reminds_once_before_the_deadline(county: County) -> None:
    case = make_case(county)  # due 2025-10-13, reminder from 10 October
    assert sweep(today=D(2025, 10, 9)).reminded == 0
    heard: list[str] = []

    def listener(**kwargs: object) -> None:
        heard.append(str(kwargs["kind"]))

    deadline_reached.connect(listener)
    try:
        assert sweep(today=D(2025, 10, 10)).reminded == 1
        assert sweep(today=D(2025, 10, 10)).reminded == 0
        assert sweep(today=D(2025, 10, 11)).reminded == 0
    finally:
        deadline_reached.disconnect(listener)
    assert heard == ["reminder"]
    assert _actions(case) == ["kitdomain.case_deadline_reminder"]
    stored = Case.objects.get(pk=case.pk)
    assert (stored.deadline_status, stored.sweep_on) == (DeadlineStatus.SOON, D(2025, 10, 14))


def test_the_sweep_marks_the_overdue_and_escalates_exactly_once(county: County) -> None:
    case = make_case(county)
    first = sweep(today=D(2025, 10, 14))
    second = sweep(today=D(2025, 10, 14))
    assert (first.overdue, first.escalated) == (1, 1)
    assert (second.overdue, second.escalated, second.reminded) == (0, 0, 0)
    # The reminder day was missed (no sweep ran): it is overdue at once, no late reminder.
    assert _actions(case) == ["kitdomain.case_deadline_overdue", "kitdomain.case_transition"]
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.level) == (CaseState.ESCALATED, CaseLevel.TOWNSHIP)
    # The township's own deadline starts: 15 days from the escalation.
    assert (stored.due_on, stored.deadline_status) == (D(2025, 10, 29), DeadlineStatus.DUE)
    escalation = Event.objects.get(action="kitdomain.case_transition")
    assert escalation.actor_label == "system"
    assert (escalation.data["from"], escalation.data["to"]) == ("registered", "escalated")


def test_the_sweep_leaves_a_record_no_longer_waiting(county: County, people: ThreePeople) -> None:
    case = make_case(county)
    case_transition(
        actor=people.in_scope, case=case, name="reject", expected_version=1, reason="不属实",
        today=D(2025, 10, 2),
    )  # fmt: skip
    report = sweep(today=D(2025, 10, 20))
    assert (report.overdue, report.reminded) == (0, 0)
    assert Case.objects.get(pk=case.pk).deadline_status == DeadlineStatus.MET


def test_an_overdue_state_without_escalation_is_marked_and_left(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county)
    case_transition(
        actor=people.in_scope, case=case, name="accept", expected_version=1, today=D(2025, 10, 1)
    )
    sweep(today=D(2025, 12, 1))
    sweep(today=D(2025, 12, 2))
    assert _actions(case)[1:] == ["kitdomain.case_deadline_overdue"]
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.deadline_status, stored.sweep_on) == ("accepted", "overdue", None)


def test_the_sweep_command_runs_one_sweep(county: County) -> None:
    make_case(county, received_on=D(2024, 3, 4), today=D(2024, 3, 4))
    call_command("sweep")
    assert Event.objects.filter(action="kitdomain.case_deadline_overdue").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_sweep_and_the_sweep_schedules_the_next(settings: object) -> None:
    from cunzhi.accounts.testing import build_county

    county = build_county()
    make_case(county, received_on=D(2024, 3, 4), today=D(2024, 3, 4))
    DBTaskResult.objects.all().delete()  # what migrate scheduled
    assert schedule() is True
    assert schedule() is False  # one waiting is enough
    waiting = DBTaskResult.objects.get()
    assert waiting.run_after > timezone.now()
    # Not due yet: the worker leaves it.
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    assert Event.objects.filter(action="kitdomain.case_deadline_overdue").count() == 0
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    assert Event.objects.filter(action="kitdomain.case_deadline_overdue").count() == 1
    done = DBTaskResult.objects.get(pk=waiting.pk)
    assert done.status == TaskResultStatus.SUCCESSFUL, done.traceback
    assert done.return_value["overdue"] == 1
    (following,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert following.task_path == deadline_sweep_task.module_path
    assert following.run_after > timezone.now() + datetime.timedelta(minutes=50)


def test_a_record_marked_for_the_sweep_without_a_due_date_is_left_alone_once(
    county: County,
) -> None:
    case = make_case(county)
    # A row written by hand (a bulk load, an older version): no deadline, yet a sweep day.
    Case.objects.filter(pk=case.pk).update(due_on=None, sweep_on=D(2025, 10, 1))
    report = sweep(today=D(2025, 10, 14))
    assert (report.overdue, report.reminded, report.escalated) == (0, 0, 0)
    assert Case.objects.get(pk=case.pk).sweep_on is None
    assert _actions(case) == []
