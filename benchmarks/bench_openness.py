"""The village's public board, cached, against a bare view on the same server; then a burst of
readers at once. Targets: p95 at most 5x the bare view; every reader of the burst answered.

A real server (gunicorn, one worker with two threads, as ``bench_api`` starts it) serves the
project with ``benchmarks.bench_settings``. Nobody is signed in: the board is public.

Subject: ``GET /openness/board/<village>/``, a village's board of ``BENCH_BOARD_NOTICES`` notices
(default 50, the most it shows) in four categories, with the county chain's recent heads,
compressed, as a villager's phone asks for it. The page is rendered once and then served from
the cache until the next publication or objection, which is what a villager meets.

Baseline: ``GET /bench/bare/public``, a view that answers a small fixed HTML page with no session
and no template: the floor every anonymous page pays (the server, the middleware, gzip), so the
ratio is what finding the village and reading the cached page add.

Burst: ``BENCH_BOARD_READERS`` (default 200) readers, each on a connection of its own, all
asking for the board at once (a notice shared in the village's chat group). Every one must be
answered 200 with the board; the slowest answer is reported.
"""

from __future__ import annotations

import gzip
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks.bench_api import Connection, alternate, serve
from benchmarks.bench_urls import BARE_PUBLIC_PAGE
from benchmarks.common import Result, county, percentile, prepare

NOTICES = int(os.environ.get("BENCH_BOARD_NOTICES", "50"))
READERS = int(os.environ.get("BENCH_BOARD_READERS", "200"))
WARMUP = 10
REQUESTS = 200
TARGET = 5.0
HEADERS = {"Accept": "text/html", "Accept-Encoding": "gzip", "Accept-Language": "zh-CN"}


def run() -> list[Result]:
    from cunzhi.openness.models import NoticeCategory
    from cunzhi.openness.services import notice_publish

    environment = prepare()
    place = county()
    categories = list(NoticeCategory.values)
    for n in range(NOTICES):
        notice_publish(
            actor=place.admin,
            village=place.village,
            category=categories[n % len(categories)],
            title=f"2026年第{n + 1}期公开",
            body="收入：集体林地流转1200元。支出：道路养护800元。" * 5,
            publicity=n % 5 == 0,
        )
    path = f"/openness/board/{place.village.code}/"
    with serve(environment) as port:
        board, bare = Connection(port, HEADERS), Connection(port, HEADERS)
        size = _check(board, path, place.village.name)
        subject, baseline = alternate(
            board, path, bare, f"/{BARE_PUBLIC_PAGE}", warmup=WARMUP, requests=REQUESTS
        )
        board.close()
        bare.close()
        burst = _burst(port, path, place.village.name)
    return [_result(subject, baseline, size), burst]


def _check(client: Connection, path: str, must_contain: str) -> int:
    _elapsed, body, response = client.fetch(path)
    if response.status != 200 or response.getheader("Content-Encoding") != "gzip":
        raise RuntimeError(f"GET {path}: {response.status}, not compressed")
    if must_contain not in gzip.decompress(body).decode():
        raise RuntimeError(f"GET {path} is not the village's board")
    return len(body)


def _result(subject: list[float], baseline: list[float], size: int) -> Result:
    p95, bare_p95 = percentile(subject, 0.95), percentile(baseline, 0.95)
    p50, bare_p50 = statistics.median(subject), statistics.median(baseline)
    ratio = p95 / bare_p95
    return Result(
        name="openness: public board (cached) vs bare view",
        subject=f"board p50 {p50 * 1000:.1f} ms p95 {p95 * 1000:.1f} ms",
        baseline=f"bare p50 {bare_p50 * 1000:.1f} ms p95 {bare_p95 * 1000:.1f} ms",
        ratio=ratio,
        target=f"≤ {TARGET:.0f}x",
        passed=ratio <= TARGET,
        note=(
            f"ratio of p95; p50 ratio {p50 / bare_p50:.2f}x; {REQUESTS} requests each; "
            f"{NOTICES} notices, {size // 1024} KB gzipped"
        ),
    )


def _burst(port: int, path: str, must_contain: str) -> Result:
    """Every reader connects, waits at the barrier, then all ask at once."""
    barrier = threading.Barrier(READERS)

    def read(_: int) -> tuple[bool, float]:
        client = Connection(port, HEADERS)
        try:
            barrier.wait(timeout=60)
            started = time.perf_counter()
            _elapsed, body, response = client.fetch(path)
            ok = response.status == 200 and must_contain in gzip.decompress(body).decode()
            return ok, time.perf_counter() - started
        except Exception:
            return False, 0.0
        finally:
            client.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        answers = list(pool.map(read, range(READERS)))
    wall = time.perf_counter() - started
    failed = sum(1 for ok, _ in answers if not ok)
    slowest = max(seconds for _, seconds in answers)
    return Result(
        name=f"openness: {READERS} readers of one board at once",
        subject=f"{READERS - failed} answered, slowest {slowest * 1000:.0f} ms",
        baseline=f"{READERS} asked, {wall:.2f} s in all",
        ratio=(READERS - failed) / READERS,
        target="all answered",
        passed=failed == 0,
        note="one server worker with two threads; each reader on its own connection",
    )
