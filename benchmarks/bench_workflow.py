"""The workflow mechanism's two costs: a transition, and the deadline sweep.

1. A transition against the same update through ``update_audited`` without the workflow.
   Target: at most 1.5x. Subject: ``case_transition`` on the test domain's cases (tests/kitdomain),
   alternating "resolve" (a field and the state) and "reopen" (a reason and the state, and the
   accepted state's deadline counted again from a policy parameter). Baseline: ``update_audited``
   writing the same state and field in its own transaction: the permission check, the locked
   read, the version check, ``full_clean``, ``save`` and the audit event, without the workflow's
   form, state check, deadline and trace of inputs.

2. The sweep over ``BENCH_SWEEP_OPEN`` open cases (default 100,000) of which ``BENCH_SWEEP_DUE``
   (default 1,000) are overdue. It must touch only the due ones: its query count is the same as
   over a tenth of the open cases with the same due ones (target: equal), and its time is held
   against the least an audited sweep must do, reading the due rows once and writing each
   through ``update_audited`` (target: at most 1.5x). The sweep also tells the village's
   secretary of each overdue case in their inbox, which the baseline does not. The note gives
   the time of reading the due rows once on its own.

The open cases are written with ``bulk_create`` (what the benchmark measures is the sweep, not
the making of its data); the due ones are reset between runs with one UPDATE.
"""

from __future__ import annotations

import datetime
import itertools
import os
from typing import Any

from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from benchmarks.common import Result, county, county_admin, time_pair
from cunzhi.core.workflow import DeadlineStatus
from cunzhi.core.workflow.sweep import sweep
from cunzhi.core.writes import update_audited

WRITES = 100
REPEAT = 7
CASES = 25
TRANSITION_TARGET = 1.5
SWEEP_TARGET = 1.5
OPEN = int(os.environ.get("BENCH_SWEEP_OPEN", "100000"))
DUE = int(os.environ.get("BENCH_SWEEP_DUE", "1000"))
SWEEP_REPEAT = 3
BATCH = 5000


def _case_model() -> Any:
    # Looked up by label: the test-only app is installed at run time (CUNZHI_TEST_APPS), not
    # when mypy reads the settings.
    from django.apps import apps

    app_label: str = "kitdomain"
    return apps.get_model(app_label, "Case")


def _case_workflow() -> Any:
    # The test domain's cases only: other benchmarks of the same run leave records of their own
    # domains due (the demands benchmark's), which are not what this one measures.
    from tests.kitdomain.workflows import CASE_WORKFLOW

    return CASE_WORKFLOW


def run() -> list[Result]:
    # The sweep tells the village's secretary of each overdue case (accounts.deadlines), with a
    # link to the case's page: the test domain's URLs are routed for this benchmark.
    with override_settings(ROOT_URLCONF="tests.kitdomain.project_urls"):
        return [transition_vs_update(), *sweep_only_touches_the_due()]


def transition_vs_update() -> Result:
    from tests.kitdomain.models import CaseState
    from tests.kitdomain.services import case_create, case_transition

    admin = county_admin()
    place = county()
    today = timezone.localdate()
    cases = []
    for i in range(CASES * 2):
        case = case_create(actor=admin, region=place.village, title=f"案件{i}", received_on=today)
        cases.append(case_transition(actor=admin, case=case, name="accept", expected_version=1))
    workflow_cases, plain_cases = cases[:CASES], cases[CASES:]
    texts = (f"第{n}次处理" for n in itertools.count())

    def transitions() -> None:
        for i in range(WRITES):
            case = workflow_cases[i % CASES]
            if case.state == CaseState.ACCEPTED:
                case_transition(
                    actor=admin,
                    case=case,
                    name="resolve",
                    expected_version=case.version,
                    resolution=next(texts),
                )
            else:
                case_transition(
                    actor=admin,
                    case=case,
                    name="reopen",
                    expected_version=case.version,
                    reason=next(texts),
                )

    def updates() -> None:
        for i in range(WRITES):
            case = plain_cases[i % CASES]
            if case.state == CaseState.ACCEPTED:
                changes = {"state": CaseState.RESOLVED, "resolution": next(texts)}
            else:
                changes = {"state": CaseState.ACCEPTED}
            with transaction.atomic():
                update_audited(
                    actor=admin, obj=case, changes=changes, expected_version=case.version
                )

    subject, baseline = time_pair(transitions, updates, repeat=REPEAT, warmup=1)
    ratio = subject.median / baseline.median
    return Result(
        name="workflow: transition vs update_audited",
        subject=f"{WRITES} case_transition {subject.median * 1000:.0f} ms",
        baseline=f"{WRITES} update_audited {baseline.median * 1000:.0f} ms",
        ratio=ratio,
        target=f"≤ {TRANSITION_TARGET:.1f}x",
        passed=ratio <= TRANSITION_TARGET,
        note=(
            f"the workflow adds {(subject.median - baseline.median) / WRITES * 1e6:.0f} µs "
            f"a step; median of {REPEAT}"
        ),
    )


def _add_open_cases(count: int, *, due: bool, today: datetime.date) -> list[int]:
    """``count`` accepted cases: due ones passed their deadline yesterday, others are far off."""
    from tests.kitdomain.models import CaseState

    Case = _case_model()
    village = county().village
    due_on = today - datetime.timedelta(days=1) if due else today + datetime.timedelta(days=40)
    remind_on = due_on - datetime.timedelta(days=3)
    ids: list[int] = []
    for start in range(0, count, BATCH):
        rows = [
            Case(
                region=village,
                region_code=village.code,
                title=f"案件{start + i}",
                received_on=today - datetime.timedelta(days=60),
                state=CaseState.ACCEPTED,
                due_on=due_on,
                remind_on=remind_on,
                deadline_status=DeadlineStatus.SOON if due else DeadlineStatus.DUE,
                sweep_on=due_on + datetime.timedelta(days=1) if due else remind_on,
            )
            for i in range(min(BATCH, count - start))
        ]
        ids += [case.pk for case in Case.objects.bulk_create(rows)]
    return ids


def _reset(ids: list[int], today: datetime.date) -> None:
    due = _case_model().objects.filter(pk__in=ids)
    due.update(deadline_status=DeadlineStatus.SOON, sweep_on=today)


def _sweep_queries(ids: list[int], today: datetime.date) -> int:
    from cunzhi.accounts import deadlines

    _reset(ids, today)
    deadlines._holders.clear()  # each count looks up whom to tell, as a sweep an hour apart does
    count = 0

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        report = sweep(today=today, only=[_case_workflow()])
    if report.overdue != len(ids):
        raise RuntimeError(f"the sweep marked {report.overdue} of {len(ids)} due cases")
    return count


def sweep_only_touches_the_due() -> list[Result]:
    from cunzhi.accounts.models import Role
    from cunzhi.accounts.testing import make_user
    from tests.kitdomain.models import CaseState

    Case = _case_model()
    today = timezone.localdate()
    admin = county_admin()
    place = county()
    make_user(place, "bench_village_secretary", Role.VILLAGE_PARTY_SECRETARY, place.village)
    due_ids = _add_open_cases(DUE, due=True, today=today)
    _add_open_cases(OPEN // 10 - DUE, due=False, today=today)
    few_queries = _sweep_queries(due_ids, today)
    _add_open_cases(OPEN - OPEN // 10, due=False, today=today)
    many_queries = _sweep_queries(due_ids, today)
    open_count = Case.objects.filter(state=CaseState.ACCEPTED).count()

    def swept() -> None:
        _reset(due_ids, today)
        sweep(today=today, only=[_case_workflow()])

    def read_and_update() -> None:
        _reset(due_ids, today)
        for case in Case.objects.filter(sweep_on__lte=today).order_by("sweep_on", "pk"):
            with transaction.atomic():
                update_audited(
                    actor=admin,
                    obj=case,
                    changes={"resolution": f"逾期 {case.version}"},
                    expected_version=None,
                )

    def read_once() -> None:
        list(Case.objects.filter(sweep_on__lte=today).order_by("sweep_on", "pk"))

    subject, baseline = time_pair(swept, read_and_update, repeat=SWEEP_REPEAT, warmup=0)
    _reset(due_ids, today)
    reading, _unused = time_pair(read_once, lambda: None, repeat=SWEEP_REPEAT, warmup=1)
    ratio = subject.median / baseline.median
    return [
        Result(
            name="workflow: sweep queries vs open records",
            subject=f"{many_queries} queries over {open_count:,} open",
            baseline=f"{few_queries} queries over {OPEN // 10:,} open",
            ratio=many_queries / few_queries,
            target="= 1.00x",
            passed=many_queries == few_queries,
            note=f"{DUE:,} due; {many_queries / DUE:.1f} queries per due case",
        ),
        Result(
            name="workflow: sweep time vs least audited work",
            subject=f"sweep {open_count:,} open, {DUE:,} due {subject.median:.2f} s",
            baseline=f"read due + update_audited {baseline.median:.2f} s",
            ratio=ratio,
            target=f"≤ {SWEEP_TARGET:.1f}x",
            passed=ratio <= SWEEP_TARGET,
            note=(
                f"reading the {DUE:,} due rows once {reading.median * 1000:.0f} ms "
                f"(sweep {subject.median / reading.median:.0f}x that); median of {SWEEP_REPEAT}"
            ),
        ),
    ]
