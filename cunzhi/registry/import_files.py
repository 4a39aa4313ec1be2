"""Reading the files a register import takes, and writing the ones it gives back.

The import (``registry.imports``) reads rows of text from a CSV or .xlsx file and answers with a
template and, when rows are wrong, a copy of the file with an error column. Everything here is
about files; the rules about households and residents live in ``registry.imports``.

CSV comes as UTF-8 (with or without the BOM Excel writes) or as GB18030, the superset of the GBK
that Chinese Excel and WPS save "CSV" in: the whole file is tried as UTF-8 first, which never
mistakes GBK for UTF-8 in practice, then as GB18030. .xlsx is read from its first worksheet.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import html
import io
import re
import zipfile
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_BYTES = 1 << 20
# A cell of a text column that Excel stores as a number: the validation names the problem.
NUMBER_MARK = "\x00number:"


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


# .xlsx. openpyxl's read-only mode reads about 4,000 rows of 15 columns a second here: a county's
# register would take minutes. The sheet XML of a workbook is plain enough to read with regular
# expressions in C (the spreadsheet standard, ECMA-376 part 1, 18.3); openpyxl reads a workbook
# that uses what this reader does not handle (see _FallBack).


class _FallBack(Exception):
    pass


_SHARED = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_TEXT = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>|<t\s*/>", re.S)
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)
_ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
# One cell: its column letters, its type, and its value or inline string, attributes in any order.
_CELL = re.compile(
    rb'<c\b(?=[^>]*?\br="([A-Z]+)\d+")(?:(?=[^>]*?\bt="(\w+)"))?[^>]*?'
    rb"(?:/>|>(?:<f\b[^>]*?(?:/>|>.*?</f>))?(?:<v>(.*?)</v>|<is>(.*?)</is>)?</c>)",
    re.S,
)
# The same for a cell as Excel and WPS write one (r, s, t in that order, a value, no formula,
# no inline string), tried first: it is several times cheaper. The empty group stands for the
# inline string, so that both give the same tuples.
_PLAIN_CELL = re.compile(
    rb'<c r="([A-Z]+)\d+"(?: s="\d+")?(?: t="(\w+)")?(?:/>|>(?:<v>([^<]*)</v>)?</c>)()'
)
_SHEET_PATH = "xl/worksheets/sheet1.xml"


def _xml_text(raw: bytes) -> str:
    text = raw.decode()
    return html.unescape(text) if "&" in text else text


def _xml_bytes(raw: bytes) -> bytes:
    return html.unescape(raw.decode()).encode()


class _SharedStrings:
    """The workbook's string table, held as UTF-8 bytes end to end with their end offsets.

    A county's table holds a string per ID number and phone: as a list of ``str`` it would take
    some 80 bytes a string, about 130 MB for a million rows, against 25 MB here. A string is
    decoded when a cell asks for it, which costs about what building the list did.
    """

    def __init__(self) -> None:
        self.data = bytearray()
        self.ends = array("I")

    def append(self, text: bytes) -> None:
        self.data += text
        self.ends.append(len(self.data))

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> str:
        if index < 0:  # not a string of the table (Python would count from the end)
            raise IndexError(index)
        start = self.ends[index - 1] if index else 0
        return self.data[start : self.ends[index]].decode()


def _shared_strings(archive: zipfile.ZipFile) -> _SharedStrings:
    """The workbook's string table, read in chunks: a county's is a hundred megabytes of XML."""
    strings = _SharedStrings()
    if "xl/sharedStrings.xml" not in archive.namelist():
        return strings
    with archive.open("xl/sharedStrings.xml") as table:
        pending = b""
        while True:
            chunk = table.read(CHUNK_BYTES)
            data = pending + chunk
            cut = len(data) if not chunk else data.rfind(b"</si>") + 5
            if chunk and cut < 5:
                pending = data
                continue
            for match in _SHARED.finditer(data, 0, cut):
                body = match.group(1) or b""
                if b"<rPh" in body:  # phonetic guides (furigana) are not part of the text
                    body = _PHONETIC.sub(b"", body)
                texts = [t.group(1) or b"" for t in _TEXT.finditer(body)]
                text = texts[0] if len(texts) == 1 else b"".join(texts)
                strings.append(_xml_bytes(text) if b"&" in text else text)
            if not chunk:
                return strings
            pending = data[cut:]


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _number_text(raw: str) -> str:
    """A number cell as people typed it: 3 not 3.0; a long number marked (it lost digits)."""
    if raw.lstrip("-").isdigit():
        return raw if len(raw) < 16 else NUMBER_MARK + raw
    try:
        value = float(raw)
    except ValueError:
        return raw
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if abs(value) >= 1e15:
        return NUMBER_MARK + raw
    return repr(value)


def _fast_xlsx_rows(archive: zipfile.ZipFile) -> Iterator[tuple[int, list[str]]]:
    strings = _shared_strings(archive)
    columns: dict[bytes, int] = {}
    with archive.open(_SHEET_PATH) as sheet:
        pending = b""
        expected = 1
        while True:
            chunk = sheet.read(CHUNK_BYTES)
            data = pending + chunk
            end = data.rfind(b"</row>")
            if chunk and end < 0:
                pending = data
                continue
            cut = len(data) if not chunk else end + 6
            for row in _ROW.finditer(data, 0, cut):
                attributes, body = row.group(1), row.group(2)
                found = _ROW_NUMBER.search(attributes)
                number = int(found.group(1)) if found else expected
                expected = number + 1
                cells: list[str] = []
                if body:
                    count = body.count(b"<c ") + body.count(b"<c>")
                    matched = _PLAIN_CELL.findall(body)
                    if len(matched) != count:
                        matched = _CELL.findall(body)
                        if len(matched) != count:
                            raise _FallBack  # a cell without a reference, or not understood
                    for letters, cell_type, value, inline in matched:
                        index = columns.get(letters)
                        if index is None:
                            index = columns[letters] = _column_index(letters)
                        if index != len(cells):
                            cells.extend([""] * (index - len(cells)))
                        if inline:
                            cells.append(
                                "".join(_xml_text(t or b"") for t in _TEXT.findall(inline))
                            )
                        elif not value:
                            cells.append("")
                        elif cell_type == b"s":
                            cells.append(strings[int(value)])
                        elif cell_type in (b"", b"n"):
                            cells.append(_number_text(value.decode()))
                        elif cell_type == b"b":
                            cells.append("TRUE" if value == b"1" else "FALSE")
                        else:  # "str" (a formula's text), "e" (an error such as #N/A)
                            cells.append(_xml_text(value))
                yield number, cells
            if not chunk:
                return
            pending = data[cut:]


def _is_plain_workbook(archive: zipfile.ZipFile) -> bool:
    """Sheet 1 is the first sheet and its XML uses no namespace prefix on rows and cells."""
    names = set(archive.namelist())
    if _SHEET_PATH not in names:
        return False
    workbook = archive.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
    relations = (
        archive.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    )
    first_sheet = re.search(rb"<(?:\w+:)?sheet\b[^>]*\br:id=\"(\w+)\"", workbook)
    if first_sheet is None:
        return False
    target = re.search(
        rb'<Relationship\b[^>]*Id="' + first_sheet.group(1) + rb'"[^>]*Target="([^"]+)"', relations
    ) or re.search(
        rb'<Relationship\b[^>]*Target="([^"]+)"[^>]*Id="' + first_sheet.group(1) + rb'"', relations
    )
    if target is None or not target.group(1).endswith(b"worksheets/sheet1.xml"):
        return False
    with archive.open(_SHEET_PATH) as sheet:
        start = sheet.read(65536)
    return b"<row" in start or b"<sheetData/>" in start


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
        return _number_text(repr(value))
    return str(value)


def _xlsx_rows(path: Path) -> RowSource:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FileProblem(_("This file is not an .xlsx workbook.")) from None
    try:
        plain = _is_plain_workbook(archive)
    except (KeyError, zipfile.BadZipFile, OSError):
        plain = False
    if plain:
        rows = _fast_xlsx_rows(archive)
        total = _dimension_rows(archive)
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
    except (_FallBack, IndexError, ValueError):
        return None

    def chained() -> Iterator[tuple[int, list[str]]]:
        yield from buffered
        try:
            yield from rows
        except (_FallBack, IndexError, ValueError) as error:
            raise FileProblem(
                _("Part of this workbook could not be read: %(error)s")
                % {"error": type(error).__name__}
            ) from None

    return chained()


def _dimension_rows(archive: zipfile.ZipFile) -> int | None:
    with archive.open(_SHEET_PATH) as sheet:
        start = sheet.read(4096)
    found = re.search(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', start)
    return int(found.group(1)) if found else None


# Files the import gives back


def template_rows(headers: Sequence[str], example: Sequence[str]) -> list[list[str]]:
    return [list(headers), list(example)]


def csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """CSV with the BOM that makes Excel read UTF-8 Chinese correctly."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return codecs.BOM_UTF8 + buffer.getvalue().encode()


def xlsx_bytes(rows: Sequence[Sequence[str]], *, sheet: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for column in worksheet.columns:
        letter = column[0].column_letter
        worksheet.column_dimensions[letter].width = 16
        for cell in column:
            cell.number_format = "@"  # text: ID numbers must not become numbers
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_error_copy(
    source: Path, name: str, errors: dict[int, list[str]], target: Path, *, heading: str
) -> None:
    """The user's file again, every row as it was, with ``heading`` and the row's errors added."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    rows = open_rows(source, name)
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet()
    red = Font(color="B91C1C", bold=True)
    fill = PatternFill("solid", fgColor="FEE2E2")
    width = 0
    header_done = False
    try:
        expected = 1
        for number, cells in rows.rows:
            while expected < number:  # rows the file left out keep their numbers
                worksheet.append([])
                expected += 1
            expected = number + 1
            texts = [cell.removeprefix(NUMBER_MARK) for cell in cells]
            if not header_done and any(c.strip() for c in texts):
                width = len(texts)
                marker = WriteOnlyCell(worksheet, value=heading)
                marker.font = red
                worksheet.append([*texts, marker])
                header_done = True
                continue
            messages = errors.get(number)
            if messages:
                cell = WriteOnlyCell(worksheet, value="; ".join(messages))
                cell.font = red
                cell.fill = fill
                worksheet.append([*texts, *[""] * (width - len(texts)), cell])
            else:
                worksheet.append(texts)
    finally:
        rows.close()
    workbook.save(target)
