"""Dispatch, the daily check-in and compliance, counted over the real 2025 and 2026 calendars.

Hand counts used below (State Council notices; checked against chinese-calendar):

* January 2025: 23 weekdays, less New Year's Day (1st) and the Spring Festival's Tuesday to
  Friday (28th–31st), plus Sunday the 26th worked: 19 working days.
* February 2025: 20 weekdays, less the Spring Festival's Monday and Tuesday (3rd, 4th), plus
  Saturday the 8th worked: 19 working days.
* September 2026: 22 weekdays, plus Sunday the 20th worked, less Mid-Autumn Friday the 25th: 22.
* 1–12 October 2026: National Day off 1st–7th; Thursday 8th, Friday 9th, Saturday 10th (worked)
  and Monday 12th: 4 working days.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cunzhi.accounts.testing import County
from cunzhi.audit.models import Event
from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.regions.services import facility_create
from cunzhi.residency import rollup
from cunzhi.residency.compliance import Status, compliance_rows
from cunzhi.residency.models import Dispatch, PresenceDay, PresenceKind, PresenceMonth
from cunzhi.residency.services import (
    dispatch_create,
    dispatch_end,
    presence_check_in,
    presence_correct,
    presence_fill,
)
from cunzhi.residency.testing import cadre_user, make_cadre

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def check_in_every_working_day(dispatch: Dispatch, start: D, end: D, skip: int = 0) -> int:
    """Check in on each working day from start to end, leaving out the last ``skip`` of them."""
    from cunzhi.core.calendar import is_working_day

    days = []
    day = start
    while day <= end:
        if is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    for day in days[: len(days) - skip]:
        presence_check_in(actor=cadre_user(dispatch), today=day)
    return len(days) - skip


def row_of(dispatch: Dispatch, year: int, on: D):  # type: ignore[no-untyped-def]
    [row] = compliance_rows(Dispatch.objects.filter(pk=dispatch.pk), year, on=on)
    return row


def test_a_cadre_serves_in_one_village_at_a_time(county: County) -> None:
    dispatch = make_cadre(county, "wang")
    assert dispatch.planned_end == D(2028, 1, 4)  # two years (residency.term_min_years), less a day
    with pytest.raises(ValidationError, match="one village at a time"):
        dispatch_create(
            actor=county.admin,
            cadre=dispatch.cadre,
            village=county.neighbour,
            role="team_member",
            starts_on=D(2026, 3, 1),
        )
    assert Dispatch.objects.count() == 1


def test_a_check_in_is_recorded_once_a_day_and_far_ones_are_flagged(
    county: County, settings
) -> None:  # type: ignore[no-untyped-def]
    dispatch = make_cadre(county, "wang")
    facility_create(
        actor=county.admin, village=county.village, kind="office", name="石板村村委会",
        latitude=Decimal("25.040000"), longitude=Decimal("102.710000"),
    )  # fmt: skip
    user = cadre_user(dispatch)
    monday = D(2026, 3, 2)
    day, changed = presence_check_in(
        actor=user, latitude=Decimal("25.041"), longitude=Decimal("102.711"), accuracy_m=20,
        today=monday,
    )  # fmt: skip
    assert changed and day.kind == PresenceKind.IN_VILLAGE and not day.far_from_village
    assert day.distance_m is not None and day.distance_m < 200
    again, changed = presence_check_in(actor=user, today=monday)
    assert (again.pk, changed) == (day.pk, False)
    assert PresenceDay.objects.count() == 1
    assert Event.objects.filter(action="residency.presence_check_in").count() == 1
    # 昆明 city centre, some 40 km away: recorded, and flagged for the township.
    far, _ = presence_check_in(
        actor=user, latitude=Decimal("25.38"), longitude=Decimal("102.74"), today=D(2026, 3, 3)
    )
    assert far.far_from_village and far.distance_m is not None and far.distance_m > 3000
    assert PresenceMonth.objects.get(dispatch=dispatch, year=2026, month=3).in_village == 2


def test_a_check_in_on_a_rest_day_is_kept_but_does_not_count(county: County) -> None:
    dispatch = make_cadre(county, "wang")
    presence_check_in(actor=cadre_user(dispatch), today=D(2026, 10, 3))  # National Day
    presence_check_in(actor=cadre_user(dispatch), today=D(2026, 10, 10))  # a Saturday worked
    assert PresenceDay.objects.count() == 2
    assert PresenceMonth.objects.get(dispatch=dispatch, month=10).in_village == 1


def test_a_missed_day_is_filled_within_three_days_and_corrected_later_by_the_township(
    county: County,
) -> None:
    from cunzhi.accounts.models import Role
    from cunzhi.accounts.testing import make_user

    dispatch = make_cadre(county, "wang")
    user = cadre_user(dispatch)
    presence_fill(
        actor=user, date=D(2026, 3, 2), kind="in_village", reason="手机没电", today=D(2026, 3, 5)
    )
    with pytest.raises(ValidationError, match="within 3 days"):
        presence_fill(
            actor=user, date=D(2026, 3, 2), kind="in_village", reason="忘了", today=D(2026, 3, 6)
        )
    with pytest.raises(ValidationError, match="why"):
        presence_fill(actor=user, date=D(2026, 3, 4), kind="in_village", reason=" ",
                      today=D(2026, 3, 5))  # fmt: skip
    officer = make_user(county, "township", Role.TOWNSHIP_STAFF, county.township)
    presence_correct(
        actor=officer, dispatch=dispatch, date=D(2026, 3, 2), kind="absent",
        reason="当天在县城办私事，经核实", today=D(2026, 3, 20),
    )  # fmt: skip
    month = PresenceMonth.objects.get(dispatch=dispatch, month=3)
    assert (month.in_village, month.absent) == (0, 1)
    event = Event.objects.get(action="residency.presence_correct")
    assert event.data["kind"] == ["in_village", "absent"]
    with pytest.raises(PermissionDenied):  # the cadre may not correct
        presence_correct(actor=user, dispatch=dispatch, date=D(2026, 3, 3), kind="in_village",
                         reason="x", today=D(2026, 3, 20))  # fmt: skip


def test_a_dispatch_ending_in_february_2025_is_measured_on_its_38_working_days(
    county: County,
) -> None:
    dispatch = make_cadre(county, "wang", starts_on=D(2024, 3, 1))
    # The whole of January (19 working days), the first 5 working days of February.
    in_january = check_in_every_working_day(dispatch, D(2025, 1, 1), D(2025, 1, 31))
    assert in_january == 19
    february = [D(2025, 2, 5), D(2025, 2, 6), D(2025, 2, 7), D(2025, 2, 8), D(2025, 2, 10)]
    for day in february:
        presence_check_in(actor=cadre_user(dispatch), today=day)
    presence_check_in(actor=cadre_user(dispatch), today=D(2025, 2, 1))  # Saturday in the holiday
    dispatch = dispatch_end(
        actor=county.admin, dispatch=dispatch, ended_on=D(2025, 2, 28), expected_version=1
    )

    row = row_of(dispatch, 2025, on=D(2025, 2, 28))
    assert (row.working_days, row.working_days_so_far, row.in_village_days) == (38, 38, 24)
    assert row.required_days == 26  # 2/3 of 38 = 25.3, so 26 days
    assert row.days_still_needed == 2
    assert row.remaining_working_days == 0
    assert row.unexplained_days == 14  # 38 working days, 24 recorded
    assert row.status == Status.CANNOT_MEET
    # On 31 January it was on track: 19 of 19, and 19 days of February still to come.
    early = row_of(dispatch, 2025, on=D(2025, 1, 31))
    assert (early.working_days_so_far, early.in_village_days, early.status) == (
        19, 19, Status.ON_TRACK,
    )  # fmt: skip
    # February's 5 days are below the monthly minimum of min(20, 19) days.
    assert row.months_below_minimum == [2]


def test_a_dispatch_from_september_2026_is_prorated_over_the_autumn_holidays(
    county: County,
) -> None:
    dispatch = make_cadre(county, "wang", starts_on=D(2026, 9, 1))
    days = check_in_every_working_day(dispatch, D(2026, 9, 1), D(2026, 10, 12), skip=10)
    assert days == 16  # 22 in September and 4 to 12 October: 26, less the last 10
    row = row_of(dispatch, 2026, on=D(2026, 10, 12))
    assert (row.working_days_so_far, row.in_village_days) == (26, 16)
    # The rest of 2026 from 13 October: 18 - 4 in October, 21 in November, 23 in December.
    assert row.remaining_working_days == 14 + 21 + 23
    assert row.working_days == 26 + 58
    assert row.required_days == 56  # 2/3 of 84
    assert row.status == Status.AT_RISK  # 16/26 is below 2/3, and 16 + 58 can still make 56
    assert row.share == __import__("fractions").Fraction(16, 26)


def test_the_rollup_agrees_with_a_count_of_the_raw_rows(county: County) -> None:
    dispatch = make_cadre(county, "wang", starts_on=D(2025, 1, 2))
    check_in_every_working_day(dispatch, D(2025, 1, 1), D(2025, 3, 31), skip=3)
    presence_check_in(
        actor=cadre_user(dispatch), today=D(2025, 1, 26)
    )  # already in (a Sunday worked)
    before = list(PresenceMonth.objects.order_by("month").values_list("month", "in_village"))
    rollup.rebuild(dispatch)
    after = list(PresenceMonth.objects.order_by("month").values_list("month", "in_village"))
    assert before == after
    # 19 working days from 2 January (the 1st is a holiday), 19 in February, March less 3.
    assert before[0] == (1, 19) and before[1] == (2, 19)


def test_a_year_the_calendar_lacks_is_an_error_that_names_the_fix(county: County) -> None:
    dispatch = make_cadre(county, "wang")
    with pytest.raises(CalendarYearMissing, match="import_holidays"):
        compliance_rows(Dispatch.objects.filter(pk=dispatch.pk), 2027, on=D(2027, 3, 1))
    with pytest.raises(ValidationError, match="2027"):
        presence_check_in(actor=cadre_user(dispatch), today=D(2027, 1, 4))
    assert not PresenceDay.objects.exists()
