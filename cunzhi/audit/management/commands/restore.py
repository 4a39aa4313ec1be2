"""manage.py restore PATH: put a backup back, after checking it, and verify the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from cunzhi.audit.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by manage.py backup into the database and MEDIA_ROOT. The backup "
        "is verified first; a database that holds data is only overwritten with --force. Stop "
        "the server and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup's directory.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--force", action="store_true", help="Overwrite a database that already holds data."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(options["path"], using=options["database"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        for chain, (seq, head) in sorted(manifest.chains.items()):
            # To compare with the heads written down when the backup was made.
            self.stdout.write(f"chain {chain}: {seq} events, head {head}")
        self.stdout.write(
            f"Restored the backup of {manifest.created_at}: {len(manifest.tables)} tables "
            f"({manifest.rows} rows) and {manifest.media_files} uploaded files; row counts and "
            f"{len(manifest.chains)} audit chain(s) verified."
        )
