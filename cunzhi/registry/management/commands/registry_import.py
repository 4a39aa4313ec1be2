"""manage.py registry_import FILE --user USERNAME [--dry-run]: import the household register.

The import runs as the named user, whose posts decide which villages it may write: a village
secretary imports their village, a township or county cadre the villages below them, a system
administrator anywhere. There is no "as nobody" import: the trace names who imported.

Every row is checked first. Any error: each one is printed with its row and column, nothing is
written and the command exits with status 1. See docs/registry-import.md.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cunzhi.accounts.models import User
from cunzhi.registry.importing import ImportRejected, registry_import


class Command(BaseCommand):
    help = "Import households and residents from a .xlsx or .csv file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user",
            required=True,
            help="The user who imports: their posts limit the villages the file may contain.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report what would change; write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        started = time.perf_counter()
        try:
            outcome = registry_import(
                actor=user, path=path, dry_run=options["dry_run"], progress=self._progress
            )
        except ImportRejected as rejected:
            for error in rejected.outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(rejected.outcome.errors)} error(s) in {path.name}; nothing was imported."
            ) from None
        except PermissionDenied as denied:
            raise CommandError(str(denied) or "permission denied") from None
        except ValidationError as problem:
            raise CommandError(" ".join(problem.messages)) from None
        seconds = time.perf_counter() - started
        verb = "would be" if outcome.dry_run else "were"
        self.stdout.write(
            f"{outcome.rows} rows checked in {seconds:.1f} s. Households: "
            f"{outcome.households_created} created, {outcome.households_updated} updated; "
            f"residents: {outcome.residents_created} created, {outcome.residents_updated} "
            f"updated, {outcome.residents_unchanged} unchanged ({verb} written)."
        )
        if outcome.dry_run:
            self.stdout.write("Dry run: nothing was written.")
        if outcome.ignored_columns:
            self.stdout.write(f"Columns ignored: {', '.join(outcome.ignored_columns)}")

    def _progress(self, phase: str, done: int, total: int | None) -> None:
        if self.verbosity >= 2:
            self.stderr.write(f"{phase}: {done}/{total or '?'}")
