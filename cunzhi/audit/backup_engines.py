"""How each database is copied, opened as a copy, counted and restored (cunzhi/audit/backup.py).

SQLite: the online backup API copies the database page by page while the server keeps running,
inside the same read transaction that counts the rows. PostgreSQL: `pg_dump -Fc` reads a snapshot
exported by the transaction that counts the rows, and `pg_restore` puts it back in one
transaction. Either way the manifest's counts are those of the very state that was copied.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from cunzhi.audit.models import ChainHead


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Snapshot:
    tables: dict[str, int]  # table: rows
    chains: dict[str, list[Any]]  # audit chain: [last_seq, last_hash]


TABLES_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
}


def take_snapshot(cursor: Any, vendor: str) -> Snapshot:
    """Row counts and chain heads, read through ``cursor`` (a DB-API or Django cursor)."""
    cursor.execute(TABLES_SQL[vendor])
    tables = {}
    for (name,) in sorted(cursor.fetchall()):
        cursor.execute(f"SELECT COUNT(*) FROM {_quoted(name)}")
        tables[name] = cursor.fetchone()[0]
    chains: dict[str, list[Any]] = {}
    heads = ChainHead._meta.db_table
    if heads in tables:
        cursor.execute(f"SELECT chain, last_seq, last_hash FROM {_quoted(heads)} ORDER BY chain")
        chains = {chain: [int(seq), last_hash] for chain, seq, last_hash in cursor.fetchall()}
    return Snapshot(tables=tables, chains=chains)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def extra_alias(settings_dict: dict[str, Any]) -> Iterator[str]:
    """An alias for another database (a copy), usable with ``using=``, for the block's length.

    The connection is made directly rather than added to settings.DATABASES: it is nobody
    else's to route to, and Django's test cases allow such a dynamically made connection.
    """
    alias = f"backup_{secrets.token_hex(4)}"
    backend = load_backend(settings_dict["ENGINE"])
    connections[alias] = backend.DatabaseWrapper(settings_dict, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]


class Engine:
    name: str
    file_name: str

    def copy(self, connection: BaseDatabaseWrapper, target: Path) -> Snapshot:
        raise NotImplementedError

    def restore(self, connection: BaseDatabaseWrapper, source: Path) -> None:
        raise NotImplementedError

    @contextmanager
    def opened_copy(self, connection: BaseDatabaseWrapper, source: Path) -> Iterator[str]:
        raise NotImplementedError
        yield ""

    def integrity(self, alias: str) -> list[str]:
        return []

    def snapshot(self, alias: str) -> Snapshot:
        with connections[alias].cursor() as cursor:
            return take_snapshot(cursor, self.name)


class SQLiteEngine(Engine):
    name = "sqlite"
    file_name = "database.sqlite3"

    def copy(self, connection: BaseDatabaseWrapper, target: Path) -> Snapshot:
        # A connection of its own, so the read transaction is not the server's or the caller's.
        source = connection.get_new_connection(connection.get_connection_params())
        try:
            # Counting opens a read transaction; the backup steps within it (one step copies all
            # pages), so both see one state however many writers the server has meanwhile.
            source.execute("BEGIN")
            snapshot = take_snapshot(source.cursor(), self.name)
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
                # One self-contained file: no -wal or -shm beside it to forget.
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
            source.execute("ROLLBACK")
        finally:
            source.close()
        target.chmod(0o600)
        return snapshot

    def restore(self, connection: BaseDatabaseWrapper, source: Path) -> None:
        # The backup API in the other direction replaces every page of the live database.
        connection.ensure_connection()
        copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()

    @contextmanager
    def opened_copy(self, connection: BaseDatabaseWrapper, source: Path) -> Iterator[str]:
        # Read-only and without the live database's init commands (no switch to WAL).
        read_only = {**connection.settings_dict, "NAME": f"file:{source}?mode=ro", "OPTIONS": {}}
        with extra_alias(read_only) as alias:
            yield alias

    def integrity(self, alias: str) -> list[str]:
        with connections[alias].cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            result = [row[0] for row in cursor.fetchall()]
        return [] if result == ["ok"] else [f"SQLite integrity check: {line}" for line in result]


class PostgreSQLEngine(Engine):
    name = "postgresql"
    file_name = "database.dump"

    def copy(self, connection: BaseDatabaseWrapper, target: Path) -> Snapshot:
        source = connection.get_new_connection(connection.get_connection_params())
        source.autocommit = True
        try:
            with source.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot_id,) = cursor.fetchone()
                snapshot = take_snapshot(cursor, self.name)
                # pg_dump reads the same snapshot; it stays valid while this transaction is open.
                options = ["--format=custom", "--no-owner", "--no-privileges"]
                options += [f"--snapshot={snapshot_id}", f"--file={target}"]
                run_client("pg_dump", options, connection.settings_dict)
                cursor.execute("COMMIT")
        finally:
            source.close()
        target.chmod(0o600)
        return snapshot

    def restore(self, connection: BaseDatabaseWrapper, source: Path) -> None:
        connection.close()
        # One transaction: a restore that fails half-way leaves the database as it was.
        options = ["--clean", "--if-exists", "--single-transaction", "--exit-on-error"]
        options += ["--no-owner", "--no-privileges", f"--dbname={connection.settings_dict['NAME']}"]
        run_client("pg_restore", [*options, str(source)], connection.settings_dict)

    @contextmanager
    def opened_copy(self, connection: BaseDatabaseWrapper, source: Path) -> Iterator[str]:
        # A dump is only known good once it has been restored: into a scratch database beside
        # the real one, dropped afterwards (the database user needs CREATEDB).
        scratch = f"{connection.settings_dict['NAME']}_verify_{secrets.token_hex(4)}"[-63:]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {_quoted(scratch)}")
        try:
            with extra_alias({**connection.settings_dict, "NAME": scratch}) as alias:
                self.restore(connections[alias], source)
                yield alias
        finally:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(scratch)} WITH (FORCE)")


def run_client(tool: str, arguments: list[str], db: dict[str, Any]) -> None:
    """Run pg_dump or pg_restore against the database of ``db`` (Django's settings for it)."""
    executable = find_client(tool)
    # The password goes in the environment, never on a command line others can read.
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    result = subprocess.run(
        [executable, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip()}")


def find_client(tool: str) -> str:
    """The PostgreSQL client tool on PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(tool)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{tool}")
    if candidates:
        return max(candidates, key=lambda path: int(Path(path).parts[-3]))
    raise BackupError(
        f"{tool} was not found. Install the PostgreSQL client tools of the server's version or "
        "newer (Debian: apt-get install postgresql-client) or put them on PATH."
    )


ENGINES: dict[str, Engine] = {"sqlite": SQLiteEngine(), "postgresql": PostgreSQLEngine()}


def engine_for(connection: BaseDatabaseWrapper) -> Engine:
    try:
        return ENGINES[connection.vendor]
    except KeyError:
        raise BackupError(f"No backup for a {connection.vendor} database.") from None
