"""The fast .xlsx reader: the first worksheet's XML read with regular expressions.

openpyxl's read-only mode reads about 4,000 rows of 15 columns a second here: a county's
register would take minutes. The sheet XML of a workbook is plain enough to read with regular
expressions in C (the spreadsheet standard, ECMA-376 part 1, 18.3); openpyxl reads a workbook
that uses what this reader does not handle (see FallBack).
"""

from __future__ import annotations

import html
import re
import zipfile
from array import array
from collections.abc import Iterator

CHUNK_BYTES = 1 << 20


# A cell of a text column that Excel stores as a number: the validation names the problem.
NUMBER_MARK = "\x00number:"


# .xlsx. openpyxl's read-only mode reads about 4,000 rows of 15 columns a second here: a county's
# register would take minutes. The sheet XML of a workbook is plain enough to read with regular
# expressions in C (the spreadsheet standard, ECMA-376 part 1, 18.3); openpyxl reads a workbook
# that uses what this reader does not handle (see FallBack).


class FallBack(Exception):
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


def number_text(raw: str) -> str:
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


def fast_xlsx_rows(archive: zipfile.ZipFile) -> Iterator[tuple[int, list[str]]]:
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
                            raise FallBack  # a cell without a reference, or not understood
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
                            cells.append(number_text(value.decode()))
                        elif cell_type == b"b":
                            cells.append("TRUE" if value == b"1" else "FALSE")
                        else:  # "str" (a formula's text), "e" (an error such as #N/A)
                            cells.append(_xml_text(value))
                yield number, cells
            if not chunk:
                return
            pending = data[cut:]


def is_plain_workbook(archive: zipfile.ZipFile) -> bool:
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


def dimension_rows(archive: zipfile.ZipFile) -> int | None:
    with archive.open(_SHEET_PATH) as sheet:
        start = sheet.read(4096)
    found = re.search(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', start)
    return int(found.group(1)) if found else None
