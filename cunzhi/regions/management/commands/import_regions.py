"""manage.py import_regions FILE: load the statistics bureau's division code list.

The file is CSV (UTF-8, with or without BOM) with columns code and name (headers 统计用区划代码
and 名称 are accepted too); a file without a header row is read as code,name. Every row is checked
before anything is written; any error lists each bad row by line and nothing changes.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cunzhi.regions.services import ImportRejected, regions_import

CODE_HEADERS = {"code", "统计用区划代码", "区划代码", "代码"}
NAME_HEADERS = {"name", "名称", "名字"}


def read_rows(path: Path) -> list[tuple[int, str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text; save it as CSV UTF-8.") from None
    reader = csv.reader(text.splitlines())
    rows: list[tuple[int, str, str]] = []
    code_col, name_col = 0, 1
    for line, record in enumerate(reader, start=1):
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if line == 1 and not cells[0].isdigit():
            headers = [c.lower() for c in cells]
            try:
                code_col = next(i for i, h in enumerate(headers) if h in CODE_HEADERS)
                name_col = next(i for i, h in enumerate(headers) if h in NAME_HEADERS)
            except StopIteration:
                raise CommandError(
                    f"line 1: the header needs a code column and a name column, got {cells}"
                ) from None
            continue
        if len(cells) <= max(code_col, name_col):
            rows.append((line, cells[0] if cells else "", ""))
            continue
        rows.append((line, cells[code_col], cells[name_col]))
    return rows


class Command(BaseCommand):
    help = "Import (upsert) the statistical division code list from a CSV file of code,name."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        rows = read_rows(options["file"])
        try:
            result = regions_import(actor=None, rows=rows)
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(rejected.errors)} error(s) in {options['file']}; nothing was imported."
            ) from None
        self.stdout.write(
            f"{len(rows)} rows: {result.created} created, {result.renamed} renamed, "
            f"{result.unchanged} unchanged."
        )
