"""A large register, built fast, for benchmarks: ``seed_demo --scale N`` and ``build_scale``.

This is the one documented exception to DESIGN rule 3 ("one way to write: services"): a
million residents registered one ``household_register`` call at a time would take hours, so
this module writes rows in bulk (``executemany`` on SQLite, ``COPY`` on PostgreSQL) and leaves
no audit events. It is for benchmark and load-test data only; real registrations, imports and
the ordinary demo go through the services.

What it writes is what the services would have written:

* families planned by the demo's own planner (``registry.demo.plan_village``: names by the
  village's clans and by decade, relations, ages, work away, health, phones, tags, statuses),
  in chunks of ``CHUNK`` households so its per-village sampling stays linear;
* the search keys from ``identity.search_keys``, the function ``services.prepare_resident``
  uses, so search finds scale residents exactly as it finds registered ones;
* ``region``/``region_code`` of the household's village on households, residents and tags
  (DESIGN rule 1), so scoping reads them like any other record;
* valid ID numbers (GB 11643 check character) that agree with the planned birth date and sex.
  The area code is where a number was issued and is not checked (identity.py), so each seed
  issues from its own block of area codes (``SEED_AREAS``) with a counter: numbers are unique
  within a build, across builds with different seeds and against the demo's (530121, 530181,
  530199), without remembering the numbers issued.

Households are spread evenly over the villages of ``within`` (by default every village in the
database), numbered ``S<seed>-000001`` upwards in each village, so a build runs on top of the
demo county or of any county already imported, and two builds with different seeds add up.
The same seed twice on one database is refused by the household number constraint.

A build is deterministic: the same database and arguments give the same rows. Memory stays
bounded: ``BATCH`` households are planned, written and committed at a time.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection, models, transaction

from cunzhi.core.regioncodes import Level
from cunzhi.regions.demo import TOWNSHIPS
from cunzhi.regions.models import Clan, Region
from cunzhi.registry.bulk import (
    LINK_COLUMNS,
    allocate_ids,
    db_now,
    fill_row,
    indexes_deferred,
    insert_rows,
    large_sqlite_cache,
    table_layout,
    update_rows,
)
from cunzhi.registry.demo import GROUP_NUMERALS, Family, IdNumbers, VillageFacts, plan_village
from cunzhi.registry.identity import make_id_number, search_keys
from cunzhi.registry.models import Household, Resident, ResidentTag, Tag
from cunzhi.registry.services import sync_default_tags

# Households the demo planner draws together; its tagging samples are quadratic in this.
CHUNK = 100


# Households written and committed together.
BATCH = 5000


# The first two digits of the area codes each seed issues ID numbers under (seed % 10), none of
# them Yunnan's 53 that the demo uses; the next four count blocks of SEQUENCES people.
SEED_AREAS = ("51", "52", "54", "50", "45", "44", "43", "42", "41", "46")


SEQUENCES = 500  # a 3-digit sequence, odd for a man: 500 numbers a sex, area and birth date


MAX_PEOPLE = 10_000 * SEQUENCES


# A planned household has about 4.2 members on the books (3.3 living here, the rest moved out
# or deceased); a build is refused above what the area codes can number.
MAX_HOUSEHOLDS = 1_000_000


# Villages without clans on record draw from the county's common surnames.
DEFAULT_CLANS = (("杨", 22.0), ("李", 18.0), ("张", 12.0), ("王", 9.0), ("赵", 6.0))


@dataclass(frozen=True)
class ScaleReport:
    households: int
    residents: int
    tags: int
    villages: int
    seconds: float


def build_scale(households: int, *, seed: int = 0, within: Region | None = None) -> ScaleReport:
    """Add ``households`` planned households (≈4.2 residents each) to the villages of ``within``.

    ``within`` is a region (a county, a township, a village) whose villages share the
    households evenly; by default every village in the database. Deterministic for a given
    database, ``households``, ``seed`` and ``within``; ``seed`` also picks the household number
    prefix and the block of ID numbers, so builds with different seeds can be stacked.
    """
    if not 0 < households <= MAX_HOUSEHOLDS:
        raise ValueError(f"households must be between 1 and {MAX_HOUSEHOLDS:,}")
    started = time.monotonic()
    villages = Region.objects.filter(level=Level.VILLAGE).order_by("code")
    if within is not None:
        villages = villages.in_region(within.prefix)
    places = [_Place.of(village) for village in villages]
    if not places:
        raise ValueError("there is no village to put households in")
    sync_default_tags()
    writer = _Writer(seed, {tag.code: tag.pk for tag in Tag.objects.all()})
    tables: list[type[models.Model]] = [Household, Resident, ResidentTag]
    deferred = households * 4 > Resident.objects.count()
    with large_sqlite_cache(), indexes_deferred(tables if deferred else []):
        pending: list[tuple[_Place, int, Family]] = []
        for item in _families(places, households, seed):
            pending.append(item)
            if len(pending) == BATCH:
                writer.write(pending)
                pending = []
        if pending:
            writer.write(pending)
    return ScaleReport(
        households=writer.households,
        residents=writer.residents,
        tags=writer.tags,
        villages=len(places),
        seconds=time.monotonic() - started,
    )


@dataclass
class _Place:
    village: Region
    groups: list[Region]
    facts: VillageFacts

    @classmethod
    def of(cls, village: Region) -> _Place:
        groups = list(village.children.filter(level=Level.GROUP).order_by("code"))
        clans = tuple(
            (clan.surname, float(clan.share_percent))
            for clan in Clan.objects.filter(region=village).order_by("-share_percent", "surname")
        )
        yi, terrain = _demo_spec(village.name)
        facts = VillageFacts(
            yi=yi,
            terrain=terrain,
            clans=clans or DEFAULT_CLANS,
            groups=max(1, len(groups)),
            households=0,
        )
        return cls(village, groups, facts)


@lru_cache(maxsize=1)
def _demo_specs() -> dict[str, tuple[bool, str]]:
    return {spec.name: (spec.yi, spec.terrain) for t in TOWNSHIPS for spec in t.villages}


def _demo_spec(name: str) -> tuple[bool, str]:
    """A demo village's ethnicity and terrain; other villages are Han villages in the hills."""
    return _demo_specs().get(name, (False, "hill"))


class _ScaleIds(IdNumbers):
    """ID numbers for ``plan_village``: the seed's area block and a counter, never repeated.

    Unlike the demo's, it remembers no numbers issued: the counter alone keeps them apart.
    """

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.province = SEED_AREAS[seed % len(SEED_AREAS)]
        self.counter = 0

    def next(self, birth: datetime.date, sex: str, area: str) -> str:
        if self.counter >= MAX_PEOPLE:
            raise ValueError("the seed's block of ID numbers is used up")
        block, sequence = divmod(self.counter, SEQUENCES)
        self.counter += 1
        return make_id_number(
            birth, sequence=sequence, male=sex == "male", area=f"{self.province}{block:04d}"
        )


def _families(
    places: Sequence[_Place], households: int, seed: int
) -> Iterator[tuple[_Place, int, Family]]:
    """(village, household number, family) for every household, village by village."""
    ids = _ScaleIds(seed)
    share, extra = divmod(households, len(places))
    for index, place in enumerate(places):
        count = share + (1 if index < extra else 0)
        for chunk, start in enumerate(range(0, count, CHUNK)):
            size = min(CHUNK, count - start)
            rng = random.Random(f"cunzhi-scale/{seed}/{place.village.code}/{chunk}")
            facts = VillageFacts(
                yi=place.facts.yi,
                terrain=place.facts.terrain,
                clans=place.facts.clans,
                groups=place.facts.groups,
                households=size,
            )
            for offset, family in enumerate(plan_village(facts, rng, ids)):
                yield place, start + offset + 1, family


class _Writer:
    """Writes batches of planned families with the import's bulk writer (``registry.bulk``).

    Ids are allocated up front, so residents and tags point at their household and resident
    without reading any pk back. Parents go before children and the heads are set last: no
    foreign key is ever left dangling, which SQLite would otherwise check against the child
    table on every insert (the build may have set aside the indexes that check would use).
    """

    def __init__(self, seed: int, tag_ids: dict[str, int]) -> None:
        self.seed = seed
        self.tag_ids = tag_ids
        self.household_columns, self.household_template, self.household_at = table_layout(Household)
        self.resident_columns, self.resident_template, self.resident_at = table_layout(Resident)
        self.households = self.residents = self.tags = 0

    def write(self, batch: list[tuple[_Place, int, Family]]) -> None:
        stamp = db_now()
        people = sum(len(family.people) for _place, _number, family in batch)
        with transaction.atomic(), connection.cursor() as cursor:
            next_resident = allocate_ids(cursor, Resident, people)
            next_household = allocate_ids(cursor, Household, len(batch))
            household_rows: list[list[Any]] = []
            resident_rows: list[list[Any]] = []
            tag_rows: list[tuple[Any, ...]] = []
            heads: list[tuple[int, dict[str, Any]]] = []
            for place, number, family in batch:
                household_id = next_household
                next_household += 1
                village = place.village
                group = place.groups[family.group % len(place.groups)] if place.groups else None
                phone = next((p.phone for p in family.living() if p.phone), "")
                heads.append((household_id, {"head_id": next_resident}))
                for person in family.people:
                    keys = search_keys(person.name, person.id_number, person.phone)
                    resident_rows.append(
                        fill_row(
                            self.resident_template,
                            self.resident_at,
                            id=next_resident,
                            created_at=stamp,
                            updated_at=stamp,
                            region_id=village.pk,
                            region_code=village.code,
                            household_id=household_id,
                            name=person.name,
                            name_pinyin=keys.name_pinyin,
                            name_initials=keys.name_initials,
                            name_reversed=keys.name_reversed,
                            id_number=person.id_number,
                            id_reversed=keys.id_reversed,
                            sex=person.sex,
                            birth_date=_day(person.birth),
                            relation=person.relation,
                            ethnicity=person.ethnicity,
                            education=person.education,
                            health=person.health,
                            disability=person.disability,
                            employment=person.employment,
                            work_place=person.work_place,
                            away_since=_day(person.away_since),
                            phone=person.phone,
                            phone_reversed=keys.phone_reversed,
                            status=person.status,
                            status_since=_day(person.status_since),
                        )
                    )
                    codes = person.tags | (family.tags if person.living else set())
                    tag_rows.extend(
                        (stamp, stamp, village.pk, village.code, next_resident, self.tag_ids[code])
                        for code in sorted(codes)
                    )
                    next_resident += 1
                if group is not None:
                    numeral = GROUP_NUMERALS[(int(group.code[-3:]) - 1) % len(GROUP_NUMERALS)]
                    address = f"{village.name}{numeral}组{number}号"
                else:
                    address = f"{village.name}{number}号"
                household_rows.append(
                    fill_row(
                        self.household_template,
                        self.household_at,
                        id=household_id,
                        created_at=stamp,
                        updated_at=stamp,
                        region_id=village.pk,
                        region_code=village.code,
                        group_id=group.pk if group else None,
                        household_no=f"S{self.seed}-{number:06d}",
                        address=address,
                        phone=phone,
                    )
                )
            insert_rows(cursor, Household, self.household_columns, household_rows)
            insert_rows(cursor, Resident, self.resident_columns, resident_rows)
            insert_rows(cursor, ResidentTag, LINK_COLUMNS, tag_rows)
            update_rows(cursor, Household, heads)
        self.households += len(household_rows)
        self.residents += len(resident_rows)
        self.tags += len(tag_rows)


def _day(value: datetime.date | None) -> str | None:
    """A date as the bulk writer sends it on both databases (COPY and SQLite take ISO text)."""
    return value.isoformat() if value is not None else None
