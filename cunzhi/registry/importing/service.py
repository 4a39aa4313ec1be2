"""``registry_import``: the service that imports a register file, check pass then write pass."""

from __future__ import annotations

import datetime
import gc
import hashlib
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.accounts.scopes import has_permission_anywhere
from cunzhi.registry.importing.checking import Checker
from cunzhi.registry.importing.columns import KEYS, read_header
from cunzhi.registry.importing.plan import (
    PERMISSIONS,
    ImportOutcome,
    ImportRejected,
    Plan,
    Progress,
    RowError,
    VillageInfo,
)
from cunzhi.registry.importing.reading import FileProblem, open_rows
from cunzhi.registry.importing.writing import write_plan

# Rows checked together against the register.
CHUNK_ROWS = 2000


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(
    *,
    actor: Any,
    path: Path,
    name: str = "",
    progress: Progress | None = None,
    today: datetime.date | None = None,
) -> Plan:
    """The check pass. ImportRejected lists every row's errors; FileProblem a bad file."""
    name = name or path.name
    source = open_rows(path, name)
    checker = Checker(actor, today or timezone.localdate())
    outcome = ImportOutcome(file_name=name)
    spool = tempfile.TemporaryFile(prefix="cunzhi-import-")  # noqa: SIM115 (the plan owns it)
    try:
        rows = iter(source.rows)
        index: dict[str, int] | None = None
        for _number, cells in rows:
            if any(cell.strip() for cell in cells):
                index, checker.headers, outcome.ignored_columns = read_header(cells)
                break
        if index is None:
            raise FileProblem(_("The file is empty."))
        present = set(index)
        chunk: list[tuple[int, list[str]]] = []
        done = 0
        for row in _data_rows(rows):
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                done += _chunk(checker, chunk, index, present, spool)
                chunk = []
                if progress:
                    progress("checking", done, source.total_rows)
        if chunk:
            done += _chunk(checker, chunk, index, present, spool)
        if done == 0:
            raise FileProblem(_("The file has a header but no rows."))
        household_updates = checker.finish()
    except BaseException:
        spool.close()
        raise
    finally:
        source.close()
    outcome.rows = done
    outcome.errors = sorted(checker.errors, key=lambda e: (e.row, KEYS.index(_key_of(e, checker))))
    villages = {v.region.code: v for v in checker.villages.values() if isinstance(v, VillageInfo)}
    outcome.villages = len(
        [v for v in villages.values() if any(v.counts.values()) or v.created_households]
    )
    outcome.households_created = len(checker.new_households)
    outcome.households_updated = len(household_updates)
    outcome.residents_created = checker.new_residents
    outcome.residents_updated = len(checker.resident_updates)
    outcome.residents_unchanged = checker.unchanged
    if outcome.errors:
        spool.close()
        raise ImportRejected(outcome)
    return Plan(
        actor=actor,
        label=name,
        digest=file_digest(path),
        villages=villages,
        households=checker.new_households,
        household_updates=household_updates,
        resident_updates=checker.resident_updates,
        tag_changes=checker.tag_changes,
        new_residents=checker.new_residents,
        new_links=checker.new_links,
        spool=spool,
        resident_columns=checker.resident_columns,
        outcome=outcome,
    )


def _key_of(error: RowError, checker: Checker) -> str:
    for key, written in checker.headers.items():
        if written == error.column:
            return key
    return error.column if error.column in KEYS else KEYS[0]


def _data_rows(rows: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    for number, cells in rows:
        for cell in cells:
            if cell and not cell.isspace():
                yield number, cells
                break


def _chunk(
    checker: Checker,
    chunk: list[tuple[int, list[str]]],
    index: dict[str, int],
    present: set[str],
    spool: IO[bytes],
) -> int:
    passed = checker.check_chunk(chunk, index)
    created, links = checker.plan_chunk(passed, present)
    if not checker.errors and (created or links):
        pickle.dump((created, links), spool, protocol=pickle.HIGHEST_PROTOCOL)
    return len(chunk)


def registry_import(
    *,
    actor: Any,
    path: Path,
    name: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
    reference: str = "",
) -> ImportOutcome:
    """Import a register file as ``actor``: all rows or, at the first error, none.

    ImportRejected carries every row's error; FileProblem says why the file cannot be read;
    PermissionDenied when the actor may import nowhere. ``reference`` names the import in the
    trace (the upload's id); the file's SHA-256 is recorded with it.
    """
    if not has_permission_anywhere(actor, PERMISSIONS[0]):
        raise PermissionDenied(_("You may not import into the register."))
    # The import's objects live until it ends and form no cycles: the collector would walk the
    # millions of them again and again for nothing (a third of the check pass's time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(actor, path, name, dry_run, progress, reference)
    finally:
        if collecting:
            gc.enable()


def _run(
    actor: Any, path: Path, name: str, dry_run: bool, progress: Progress | None, reference: str
) -> ImportOutcome:
    plan = check_file(actor=actor, path=path, name=name, progress=progress)
    try:
        plan.outcome.dry_run = dry_run
        if dry_run:
            return plan.outcome
        try:
            write_plan(plan, reference=reference, progress=progress)
        except IntegrityError:
            raise FileProblem(
                _("The register changed while the file was being checked; import it again.")
            ) from None
        return plan.outcome
    finally:
        plan.spool.close()
