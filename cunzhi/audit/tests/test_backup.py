"""manage.py backup and restore: a round trip keeps every row, every upload and the audit chain.

The round trips run on the database the suite runs on: SQLite by default, PostgreSQL in CI's
PostgreSQL pass. On PostgreSQL the restore goes into a scratch database of its own, never into
the test database.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from cunzhi.accounts.testing import County
from cunzhi.audit.backup import MANIFEST, read_manifest
from cunzhi.audit.backup_engines import ENGINES, _quoted, extra_alias
from cunzhi.audit.models import ChainHead, Event
from cunzhi.audit.services import verify_all
from cunzhi.regions.models import Facility
from cunzhi.regions.services import facility_create, facility_delete

pytestmark = pytest.mark.django_db(transaction=True)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite round trip")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs when DATABASE_URL is PostgreSQL"
)
UPLOAD = Path("registry/imports/7/户籍台账.xlsx")


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / UPLOAD).parent.mkdir(parents=True)
    (settings.MEDIA_ROOT / UPLOAD).write_bytes(b"PK\x03\x04 an uploaded register")
    return settings.MEDIA_ROOT  # type: ignore[no-any-return]


@pytest.fixture
def clinic(county: County) -> Facility:
    return facility_create(
        actor=county.admin, village=county.village, kind="clinic", name="石板村卫生室"
    )


def rows(using: str = "default") -> dict[str, int]:
    return ENGINES[connections[using].vendor].snapshot(using).tables


def heads(using: str = "default") -> dict[str, list[object]]:
    return {h.chain: [h.last_seq, h.last_hash] for h in ChainHead.objects.using(using).all()}


def run(command: str, *args: object) -> str:
    out = StringIO()
    call_command(command, *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def back_up(path: Path) -> None:
    assert "the copy is verified" in run("backup", path)


def tamper(backup: Path, sql: str) -> None:
    """Change the copy with ``sql`` and, to hide it, the manifest's checksum too."""
    copy = backup / "database.sqlite3"
    with closing(sqlite3.connect(copy)) as db, db:
        db.execute(sql)
    manifest = json.loads((backup / MANIFEST).read_text())
    manifest["files"][copy.name] = hashlib.sha256(copy.read_bytes()).hexdigest()
    (backup / MANIFEST).write_text(json.dumps(manifest))


def test_a_backup_records_the_counts_and_chain_heads_it_copied(
    county: County, clinic: Facility, media: Path, tmp_path: Path
) -> None:
    back_up(tmp_path / "backup")

    manifest = read_manifest(tmp_path / "backup")
    assert manifest.tables == rows()
    assert manifest.tables[Facility._meta.db_table] == 1
    assert manifest.tables[Event._meta.db_table] == Event.objects.count() >= 2
    assert manifest.chains == heads() and "530199" in manifest.chains
    assert manifest.media_files == 1
    assert (tmp_path / "backup").stat().st_mode & 0o777 == 0o700


def test_a_backup_never_writes_into_a_directory_that_holds_files(
    county: County, tmp_path: Path
) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not an empty directory"):
        back_up(tmp_path / "old")
    assert (tmp_path / "old" / "notes.txt").read_text() == "keep me"


@on_sqlite
def test_restore_brings_back_deleted_rows_uploads_and_the_audit_chain(
    county: County, clinic: Facility, media: Path, tmp_path: Path
) -> None:
    back_up(tmp_path / "backup")
    saved_rows, saved_heads = rows(), heads()
    # After the backup: the clinic is deleted, a school added, the upload lost.
    facility_delete(actor=county.admin, facility=clinic)
    facility_create(actor=county.admin, village=county.village, kind="school", name="石板小学")
    (media / UPLOAD).unlink()
    assert heads() != saved_heads

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(tmp_path / "backup"))
    assert Facility.objects.get().name == "石板小学"  # refused: nothing changed

    assert "audit chain(s) verified" in run("restore", tmp_path / "backup", "--force")

    assert Facility.objects.get().name == "石板村卫生室"
    assert rows() == saved_rows and heads() == saved_heads
    assert list(verify_all()) == []
    assert (media / UPLOAD).read_bytes() == b"PK\x03\x04 an uploaded register"


@on_sqlite
def test_a_backup_whose_audit_log_was_rewritten_is_refused_and_nothing_is_restored(
    county: County, clinic: Facility, media: Path, tmp_path: Path
) -> None:
    back_up(tmp_path / "backup")
    facility_delete(actor=county.admin, facility=clinic)
    tamper(
        tmp_path / "backup",
        f"UPDATE {_quoted(Event._meta.db_table)} SET object_label = '别的卫生室' "
        "WHERE object_label = '石板村卫生室'",
    )

    with pytest.raises(CommandError, match="content differs from what was recorded"):
        call_command("restore", str(tmp_path / "backup"), "--force")
    assert not Facility.objects.exists()  # the live database is as it was


@on_sqlite
def test_a_backup_file_changed_after_the_backup_is_refused(
    county: County, media: Path, tmp_path: Path
) -> None:
    back_up(tmp_path / "backup")
    with (tmp_path / "backup" / "media.tar").open("ab") as tar:
        tar.write(b"\0" * 512)
    with pytest.raises(CommandError, match=r"media\.tar is not the file that was backed up"):
        call_command("restore", str(tmp_path / "backup"), "--force")


@on_sqlite
def test_a_backup_with_a_missing_row_is_refused(
    county: County, clinic: Facility, media: Path, tmp_path: Path
) -> None:
    back_up(tmp_path / "backup")
    tamper(tmp_path / "backup", f"DELETE FROM {_quoted(Facility._meta.db_table)}")

    with pytest.raises(CommandError, match="regions_facility has 0 rows, the backup 1"):
        call_command("restore", str(tmp_path / "backup"), "--force")


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """An empty PostgreSQL database beside the test database, and an alias for it."""
    name = f"{connection.settings_dict['NAME']}_restore_{secrets.token_hex(3)}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {_quoted(name)}")
    try:
        with extra_alias({**connection.settings_dict, "NAME": name}) as alias:
            yield alias
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")


@on_postgresql
def test_a_postgresql_backup_restores_into_another_database_with_its_audit_chain(
    county: County, clinic: Facility, media: Path, tmp_path: Path, scratch_database: str
) -> None:
    back_up(tmp_path / "backup")
    saved_rows, saved_heads = rows(), heads()

    run("restore", tmp_path / "backup", "--database", scratch_database)

    assert rows(scratch_database) == saved_rows and heads(scratch_database) == saved_heads
    assert Facility.objects.using(scratch_database).get().name == "石板村卫生室"
    assert list(verify_all(scratch_database)) == []
    # The copy loses its clinic; it holds data, so restoring again needs --force.
    with connections[scratch_database].cursor() as cursor:
        cursor.execute(f"DELETE FROM {_quoted(Facility._meta.db_table)}")
    with pytest.raises(CommandError, match="--force"):
        run("restore", tmp_path / "backup", "--database", scratch_database)
    run("restore", tmp_path / "backup", "--database", scratch_database, "--force")
    assert rows(scratch_database) == saved_rows
    assert Facility.objects.using(scratch_database).get().name == "石板村卫生室"
    assert rows() == saved_rows  # the test database itself was never touched


@on_postgresql
def test_a_changed_postgresql_dump_is_refused(
    county: County, media: Path, tmp_path: Path, scratch_database: str
) -> None:
    back_up(tmp_path / "backup")
    with (tmp_path / "backup" / "database.dump").open("ab") as dump:
        dump.write(b"\0")
    with pytest.raises(CommandError, match=r"database\.dump is not the file that was backed up"):
        call_command("restore", str(tmp_path / "backup"), "--database", scratch_database)
    assert "regions_facility" not in rows(scratch_database)
