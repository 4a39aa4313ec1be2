from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterator

import openpyxl
import pytest

from cunzhi.core.xlsx import column_letter, xlsx_stream


def read(data: bytes) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_it_writes_text_numbers_and_dates_that_openpyxl_reads_back() -> None:
    rows = [[("001", 57, 3.5, datetime.date(1968, 5, 12), None, "")]]
    data = b"".join(xlsx_stream(["户编号", "年龄", "x", "出生日期", "y", "z"], rows))
    assert read(data) == [
        ("户编号", "年龄", "x", "出生日期", "y", "z"),
        ("001", 57, 3.5, datetime.datetime(1968, 5, 12), None, None),
    ]


def test_text_that_looks_like_a_formula_or_markup_stays_text() -> None:
    tricky = [
        '=HYPERLINK("http://x")',
        "<b>&amp;</b>",
        " 杨 ",
        "杨\x01德\x1f福",
        "530102199001011234",
    ]
    data = b"".join(xlsx_stream(["a", "b", "c", "d", "e"], [[tricky]]))
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet is not None
    values = [cell.value for cell in sheet[2]]
    assert values == [tricky[0], tricky[1], " 杨 ", "杨德福", "530102199001011234"]
    assert all(cell.data_type == "s" for cell in sheet[2])  # never a formula, never a number


def test_it_yields_a_chunk_per_batch_before_the_last_row_is_written() -> None:
    produced: list[int] = []

    def batches() -> Iterator[list[tuple[str, int]]]:
        for number in range(3):
            produced.append(number)
            yield [(f"row {number}", number)]

    stream = xlsx_stream(["a", "b"], batches())
    first = next(stream)
    assert first.startswith(b"PK") and produced == [0]
    rest = b"".join(stream)
    assert produced == [0, 1, 2]
    assert [row[1] for row in read(first + rest)[1:]] == [0, 1, 2]
    assert zipfile.ZipFile(io.BytesIO(first + rest)).testzip() is None


def test_the_sheet_is_named_within_excels_rules() -> None:
    data = b"".join(xlsx_stream(["a"], [], sheet_name="石板村: 户籍台账 [2026/01] *" * 3))
    name = openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0]
    assert len(name) <= 31 and not set(name) & set("[]:*?/\\")


def test_a_value_of_another_type_is_refused() -> None:
    with pytest.raises(TypeError):
        b"".join(xlsx_stream(["a"], [[(datetime.datetime(2026, 1, 1),)]]))
    with pytest.raises(TypeError):
        b"".join(xlsx_stream(["a"], [[(object(),)]]))  # type: ignore[list-item]


def test_column_letters_run_past_z() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
