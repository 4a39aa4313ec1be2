"""What every benchmark shares: the result row, a throwaway database, a small county, a stopwatch.

A benchmark never compares a timing with a fixed number: machines differ, and CI runners differ
from day to day. It measures a subject and a baseline doing the same job in the same run and
judges the ratio. Everything runs against a database made for the run and dropped after it: a
temporary SQLite file, or a ``cunzhi_bench`` database next to the one DATABASE_URL names.
"""

from __future__ import annotations

import gc
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from cunzhi.accounts.models import User
    from cunzhi.accounts.testing import County

ROOT = Path(__file__).resolve().parent.parent
# BENCH_DATABASE names another one, so that two runs on one server do not drop each other's.
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "cunzhi_bench")
# The database a PostgreSQL server always has; the benchmark connects to it only to create and
# drop its own, so the database DATABASE_URL names is never opened.
MAINTENANCE_DATABASE = "postgres"


@dataclass
class Result:
    """One row of the table ``make bench`` prints."""

    name: str
    subject: str  # what was measured, with its figure: "2000 writes 1.21 s"
    baseline: str  # the same for the baseline
    ratio: float  # subject / baseline
    target: str  # "≤ 2.0x"
    passed: bool
    note: str = ""
    broken: bool = False  # the benchmark raised instead of measuring


@dataclass
class Environment:
    """The throwaway database and what a child process (a server) needs to reach it."""

    vendor: str
    var_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    postgres_admin_url: str = ""  # set when a PostgreSQL database must be dropped at the end


_environment: Environment | None = None
_county: County | None = None
_county_admin: User | None = None


def _postgres_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + database))


def _postgres_recreate(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(_libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')


def _postgres_drop(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(_libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def _libpq_url(url: str) -> str:
    # dj-database-url accepts postgres://, postgresql:// and pgsql://; libpq knows the first two.
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme.startswith(("postgres", "pgsql")) else parts.scheme
    return urlunsplit(parts._replace(scheme=scheme))


def prepare() -> Environment:
    """Point the settings at a throwaway database. Call before ``django.setup()``."""
    global _environment
    if _environment is not None:
        return _environment
    var_dir = Path(tempfile.mkdtemp(prefix="cunzhi-bench-"))
    # WhiteNoise warns about a missing STATIC_ROOT; the API does not serve static files.
    (var_dir / "static").mkdir()
    env = {
        "SECRET_KEY": "benchmark-only-not-secret",
        "DEBUG": "0",
        "CUNZHI_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        # The test-only domain (tests/kitdomain) is what bench_workflow measures the workflow on.
        "CUNZHI_TEST_APPS": "1",
        # The benchmarks sign their people in without a second factor (force_login, sessions made
        # in the database): they measure pages and exports, not the authenticator step.
        "OTP_REQUIRED": "0",
    }
    url = os.environ.get("DATABASE_URL", "")
    admin_url = ""
    if url:
        if not urlsplit(url).scheme.startswith(("postgres", "pgsql")):
            raise SystemExit(f"benchmarks run on SQLite or PostgreSQL, not {urlsplit(url).scheme}")
        admin_url = _postgres_url(url, MAINTENANCE_DATABASE)
        _postgres_recreate(admin_url)
        env["DATABASE_URL"] = _postgres_url(url, BENCH_DATABASE)
        vendor = "postgresql"
    else:
        env["DATABASE_URL"] = ""
        vendor = "sqlite"
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cunzhi.settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    _environment = Environment(
        vendor=vendor, var_dir=var_dir, env=env, postgres_admin_url=admin_url
    )
    return _environment


def setup() -> Environment:
    """The throwaway database, migrated, with Django ready to use."""
    environment = prepare()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return environment


def teardown() -> None:
    """Close every connection and remove the database and the temporary directory."""
    global _environment
    if _environment is None:
        return
    from django.db import connections

    connections.close_all()
    if _environment.postgres_admin_url:
        _postgres_drop(_environment.postgres_admin_url)
    if not os.environ.get("BENCH_KEEP_VAR"):
        shutil.rmtree(_environment.var_dir, ignore_errors=True)
    _environment = None


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return "sqlite (temporary file, WAL)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    return f"{connection.vendor} {version} (database {connection.settings_dict['NAME']})"


def county() -> County:
    """The small county of the test suite, built once per run through the services."""
    global _county
    if _county is None:
        from cunzhi.accounts.testing import build_county

        _county = build_county()
    return _county


def county_admin() -> User:
    """A county administrator of that county: scoped by its post, unlike the superuser."""
    global _county_admin
    if _county_admin is None:
        from cunzhi.accounts.models import Role
        from cunzhi.accounts.testing import make_user

        place = county()
        _county_admin = make_user(place, "bench_county_admin", Role.COUNTY_ADMIN, place.county)
    return _county_admin


def row_counts() -> dict[str, int]:
    from cunzhi.accounts.models import User
    from cunzhi.audit.models import Event
    from cunzhi.regions.models import Contact, Region

    return {
        "regions": Region.objects.count(),
        "contacts": Contact.objects.count(),
        "users": User.objects.count(),
        "audit events": Event.objects.count(),
    }


@dataclass
class Timing:
    """Seconds per repetition; the median is the figure a benchmark reports."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def time_pair(
    subject: Callable[[], Any],
    baseline: Callable[[], Any],
    *,
    repeat: int = 5,
    warmup: int = 1,
) -> tuple[Timing, Timing]:
    """Time both callables ``repeat`` times each, alternating, after ``warmup`` untimed rounds.

    Alternating spreads whatever drifts during the run (a growing database file, a busy
    neighbour on the machine, the CPU's clock) over both sides instead of one. The garbage
    collector is off while a callable runs, as in ``timeit``, so that a collection the other
    side's garbage provoked does not land in this side's time.
    """
    for _ in range(warmup):
        subject()
        baseline()
    subject_samples: list[float] = []
    baseline_samples: list[float] = []
    for _ in range(repeat):
        for fn, samples in ((subject, subject_samples), (baseline, baseline_samples)):
            samples.append(_timed(fn))
    return Timing(subject_samples), Timing(baseline_samples)


def _timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        gc.enable()


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with ``share`` of the values at or below."""
    ordered = sorted(values)
    rank = max(1, math.ceil(round(len(ordered) * share, 9)))
    return ordered[rank - 1]
