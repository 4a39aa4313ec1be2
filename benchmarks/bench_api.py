"""The region-list API against a bare Django view on the same server. Target: p95 at most 3x.

A real server (gunicorn, one worker, on loopback) serves the project's WSGI app with
``benchmarks.bench_settings``: the project's URLs plus one bare view (``benchmarks.bench_urls``).

Subject: ``GET /api/v1/regions?limit=100`` with a county administrator's bearer token, which
authenticates the token, works out the caller's scope, validates the query, paginates and
serialises through the schema.

Baseline: the bare view, which answers the same JSON for the same rows with ``values()`` and
``JsonResponse``, with no authentication. Before timing, the benchmark checks both bodies are
equal, so the baseline cannot drift into doing less work than the API.

The requests alternate between the two endpoints over one keep-alive connection each.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.bench_urls import BARE_REGION_LIST
from benchmarks.common import (
    ROOT,
    Environment,
    Result,
    county,
    county_admin,
    percentile,
    prepare,
)
from cunzhi.accounts.services import api_token_create
from cunzhi.regions.models import Region
from cunzhi.regions.services import regions_import

TOWNSHIPS = range(100, 110)  # 10 townships of the county ...
VILLAGES = range(201, 226)  # ... of 25 villages each
LIMIT = 100
WARMUP = 20
REQUESTS = 200  # per endpoint
TARGET = 3.0
SERVER_START_SECONDS = 30


def run() -> list[Result]:
    environment = prepare()
    place = county()
    admin = county_admin()
    seed_regions(place.admin, county_code=place.county.code)
    _token, raw_token = api_token_create(actor=admin, name="bench")
    prefix = place.county.prefix
    in_scope = Region.objects.in_region(prefix).count()

    api_path = "/api/v1/regions?" + urlencode({"limit": LIMIT})
    bare_path = f"/{BARE_REGION_LIST}?" + urlencode({"within": prefix, "limit": LIMIT})
    with serve(environment) as port:
        json_headers = {"Accept": "application/json"}
        api = Connection(port, {**json_headers, "Authorization": f"Bearer {raw_token}"})
        bare = Connection(port, json_headers)
        api_body = json.loads(api.fetch(api_path)[1])
        bare_body = json.loads(bare.fetch(bare_path)[1])
        if api_body != bare_body:
            raise RuntimeError(
                "the bare view no longer answers the API's JSON; update benchmarks/bench_urls.py "
                f"to match. API: {json.dumps(api_body)[:300]} bare: {json.dumps(bare_body)[:300]}"
            )
        api_seconds, bare_seconds = alternate(
            api, api_path, bare, bare_path, warmup=WARMUP, requests=REQUESTS
        )
        api.close()
        bare.close()

    api_p95, bare_p95 = percentile(api_seconds, 0.95), percentile(bare_seconds, 0.95)
    api_p50, bare_p50 = statistics.median(api_seconds), statistics.median(bare_seconds)
    ratio = api_p95 / bare_p95
    return [
        Result(
            name="api: GET /api/v1/regions vs bare view",
            subject=f"API p50 {api_p50 * 1000:.1f} ms p95 {api_p95 * 1000:.1f} ms",
            baseline=f"bare p50 {bare_p50 * 1000:.1f} ms p95 {bare_p95 * 1000:.1f} ms",
            ratio=ratio,
            target=f"≤ {TARGET:.1f}x",
            passed=ratio <= TARGET,
            note=(
                f"ratio of p95; p50 ratio {api_p50 / bare_p50:.2f}x; {REQUESTS} requests each, "
                f"limit={LIMIT} of {in_scope} regions, gunicorn 1 worker"
            ),
        )
    ]


def seed_regions(superuser: object, *, county_code: str) -> None:
    """About 250 villages under the county, through the import service, as a county has."""
    county_part = county_code[:6]
    rows: list[tuple[str, str]] = []
    for number, township in enumerate(TOWNSHIPS, start=1):
        rows.append((f"{county_part}{township}000", f"第{number}镇"))
        rows.extend(
            (f"{county_part}{township}{village}", f"第{number}镇第{village - 200}村")
            for village in VILLAGES
        )
    # The county of the test suite already has a few of these codes; keep their names.
    known = set(
        Region.objects.filter(code__in=[code for code, _ in rows]).values_list("code", flat=True)
    )
    new_rows = [(code, name) for code, name in rows if code not in known]
    regions_import(
        actor=superuser, rows=[(line, code, name) for line, (code, name) in enumerate(new_rows, 1)]
    )


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, with the headers of one caller.

    The API, attention and pages benchmarks all time requests through it.
    """

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = headers

    def fetch(self, path: str) -> tuple[float, bytes, http.client.HTTPResponse]:
        """(seconds from sending the request to the answer's last byte, the body, the answer)."""
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                self.connection.request("GET", path, headers=self.headers)
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once, untimed.
                self.connection.close()
                if attempt == 2:
                    raise
                continue
            elapsed = time.perf_counter() - start
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
            return elapsed, body, response
        raise AssertionError("unreachable")

    def seconds(self, path: str) -> float:
        return self.fetch(path)[0]

    def close(self) -> None:
        self.connection.close()


def alternate(
    subject: Connection,
    subject_path: str,
    bare: Connection,
    bare_path: str,
    *,
    warmup: int,
    requests: int,
) -> tuple[list[float], list[float]]:
    """Each side's request times, taken turn about so that the machine's drift hits both alike."""
    for _ in range(warmup):
        subject.seconds(subject_path)
        bare.seconds(bare_path)
    subject_seconds: list[float] = []
    bare_seconds: list[float] = []
    for _ in range(requests):
        subject_seconds.append(subject.seconds(subject_path))
        bare_seconds.append(bare.seconds(bare_path))
    return subject_seconds, bare_seconds


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(
    environment: Environment, settings_module: str = "benchmarks.bench_settings"
) -> Iterator[int]:
    """gunicorn serving the project on a free loopback port; stopped however the block ends."""
    port = free_port()
    env = {
        **os.environ,
        **environment.env,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    command = [
        sys.executable, "-m", "gunicorn", "cunzhi.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", "1",
        # gthread keeps connections alive, as `make serve` does (it runs 2 workers x 4 threads).
        "--worker-class", "gthread", "--threads", "2",
        "--chdir", str(ROOT),
        "--log-level", "warning",
    ]  # fmt: skip
    log_path = environment.var_dir / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_ready(server, port, log_path)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_ready(server: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log_tail(log_path)}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    raise RuntimeError(
        f"gunicorn did not answer within {SERVER_START_SECONDS} s:\n{log_tail(log_path)}"
    )


def log_tail(log_path: Path, lines: int = 30) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
