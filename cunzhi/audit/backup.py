"""Back up and restore the database and the uploaded files, each copy verified (docs/deploy.md).

A backup is a new directory:

    manifest.json     the row count of every table and the head of every audit chain, taken in
                      the same snapshot as the copy, and each file's SHA-256
    database.sqlite3  SQLite's online backup of the database (or database.dump: pg_dump -Fc)
    media.tar         the uploaded files under MEDIA_ROOT

A directory rather than one archive: the database copy can be used as it is (opened with sqlite3,
listed with `pg_restore -l`) without unpacking a second copy, and each part has its own checksum.
The manifest is written last, once the copy has been verified, so a directory without one is not
a backup. It lives in `audit` because the verification is the audit chain's; it needs nothing
above `audit`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import tarfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections

from cunzhi.audit.backup_engines import ENGINES, BackupError, Engine, Snapshot, engine_for
from cunzhi.audit.models import Event
from cunzhi.audit.services import verify_all

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_TAR = "media.tar"

__all__ = ["BackupError", "Manifest", "backup", "restore", "verify_backup"]


@dataclass
class Manifest:
    format: int
    created_at: str
    engine: str
    database: str  # the copy's file name in the backup directory
    tables: dict[str, int]
    chains: dict[str, list[Any]]  # chain: [last_seq, last_hash]
    media_files: int
    files: dict[str, str]  # file name: SHA-256

    @property
    def snapshot(self) -> Snapshot:
        return Snapshot(tables=self.tables, chains=self.chains)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def backup(path: Path, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Copy the database and the uploads into the new directory ``path`` and verify the copy."""
    connection = connections[using]
    engine = engine_for(connection)
    _prepare_directory(path)
    database = path / engine.file_name
    snapshot = engine.copy(connection, database)
    media_files = _archive_media(path / MEDIA_TAR)
    manifest = Manifest(
        format=FORMAT,
        created_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        engine=engine.name,
        database=database.name,
        tables=snapshot.tables,
        chains=snapshot.chains,
        media_files=media_files,
        files={name: _sha256(path / name) for name in (database.name, MEDIA_TAR)},
    )
    problems = verify_backup(path, manifest, using)
    if problems:
        heading = "The copy does not match the database (no manifest written: not a backup)"
        raise BackupError(_listed(heading, problems))
    manifest_file = path / MANIFEST
    manifest_file.write_text(json.dumps(asdict(manifest), indent=1, ensure_ascii=False))
    manifest_file.chmod(0o600)
    return manifest


def restore(path: Path, using: str = DEFAULT_DB_ALIAS, *, force: bool = False) -> Manifest:
    """Put the backup in ``path`` back into the database and MEDIA_ROOT, then verify the result.

    The backup is checked first (checksums, row counts, audit chains), so a damaged or altered
    backup is refused before anything is overwritten. A database that holds data is only
    overwritten with ``force``.
    """
    manifest = read_manifest(path)
    connection = connections[using]
    engine = engine_for(connection)
    if manifest.engine != engine.name:
        raise BackupError(
            f"This backup is of a {manifest.engine} database; the database to restore into is "
            f"{engine.name}. Restore it into a {manifest.engine} database."
        )
    problems = verify_backup(path, manifest, using)
    if problems:
        raise BackupError(
            _listed("The backup is damaged or was changed; nothing restored", problems)
        )
    if not force and holds_data(using):
        raise BackupError(
            "The database already holds users or audit events. Restoring replaces all of it: "
            "run restore with --force if that is what you want (back it up first)."
        )
    engine.restore(connection, path / manifest.database)
    _extract_media(path / MEDIA_TAR)
    problems = _differences(manifest.snapshot, engine.snapshot(using))
    problems += [str(problem) for problem in verify_all(using)]
    if problems:
        raise BackupError(_listed("The restored database does not match the backup", problems))
    return manifest


def read_manifest(path: Path) -> Manifest:
    try:
        data = json.loads((path / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{path} holds no {MANIFEST}: it is not a backup, or its backup did not finish."
        ) from None
    except (OSError, ValueError) as error:
        raise BackupError(f"{path / MANIFEST} cannot be read: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path / MANIFEST} is not a manifest of format {FORMAT}.")
    try:
        manifest = Manifest(**data)
    except TypeError:
        raise BackupError(f"{path / MANIFEST} is not a complete manifest.") from None
    # Only files beside the manifest, each with its checksum.
    names = {manifest.database, MEDIA_TAR}
    if not names <= manifest.files.keys() or any(Path(name).name != name for name in names):
        raise BackupError(f"{path / MANIFEST} names files that are not part of the backup.")
    return manifest


def verify_backup(path: Path, manifest: Manifest, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Every way the backup in ``path`` differs from its manifest; empty when it is whole."""
    problems = []
    for name, digest in sorted(manifest.files.items()):
        if not (path / name).is_file():
            problems.append(f"{name} is missing")
        elif _sha256(path / name) != digest:
            problems.append(f"{name} is not the file that was backed up (its SHA-256 differs)")
    if problems:
        return problems
    engine: Engine = ENGINES[manifest.engine]
    with engine.opened_copy(connections[using], path / manifest.database) as copy:
        problems += engine.integrity(copy)
        problems += _differences(manifest.snapshot, engine.snapshot(copy))
        problems += [str(problem) for problem in verify_all(copy)]
    with tarfile.open(path / MEDIA_TAR) as tar:
        files = sum(1 for member in tar.getmembers() if member.isfile())
    if files != manifest.media_files:
        problems.append(f"{MEDIA_TAR} holds {files} files, the manifest {manifest.media_files}")
    return problems


def holds_data(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Any user or audit event: a database someone has used (a migrated, empty one has none)."""
    tables = set(connections[using].introspection.table_names())
    return any(
        model._meta.db_table in tables and model._default_manager.using(using).exists()
        for model in (get_user_model(), Event)
    )


def _differences(expected: Snapshot, found: Snapshot) -> list[str]:
    problems = []
    for table, rows in sorted(expected.tables.items()):
        if table not in found.tables:
            problems.append(f"table {table} is missing")
        elif found.tables[table] != rows:
            problems.append(f"table {table} has {found.tables[table]} rows, the backup {rows}")
    for chain in sorted(expected.chains.keys() | found.chains.keys()):
        want, got = expected.chains.get(chain), found.chains.get(chain)
        if want != got:
            problems.append(f"audit chain {chain} ends at {got}, the backup at {want}")
    return problems


def _prepare_directory(path: Path) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"{path} already exists and is not an empty directory: name a new one.")
    # The copy holds every ID and phone number: only the account that made it may read it.
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _archive_media(target: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    files = 0
    with tarfile.open(target, "w") as tar:
        for file in sorted(root.rglob("*")) if root.is_dir() else []:
            if file.is_file():
                tar.add(file, arcname=str(file.relative_to(root)), recursive=False)
                files += 1
    target.chmod(0o600)
    return files


def _extract_media(archive: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        tar.extractall(root, filter="data")


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _listed(heading: str, problems: list[str]) -> str:
    shown = problems[:20]
    if len(problems) > len(shown):
        shown.append(f"… and {len(problems) - len(shown)} more")
    return f"{heading}:\n" + "\n".join(f"- {problem}" for problem in shown)
