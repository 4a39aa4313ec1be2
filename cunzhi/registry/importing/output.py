"""The files a register import gives back: the template, and a copy of the file with its errors."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from pathlib import Path

from cunzhi.registry.importing.reading import open_rows
from cunzhi.registry.importing.sheets import NUMBER_MARK

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
