"""Finding a person among a million residents. Target: p95 under 50 ms for every kind of query.

Data: the suite's small county grown to about 250 villages (as ``bench_api`` does), then
``BENCH_SEARCH_RESIDENTS`` residents (default 1,000,000; about 240,000 households) added by
``cunzhi.registry.scale.build_scale``, the bulk builder ``seed_demo --scale`` uses. On
PostgreSQL the tables are then vacuumed and analysed, the state autovacuum leaves them in.

Reader: a county administrator, the widest scope a post gives: every branch of the search has
the whole county's million rows to choose from.

Subject: ``registry.search.resident_search``, what the search page calls: one index range scan
per kind the query is read as, the people found with their household and village, their tags,
and masking through ``selectors.present``. Queries are drawn from the residents built (seeded,
so every run asks the same): the surname and the first character of the given name (杨德), the
given name alone (德福), the first five letters of the full pinyin, the initials, the last 4 and
the last 6 digits of an ID number, the last 4 digits of a phone number, a household number.

Baseline: fetching and presenting the same people by primary key, with the same related rows
and the same masking: what showing the results costs once they are known. The ratio is what
finding them adds; the pass/fail is the absolute p95, as the issue asks. The naive search the
page had before (``name__icontains``, a full scan) is timed a few times for the note only.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.bench_api import seed_regions
from benchmarks.common import Result, _timed, county, county_admin, percentile
from cunzhi.registry.models import Household, Resident
from cunzhi.registry.scale import build_scale
from cunzhi.registry.search import resident_search
from cunzhi.registry.selectors import present, tag_links

RESIDENTS = int(os.environ.get("BENCH_SEARCH_RESIDENTS", "1000000"))
RESIDENTS_PER_HOUSEHOLD = 4.19  # what the demo planner makes, moved-out and deceased included
SEED = 5  # the builder's seed: its own household numbers and ID numbers
QUERIES = 100  # per kind
TARGET_MS = 50.0
NAIVE_RUNS = 3

KINDS: dict[str, Callable[[Resident], str]] = {
    "surname + given name start": lambda r: r.name[:2],
    "given name alone": lambda r: r.name[1:],
    "pinyin prefix (5 letters)": lambda r: r.name_pinyin[:5],
    "initials": lambda r: r.name_initials,
    "ID number, last 4": lambda r: r.id_number[-4:],
    "ID number, last 6": lambda r: r.id_number[-6:],
    "phone, last 4": lambda r: r.phone[-4:],
    "household number": lambda r: r.household.household_no,
}


def run() -> list[Result]:
    place = county()
    reader = county_admin()
    seed_regions(place.admin, county_code=place.county.code)
    started = time.perf_counter()
    report = build_scale(round(RESIDENTS / RESIDENTS_PER_HOUSEHOLD), seed=SEED, within=place.county)
    built = time.perf_counter() - started
    _vacuum()
    total = Resident.objects.count()
    samples = _sample_people()
    naive = _naive_ms(reader, samples[:NAIVE_RUNS])
    results = []
    for kind, make_query in KINDS.items():
        queries = [make_query(person) for person in samples if make_query(person)][:QUERIES]
        subject, baseline, hits = _measure(reader, queries)
        p95, base_p95 = percentile(subject, 0.95), percentile(baseline, 0.95)
        results.append(
            Result(
                name=f"registry search: {kind}",
                subject=f"p50 {statistics.median(subject):.1f} ms p95 {p95:.1f} ms",
                baseline=f"pk fetch p95 {base_p95:.1f} ms",
                ratio=p95 / base_p95,
                target=f"p95 < {TARGET_MS:.0f} ms",
                passed=p95 < TARGET_MS,
                note=f"{len(queries)} queries, {hits:.1f} found on average",
            )
        )
    results[0].note += (
        f"; {total:,} residents, built {report.residents:,} in {built:.0f} s; "
        f"naive icontains p50 {naive:.0f} ms"
    )
    return results


def _vacuum() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Household, Resident):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _sample_people() -> list[Resident]:
    """Residents spread over the whole table, the same every run, with a phone if possible."""
    last = Resident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rng = random.Random(SEED)
    pks = [rng.randint(1, last) for _ in range(QUERIES * 3)]
    people = Resident.objects.filter(pk__in=pks).select_related("household").order_by("pk")
    by_pk = {person.pk: person for person in people}
    chosen = [by_pk[pk] for pk in pks if pk in by_pk]
    # A phone tail needs a phone: put the people who have one first for that kind alone.
    return sorted(chosen, key=lambda person: not person.phone)


def _measure(reader: Any, queries: list[str]) -> tuple[list[float], list[float], float]:
    """Milliseconds of each search and of fetching the same people by pk, alternating."""
    subject: list[float] = []
    baseline: list[float] = []
    found = 0
    for query in queries[:5]:  # warm the caches of both sides
        resident_search(reader, query)
    for query in queries:
        pks: list[int] = []

        def search(query: str = query, pks: list[int] = pks) -> None:
            pks[:] = [person.pk for person in resident_search(reader, query).residents]

        subject.append(_timed(search) * 1000)
        found += len(pks)

        def fetch(pks: list[int] = pks) -> None:
            people = (
                Resident.objects.for_user(reader, "view")
                .filter(pk__in=pks)
                .select_related("household", "region")
                .prefetch_related(tag_links())
            )
            present(reader, list(people))

        baseline.append(_timed(fetch) * 1000)
    return subject, baseline, found / max(1, len(queries))


def _naive_ms(reader: Any, people: list[Resident]) -> float:
    """The median of a few searches by full name as the page searched before: a full name
    matches fewer than 20 people, so ``icontains`` reads the whole table to be sure."""
    timings = []
    for person in people:

        def naive(name: str = person.name) -> None:
            list(
                Resident.objects.for_user(reader, "view")
                .filter(name__icontains=name)
                .order_by("region_code", "household_id", "pk")[:20]
            )

        timings.append(_timed(naive) * 1000)
    return statistics.median(timings) if timings else float("nan")
