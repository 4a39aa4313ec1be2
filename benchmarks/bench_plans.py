"""The plan board (挂图作战) over a village with many tasks, against a bare page on the same server.

Subject: ``GET /plans/plans/<id>/board/``, the whole year's board of a plan with
``BENCH_PLANS_TASKS`` tasks (default 500, the issue's figure; CI may run fewer) spread over the
twelve months and all four statuses, as a village party secretary opens it on a phone: rendered
whole, compressed. Baseline: ``GET /bench/bare/page``, the view that loads the same signed-in
user and answers a small fixed page (``bench_pages``' floor: server, middleware, session, user,
gzip), so the ratio is what the board's query and its cards add. Target: p95 at most 15x, the
pages benchmark's bar.

Second result: the board's query count for a tenth of the tasks and for all of them, in process
(the same count, target equal): the board reads a plan's tasks in one query whatever their
number, and groups them by month in Python.
"""

from __future__ import annotations

import datetime
import os
import statistics
from typing import Any

from benchmarks.bench_api import alternate, serve
from benchmarks.bench_pages import _session_cookie, check, page_connection
from benchmarks.bench_urls import BARE_PAGE
from benchmarks.common import Result, county, county_admin, percentile, prepare

TASKS = int(os.environ.get("BENCH_PLANS_TASKS", "500"))
WARMUP = 10
REQUESTS = 100  # per endpoint
TARGET = 15.0
# In process there is no collected manifest (the server's child has one): plain static names.
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def run() -> list[Result]:
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from cunzhi.accounts.models import Role
    from cunzhi.accounts.testing import make_user
    from cunzhi.plans import services

    environment = prepare()
    place = county()
    admin = county_admin()
    secretary = make_user(
        place, "bench_plans_secretary", Role.VILLAGE_PARTY_SECRETARY, place.village
    )
    year = timezone.localdate().year
    plan = services.plan_create(actor=admin, village=place.village, year=year)
    objective = services.objective_add(
        actor=admin, plan=plan, role="economic_guide", duty="prosperity", title="壮大村集体经济"
    )
    board = reverse("plans:board", args=[plan.pk])
    client = Client()
    client.force_login(secretary)
    counts = []
    for total in (max(1, TASKS // 10), TASKS):
        _add_tasks(admin, objective, secretary, total - _task_count(plan), year)
        # In process, as the server's child is configured: no second factor, any host.
        with (
            override_settings(OTP_REQUIRED=False, ALLOWED_HOSTS=["*"], STORAGES=PLAIN_STATIC),
            CaptureQueriesContext(connection) as captured,
        ):
            status = client.get(board).status_code
        if status != 200:
            raise RuntimeError(f"GET {board} answered {status}")
        counts.append(len(captured))
    queries = Result(
        name="plans: board queries, many tasks vs a tenth",
        subject=f"{TASKS} tasks: {counts[1]} queries",
        baseline=f"{max(1, TASKS // 10)} tasks: {counts[0]} queries",
        ratio=counts[1] / counts[0],
        target="= 1.0x",
        passed=counts[0] == counts[1],
    )
    with serve(environment) as port:
        cookie = _session_cookie(secretary)
        page_client, bare_client = page_connection(port, cookie), page_connection(port, cookie)
        size = check(page_client, board, must_contain=place.village.name)
        subject, baseline = alternate(
            page_client, board, bare_client, f"/{BARE_PAGE}", warmup=WARMUP, requests=REQUESTS
        )
        page_client.close()
        bare_client.close()
    p95, bare_p95 = percentile(subject, 0.95), percentile(baseline, 0.95)
    p50, bare_p50 = statistics.median(subject), statistics.median(baseline)
    timing = Result(
        name="plans: board page vs bare view",
        subject=f"board p50 {p50 * 1000:.1f} ms p95 {p95 * 1000:.1f} ms",
        baseline=f"bare p50 {bare_p50 * 1000:.1f} ms p95 {bare_p95 * 1000:.1f} ms",
        ratio=p95 / bare_p95,
        target=f"≤ {TARGET:.0f}x",
        passed=p95 / bare_p95 <= TARGET,
        note=(
            f"ratio of p95; p50 ratio {p50 / bare_p50:.2f}x; {REQUESTS} requests each; "
            f"{size // 1024} KB gzipped; {TASKS} tasks (BENCH_PLANS_TASKS)"
        ),
    )
    return [queries, timing]


def _task_count(plan: Any) -> int:
    from cunzhi.plans.models import Task

    return Task.objects.filter(plan=plan).count()


def _add_tasks(admin: Any, objective: Any, owner: Any, count: int, year: int) -> None:
    """``count`` tasks through the service, over the months; a third started, a sixth done."""
    from django.db import transaction

    from cunzhi.plans import services

    with transaction.atomic():
        for n in range(count):
            month = n % 12 + 1
            task = services.task_create(
                actor=admin,
                objective=objective,
                title=f"第{n + 1}项任务：组织开展专题工作",
                owner=owner,
                planned_start=datetime.date(year, month, 1),
                planned_end=datetime.date(year, month, 28),
                today=datetime.date(year, 1, 2),
            )
            if n % 3 == 0:
                services.task_transition(
                    actor=admin,
                    task=task,
                    name="start",
                    expected_version=task.version,
                    today=task.planned_start,
                )
                if n % 6 == 0:
                    services.task_transition(
                        actor=admin,
                        task=task,
                        name="finish",
                        expected_version=task.version,
                        today=task.planned_end,
                    )
