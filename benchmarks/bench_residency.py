"""Residency: the compliance table read from the rollup, and the check-in's throughput.

1. **Compliance table vs counting the raw rows once.** ``BENCH_RESIDENCY_CADRES`` dispatched
   cadres (default 750, a county; CI 100) across the county's villages, with two years of daily
   presence (every working and rest day from 1 January 2025 to yesterday, four days in five in
   the village) and its monthly rollup. Subject: the county administrator's table for this year
   (``compliance.compliance_rows``: the scoped dispatches, their rollup months, the county's
   rules, the calendar, every row's status, worst first). Baseline: the same table with the
   months counted once from the raw presence rows (``month_counts_from_rows``: one GROUP BY over
   the year's rows of the same dispatches), everything else the same. Both give the same days,
   unexplained days and status for every dispatch (checked before timing). Target: at most half
   the time.
2. **Check-in vs a bare view.** ``BENCH_RESIDENCY_CHECKINS`` requests a side (default 300; CI
   100), each the first check-in of the day of a different cadre, so each writes: subject
   ``POST /api/v1/residency/presence`` with the cadre's bearer token (authentication, scope,
   calendar, the village office's position, validation, the row, the rollup, the audit event);
   baseline a bare view on the same gunicorn server that inserts the same row and bumps the same
   rollup counter with no authentication, no checks and no audit. Target: p50 at most 4x.

Cadres, posts and dispatches are bulk-inserted (they are the scene, not the subject); the
presence rows and their rollup too, counted the same way the services count.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import statistics
import time
from collections import defaultdict
from typing import Any

from benchmarks.bench_api import serve
from benchmarks.common import Result, county, county_admin, percentile, prepare, time_pair

CADRES = int(os.environ.get("BENCH_RESIDENCY_CADRES", "750"))
CHECKINS = int(os.environ.get("BENCH_RESIDENCY_CHECKINS", "300"))
TABLE_TARGET = 0.5
CHECKIN_TARGET = 4.0
WARMUP = 10
BATCH = 5000


def run() -> list[Result]:
    environment = prepare()
    from django.utils import timezone

    place = county()
    admin = county_admin()
    today = timezone.localdate()
    villages = [place.village, place.neighbour, place.far_village]
    dispatches = make_dispatches(CADRES, villages, "bench_cadre", datetime.date(2024, 7, 1))
    rows = add_presence(dispatches, datetime.date(2025, 1, 1), today - datetime.timedelta(days=1))
    results = [compliance_result(admin, today, rows)]

    writers = make_dispatches(2 * (CHECKINS + WARMUP), villages, "bench_writer", today)
    results.append(checkin_result(environment, writers))
    leave_the_county_as_found()
    return results


def leave_the_county_as_found() -> None:
    """Take back the posts of the scene's cadres (hundreds of first secretaries in three villages,
    which no county has): the benchmarks after this one share the county, and the deadline sweep
    tells every holder of a permission in a record's village, so 320 of them would measure the
    notices of an impossible village instead of the sweep (bench_workflow: 9.6x instead of 0.9x)."""
    from cunzhi.accounts.deadlines import forget_holders
    from cunzhi.accounts.models import Post

    Post.objects.filter(user__username__startswith="bench_cadre").delete()
    Post.objects.filter(user__username__startswith="bench_writer").delete()
    forget_holders()


# The scene


def make_dispatches(
    n: int, villages: list[Any], prefix: str, starts_on: datetime.date
) -> list[Any]:
    """``n`` first secretaries, each with a post, a cadre record and a serving dispatch."""
    from cunzhi.accounts.models import Post, Role, SendingUnit, User
    from cunzhi.residency.models import Cadre, Dispatch

    unit = SendingUnit.objects.first() or SendingUnit(name="省农业农村厅", region=villages[0])
    if unit.pk is None:
        unit.region_code = unit.region.code
        unit.save()
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{i}", full_name=f"干部{i}") for i in range(n)], batch_size=BATCH
    )
    village_of = [villages[i % len(villages)] for i in range(n)]
    Post.objects.bulk_create(
        [
            Post(user=u, role=Role.FIRST_SECRETARY, region=v, region_code=v.code,
                 sending_unit=unit, starts_on=starts_on)
            for u, v in zip(users, village_of, strict=True)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(user=u, sending_unit=unit, region=v, region_code=v.code)
            for u, v in zip(users, village_of, strict=True)
        ],
        batch_size=BATCH,
    )
    return Dispatch.objects.bulk_create(
        [
            Dispatch(cadre=c, sending_unit=unit, region=v, region_code=v.code,
                     role="first_secretary", starts_on=starts_on,
                     planned_end=starts_on.replace(year=starts_on.year + 3))
            for c, v in zip(cadres, village_of, strict=True)
        ],
        batch_size=BATCH,
    )  # fmt: skip


def add_presence(dispatches: list[Any], first: datetime.date, last: datetime.date) -> int:
    """Four days in five in the village, every day of the period; the rollup counted alongside."""
    from cunzhi.core.calendar import year_working_days
    from cunzhi.residency.models import PresenceDay, PresenceMonth

    working: set[datetime.date] = set()
    for year in range(first.year, last.year + 1):
        working.update(year_working_days(year))
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    batch: list[Any] = []
    rows = 0
    for index, dispatch in enumerate(dispatches):
        months: dict[tuple[int, int], int] = defaultdict(int)
        for number, day in enumerate(days):
            if (number + index) % 5 == 4:
                continue
            works = day in working
            batch.append(
                PresenceDay(dispatch=dispatch, sending_unit_id=dispatch.sending_unit_id,
                            region_id=dispatch.region_id, region_code=dispatch.region_code,
                            date=day, kind="in_village", source="check_in", is_working_day=works)
            )  # fmt: skip
            if works:
                months[(day.year, day.month)] += 1
        PresenceMonth.objects.bulk_create(
            [
                PresenceMonth(dispatch=dispatch, region_code=dispatch.region_code, year=y,
                              month=m, in_village=n)
                for (y, m), n in months.items()
            ]
        )  # fmt: skip
        if len(batch) >= BATCH:
            PresenceDay.objects.bulk_create(batch)
            rows += len(batch)
            batch = []
    PresenceDay.objects.bulk_create(batch)
    return rows + len(batch)


# 1. The compliance table


def compliance_result(admin: Any, today: datetime.date, rows: int) -> Result:
    from django.db import connection

    from cunzhi.residency.compliance import compliance_rows, month_counts_from_rows
    from cunzhi.residency.models import Dispatch

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def from_rollup() -> Any:
        return compliance_rows(Dispatch.objects.for_user(admin, "view"), today.year, on=today)

    def from_raw_rows() -> Any:
        return compliance_rows(
            Dispatch.objects.for_user(admin, "view"),
            today.year,
            on=today,
            counts_of=month_counts_from_rows,
        )

    def figures(table: Any) -> list[tuple[int, int, int, str]]:
        return [(r.dispatch.pk, r.in_village_days, r.unexplained_days, r.status) for r in table]

    if figures(from_rollup()) != figures(from_raw_rows()):
        raise RuntimeError("the rollup and the raw rows disagree")
    subject, baseline = time_pair(from_rollup, from_raw_rows, repeat=7)
    ratio = subject.median / baseline.median
    return Result(
        name="residency: compliance table, rollup vs raw rows",
        subject=f"from the rollup {subject.median * 1000:.1f} ms",
        baseline=f"counting the raw rows {baseline.median * 1000:.1f} ms",
        ratio=ratio,
        target=f"≤ {TABLE_TARGET:.1f}x",
        passed=ratio <= TABLE_TARGET,
        note=f"{CADRES:,} cadres, {rows:,} presence rows since 2025-01-01; median of 7",
    )


# 2. The check-in


def bearer_tokens(dispatches: list[Any]) -> list[str]:
    from cunzhi.accounts.services import api_token_create

    return [api_token_create(actor=d.cadre.user, name="手机")[1] for d in dispatches]


def post(connection: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> float:
    body = json.dumps({"latitude": 25.04, "longitude": 102.71, "accuracy_m": 15})
    start = time.perf_counter()
    connection.request(
        "POST", path, body=body, headers={"Content-Type": "application/json", **headers}
    )
    response = connection.getresponse()
    answer = response.read()
    elapsed = time.perf_counter() - start
    if response.status not in (200, 201):
        raise RuntimeError(f"POST {path} answered {response.status}: {answer[:300]!r}")
    return elapsed


def checkin_result(environment: Any, writers: list[Any]) -> Result:
    from benchmarks.residency_urls import BARE_CHECK_IN
    from cunzhi.residency.models import PresenceDay

    half = len(writers) // 2
    subject_cadres, bare_cadres = writers[:half], writers[half:]
    tokens = bearer_tokens(subject_cadres)
    with serve(environment, "benchmarks.residency_settings") as port:
        subject = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        bare = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        subject_seconds: list[float] = []
        bare_seconds: list[float] = []
        for index in range(half):
            s = post(
                subject, "/api/v1/residency/presence", {"Authorization": f"Bearer {tokens[index]}"}
            )
            b = post(bare, f"/{BARE_CHECK_IN}?dispatch={bare_cadres[index].pk}", {})
            if index >= WARMUP:
                subject_seconds.append(s)
                bare_seconds.append(b)
        subject.close()
        bare.close()
    written = PresenceDay.objects.filter(dispatch__in=[d.pk for d in writers]).count()
    if written != len(writers):
        raise RuntimeError(f"{written} check-ins written, {len(writers)} expected")
    subject_p50, bare_p50 = statistics.median(subject_seconds), statistics.median(bare_seconds)
    ratio = subject_p50 / bare_p50
    return Result(
        name="residency: check-in vs bare view",
        subject=(
            f"check-in p50 {subject_p50 * 1000:.1f} ms p95 "
            f"{percentile(subject_seconds, 0.95) * 1000:.1f} ms ({1 / subject_p50:.0f}/s)"
        ),
        baseline=(
            f"bare insert p50 {bare_p50 * 1000:.1f} ms p95 "
            f"{percentile(bare_seconds, 0.95) * 1000:.1f} ms ({1 / bare_p50:.0f}/s)"
        ),
        ratio=ratio,
        target=f"≤ {CHECKIN_TARGET:.1f}x",
        passed=ratio <= CHECKIN_TARGET,
        note=f"ratio of p50; {CHECKINS} first check-ins a side, gunicorn 1 worker, one connection",
    )
