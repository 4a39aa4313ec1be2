"""``manage.py import_holidays FILE [--year YYYY] [--source TEXT]``: a year's official holidays.

The State Council publishes each year's holidays and swapped working days, usually in November;
the ``chinese-calendar`` package follows with a release. Until it does (or to correct it), an
administrator types the notice into a CSV file and imports it here. The whole file is checked
first and every problem reported with its line number; nothing is written unless all lines are
right, and then the year's override days are replaced in one transaction.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cunzhi.core import calendar
from cunzhi.core.calendar import DayOverride
from cunzhi.core.services import calendar_year_import

HEADERS = {("date", "kind", "name"), ("日期", "类型", "名称")}
# 休: a day off (holiday); 班: a day at work (a swapped working day, 调休上班).
KINDS = {"holiday": False, "休": False, "workday": True, "班": True}


class HolidayFileInvalid(Exception):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def parse_date(text: str) -> datetime.date:
    """YYYY-MM-DD, also with slashes or without leading zeros, as Excel writes dates in China."""
    parts = text.strip().replace("/", "-").split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise ValueError(text)
    year, month, day = (int(part) for part in parts)
    return datetime.date(year, month, day)


def parse_holiday_csv(text: str, year: int | None = None) -> tuple[int, list[DayOverride]]:
    """The year and its days, or HolidayFileInvalid listing every problem with its line number.

    Without ``year``, the year is the one most dates fall in; a date in another year is an error,
    because an import replaces exactly one year.
    """
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    normalised = tuple(cell.strip().lower() for cell in header or [])
    if normalised not in HEADERS:
        raise HolidayFileInvalid(
            [
                f"line 1: the header must be date,kind,name (or 日期,类型,名称), "
                f"not {','.join(header or [])!r}"
            ]
        )
    errors: list[tuple[int, str]] = []  # (line, message): reported in file order
    rows: list[tuple[int, datetime.date, bool, str]] = []
    first_line_of: dict[datetime.date, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) not in (2, 3):
            errors.append((line, f"expected 3 columns (date,kind,name), found {len(cells)}"))
            continue
        date_text, kind_text = cells[0].strip(), cells[1].strip()
        name = cells[2].strip() if len(cells) == 3 else ""
        date: datetime.date | None
        try:
            date = parse_date(date_text)
        except ValueError:
            errors.append((line, f"{date_text!r} is not a date (write YYYY-MM-DD)"))
            date = None
        works = KINDS.get(kind_text.lower())
        if works is None:
            errors.append((line, f"unknown kind {kind_text!r} (use holiday or 休, workday or 班)"))
        if len(name) > 100:
            errors.append((line, "the name is longer than 100 characters"))
        if date is None:
            continue
        if date in first_line_of:
            errors.append((line, f"{date} is already on line {first_line_of[date]}"))
            continue
        first_line_of[date] = line
        if works is not None:
            rows.append((line, date, works, name))
    if year is None:
        years = Counter(date.year for date in first_line_of)
        year = years.most_common(1)[0][0] if years else None
        hint = " (the year of most dates; pass --year to choose)"
    else:
        hint = ""
    if year is not None:
        for date, line in first_line_of.items():
            if date.year != year:
                errors.append((line, f"{date} is not in {year}{hint}"))
    if not first_line_of and not errors:
        raise HolidayFileInvalid(["the file has no days after its header"])
    if errors or year is None:
        # Sorted by line (stable within a line): the order a person fixes the file in.
        errors.sort(key=lambda error: error[0])
        raise HolidayFileInvalid([f"line {line}: {message}" for line, message in errors])
    return year, [DayOverride(date, works, name) for _line, date, works, name in rows]


class Command(BaseCommand):
    help = (
        "Import one year's official holidays and swapped working days from a CSV file with the "
        "header date,kind,name (kind: holiday/休 or workday/班), replacing that year's overrides."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8 with or without BOM")
        parser.add_argument("--year", type=int, help="the year the file describes")
        parser.add_argument(
            "--source", help="the notice, e.g. 国务院办公厅关于2027年部分节假日安排的通知"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path} is not UTF-8 (byte {error.start}); in Excel, save as 'CSV UTF-8'"
            ) from error
        try:
            year, days = parse_holiday_csv(text, options["year"])
        except HolidayFileInvalid as invalid:
            count = len(invalid.errors)
            raise CommandError(
                f"{path}: {count} error{'s' if count != 1 else ''}, nothing was imported:\n"
                + "\n".join(invalid.errors)
            ) from invalid
        source = options["source"] or f"{path.name} (sha256 {hashlib.sha256(raw).hexdigest()[:16]})"
        try:
            calendar_year_import(actor=None, year=year, days=days, source=source)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        holidays = sum(1 for day in days if not day.is_working_day)
        swapped = len(days) - holidays
        working = calendar.working_days_between(
            datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {year}: {holidays} holiday{'' if holidays == 1 else 's'} and "
                f"{swapped} swapped working day{'' if swapped == 1 else 's'}; "
                f"{working} working days in the year."
            )
        )
        if calendar.package_covers(year):
            self.stdout.write(
                f"chinese-calendar also covers {year}: the imported days override it on their "
                "dates, and its other dates still hold."
            )
