from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.models import User
from cunzhi.audit.models import Event
from cunzhi.core import calendar
from cunzhi.core.calendar import (
    CalendarYearMissing,
    DayOverride,
    add_working_days,
    is_working_day,
    working_days_between,
)
from cunzhi.core.models import CalendarDay, CalendarYear
from cunzhi.core.services import calendar_year_import

pytestmark = pytest.mark.django_db

D = datetime.date

# A made-up notice for 2027 (the package stops at 2026): New Year on Friday 1 January, a
# Spring Festival week with two swapped Saturdays, and National Day.
NOTICE_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-13,holiday,春节
2027-02-20,workday,春节
2027-02-27,workday,春节
2027-10-01,holiday,国庆节
2027-10-04,holiday,国庆节
2027-10-05,holiday,国庆节
"""


def write(tmp_path: Path, text: str, name: str = "holidays.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def import_file(path: str, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_holidays", path, *args, stdout=out)
    return out.getvalue()


def test_it_knows_the_2025_national_day_holiday() -> None:
    for day in range(1, 9):
        assert not is_working_day(D(2025, 10, day)), f"2025-10-0{day} is a holiday"
    assert is_working_day(D(2025, 10, 9))


def test_it_counts_swapped_working_days() -> None:
    # 调休: the Sunday before and the Saturday after the 2025 National Day week are working days.
    assert D(2025, 9, 28).weekday() == 6 and is_working_day(D(2025, 9, 28))
    assert D(2025, 10, 11).weekday() == 5 and is_working_day(D(2025, 10, 11))
    assert not is_working_day(D(2025, 10, 12))  # the Sunday after is an ordinary rest day


def test_it_knows_the_2026_spring_festival_as_the_package_has_it() -> None:
    # chinese-calendar 1.11: 15-23 February 2026 off; Saturdays 14 and 28 February worked.
    assert [is_working_day(D(2026, 2, day)) for day in range(15, 24)] == [False] * 9
    assert is_working_day(D(2026, 2, 14))
    assert is_working_day(D(2026, 2, 28))
    assert is_working_day(D(2026, 2, 24))


def test_it_counts_the_working_days_of_2025() -> None:
    # 248, as the package gives and as the official schedule works out: 261 weekdays, less 18
    # weekday holidays, plus 5 swapped Saturdays and Sundays. (The "250" often quoted is the
    # labour-law constant 365 - 104 - 11 from before 2025 added two statutory holiday days.)
    assert working_days_between(D(2025, 1, 1), D(2025, 12, 31)) == 248
    assert working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == 248


def test_a_cached_year_costs_one_small_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    working_days_between(D(2025, 1, 1), D(2025, 12, 31))
    with django_assert_num_queries(1):
        assert working_days_between(D(2025, 1, 1), D(2025, 12, 31)) == 248


def test_working_days_between_includes_both_ends() -> None:
    assert working_days_between(D(2025, 10, 9), D(2025, 10, 9)) == 1
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 8)) == 0
    assert working_days_between(D(2025, 10, 9), D(2025, 10, 8)) == 0
    # October 2025: 23 weekdays, 6 of them in the holiday, and Saturday the 11th worked.
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 31)) == 18
    # Across a year end: 31 December, then Sunday 4 January 2026 (swapped) and Monday the 5th.
    assert working_days_between(D(2025, 12, 31), D(2026, 1, 5)) == 3


def test_add_working_days_does_not_count_the_start() -> None:
    assert add_working_days(D(2025, 10, 9), 1) == D(2025, 10, 10)
    assert add_working_days(D(2025, 10, 9), 0) == D(2025, 10, 9)
    # From a rest day the next working day is the first one counted.
    assert add_working_days(D(2025, 10, 12), 1) == D(2025, 10, 13)


def test_add_working_days_steps_over_the_holiday_and_onto_the_swapped_saturday() -> None:
    # "Within 5 working days of 30 September 2025": 9, 10, 11 (Saturday, worked), 13, 14 October.
    assert add_working_days(D(2025, 9, 30), 5) == D(2025, 10, 14)
    end = add_working_days(D(2025, 9, 30), 5)
    assert working_days_between(D(2025, 10, 1), end) == 5


def test_add_working_days_crosses_into_the_next_year() -> None:
    # 31 December, then New Year off until Sunday 4 January 2026, a swapped working day.
    assert add_working_days(D(2025, 12, 30), 2) == D(2026, 1, 4)
    assert add_working_days(D(2025, 12, 30), 3) == D(2026, 1, 5)


def test_add_working_days_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError):
        add_working_days(D(2025, 10, 9), -1)


def test_it_refuses_a_datetime() -> None:
    with pytest.raises(TypeError):
        is_working_day(datetime.datetime(2025, 10, 9, 12, 0))


def test_a_missing_year_names_the_year_and_the_fix() -> None:
    with translation.override("en"), pytest.raises(CalendarYearMissing) as raised:
        is_working_day(D(2027, 1, 4))
    assert raised.value.year == 2027
    assert str(raised.value) == (
        "No official holidays for 2027: import the State Council's notice with "
        "`manage.py import_holidays FILE`"
    )


def test_it_never_guesses_monday_to_friday_across_a_missing_year_end() -> None:
    with pytest.raises(CalendarYearMissing):
        add_working_days(D(2026, 12, 28), 5)
    with pytest.raises(CalendarYearMissing):
        working_days_between(D(2026, 12, 1), D(2027, 1, 31))


def test_an_imported_year_becomes_computable(tmp_path: Path) -> None:
    output = import_file(write(tmp_path, NOTICE_2027))
    # 2027 has 261 weekdays; 9 of the holidays fall on weekdays; 2 Saturdays are worked.
    assert "Imported 2027: 12 holidays and 2 swapped working days; 254 working days" in output
    assert not is_working_day(D(2027, 1, 1))
    assert is_working_day(D(2027, 1, 4))  # not listed: an ordinary Monday
    assert not is_working_day(D(2027, 1, 9))  # not listed: an ordinary Saturday
    assert is_working_day(D(2027, 2, 20))  # a swapped Saturday
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert working_days_between(D(2027, 1, 1), D(2027, 12, 31)) == 254
    year = CalendarYear.objects.get(year=2027)
    assert year.source.startswith("holidays.csv (sha256 ")
    event = Event.objects.get(action="core.calendar_year_import")
    assert (event.object_id, event.actor_label) == ("2027", "system")
    assert event.data["holidays"] == 12 and event.data["workdays"] == 2
    assert event.data["replaced"] == 0


def test_it_accepts_chinese_headers_kinds_a_bom_and_excel_dates(tmp_path: Path) -> None:
    text = "日期,类型,名称\n2027/1/1,休,元旦\n2027-02-20,班,春节\n"
    path = write(tmp_path, text, encoding="utf-8-sig")
    import_file(path, "--source", "国办发明电〔2026〕1号")
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕1号"
    assert list(CalendarDay.objects.values_list("date", "is_working_day", "name")) == [
        (D(2027, 1, 1), False, "元旦"),
        (D(2027, 2, 20), True, "春节"),
    ]


def test_a_bad_file_lists_every_error_by_line_and_writes_nothing(tmp_path: Path) -> None:
    text = (
        "date,kind,name\n"
        "2027-01-01,holiday,元旦\n"  # line 2: fine
        "2027-02-30,holiday,春节\n"  # line 3: no such date
        "2027-02-07,off,春节\n"  # line 4: unknown kind
        "2027-01-01,holiday,元旦\n"  # line 5: duplicate of line 2
        "2026-12-31,holiday,元旦\n"  # line 6: another year
        "2027-02-20,workday,春节\n"  # line 7: fine
    )
    with pytest.raises(CommandError) as raised:
        import_file(write(tmp_path, text))
    message = str(raised.value)
    assert "4 errors, nothing was imported" in message
    lines = message.splitlines()[1:]
    assert [line.split(":")[0] for line in lines] == ["line 3", "line 4", "line 5", "line 6"]
    assert "'2027-02-30' is not a date" in lines[0]
    assert "unknown kind 'off'" in lines[1]
    assert "2027-01-01 is already on line 2" in lines[2]
    assert "2026-12-31 is not in 2027" in lines[3]
    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()
    assert not Event.objects.filter(action="core.calendar_year_import").exists()


def test_the_year_option_decides_which_dates_are_out_of_place(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"line 2: 2027-01-01 is not in 2028"):
        import_file(write(tmp_path, "date,kind,name\n2027-01-01,holiday,元旦\n"), "--year", "2028")


def test_it_refuses_a_wrong_header_an_empty_file_and_a_non_utf8_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="line 1: the header must be date,kind,name"):
        import_file(write(tmp_path, "day,type\n2027-01-01,holiday\n"))
    with pytest.raises(CommandError, match="no days after its header"):
        import_file(write(tmp_path, "date,kind,name\n\n"))
    with pytest.raises(CommandError, match="not UTF-8"):
        import_file(write(tmp_path, "日期,类型,名称\n2027-01-01,休,元旦\n", encoding="gbk"))
    assert not CalendarYear.objects.exists()


def test_a_reimport_replaces_the_year(tmp_path: Path) -> None:
    import_file(write(tmp_path, NOTICE_2027))
    assert working_days_between(D(2027, 1, 1), D(2027, 12, 31)) == 254
    corrected = "date,kind,name\n2027-01-01,holiday,元旦\n2027-10-01,holiday,国庆节\n"
    import_file(write(tmp_path, corrected, name="corrected.csv"))
    assert CalendarDay.objects.count() == 2
    assert is_working_day(D(2027, 2, 8))  # the Spring Festival rows are gone
    assert not is_working_day(D(2027, 2, 20))  # and so is the swapped Saturday
    assert working_days_between(D(2027, 1, 1), D(2027, 12, 31)) == 259
    assert CalendarYear.objects.get(year=2027).source.startswith("corrected.csv")
    events = Event.objects.filter(action="core.calendar_year_import").order_by("seq")
    assert [e.data["replaced"] for e in events] == [0, 14]


def test_an_override_takes_precedence_over_the_package(tmp_path: Path) -> None:
    # A correction to a year the package covers: only the listed date changes.
    output = import_file(write(tmp_path, "date,kind,name\n2026-03-02,holiday,correction\n"))
    assert "chinese-calendar also covers 2026" in output
    assert not is_working_day(D(2026, 3, 2))
    assert not is_working_day(D(2026, 2, 16))  # the package's Spring Festival still holds
    assert is_working_day(D(2026, 2, 28))  # and its swapped Saturday
    assert working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == 247


def test_the_cache_follows_changes_made_row_by_row() -> None:
    assert is_working_day(D(2025, 11, 3))
    CalendarDay.objects.create(date=D(2025, 11, 3), is_working_day=False, name="test")
    assert not is_working_day(D(2025, 11, 3))
    calendar.invalidate()
    assert not is_working_day(D(2025, 11, 3))


def test_only_a_national_administrator_may_import_a_year() -> None:
    nobody = User.objects.create_user(username="nobody", password="x")
    with pytest.raises(PermissionDenied):
        calendar_year_import(
            actor=nobody, year=2027, days=[DayOverride(D(2027, 1, 1), False)], source="test"
        )
    root = User.objects.create_superuser(username="root", password="x")
    calendar_year_import(
        actor=root, year=2027, days=[DayOverride(D(2027, 1, 1), False)], source="test"
    )
    assert Event.objects.get(action="core.calendar_year_import").actor_label == "root"
