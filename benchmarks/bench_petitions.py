"""The deadline status of every open petition, from the stored due dates.

Subject: ``selectors.petition_queue`` read whole for a county officer: ``BENCH_PETITIONS_OPEN``
open petitions (default 100,000; ``make bench``), each with its status as of today (overdue, due
soon, running) computed by the database from ``due_on`` and ``remind_on``
(``deadline_status_now``), nearest deadline first. Baseline: reading the same rows' stored dates
once, in the same order, with nothing computed (``values_list("pk", "due_on", "remind_on")``):
the least any status needs, since each row's status depends on its dates. Target: at most 1.5x,
and the same number of queries (one) over a tenth of the petitions as over all of them: the
status is never computed per row in Python, never recounted from the calendar.

A second row holds the reception centre's three counts (``petition_deadline_counts``: overdue,
soon, running; one aggregate) against the same read. Target: at most 1.0x, it reads no rows out.

The petitions are written with ``bulk_create``, a fifth overdue and a fifth due soon, with the
dates registration would store (what is measured is reading them, not making them).
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.db import connection
from django.utils import timezone

from benchmarks.common import Result, county, county_admin, time_pair

OPEN = int(os.environ.get("BENCH_PETITIONS_OPEN", "100000"))
REPEAT = 5
BATCH = 5000
TARGET = 1.5
COUNTS_TARGET = 1.0


def _add_petitions(count: int, *, today: datetime.date, offset: int) -> None:
    from cunzhi.core.workflow import DeadlineStatus
    from cunzhi.disputes.models import Petition, PetitionState

    place = county()
    villages = [place.village, place.neighbour, place.far_village]
    for start in range(0, count, BATCH):
        rows = []
        for i in range(start, min(start + BATCH, count)):
            n = offset + i
            # A fifth overdue, a fifth due soon, the rest running: due dates spread over 60 days.
            due_on = today + datetime.timedelta(days=(n % 5) * 15 - 14 if n % 5 else -3)
            received_on = due_on - datetime.timedelta(days=15)
            rows.append(
                Petition(
                    region=villages[n % 3],
                    region_code=villages[n % 3].code,
                    kind="request",
                    channel="letter",
                    petitioner_name=f"信访人{n}",
                    content="反映问题",
                    receiving_organ="青龙镇信访办",
                    received_on=received_on,
                    state=PetitionState.REGISTERED,
                    accept_by=due_on,
                    redirect_by=received_on + datetime.timedelta(days=7),
                    due_on=due_on,
                    remind_on=due_on - datetime.timedelta(days=3),
                    deadline_status=DeadlineStatus.DUE,
                    sweep_on=due_on - datetime.timedelta(days=3),
                )
            )
        Petition.objects.bulk_create(rows)


def _queries(fn: Any) -> int:
    count = 0

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        fn()
    return count


def run() -> list[Result]:
    from cunzhi.disputes.models import PETITION_OPEN, Petition
    from cunzhi.disputes.selectors import petition_deadline_counts, petition_queue

    today = timezone.localdate()
    officer = county_admin()
    _add_petitions(OPEN // 10, today=today, offset=0)

    def statuses() -> list[tuple[int, Any, str]]:
        queue: Any = petition_queue(officer, today=today)
        return list(queue.values_list("pk", "due_on", "deadline_now"))

    statuses()  # the officer's scope is looked up once, then kept for the request
    few_queries = _queries(statuses)
    _add_petitions(OPEN - OPEN // 10, today=today, offset=OPEN // 10)
    many_queries = _queries(statuses)

    def read_once() -> list[tuple[int, Any, Any]]:
        rows = Petition.objects.for_user(officer, "view").filter(state__in=PETITION_OPEN)
        return list(rows.order_by("due_on", "pk").values_list("pk", "due_on", "remind_on"))

    def counts() -> dict[str, int]:
        return petition_deadline_counts(officer, today=today)

    found = statuses()
    overdue = sum(1 for _pk, _due, status in found if status == "overdue")
    if len(found) != OPEN or counts()["overdue"] != overdue:
        raise RuntimeError(f"read {len(found)} of {OPEN} petitions, or the counts disagree")
    subject, baseline = time_pair(statuses, read_once, repeat=REPEAT, warmup=1)
    counted, baseline_again = time_pair(counts, read_once, repeat=REPEAT, warmup=1)
    ratio = subject.median / baseline.median
    counts_ratio = counted.median / baseline_again.median
    return [
        Result(
            name="petitions: deadline status, queries vs open petitions",
            subject=f"{many_queries} queries over {OPEN:,} open",
            baseline=f"{few_queries} queries over {OPEN // 10:,} open",
            ratio=many_queries / few_queries,
            target="= 1.00x",
            passed=many_queries == few_queries,
            note=f"{overdue:,} overdue as of {today.isoformat()}",
        ),
        Result(
            name="petitions: deadline status of every open petition vs reading them once",
            subject=f"status of {OPEN:,} {subject.median * 1000:.0f} ms",
            baseline=f"read {OPEN:,} due dates {baseline.median * 1000:.0f} ms",
            ratio=ratio,
            target=f"≤ {TARGET:.1f}x",
            passed=ratio <= TARGET,
            note=f"median of {REPEAT}",
        ),
        Result(
            name="petitions: the queue's three counts vs reading them once",
            subject=f"counts of {OPEN:,} {counted.median * 1000:.0f} ms",
            baseline=f"read {OPEN:,} due dates {baseline_again.median * 1000:.0f} ms",
            ratio=counts_ratio,
            target=f"≤ {COUNTS_TARGET:.1f}x",
            passed=counts_ratio <= COUNTS_TARGET,
            note=f"one aggregate; median of {REPEAT}",
        ),
    ]
