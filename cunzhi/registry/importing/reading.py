"""Reading the files a register import takes: rows of text from CSV, .xlsx, .xls or .ods.

CSV comes as UTF-8 (with or without the BOM Excel writes) or as GB18030, the superset of the GBK
that Chinese Excel and WPS save "CSV" in: the whole file is tried as UTF-8 first, which never
mistakes GBK for UTF-8 in practice, then as GB18030. .xlsx is read from its first worksheet
(``importing.sheets`` streams it; openpyxl reads what that reader does not handle). The old .xls
and the .ods WPS writes are read by python-calamine, which holds the whole sheet in memory: their
size is bounded by ``REGISTRY_IMPORT_MAX_IN_MEMORY_MB``.

No read holds more than a row at a time beyond these bounds, whatever the file claims: a row or
a CSV line too large, a cell beyond column XFD, a broken CSV field become the row's error
(``rows.bad_cells``), a workbook that unpacks too far is refused before it is read.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from cunzhi.registry.importing.sheets import (
    CHUNK_BYTES,
    CSV_BROKEN,
    MAX_COLUMNS,
    MAX_ROWS,
    NUMBER_MARK,
    ROW_MAX_BYTES,
    ROW_TOO_LARGE,
    FallBack,
    FileProblem,
    dimension_rows,
    fast_xlsx_rows,
    guard_archive,
    is_plain_workbook,
    number_text,
    size_text,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
KINDS = ("csv", "xlsx", "xls", "ods")

__all__ = ["FileProblem", "RowSource", "file_kind", "open_rows"]


@dataclass
class RowSource:
    """Rows of a file: (row number as a spreadsheet shows it, cells as text)."""

    kind: str  # one of KINDS
    rows: Iterator[tuple[int, list[str]]]
    total_rows: int | None  # for the progress bar; None when unknown
    handle: Any = None

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def unpacked_limit() -> int:
    return int(settings.REGISTRY_IMPORT_MAX_UNPACKED_MB) << 20


def in_memory_limit() -> int:
    return int(settings.REGISTRY_IMPORT_MAX_IN_MEMORY_MB) << 20


def file_kind(name: str, head: bytes) -> str:
    """One of KINDS from the name and the first bytes; FileProblem for anything else."""
    suffix = Path(name).suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE2 compound file: Excel 97-2003
        return "xls"
    # A zip is a workbook whatever its name says: some systems name their .xlsx ".xls".
    if head.startswith(b"PK\x03\x04"):
        return "ods" if suffix == ".ods" or ODS_MIME in head[:200] else "xlsx"
    if suffix == ".xls":
        raise FileProblem(_("This file is not an .xls workbook."))
    if suffix == ".xlsx":
        raise FileProblem(_("This file is not an .xlsx workbook."))
    if suffix == ".ods":
        raise FileProblem(_("This file is not an .ods workbook."))
    if suffix in {".csv", ".txt", ""}:
        if b"\x00" in head:
            raise FileProblem(_("This file is not CSV text."))
        return "csv"
    raise FileProblem(_("Upload a .xlsx, .xls or .ods workbook or a .csv file."))


def open_rows(path: Path, name: str, *, date_columns: Sequence[int] = ()) -> RowSource:
    with path.open("rb") as probe:
        head = probe.read(4096)
    if not head.strip():
        raise FileProblem(_("The file is empty."))
    kind = file_kind(name, head)
    if kind == "xlsx":
        return _xlsx_rows(path)
    if kind in {"xls", "ods"}:
        return _calamine_rows(path, kind)
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


def _bounded_lines(handle: IO[str]) -> Iterator[str]:
    """The file's lines; one longer than ROW_MAX_BYTES characters is skipped, not held, and
    given as a line of one ROW_TOO_LARGE cell."""
    readline = handle.readline
    while line := readline(ROW_MAX_BYTES):
        if len(line) == ROW_MAX_BYTES and line[-1] not in "\r\n":
            while (more := readline(ROW_MAX_BYTES)) and more[-1] not in "\r\n":
                pass
            yield ROW_TOO_LARGE + "\n"
            continue
        yield line


def _csv_records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells); a row the csv module cannot parse (a field over its limit, a NUL)
    is given as one CSV_BROKEN cell and the reading goes on with the next line."""
    number = 0
    while True:
        try:
            for cells in reader:
                number += 1
                if len(cells) > MAX_COLUMNS:
                    cells = [*cells[:MAX_COLUMNS], ROW_TOO_LARGE]
                yield number, cells
            return
        except csv.Error:
            number += 1
            yield number, [CSV_BROKEN]


def _csv_rows(path: Path, head: bytes) -> RowSource:
    encoding = detect_encoding(path, head)
    first_line = head.split(b"\n", 1)[0]
    delimiter = "\t" if first_line.count(b"\t") > first_line.count(b",") else ","
    # The default of 131,072 characters would end the import at a long cell; lines are
    # bounded to ROW_MAX_BYTES characters already, and a longer cell is the row's error.
    if csv.field_size_limit() < ROW_MAX_BYTES:
        csv.field_size_limit(ROW_MAX_BYTES)
    handle: IO[str] = path.open(encoding=encoding, newline="")
    reader = csv.reader(_bounded_lines(handle), delimiter=delimiter)
    return RowSource("csv", _csv_records(reader), _count_lines(path), handle)


def _openpyxl_rows(path: Path) -> tuple[Iterator[tuple[int, list[str]]], int | None, Any]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS:
                    raise FileProblem(_("The sheet has more rows than a sheet can hold."))
                yield number, [_value_text(value) for value in values[:MAX_COLUMNS]]
        except FileProblem:
            raise
        except Exception:  # openpyxl raises many kinds for what it does not understand
            raise FileProblem(
                _("Part of this workbook could not be read: save it again in Excel or WPS.")
            ) from None

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
        guard_archive(archive, unpacked_limit())
        try:
            plain = is_plain_workbook(archive)
        except (KeyError, zipfile.BadZipFile, OSError):
            plain = False
        if plain:
            rows = fast_xlsx_rows(archive, unpacked_limit())
            total = dimension_rows(archive)
            first = _peek(rows)
            if first is not None:
                return RowSource("xlsx", _intact(first), total, archive)
        # openpyxl holds the workbook's strings as Python objects: only a smaller workbook.
        guard_archive(archive, in_memory_limit())
    except (zipfile.BadZipFile, zlib.error, EOFError):
        archive.close()
        raise FileProblem(_("The workbook is damaged: a part of it does not unpack.")) from None
    except BaseException:
        archive.close()
        raise
    archive.close()
    try:
        rows, total, workbook = _openpyxl_rows(path)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        raise FileProblem(_("This file is not an .xlsx workbook Excel or WPS can open.")) from None
    return RowSource("xlsx", rows, total, workbook)


def _intact(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """The rows, a damaged zip (a part longer than it says, a bad checksum) a FileProblem."""
    try:
        yield from rows
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise FileProblem(_("The workbook is damaged: a part of it does not unpack.")) from None


def _calamine_rows(path: Path, kind: str) -> RowSource:
    """An .xls or .ods through python-calamine, which reads the whole sheet into memory: the
    file (an .ods: what it unpacks to) may be at most REGISTRY_IMPORT_MAX_IN_MEMORY_MB."""
    from python_calamine import CalamineWorkbook

    limit = in_memory_limit()
    if kind == "ods":
        try:
            with zipfile.ZipFile(path) as archive:
                guard_archive(archive, limit)
        except (zipfile.BadZipFile, OSError):
            raise FileProblem(_("This file is not an .ods workbook.")) from None
    elif path.stat().st_size > limit:
        raise FileProblem(
            _(
                "An .xls file is read whole into memory: it may be at most %(limit)s. "
                "Save it as .xlsx in Excel or WPS, which has no such limit."
            )
            % {"limit": size_text(limit)}
        )
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        start = sheet.start or (0, 0)
        height = sheet.height
        values = sheet.iter_rows()
    except Exception:  # calamine's errors: damaged, encrypted, not a workbook
        raise FileProblem(
            _("This file is not a workbook Excel or WPS can open, or it has a password.")
        ) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        first_row, first_column = start
        padding = [""] * min(first_column, MAX_COLUMNS)
        for offset, cells in enumerate(values):
            number = first_row + offset + 1
            if number > MAX_ROWS:
                raise FileProblem(_("The sheet has more rows than a sheet can hold."))
            texts = [_value_text(value) for value in cells]
            yield number, [*padding, *texts][:MAX_COLUMNS]

    return RowSource(kind, rows(), start[0] + height, workbook)


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
