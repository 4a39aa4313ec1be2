"""An audited write against the same write without the audit. Target: the audit at most doubles it.

Subject: ``regions.services.contact_update`` changing a contact's phone, the path every audited
write takes: the permission check in scope, ``full_clean``, ``save``, and ``audit.record`` with
the diff (snapshot before and after, lock the county's chain head, hash, insert the event, move
the head).

Baseline: the same permission check, ``full_clean`` and ``save`` in the same
``transaction.atomic()`` per write, without the snapshot, the diff and ``audit.record``.

Both run as a county administrator (scoped by a post, not a superuser) over the same contacts,
alternating batches. If the target is missed the benchmark prints a profile of one audited batch.
"""

from __future__ import annotations

import cProfile
import io
import itertools
import pstats
import sysconfig
from collections.abc import Callable

from django.db import transaction

from benchmarks.common import ROOT, Result, county, county_admin, time_pair
from cunzhi.audit.models import Event
from cunzhi.core.scoping import permission_name
from cunzhi.core.writes import require_permission
from cunzhi.regions.models import Contact, ContactLevel, Region
from cunzhi.regions.services import contact_create, contact_update

WRITES = 100  # per timed batch; each side runs REPEAT + 1 batches
REPEAT = 11
CONTACTS = 25
TARGET = 2.0


def run() -> list[Result]:
    admin = county_admin()
    place = county()
    villages: list[Region] = [place.village, place.neighbour, place.far_village]
    contacts = [
        contact_create(
            actor=admin,
            region=villages[i % len(villages)],
            name=f"联系人{i}",
            organisation="镇农业服务中心",
            position="技术员",
            level=ContactLevel.TOWNSHIP,
            phone="13800000000",
        )
        for i in range(CONTACTS)
    ]
    # A new number every write, so every audited write has a change to record.
    phones = (str(n) for n in itertools.count(13900000000))
    change_contact = permission_name(Contact, "change")

    def audited() -> None:
        for i in range(WRITES):
            contact_update(
                actor=admin,
                contact=contacts[i % CONTACTS],
                expected_version=None,  # the audit, not the version check (bench_versions)
                phone=next(phones),
            )

    def unaudited() -> None:
        for i in range(WRITES):
            contact = contacts[i % CONTACTS]
            with transaction.atomic():
                require_permission(admin, change_contact, contact.region_code)
                contact.phone = next(phones)
                contact.full_clean()
                contact.save()

    events_before = Event.objects.count()
    subject, baseline = time_pair(audited, unaudited, repeat=REPEAT, warmup=1)
    recorded = Event.objects.count() - events_before
    if recorded != WRITES * (REPEAT + 1):
        raise RuntimeError(f"expected {WRITES * (REPEAT + 1)} audit events, found {recorded}")

    ratio = subject.median / baseline.median
    overhead_us = (subject.median - baseline.median) / WRITES * 1e6
    passed = ratio <= TARGET
    if not passed:
        print("audit benchmark missed its target; " + profile(audited))
    per_write_us = subject.median / WRITES * 1e6
    return [
        Result(
            name="audit: audited write vs same write unaudited",
            subject=f"{WRITES} contact_update {subject.median * 1000:.0f} ms",
            baseline=f"{WRITES} unaudited {baseline.median * 1000:.0f} ms",
            ratio=ratio,
            target=f"≤ {TARGET:.1f}x",
            passed=passed,
            note=(
                f"audit adds {overhead_us:.0f} µs per write "
                f"({per_write_us:.0f} µs audited); median of {REPEAT}"
            ),
        )
    ]


def profile(batch: Callable[[], None]) -> str:
    """Where one audited batch spends its time, for a benchmark that missed its target.

    Two views: the project's own functions by cumulative time (which step of the write costs
    what), then every function by its own time (what those steps spend it on).
    """
    profiler = cProfile.Profile()
    profiler.runcall(batch)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"profile of one audited batch of {WRITES} writes (times inflated by the profiler)\n")
    stats.sort_stats("cumulative").print_stats(r"/cunzhi/", 15)
    stats.sort_stats("tottime").print_stats(10)
    site_packages = sysconfig.get_paths()["purelib"]
    return out.getvalue().replace(f"{site_packages}/", "").replace(f"{ROOT}/", "")
