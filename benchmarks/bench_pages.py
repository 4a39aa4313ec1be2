"""The register page and the search page against a bare view on the same server. Target: p95 at
most 15x.

A real server (gunicorn, one worker, as ``bench_api`` starts it) serves the project with
``benchmarks.bench_settings``. A village party secretary is signed in (a session made in the
database, as the sign-in page would leave it) for every request.

Subjects: ``GET /registry/<village>/``, the register's first page (50 of 2,000 households, the
key figures, the filters, the tags), and ``GET /registry/search/?q=<surname and given name
start>`` within the village: what a cadre opens most on a phone, rendered whole, compressed.

Baseline: ``GET /bench/bare/page``, a view that loads the same signed-in user and answers a
small fixed HTML page: the floor every page pays (the server, the middleware, the session and
the user, gzip), so the ratio is what a page's queries and templates add on top.

The requests alternate between a subject and the baseline over one keep-alive connection each.
"""

from __future__ import annotations

import gzip
import statistics
from urllib.parse import quote

from benchmarks.bench_api import Connection, alternate, serve
from benchmarks.bench_urls import BARE_PAGE
from benchmarks.common import Result, county, percentile, prepare

HOUSEHOLDS = 2000
WARMUP = 10
REQUESTS = 150  # per endpoint
TARGET = 15.0
SEED = 11  # the scale builder's seed: household numbers and ID numbers of its own


def run() -> list[Result]:
    from cunzhi.accounts.models import Role
    from cunzhi.accounts.testing import make_user
    from cunzhi.registry.models import Resident
    from cunzhi.registry.scale import build_scale

    environment = prepare()
    place = county()
    build_scale(HOUSEHOLDS, seed=SEED, within=place.village)
    secretary = make_user(
        place, "bench_pages_secretary", Role.VILLAGE_PARTY_SECRETARY, place.village
    )
    cookie = _session_cookie(secretary)
    someone = Resident.objects.filter(region=place.village).order_by("pk").first()
    assert someone is not None
    query = someone.name[:2]
    pages = {
        "register": f"/registry/{place.village.code}/",
        "search": f"/registry/search/?within={place.village.code}&q={quote(query)}",
    }
    results = []
    with serve(environment) as port:
        page_client, bare_client = page_connection(port, cookie), page_connection(port, cookie)
        for name, path in pages.items():
            size = check(page_client, path, must_contain=place.village.name)
            subject, baseline = alternate(
                page_client, path, bare_client, f"/{BARE_PAGE}", warmup=WARMUP, requests=REQUESTS
            )
            results.append(_result(name, path, subject, baseline, size))
        page_client.close()
        bare_client.close()
    return results


def _result(name: str, path: str, subject: list[float], baseline: list[float], size: int) -> Result:
    p95, bare_p95 = percentile(subject, 0.95), percentile(baseline, 0.95)
    p50, bare_p50 = statistics.median(subject), statistics.median(baseline)
    ratio = p95 / bare_p95
    return Result(
        name=f"pages: {name} page vs bare view",
        subject=f"page p50 {p50 * 1000:.1f} ms p95 {p95 * 1000:.1f} ms",
        baseline=f"bare p50 {bare_p50 * 1000:.1f} ms p95 {bare_p95 * 1000:.1f} ms",
        ratio=ratio,
        target=f"≤ {TARGET:.0f}x",
        passed=ratio <= TARGET,
        note=(
            f"ratio of p95; p50 ratio {p50 / bare_p50:.2f}x; {REQUESTS} requests each; "
            f"{size // 1024} KB gzipped; {HOUSEHOLDS} households in the village"
        ),
    )


def _session_cookie(user: object) -> str:
    """A signed-in session, as ``django.contrib.auth.login`` leaves it, without the sign-in page."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    # The backend that knows users (the first one is Axes', which only refuses locked sign-ins).
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def page_connection(port: int, cookie: str) -> Connection:
    """A signed-in browser's keep-alive connection that accepts gzip, as a phone asks."""
    headers = {
        "Cookie": cookie,
        "Accept": "text/html",
        "Accept-Encoding": "gzip",
        "Accept-Language": "zh-CN",
    }
    return Connection(port, headers)


def check(client: Connection, path: str, *, must_contain: str) -> int:
    """The page is the signed-in page, compressed; its compressed size."""
    _elapsed, body, response = client.fetch(path)
    if response.getheader("Content-Encoding") != "gzip":
        raise RuntimeError(f"GET {path} was not compressed")
    if must_contain not in gzip.decompress(body).decode():
        raise RuntimeError(f"GET {path} is not the page it should be (signed out?)")
    return len(body)
