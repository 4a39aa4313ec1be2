"""The home page's attention block for a county administrator over a county with 100,000 open
items, against a bare view on the same server. Targets: the same number of queries at 100 items
as at 100,000, and a p95 at most 3x the bare view's.

The items are the test kit's errands (``cunzhi.core.tests.kit``): a regional record with a status,
the deadline state the sweep keeps on each record, and an assignee, indexed as a domain indexes
them. That is the smallest honest stand-in for a domain's open items: the provider is the kit's
``attention.py``, found and run by the same code as every app's.

Subject: ``GET /attention/`` with the administrator's session, as htmx loads the block: the
session and user, the current post, the scope lookup, every provider (here the kit's: one
aggregate with three counts) and the template.

Baseline: a bare view (``benchmarks.attention_urls``) that runs the same aggregate over the same
code range and answers the three numbers, with no session, no scope lookup and no template.
Before timing, the benchmark checks that both give the same three counts.
"""

from __future__ import annotations

import os
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import connection
from django.test import Client as DjangoClient
from django.test.utils import CaptureQueriesContext

from benchmarks.attention_urls import BARE_ATTENTION
from benchmarks.bench_api import Connection, alternate, serve
from benchmarks.common import Result, county, county_admin, percentile, prepare
from cunzhi.core.tests.kit.models import Errand, create_tables

if TYPE_CHECKING:
    from cunzhi.accounts.models import User
    from cunzhi.regions.models import Region

ITEMS = int(os.environ.get("BENCH_ATTENTION_ITEMS", "100000"))
FIRST = 100  # the query count is compared between this many items and ITEMS
OVERDUE_EVERY, SOON_EVERY, MINE_EVERY, DONE_EVERY = 100, 50, 2000, 10
WARMUP = 20
REQUESTS = 200  # per endpoint
TARGET = 3.0
BATCH = 5000
COUNT_PATTERN = re.compile(r'data-count="(\d+)"')


def run() -> list[Result]:
    environment = prepare()
    import benchmarks.attention_urls  # noqa: F401  the kit's provider and permissions, here too

    place = county()
    admin = county_admin()
    create_tables()
    villages = [place.village, place.neighbour, place.far_village]

    in_process = DjangoClient(HTTP_HOST="localhost")
    in_process.force_login(admin)
    add_errands(villages, admin, 0, FIRST)
    few = queries_of(in_process)
    add_errands(villages, admin, FIRST, ITEMS)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Errand._meta.db_table}")
    many = queries_of(in_process)

    session = in_process.cookies["sessionid"].value
    subject_path = "/attention/"
    bare_path = f"/{BARE_ATTENTION}?within={place.county.prefix}&user={admin.pk}"
    with serve(environment, "benchmarks.attention_settings") as port:
        subject = Connection(port, {"Cookie": f"sessionid={session}"})
        bare = Connection(port, {})
        subject_counts = COUNT_PATTERN.findall(subject.fetch(subject_path)[1].decode())
        bare_counts = COUNT_PATTERN.findall(bare.fetch(bare_path)[1].decode())
        # The block holds every installed app's items (the domains' own, about the same county)
        # beside the kit's three; the bare view counts the kit's three the same way.
        if len(bare_counts) != 3 or Counter(bare_counts) - Counter(subject_counts):
            raise RuntimeError(
                f"the block and the bare view disagree: {subject_counts} vs {bare_counts}; "
                "update benchmarks/attention_urls.py to match the kit's provider"
            )
        subject_seconds, bare_seconds = alternate(
            subject, subject_path, bare, bare_path, warmup=WARMUP, requests=REQUESTS
        )
        subject.close()
        bare.close()

    subject_p95, bare_p95 = percentile(subject_seconds, 0.95), percentile(bare_seconds, 0.95)
    subject_p50, bare_p50 = statistics.median(subject_seconds), statistics.median(bare_seconds)
    ratio = subject_p95 / bare_p95
    open_items = Errand.objects.exclude(status=Errand.Status.DONE).count()
    return [
        Result(
            name="attention: constant queries",
            subject=f"{many} queries at {ITEMS:,} items",
            baseline=f"{few} queries at {FIRST} items",
            ratio=many / few,
            target="= 1.00x",
            passed=many == few,
            note="GET /attention/ as the county administrator, in process",
        ),
        Result(
            name="attention: block vs bare view",
            subject=f"block p50 {subject_p50 * 1000:.1f} ms p95 {subject_p95 * 1000:.1f} ms",
            baseline=f"bare p50 {bare_p50 * 1000:.1f} ms p95 {bare_p95 * 1000:.1f} ms",
            ratio=ratio,
            target=f"≤ {TARGET:.1f}x",
            passed=ratio <= TARGET,
            note=(
                f"ratio of p95; p50 ratio {subject_p50 / bare_p50:.2f}x; {open_items:,} open "
                f"items in the county, counts {'/'.join(subject_counts)}; {REQUESTS} requests "
                "each, gunicorn 1 worker"
            ),
        ),
    ]


def add_errands(villages: Sequence[Region], admin: User, start: int, stop: int) -> None:
    """Errands ``start``..``stop``: every 100th overdue, every 50th due soon, a few waiting."""
    batch: list[Errand] = []
    for number in range(start, stop):
        region = villages[number % len(villages)]
        due_state = (
            Errand.DueState.OVERDUE
            if number % OVERDUE_EVERY == 0
            else Errand.DueState.SOON
            if number % SOON_EVERY == 0
            else Errand.DueState.NONE
        )
        mine = number % MINE_EVERY == 1
        errand = Errand(
            region=region,
            title=f"事项{number}",
            status=Errand.Status.WAITING if mine else Errand.Status.OPEN,
            due_state=due_state,
            assignee=admin if mine else None,
        )
        errand.region_code = region.code
        batch.append(errand)
        # Closed items stay in the table, as they do in a domain's, and count for nobody.
        if number % DONE_EVERY == 0:
            done = Errand(region=region, title="已办结", status=Errand.Status.DONE)
            done.region_code = region.code
            batch.append(done)
        if len(batch) >= BATCH:
            Errand.objects.bulk_create(batch)
            batch = []
    Errand.objects.bulk_create(batch)


def queries_of(client: DjangoClient) -> int:
    client.get("/attention/")  # the first request of a process loads translations and templates
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/attention/")
    if response.status_code != 200 or b"data-count" not in response.content:
        raise RuntimeError(
            f"/attention/ answered {response.status_code}: {response.content[:300]!r}"
        )
    return len(queries)
