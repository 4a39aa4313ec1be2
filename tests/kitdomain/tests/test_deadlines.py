"""Deadlines counted from a dated rule, over the real 2025 and 2026 holidays, and extended."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.core.services import policy_override_set
from cunzhi.core.workflow import DeadlineStatus, deadline_q, deadline_status_now
from cunzhi.core.workflow.deadlines import deadline_extend
from tests.kitdomain.models import Case
from tests.kitdomain.services import case_transition
from tests.kitdomain.tests.factories import make_case

pytestmark = pytest.mark.django_db
D = datetime.date


def test_five_working_days_from_the_monday_before_national_day_2025_end_on_october_13(
    county: County,
) -> None:
    # 2025 notice: 1-8 October off; Sunday 28 September and Saturday 11 October are worked.
    # Not counting the 29th: 30 Sep (1), 9 Oct (2), 10 Oct (3), Sat 11 Oct (4), Mon 13 Oct (5).
    case = make_case(county, received_on=D(2025, 9, 29))
    assert case.due_on == D(2025, 10, 13)
    assert case.remind_on == D(2025, 10, 10)
    assert case.deadline_status == DeadlineStatus.DUE


def test_five_working_days_across_the_2026_spring_festival(county: County) -> None:
    # 2026 notice: 15-23 February off; Saturday 14 February and Saturday 28 February worked.
    # From Friday 13 Feb: Sat 14 (1), Tue 24 (2), 25 (3), 26 (4), Fri 27 February (5).
    case = make_case(county, received_on=D(2026, 2, 13))
    assert case.due_on == D(2026, 2, 27)


def test_a_county_override_of_the_rule_changes_the_due_date(county: County) -> None:
    policy_override_set(
        actor=county.admin,
        key="disputes.petition_not_own_matter_objection_working_days",
        region=county.county,
        valid_from=D(2025, 1, 1),
        value=3,
        note="县规定",
    )
    # 30 Sep (1), 9 Oct (2), 10 Oct (3).
    assert make_case(county, received_on=D(2025, 9, 29)).due_on == D(2025, 10, 10)


def test_calendar_days_do_not_count_the_first_day(county: County, people: ThreePeople) -> None:
    case = make_case(county)
    case_transition(
        actor=people.in_scope, case=case, name="accept", expected_version=1, today=D(2025, 10, 1)
    )
    assert Case.objects.get(pk=case.pk).due_on == D(2025, 11, 30)  # 1 Oct + 60 days


def _accepted(county: County, people: ThreePeople) -> Case:
    case = make_case(county)
    return case_transition(
        actor=people.in_scope, case=case, name="accept", expected_version=1, today=D(2025, 10, 1)
    )


def test_an_extension_with_a_reason_moves_the_due_date_and_is_traced(
    county: County, people: ThreePeople
) -> None:
    case = _accepted(county, people)
    deadline_extend(
        actor=people.in_scope, obj=case, days=30, reason="需现场核实", expected_version=2,
        today=D(2025, 11, 20),
    )  # fmt: skip
    stored = Case.objects.get(pk=case.pk)
    assert (stored.due_on, stored.deadline_extended_days, stored.version) == (
        D(2025, 12, 30),
        30,
        3,
    )
    (event,) = Event.objects.filter(action="kitdomain.case_deadline_extend")
    assert event.data["due_on"] == ["2025-11-30", "2025-12-30"]
    assert event.data["reason"] == "需现场核实"


def test_an_extension_past_its_cap_or_a_second_one_or_without_reason_is_refused(
    county: County, people: ThreePeople, english: None
) -> None:
    case = _accepted(county, people)
    with pytest.raises(ValidationError) as refused:
        deadline_extend(actor=people.in_scope, obj=case, days=31, reason="x", expected_version=2)
    assert "at most 30 days" in refused.value.message_dict["days"][0]
    with pytest.raises(ValidationError) as refused:
        deadline_extend(actor=people.in_scope, obj=case, days=10, reason=" ", expected_version=2)
    assert "reason" in refused.value.message_dict
    deadline_extend(actor=people.in_scope, obj=case, days=10, reason="核实", expected_version=2)
    with pytest.raises(ValidationError) as refused:
        deadline_extend(
            actor=people.in_scope, obj=case, days=5, reason="再核实", expected_version=3
        )
    assert "1 time" in refused.value.message_dict["days"][0]
    assert Case.objects.get(pk=case.pk).deadline_extended_days == 10


def test_lists_read_the_status_from_the_dates_before_the_sweep_has_run(county: County) -> None:
    case = make_case(county)  # due 2025-10-13, reminder from 2025-10-10, nothing swept yet
    statuses = {
        D(2025, 10, 9): DeadlineStatus.DUE,
        D(2025, 10, 10): DeadlineStatus.SOON,
        D(2025, 10, 13): DeadlineStatus.SOON,
        D(2025, 10, 14): DeadlineStatus.OVERDUE,
    }
    for today, expected in statuses.items():
        annotated = Case.objects.annotate(now=deadline_status_now(today)).get(pk=case.pk)
        assert annotated.now == expected, today
        assert list(Case.objects.filter(deadline_q(expected, today))) == [case], today
