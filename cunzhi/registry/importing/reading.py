"""Reading the files a register import takes: rows of text from a CSV or .xlsx file.

CSV comes as UTF-8 (with or without the BOM Excel writes) or as GB18030, the superset of the GBK
that Chinese Excel and WPS save "CSV" in: the whole file is tried as UTF-8 first, which never
mistakes GBK for UTF-8 in practice, then as GB18030. .xlsx is read from its first worksheet
(``importing.sheets`` reads it fast; openpyxl reads what that reader does not handle).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cunzhi.registry.importing.sheets import (
    CHUNK_BYTES,
    NUMBER_MARK,
    FallBack,
    dimension_rows,
    fast_xlsx_rows,
    is_plain_workbook,
    number_text,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FileProblem(ValidationError):
    """The file as a whole cannot be read: wrong kind, wrong encoding, no header."""


@dataclass
class RowSource:
    """Rows of a file: (row number as a spreadsheet shows it, cells as text)."""

    kind: str  # "csv" or "xlsx"
    rows: Iterator[tuple[int, list[str]]]
    total_rows: int | None  # for the progress bar; None when unknown
    handle: Any = None

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def file_kind(name: str, head: bytes) -> str:
    """ "csv" or "xlsx" from the name and the first bytes; FileProblem for anything else."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            _("This is an old Excel .xls file: open it in Excel or WPS and save it as .xlsx.")
        )
    if suffix == ".xlsx" or head.startswith(b"PK\x03\x04"):
        if not head.startswith(b"PK\x03\x04"):
            raise FileProblem(_("This file is not an .xlsx workbook."))
        return "xlsx"
    if suffix in {".csv", ".txt", ""}:
        if b"\x00" in head:
            raise FileProblem(_("This file is not CSV text."))
        return "csv"
    raise FileProblem(_("Upload a .xlsx workbook or a .csv file."))


def open_rows(path: Path, name: str, *, date_columns: Sequence[int] = ()) -> RowSource:
    with path.open("rb") as probe:
        head = probe.read(4096)
    if not head.strip():
        raise FileProblem(_("The file is empty."))
    kind = file_kind(name, head)
    if kind == "xlsx":
        return _xlsx_rows(path)
    return _csv_rows(path, head)


def detect_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK_BYTES):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileProblem(_("The file is neither UTF-8 nor GBK text; save it as “CSV UTF-8”."))


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            lines += chunk.count(b"\n")
    return lines


def _csv_rows(path: Path, head: bytes) -> RowSource:
    encoding = detect_encoding(path, head)
    first_line = head.split(b"\n", 1)[0]
    delimiter = "\t" if first_line.count(b"\t") > first_line.count(b",") else ","
    handle: IO[str] = path.open(encoding=encoding, newline="")
    rows = enumerate(csv.reader(handle, delimiter=delimiter), start=1)
    return RowSource("csv", rows, _count_lines(path), handle)


def _openpyxl_rows(path: Path) -> tuple[Iterator[tuple[int, list[str]]], int | None, Any]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_value_text(value) for value in values]

    return rows(), sheet.max_row, workbook


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**15 else NUMBER_MARK + str(value)
    if isinstance(value, float):
        return number_text(repr(value))
    return str(value)


def _xlsx_rows(path: Path) -> RowSource:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FileProblem(_("This file is not an .xlsx workbook.")) from None
    try:
        plain = is_plain_workbook(archive)
    except (KeyError, zipfile.BadZipFile, OSError):
        plain = False
    if plain:
        rows = fast_xlsx_rows(archive)
        total = dimension_rows(archive)
        first = _peek(rows)
        if first is not None:
            return RowSource("xlsx", first, total, archive)
    archive.close()
    try:
        rows, total, workbook = _openpyxl_rows(path)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        raise FileProblem(_("This file is not an .xlsx workbook Excel or WPS can open.")) from None
    return RowSource("xlsx", rows, total, workbook)


def _peek(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]] | None:
    """The rows again, or None when the fast reader meets what it does not handle."""
    buffered: list[tuple[int, list[str]]] = []
    try:
        for row in rows:
            buffered.append(row)
            if len(buffered) >= 50:
                break
    except (FallBack, IndexError, ValueError):
        return None

    def chained() -> Iterator[tuple[int, list[str]]]:
        yield from buffered
        try:
            yield from rows
        except (FallBack, IndexError, ValueError) as error:
            raise FileProblem(
                _("Part of this workbook could not be read: %(error)s")
                % {"error": type(error).__name__}
            ) from None

    return chained()
