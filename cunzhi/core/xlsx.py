"""A streamed .xlsx writer: one worksheet, rows in, bytes of the zip out, in constant memory.

openpyxl's write-only mode keeps memory flat too, but it writes the sheet to a temporary file
and zips the workbook only when it is saved: the browser gets its first byte when the last row is
written, and a large export can outlast a proxy's read timeout. Here the standard library's
``zipfile`` writes the workbook to a sink that is drained after every batch of rows (an
unseekable output is supported: each entry's sizes follow it in a data descriptor), so the
download starts at once, nothing touches the disk and no dependency is added.

A cell is text (always an inline string, so a value starting with "=" stays text and is never
run as a formula), a number, or a date (shown as yyyy-mm-dd). One sheet holds at most
1,048,576 rows, Excel's limit; the caller keeps below it.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1_048_576

Cell = str | int | float | datetime.date | None

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Cell styles: 0 plain, 1 a date as yyyy-mm-dd, 2 bold (the header).
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_DATE_STYLE, _BOLD_STYLE = 1, 2
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Characters XML 1.0 does not allow; a stray control character in a name must not break the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_WORK = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Characters a sheet name may not hold.
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


class _Sink(io.RawIOBase):
    """An unseekable output that keeps what was written until it is taken."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        return len(chunk)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text(value: str) -> str:
    if _NEEDS_WORK.search(value):  # rare: most names and numbers go straight through
        value = escape(_NOT_XML.sub("", value))
    if value[0].isspace() or value[-1].isspace():
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


def _row(number: int, letters: Sequence[str], values: Sequence[Cell], style: int = 0) -> str:
    cells = []
    for letter, value in zip(letters, values, strict=False):
        if value is None or value == "":
            continue
        ref = f"{letter}{number}"
        if isinstance(value, str):
            styled = f' s="{style}"' if style else ""
            cells.append(f'<c r="{ref}"{styled} t="inlineStr">{_text(value)}</c>')
        elif isinstance(value, bool):
            cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int | float):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        elif isinstance(value, datetime.datetime):
            raise TypeError("a cell holds a date, not a date and time")
        elif isinstance(value, datetime.date):
            serial = (value - _EXCEL_EPOCH).days
            cells.append(f'<c r="{ref}" s="{_DATE_STYLE}"><v>{serial}</v></c>')
        else:
            raise TypeError(f"a cell cannot hold {type(value).__name__}")
    return f'<row r="{number}">{"".join(cells)}</row>'


def _sheet_name(name: str) -> str:
    return (_NOT_IN_SHEET_NAME.sub(" ", name).strip() or "Sheet1")[:31]


def xlsx_stream(
    header: Sequence[str],
    batches: Iterable[Iterable[Sequence[Cell]]],
    *,
    sheet_name: str = "Sheet1",
    widths: Sequence[int] = (),
) -> Iterator[bytes]:
    """The bytes of a workbook with one sheet: a bold, frozen ``header`` row, then the rows.

    Yields once per batch of rows, so memory holds one batch and the zip compressor's window.
    ``widths`` are column widths in characters, in the order of the header.
    """
    letters = [column_letter(i) for i in range(len(header))]
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name={quoteattr(_sheet_name(sheet_name))} sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
            for i, width in enumerate(widths, start=1)
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                (
                    _HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                    '<sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    "</sheetView></sheetViews>"
                    + (f"<cols>{cols}</cols>" if cols else "")
                    + "<sheetData>"
                    + _row(1, letters, header, style=_BOLD_STYLE)
                ).encode()
            )
            number = 1
            for batch in batches:
                rows = []
                for values in batch:
                    number += 1
                    rows.append(_row(number, letters, values))
                sheet.write("".join(rows).encode())
                yield sink.take()
            sheet.write(b"</sheetData></worksheet>")
    yield sink.take()
