"""manage.py registry_purge_imports [--days N]: delete old uploaded register files.

Every import already does this when it ends; the command is for a quiet server (a daily cron
line) or for a shorter keep after a request. See docs/registry-import.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cunzhi.registry.importing.jobs import import_files_purge


class Command(BaseCommand):
    help = "Delete the files of register imports that ended more than N days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Keep this many days (default REGISTRY_IMPORT_KEEP_DAYS, now "
            f"{settings.REGISTRY_IMPORT_KEEP_DAYS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        purged = import_files_purge(keep_days=days)
        self.stdout.write(f"Deleted the files of {purged} finished import(s).")
