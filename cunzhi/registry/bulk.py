"""Writing many rows at once: the import's write pass and the scale builder share it.

A million residents saved one ``Model.save()`` or even one ``bulk_create`` batch at a time
spend most of their time building model instances and SQL. The callers here have already
built each row as the list of column values the table stores, so this module only ships them:
``COPY ... FROM STDIN`` on PostgreSQL, one prepared ``INSERT`` run by ``executemany`` on
SQLite. Ids are allocated up front (``allocate_ids``), so rows that point at each other are
known before they are sent; foreign keys are checked at commit (Django creates them
``DEFERRABLE INITIALLY DEFERRED`` on both databases).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.utils import timezone

# The columns of a resident's tag link, as the import and the scale builder send them.
LINK_COLUMNS = ("created_at", "updated_at", "region_id", "region_code", "resident_id", "tag_id")


def table_layout(model: type[models.Model]) -> tuple[list[str], list[Any], dict[str, int]]:
    """The model's columns (attnames), a row of their defaults, and each attname's position."""
    columns: list[str] = []
    template: list[Any] = []
    for field in model._meta.concrete_fields:
        columns.append(field.attname)
        default = field.get_default() if field.has_default() else None
        if (
            default is None
            and not field.null
            and field.get_internal_type()
            in {
                "CharField",
                "SlugField",
                "TextField",
            }
        ):
            default = ""
        if isinstance(default, enum.Enum):  # a choices member: the value it stores
            default = default.value
        template.append(default)
    return columns, template, {name: i for i, name in enumerate(columns)}


def fill_row(template: list[Any], at: dict[str, int], **values: Any) -> list[Any]:
    """A copy of ``template`` (from table_layout) with ``values`` set by attname."""
    row = template.copy()
    for name, value in values.items():
        row[at[name]] = value
    return row


def db_now() -> Any:
    """Now, as a row sent by ``row_sink`` carries it in a timestamp column on this database."""
    now = timezone.now()
    return (
        now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    )


def _quoted(model: type[models.Model], columns: Sequence[str]) -> tuple[str, str]:
    qn = connection.ops.quote_name
    by_attname = {f.attname: str(f.column) for f in model._meta.concrete_fields}
    return qn(model._meta.db_table), ", ".join(qn(by_attname[c]) for c in columns)


def allocate_ids(cursor: Any, model: type[models.Model], count: int) -> int:
    """The first of ``count`` consecutive ids nobody else can take before this transaction ends."""
    if count == 0:
        return 0
    table = model._meta.db_table
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # Inserts take ROW EXCLUSIVE before drawing an id, which this lock holds off.
        cursor.execute(f"LOCK TABLE {qn(table)} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
        return int(first)
    # SQLite: the transaction began IMMEDIATE, so it holds the database's one write lock.
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")
    (top,) = cursor.fetchone()
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
    row = cursor.fetchone()
    return int(max(top, row[0] if row else 0)) + 1


@contextmanager
def row_sink(
    cursor: Any, model: type[models.Model], columns: Sequence[str]
) -> Iterator[Callable[[Iterable[Sequence[Any]]], None]]:
    """A function that sends rows to ``model``'s table, for as long as the block lasts.

    PostgreSQL: one ``COPY`` for the whole block, so that the server stores rows while this
    process prepares the next ones; a ``COPY`` per batch would wait for the server at the end
    of each. SQLite: one prepared ``INSERT`` per call, run by ``executemany``.
    """
    table, names = _quoted(model, columns)
    if connection.vendor == "postgresql":
        # Django's wrapper turns psycopg's errors into django.db's (IntegrityError and the like),
        # as it does for execute(): callers catch those, on both databases.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            write_row = copy.write_row

            def send(rows: Iterable[Sequence[Any]]) -> None:
                for row in rows:
                    write_row(row)

            yield send
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
    yield lambda rows: cursor.executemany(sql, rows)


def insert_rows(
    cursor: Any, model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    with row_sink(cursor, model, columns) as send:
        send(rows)


def update_rows(
    cursor: Any, model: type[models.Model], changes: Iterable[tuple[int, dict[str, Any]]]
) -> None:
    """UPDATE rows by id, one executemany per set of changed columns."""
    by_columns: dict[tuple[str, ...], list[list[Any]]] = {}
    fields = {f.attname: f for f in model._meta.concrete_fields}
    now = fields["updated_at"].get_db_prep_save(timezone.now(), connection)
    for pk, values in changes:
        names = tuple(sorted(values))
        params = [fields[n].get_db_prep_save(values[n], connection) for n in names]
        by_columns.setdefault(names, []).append([*params, now, pk])
    qn = connection.ops.quote_name
    for names, rows in by_columns.items():
        sets = ", ".join(f"{qn(str(fields[n].column))} = %s" for n in (*names, "updated_at"))
        cursor.executemany(
            f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn('id')} = %s", rows
        )


# SQLite's page cache while building (see large_sqlite_cache); memory, not disk, is the bound.
SQLITE_CACHE_MB = 512


def secondary_indexes(cursor: Any, model: type[models.Model]) -> list[tuple[str, str, set[str]]]:
    """(name, CREATE statement, columns) of the table's indexes that back no key or constraint.

    ``columns`` is known for a plain one-column index on PostgreSQL and for every index on
    SQLite; empty when not known (an expression or a multi-column index on PostgreSQL).
    """
    table = model._meta.db_table
    qn = connection.ops.quote_name
    found: list[tuple[str, str, set[str]]] = []
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        for name, sql in cursor.fetchall():
            single = re.search(r"USING btree \((\w+)\)$", sql)
            found.append((name, sql, {single.group(1)} if single else set()))
        return found
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
        "AND sql IS NOT NULL",
        [table],
    )
    for name, sql in cursor.fetchall():
        cursor.execute(f"PRAGMA index_info({qn(name)})")
        found.append((name, sql, {row[2] for row in cursor.fetchall()}))
    return found


@contextmanager
def indexes_deferred(models_: list[type[models.Model]]) -> Iterator[None]:
    """The tables' secondary indexes dropped while rows pour in, and built again after.

    A build that more than doubles the register loads it into bare tables and then sorts each
    index once, instead of inserting every row into a dozen b-trees at scattered places: on
    SQLite that took a million-resident build from about 200 s to a fraction of it. Unique
    indexes are rebuilt too, so a duplicate would still fail the build, only at the end.
    """
    with connection.cursor() as cursor:
        saved = [
            (name, sql) for model in models_ for name, sql, _c in secondary_indexes(cursor, model)
        ]
        _check_pending_constraints(cursor)
        for name, _sql in saved:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            _check_pending_constraints(cursor)
            for _name, sql in saved:
                cursor.execute(sql)
            if connection.vendor == "sqlite":
                cursor.execute("ANALYZE")
            else:
                for model in models_:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _check_pending_constraints(cursor: Any) -> None:
    """Inside an open transaction (a test's), PostgreSQL refuses to drop or build an index on
    a table with deferred foreign key checks pending: run those checks now."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def large_sqlite_cache() -> Iterator[None]:
    """SQLite's page cache raised to SQLITE_CACHE_MB for the build, then put back.

    Every row goes into a dozen indexes at scattered places; with the default 2 MB cache most
    of those pages are read again from disk, which made the build several times slower.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_MB * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")
