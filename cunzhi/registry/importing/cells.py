"""Cells a register cannot hold, whichever column they are in: the readers' marks for what they
would not read (``sheets.BAD_MARK``: a row too large, a cell beyond column XFD, a string too
long, a CSV row that does not parse), cells longer than a spreadsheet cell may be, and control
characters that are not text. Each becomes an error of its row that names the column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from cunzhi.core.xlsx import column_letter
from cunzhi.registry.importing.sheets import (
    BAD_MARK,
    BEYOND_COLUMNS,
    CELL_MAX_CHARS,
    CSV_BROKEN,
    NUMBER_MARK,
    ROW_MAX_BYTES,
    ROW_TOO_LARGE,
    size_text,
)

# What no cell of a register may hold: characters XML 1.0 forbids (a spreadsheet cannot store
# them) and, at the start, the readers' marks (sheets.NUMBER_MARK, sheets.BAD_MARK). A row with
# none of them, and not longer than a cell, is not looked at cell by cell.
SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Rows of which nothing was read: their one error says so.
UNREAD = {ROW_TOO_LARGE, CSV_BROKEN}


def column_label(header_cells: list[str], position: int) -> str:
    """A column as the file names it: its header, else its letters (A, B, … XFD)."""
    if position < len(header_cells) and header_cells[position].strip():
        return header_cells[position].strip()
    return column_letter(position)


def cell_problems(
    cells: list[str], index: dict[str, int], header_cells: list[str]
) -> Iterator[tuple[int, str, str]]:
    """(position, column, message) for each cell the register cannot take. A long number in a
    column other than the ID number's is its digits (the cell is changed in place)."""
    id_position = index.get("id_number", -1)
    too_long = _(
        "This cell holds more than %(count)s characters, more than a spreadsheet cell may."
    ) % {"count": f"{CELL_MAX_CHARS:,}"}
    for position, cell in enumerate(cells):
        if cell.startswith(NUMBER_MARK):
            if position != id_position:
                cells[position] = cell.removeprefix(NUMBER_MARK)
            continue
        column = column_label(header_cells, position)
        if cell.startswith(BAD_MARK):
            if cell == ROW_TOO_LARGE:
                yield (
                    position,
                    column,
                    _(
                        "This row is larger than %(limit)s, more than a register row can be: "
                        "it was not read."
                    )
                    % {"limit": size_text(ROW_MAX_BYTES)},
                )
            elif cell == CSV_BROKEN:
                yield (
                    position,
                    column,
                    _(
                        "This row cannot be read as CSV: a cell longer than %(count)s "
                        "characters, or a NUL character."
                    )
                    % {"count": f"{ROW_MAX_BYTES:,}"},
                )
            elif cell.startswith(BEYOND_COLUMNS):
                yield (
                    position,
                    cell.removeprefix(BEYOND_COLUMNS),
                    _("This cell is beyond column XFD, the last column a sheet has: delete it."),
                )
            else:  # sheets.STRING_TOO_LONG
                yield position, column, too_long
        elif len(cell) > CELL_MAX_CHARS:
            yield position, column, too_long
        elif control := SUSPECT.search(cell):
            yield (
                position,
                column,
                _("This cell holds a control character (U+%(code)s) that is not text: delete it.")
                % {"code": f"{ord(control.group()):04X}"},
            )
