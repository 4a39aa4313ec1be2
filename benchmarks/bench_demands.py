"""Demands at county and province scale: the filtered list, and statistics from rollups.

1. The demand list with filters over ``BENCH_DEMANDS`` demands in a county (default 100,000,
   ``make bench``; CI exports a smaller number). Subject: one page of the declared list
   (``demands.lists.DEMANDS`` through ``core.lists.list_rows``) as a county administrator
   (scoped by ``for_user``), filtered by state, category and "overdue", newest first: the 30
   rows and the total, as the list page asks for them. Its query count must be the same as
   over a tenth of the demands (target: equal), and its p95 is held against a bare keyed
   lookup on the same table
   (``Demand.objects.filter(pk=…).first()``), the least a page about demands can ask of the
   database. Target: p95 ≤ 25x the lookup's p95 (the list counts its matches, which a keyed
   lookup never does; the target says the count stays an index range, not a scan).

2. Township statistics (resolution rate, overdue, median days to resolve, satisfaction, by
   category and village) over ``BENCH_DEMAND_STATS_ROWS`` demands (default 1,000,000) from the
   rollups the services keep (``DemandRollup``), against counting the raw rows of the township
   once (one aggregate with three counts: what any dashboard without rollups would do per
   request, and less than the statistics show). Target: ≤ 0.2x. The statistics are two
   queries: the rollup rows of the township's villages and the category names.

The demands are written with ``bulk_create`` (the benchmark measures reading them, not making
them) and their rollups rebuilt with ``rollup_rebuild``, the service for rows that did not come
through ``demand_create``.
"""

from __future__ import annotations

import datetime
import os
import random
from typing import Any

from django.db import connection
from django.utils import timezone

from benchmarks.common import Result, county, county_admin, percentile, time_pair

LIST_ROWS = int(os.environ.get("BENCH_DEMANDS", "100000"))
STATS_ROWS = int(os.environ.get("BENCH_DEMAND_STATS_ROWS", "1000000"))
LOOKUPS = 200
LIST_TARGET = 25.0
STATS_TARGET = 0.2
BATCH = 5000
PAGE = 30


def run() -> list[Result]:
    results = list_is_constant_and_near_a_lookup()
    results.append(statistics_from_rollups())
    return results


def _add_demands(count: int, *, start: int, year: int) -> None:
    from cunzhi.demands.models import Demand, DemandCategory

    place = county()
    villages = [place.village, place.neighbour, place.far_village]
    categories = list(DemandCategory.objects.all())
    rng = random.Random(start)
    states = ["registered", "accepted", "in_progress", "resolved", "confirmed", "rejected"]
    today = timezone.localdate()
    for first in range(0, count, BATCH):
        rows = []
        for i in range(first, min(first + BATCH, count)):
            village = villages[i % len(villages)]
            registered = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(300))
            state = states[rng.randrange(len(states))]
            done = state in ("resolved", "confirmed")
            resolve_by = registered + datetime.timedelta(days=15)
            rows.append(
                Demand(
                    region=village,
                    region_code=village.code,
                    code=f"B{start + i:09d}",
                    source="visit",
                    category=categories[i % len(categories)],
                    title="村道塌方",
                    description="上寨到下寨的村道塌方",
                    registered_on=registered,
                    resolve_by=resolve_by,
                    state=state,
                    due_on=None if done or state == "rejected" else resolve_by,
                    remind_on=None if done else resolve_by - datetime.timedelta(days=3),
                    deadline_status="met" if done else ("none" if state == "rejected" else "due"),
                    resolved_on=registered + datetime.timedelta(days=rng.randrange(1, 30))
                    if done
                    else None,
                    satisfaction=rng.randint(1, 5) if state == "confirmed" else None,
                    sweep_on=None if done else min(resolve_by, today),
                )
            )
        Demand.objects.bulk_create(rows)


def _page(user: Any, region: Any) -> tuple[int, int]:
    from cunzhi.core.lists import list_rows
    from cunzhi.demands.lists import DEMANDS

    params = {"state": "in_progress", "category": "roads", "deadline": "overdue"}
    _filters, _sort, demands = list_rows(DEMANDS, user, params, region=region)
    rows = list(demands[:PAGE])
    return len(rows), demands.count()


def _queries(fn: Any) -> int:
    count = 0

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        fn()
    return count


def list_is_constant_and_near_a_lookup() -> list[Result]:
    from cunzhi.demands.models import Demand

    admin = county_admin()
    place = county()
    year = timezone.localdate().year - 1
    _add_demands(LIST_ROWS // 10, start=0, year=year)
    _page(admin, place.county)  # the first read looks up the administrator's scope once
    few = _queries(lambda: _page(admin, place.county))
    _add_demands(LIST_ROWS - LIST_ROWS // 10, start=LIST_ROWS // 10, year=year)
    many = _queries(lambda: _page(admin, place.county))
    ids = list(Demand.objects.values_list("pk", flat=True)[:LOOKUPS])
    rng = random.Random(1)

    page_times: list[float] = []
    lookup_times: list[float] = []

    def page() -> None:
        _page(admin, place.county)

    def lookup() -> None:
        Demand.objects.filter(pk=rng.choice(ids)).first()

    for _ in range(5):
        subject, baseline = time_pair(page, lookup, repeat=20, warmup=1)
        page_times += subject.samples
        lookup_times += baseline.samples
    p95_page, p95_lookup = percentile(page_times, 0.95), percentile(lookup_times, 0.95)
    ratio = p95_page / p95_lookup
    total = Demand.objects.count()
    return [
        Result(
            name="demands: list queries vs rows",
            subject=f"{many} queries over {total:,} demands",
            baseline=f"{few} queries over {LIST_ROWS // 10:,}",
            ratio=many / few,
            target="= 1.00x",
            passed=many == few,
            note="state + category + overdue filters, county administrator's scope",
        ),
        Result(
            name="demands: filtered list p95 vs keyed lookup",
            subject=f"list page p95 {p95_page * 1000:.2f} ms",
            baseline=f"keyed lookup p95 {p95_lookup * 1000:.3f} ms",
            ratio=ratio,
            target=f"≤ {LIST_TARGET:.0f}x",
            passed=ratio <= LIST_TARGET,
            note=f"{total:,} demands; {len(page_times)} samples each",
        ),
    ]


def statistics_from_rollups() -> Result:
    from cunzhi.demands.models import Demand
    from cunzhi.demands.selectors import demand_statistics, raw_statistics_count
    from cunzhi.demands.services import rollup_rebuild

    place = county()
    admin = county_admin()
    year = timezone.localdate().year - 2
    missing = STATS_ROWS - Demand.objects.filter(registered_on__year=year).count()
    _add_demands(max(missing, 0), start=10_000_000, year=year)
    rollup_rebuild(actor=place.admin, region_code=place.county.code)
    prefix = place.township.code[:9]

    def from_rollups() -> None:
        demand_statistics(admin, place.township, year)

    def raw_once() -> None:
        raw_statistics_count(prefix, year)

    subject, baseline = time_pair(from_rollups, raw_once, repeat=5, warmup=1)
    ratio = subject.median / baseline.median
    rows = Demand.objects.filter(registered_on__year=year).count()
    return Result(
        name="demands: township statistics from rollups vs raw count",
        subject=f"statistics {subject.median * 1000:.1f} ms",
        baseline=f"one raw count {baseline.median * 1000:.1f} ms",
        ratio=ratio,
        target=f"≤ {STATS_TARGET:.1f}x",
        passed=ratio <= STATS_TARGET,
        note=f"{rows:,} demands in the year; median of 5",
    )
