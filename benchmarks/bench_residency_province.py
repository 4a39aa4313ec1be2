"""Residency: a province's compliance summary, read from the maintained rollup.

``BENCH_PROVINCE_CADRES`` dispatched first secretaries (default 20,000, a province; CI 2,000), one
to a village, in a province of 10 cities, 100 counties, 1,000 townships and as many villages as
cadres, each with ``BENCH_PROVINCE_DAYS`` days of presence up to yesterday (default 250: 5 million
rows at the default size; 500,000 in CI), four days in five in the village and the fifth absent,
and the monthly rollup of those rows.

Subject: the province's summary by county for this year (``compliance.compliance_summary``: the
dispatches' terms, their rollup months summed per dispatch in one query, the rules of each of the
100 counties, the calendar, every dispatch's status, counted by county, the counties' names).
Baseline: the same function with the year's days counted once from the raw presence rows
(``year_totals_from_rows``: one GROUP BY over the rows of the same dispatches); everything else is
the same code, so the ratio is what the rollup saves. Both must give the same figures for every
county before anything is timed. Target: at most a quarter of the time. The peak Python memory of
one call of each side (tracemalloc, untimed) is in the note; target: the subject under 64 MB at
20,000 cadres (it holds one small tuple per dispatch, never a model instance).

The scene is written straight in SQL (the rows are the scene, not the subject): the regions, users,
cadres and dispatches through ``bulk_create``, the presence rows with one ``INSERT … SELECT`` per
batch of dispatches from a table of days, and the rollup counted from the same pattern.
"""

from __future__ import annotations

import datetime
import os
import tracemalloc
from collections import defaultdict
from typing import Any

from benchmarks.common import Result, prepare, time_pair

CADRES = int(os.environ.get("BENCH_PROVINCE_CADRES", "20000"))
DAYS = int(os.environ.get("BENCH_PROVINCE_DAYS", "250"))
TARGET = 0.25
MEMORY_TARGET_MB = 64 * CADRES / 20000
PROVINCE = "45"  # 广西: a province of its own, apart from the demo and test county (53…)
CITIES, COUNTIES_PER_CITY, TOWNSHIPS_PER_COUNTY = 10, 10, 10
BATCH = 5000


def run() -> list[Result]:
    prepare()
    from django.utils import timezone

    today = timezone.localdate()
    villages = make_province(CADRES)
    dispatches = make_dispatches(villages, datetime.date(2024, 7, 1))
    rows = add_presence(dispatches, today - datetime.timedelta(days=DAYS), DAYS)
    return [summary_result(today, rows)]


# The scene


def make_province(villages: int) -> list[Any]:
    """A province of 10 cities, 100 counties, 1,000 townships and ``villages`` villages."""
    from cunzhi.core.regioncodes import Level
    from cunzhi.regions.models import Region

    province = Region.objects.create(code=PROVINCE.ljust(12, "0"), name="测试省", level="province")
    cities = _coded([province], CITIES, 2, Level.CITY, "市")
    counties = _coded(cities, COUNTIES_PER_CITY, 4, Level.COUNTY, "县")
    townships = _coded(counties, TOWNSHIPS_PER_COUNTY, 6, Level.TOWNSHIP, "镇")
    per_township = -(-villages // len(townships))
    made = _coded(townships, per_township, 9, Level.VILLAGE, "村")
    return made[:villages]


def _coded(parents: list[Any], per: int, keep: int, kind: Any, name: str) -> list[Any]:
    """Children of ``parents``: the parent's first ``keep`` digits, then the child's number."""
    from cunzhi.regions.models import Region

    width = {2: 2, 4: 2, 6: 3, 9: 3}[keep]
    made = [
        Region(
            code=(parent.code[:keep] + f"{n:0{width}d}").ljust(12, "0"),
            name=f"{parent.name}{name}{n}",
            level=kind,
            parent=parent,
        )
        for parent in parents
        for n in range(1, per + 1)
    ]
    return Region.objects.bulk_create(made, batch_size=BATCH)  # type: ignore[no-any-return]


def make_dispatches(villages: list[Any], starts_on: datetime.date) -> list[Any]:
    """A serving first secretary in each village: a user, a cadre and a dispatch."""
    from cunzhi.accounts.models import SendingUnit, User
    from cunzhi.residency.models import Cadre, Dispatch

    unit = SendingUnit(name="测试省委组织部", region=villages[0], region_code=villages[0].code)
    unit.save()
    users = User.objects.bulk_create(
        [User(username=f"province_cadre{i}", full_name=f"干部{i}") for i in range(len(villages))],
        batch_size=BATCH,
    )
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(user=u, sending_unit=unit, region=v, region_code=v.code)
            for u, v in zip(users, villages, strict=True)
        ],
        batch_size=BATCH,
    )
    return Dispatch.objects.bulk_create(  # type: ignore[no-any-return]
        [
            Dispatch(cadre=c, sending_unit=unit, region=v, region_code=v.code,
                     role="first_secretary", starts_on=starts_on,
                     planned_end=starts_on.replace(year=starts_on.year + 3))
            for c, v in zip(cadres, villages, strict=True)
        ],
        batch_size=BATCH,
    )  # fmt: skip


def add_presence(dispatches: list[Any], first: datetime.date, days: int) -> int:
    """``days`` rows per dispatch from ``first``: absent when (day number + id) % 5 == 4."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cunzhi.core.calendar import year_working_days
    from cunzhi.residency.models import PresenceDay, PresenceMonth

    dates = [first + datetime.timedelta(days=n) for n in range(days)]
    working: set[datetime.date] = set()
    for year in {d.year for d in dates}:
        working.update(year_working_days(year))
    table = PresenceDay._meta.db_table
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_days (n integer, day date, working boolean)")
        cursor.executemany(
            "INSERT INTO bench_days (n, day, working) VALUES (%s, %s, %s)",
            [(n, day, day in working) for n, day in enumerate(dates)],
        )
        ids = sorted(d.pk for d in dispatches)
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            cursor.execute(
                f"""
                INSERT INTO {table} (created_at, updated_at, region_id, region_code, dispatch_id,
                    sending_unit_id, date, kind, source, is_working_day, far_from_village, reason)
                SELECT %s, %s, d.region_id, d.region_code, d.id, d.sending_unit_id, b.day,
                    CASE WHEN (b.n + d.id) %% 5 = 4 THEN 'absent' ELSE 'in_village' END,
                    'check_in', b.working, %s, ''
                FROM residency_dispatch d CROSS JOIN bench_days b
                WHERE d.id >= %s AND d.id <= %s
                """,
                [now, now, False, chunk[0], chunk[-1]],
            )
        cursor.execute("DROP TABLE bench_days")
        # The rollup of the same pattern: it depends only on the dispatch's id modulo 5.
        by_remainder: dict[int, dict[tuple[int, int], list[int]]] = {}
        for remainder in range(5):
            months: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
            for n, day in enumerate(dates):
                if day in working:
                    months[(day.year, day.month)][(n + remainder) % 5 == 4] += 1
            by_remainder[remainder] = months
        PresenceMonth.objects.bulk_create(
            [
                PresenceMonth(dispatch_id=d.pk, region_code=d.region_code, year=y, month=m,
                              in_village=present, absent=absent)
                for d in dispatches
                for (y, m), (present, absent) in by_remainder[d.pk % 5].items()
            ],
            batch_size=BATCH,
        )  # fmt: skip
    return len(dispatches) * days


# The summary


def summary_result(today: datetime.date, rows: int) -> Result:
    from django.db import connection

    from cunzhi.core.regioncodes import Level
    from cunzhi.core.scoping import code_in_prefixes
    from cunzhi.residency.compliance import compliance_summary, year_totals_from_rows
    from cunzhi.residency.models import Dispatch, PresenceDay

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    written = PresenceDay.objects.filter(region_code__startswith=PROVINCE).count()
    if written != rows:
        raise RuntimeError(f"{written} presence rows written, {rows} expected")
    # What a reader of the whole province is scoped to: every dispatch under its code.
    province = Dispatch.objects.filter(code_in_prefixes("region_code", [PROVINCE]))

    def from_rollup() -> Any:
        return compliance_summary(province, today.year, on=today, level=Level.COUNTY)

    def from_raw_rows() -> Any:
        return compliance_summary(
            province, today.year, on=today, level=Level.COUNTY, totals_of=year_totals_from_rows
        )

    fast, slow = from_rollup(), from_raw_rows()
    if [(a.code, a.figures()) for a in fast] != [(a.code, a.figures()) for a in slow]:
        raise RuntimeError("the rollup and the raw rows disagree")
    counties = CITIES * COUNTIES_PER_CITY
    if len(fast) != counties or sum(a.dispatches for a in fast) != CADRES:
        raise RuntimeError(f"{len(fast)} counties, {sum(a.dispatches for a in fast)} cadres")
    subject_mb, baseline_mb = peak_mb(from_rollup), peak_mb(from_raw_rows)
    subject, baseline = time_pair(from_rollup, from_raw_rows, repeat=5)
    ratio = subject.median / baseline.median
    return Result(
        name="residency: province summary, rollup vs raw rows",
        subject=f"from the rollup {subject.median * 1000:.0f} ms, peak {subject_mb:.1f} MB",
        baseline=(
            f"counting the raw rows {baseline.median * 1000:.0f} ms, peak {baseline_mb:.1f} MB"
        ),
        ratio=ratio,
        target=f"≤ {TARGET:.2f}x, ≤ {MEMORY_TARGET_MB:.0f} MB",
        passed=ratio <= TARGET and subject_mb <= MEMORY_TARGET_MB,
        note=(
            f"{CADRES:,} cadres in {counties} counties, {rows:,} presence rows; by county; "
            "median of 5; peak = Python memory of one call"
        ),
    )


def peak_mb(fn: Any) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
