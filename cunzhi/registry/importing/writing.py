"""The write pass of a register import: checked rows into the tables, in one transaction.

A million residents saved one ``Model.save()`` or even one ``bulk_create`` batch at a time
spend most of their time building model instances and SQL. The import has already checked
every row and built each as the list of column values the table stores, so this module only
ships them: ``COPY ... FROM STDIN`` on PostgreSQL, one prepared ``INSERT`` run by
``executemany`` on SQLite. Ids are allocated up front (the table locked against other
inserts while the transaction lasts), so a household's head and a resident's household and
tags are known before the rows are sent; foreign keys are checked at commit (Django creates
them ``DEFERRABLE INITIALLY DEFERRED`` on both databases).

The trace (DESIGN rule 7) is written in the same transaction by ``audit.record``: one event per
village the import touched, with the file's SHA-256, its counts and the numbers of the
households it created; and for every existing household and resident it changed, the same
event the services write for that change (``registry.resident_update`` with old and new
values, ``registry.resident_set_tags``, ``registry.household_update``). A new resident gets no
event of its own: the village's event and the file's digest say where it came from, which
keeps a million-row import to a few hundred events (docs/registry-import.md).
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

from cunzhi.audit import services as audit
from cunzhi.core.writes import require_permission
from cunzhi.registry.models import Household, Resident, ResidentTag

if TYPE_CHECKING:
    from cunzhi.registry.importing.plan import Plan, Progress
from cunzhi.registry.bulk import (
    LINK_COLUMNS,
    allocate_ids,
    db_now,
    insert_rows,
    row_sink,
    secondary_indexes,
    table_layout,
    update_rows,
)

# A load at least this large, into a table at most four times its size, builds the resident table's
# search indexes after its rows instead of row by row (see _set_aside_indexes).
REBUILD_MIN_ROWS = 50_000


def _set_aside_indexes(cursor: Any, new_rows: int) -> list[str]:
    """For a large first load, drop the resident table's search indexes; their CREATEs.

    Inserting a row into eight indexes on random keys (names, pinyin, reversed numbers) costs
    several times the row itself, while building an index from sorted rows afterwards is
    cheap. Only when the load is at least REBUILD_MIN_ROWS and the table holds at most four
    times as many rows already (a county's first import), so the rebuild sorts about what it
    loads. A failed import rolls the drop back. Indexes on foreign-key columns stay.

    SQLite: readers keep the snapshot they started with (WAL), indexes included, and never
    notice. PostgreSQL: DROP INDEX locks the table against readers until the commit; a first
    load of a county is an event planned with the county, and a minute without register
    searches is the price of it taking one minute rather than several.
    """
    if new_rows < REBUILD_MIN_ROWS:
        return []
    table = Resident._meta.db_table
    qn = connection.ops.quote_name
    cursor.execute(f"SELECT MAX(id) FROM {qn(table)}")
    (top,) = cursor.fetchone()
    if (top or 0) > new_rows * 4:  # the rebuild would sort far more rows than it loads
        return []
    foreign_keys = {f.column for f in Resident._meta.concrete_fields if f.is_relation}
    indexes = secondary_indexes(cursor, Resident)
    creates = []
    for name, sql, columns in indexes:
        if columns and columns <= foreign_keys:
            continue
        cursor.execute(f"DROP INDEX {qn(name)}")
        creates.append(sql)
    return creates


def write_plan(plan: Plan, *, reference: str = "", progress: Progress | None = None) -> None:
    """Write a checked import in one transaction, with its trace.

    ``progress("writing", residents written, residents to write)`` is called as rows go out.
    """
    stamp = db_now()
    with transaction.atomic():
        for village in plan.villages.values():
            for permission in ("registry.add_household", "registry.change_resident"):
                require_permission(plan.actor, permission, village.region.code)
        with connection.cursor() as cursor:
            resident_base = allocate_ids(cursor, Resident, plan.new_residents)
            household_base = allocate_ids(cursor, Household, len(plan.households))
            _write_households(cursor, plan, household_base, resident_base, stamp)
            set_aside = _set_aside_indexes(cursor, plan.new_residents)
            _write_residents(cursor, plan, household_base, resident_base, stamp, progress)
            if set_aside and connection.vendor == "postgresql":
                # PostgreSQL builds no index on a table with key checks still pending: run the
                # checks now (they would run at the commit), then defer again.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for create in set_aside:
                cursor.execute(create)
            if set_aside and connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            _write_changes(cursor, plan, resident_base, stamp)
        _record(plan, reference)


def _write_households(
    cursor: Any, plan: Plan, household_base: int, resident_base: int, stamp: Any
) -> None:
    columns, template, at = table_layout(Household)
    rows = []
    for index, household in enumerate(plan.households):
        row = template.copy()
        region = household.village.region
        head = household.head_ref
        row[at["id"]] = household_base + index
        row[at["created_at"]] = row[at["updated_at"]] = stamp
        row[at["region_id"]] = region.pk
        row[at["region_code"]] = region.code
        row[at["household_no"]] = household.household_no
        row[at["group_id"]] = household.group_id
        row[at["address"]] = household.address
        row[at["head_id"]] = resident_base - head - 1 if head is not None and head < 0 else head
        rows.append(row)
    insert_rows(cursor, Household, columns, rows)


def _write_residents(
    cursor: Any,
    plan: Plan,
    household_base: int,
    resident_base: int,
    stamp: Any,
    progress: Progress | None,
) -> None:
    columns = plan.resident_columns
    at = {name: i for i, name in enumerate(columns)}
    p_id, p_household, p_region = at["id"], at["household_id"], at["region_id"]
    p_created, p_updated = at["created_at"], at["updated_at"]
    # (resident id, tag id, region id) triples, packed: a million residents carry some
    # 150,000 tags, sent after the residents.
    links = array("q")
    written = 0
    if progress:
        progress("writing", written, plan.new_residents)
    with row_sink(cursor, Resident, columns) as send:
        for created, chunk_links in plan.spooled():
            regions: dict[int, int] = {}
            for row in created:
                row[p_id] = resident_id = resident_base - row[p_id] - 1
                household = row[p_household]
                if household < 0:
                    row[p_household] = household_base - household - 1
                row[p_created] = row[p_updated] = stamp
                regions[resident_id] = row[p_region]
            send(created)
            written += len(created)
            if progress:
                progress("writing", written, plan.new_residents)
            for index, tag_id in chunk_links:
                resident_id = resident_base + index
                links.extend((resident_id, tag_id, regions[resident_id]))
    if not links:
        return
    codes = {village.region.pk: code for code, village in plan.villages.items()}
    with row_sink(cursor, ResidentTag, LINK_COLUMNS) as send:
        send(
            (stamp, stamp, links[i + 2], codes[links[i + 2]], links[i], links[i + 1])
            for i in range(0, len(links), 3)
        )


def _write_changes(cursor: Any, plan: Plan, resident_base: int, stamp: Any) -> None:
    household_changes = []
    for household, values, _changes in plan.household_updates:
        head = values.get("head_id")
        if head is not None and head < 0:
            values = {**values, "head_id": resident_base - head - 1}
        assert household.existing_id is not None
        household_changes.append((household.existing_id, values))
    update_rows(cursor, Household, household_changes)
    update_rows(cursor, Resident, [(u.resident_id, u.values) for u in plan.resident_updates])
    removed = [(rid, tag) for rid, _code, _name, _add, remove in plan.tag_changes for tag in remove]
    if removed:
        qn = connection.ops.quote_name
        cursor.executemany(
            f"DELETE FROM {qn(ResidentTag._meta.db_table)} WHERE {qn('resident_id')} = %s "
            f"AND {qn('tag_id')} = %s",
            removed,
        )
    added = [(rid, code, tag) for rid, code, _name, add, _remove in plan.tag_changes for tag in add]
    if added:
        regions = dict(
            Resident.objects.filter(pk__in={rid for rid, _c, _t in added}).values_list(
                "pk", "region_id"
            )
        )
        insert_rows(
            cursor,
            ResidentTag,
            LINK_COLUMNS,
            [(stamp, stamp, regions[rid], code, rid, tag) for rid, code, tag in added],
        )


def _record(plan: Plan, reference: str) -> None:
    label = plan.label[:200]
    object_id = reference or plan.digest[:16]
    for code, village in sorted(plan.villages.items()):
        if not any(village.counts.values()):
            continue
        audit.record(
            actor=plan.actor,
            action="registry.registry_import",
            object_type="registry.import",
            object_id=object_id,
            object_label=label,
            region_code=code,
            data={
                "file": plan.label,
                "sha256": plan.digest,
                "rows": plan.outcome.rows,
                **village.counts,
                "households": village.created_households,
            },
        )
    via = {"import": object_id}
    for household, _values, changes in plan.household_updates:
        audit.record(
            actor=plan.actor,
            action="registry.household_update",
            object_type="registry.household",
            object_id=str(household.existing_id),
            object_label=household.household_no,
            region_code=household.village.region.code,
            data={"changes": changes, **via},
        )
    for update in plan.resident_updates:
        audit.record(
            actor=plan.actor,
            action="registry.resident_update",
            object_type="registry.resident",
            object_id=str(update.resident_id),
            object_label=update.name,
            region_code=update.region_code,
            data={"changes": update.changes, **via},
        )
    codes = dict(_tag_codes(plan))
    for resident_id, region_code, name, add, remove in plan.tag_changes:
        audit.record(
            actor=plan.actor,
            action="registry.resident_set_tags",
            object_type="registry.resident",
            object_id=str(resident_id),
            object_label=name,
            region_code=region_code,
            data={
                "added": sorted(codes[t] for t in add),
                "removed": sorted(codes[t] for t in remove),
                **via,
            },
        )


def _tag_codes(plan: Plan) -> list[tuple[int, str]]:
    from cunzhi.registry.models import Tag

    wanted = {t for _r, _c, _n, add, remove in plan.tag_changes for t in (*add, *remove)}
    return list(Tag.objects.filter(pk__in=wanted).values_list("pk", "code")) if wanted else []
