"""The annual assessment: three opinions, the county's grade, the caps of unexplained absences.

DOMAIN.md section 1: unexplained absence once, not excellent; twice, basically competent at best;
three times, incompetent. A run of consecutive working days absent without leave is one absence:
over the Spring Festival 2026 (15–23 February off, Saturday the 14th worked), absent Friday the
13th and Saturday the 14th is one absence, since the holiday days between are no working days
and the next working day, Tuesday the 24th, was in the village.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping, make_user
from cunzhi.audit.models import Event
from cunzhi.core.calendar import year_working_days
from cunzhi.core.inbox.models import Notification
from cunzhi.residency.models import Assessment, Dispatch, Grade
from cunzhi.residency.services import (
    assessment_grade,
    assessment_open,
    assessment_opinion_give,
    presence_check_in,
    presence_correct,
    unexplained_absences,
)
from cunzhi.residency.testing import cadre_user, make_cadre

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def cast(county: County) -> dict:  # type: ignore[type-arg]
    dispatch = make_cadre(county, "wang", starts_on=D(2026, 2, 2))
    contact = make_user(
        county, "unit_contact", Role.SENDING_UNIT_CONTACT, county.county,
        sending_unit=dispatch.sending_unit,
    )  # fmt: skip
    return {
        "dispatch": dispatch,
        "township": make_user(county, "township", Role.TOWNSHIP_LEADER, county.township),
        "org": make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county),
        "village": make_user(county, "village", Role.VILLAGE_PARTY_SECRETARY, county.village),
        "unit": contact,
    }


def in_village_until(dispatch: Dispatch, last: D, skip: set[D] = frozenset()) -> None:  # type: ignore[assignment]
    for day in year_working_days(2026):
        if dispatch.starts_on <= day <= last and day not in skip:
            presence_check_in(actor=cadre_user(dispatch), today=day)


def opinions(cast: dict, assessment: Assessment) -> Assessment:  # type: ignore[type-arg]
    for party in ("township", "unit", "village"):
        assessment = assessment_opinion_give(
            actor=cast[party], assessment=assessment, party=party, opinion="表现良好",
            expected_version=assessment.version,
        )  # fmt: skip
    return assessment


def test_a_run_of_absent_working_days_is_one_absence(cast) -> None:  # type: ignore[no-untyped-def]
    dispatch = cast["dispatch"]
    absent = {D(2026, 2, 13), D(2026, 2, 14), D(2026, 3, 10)}
    in_village_until(dispatch, D(2026, 3, 31), skip=absent)
    # 2 February to 31 March 2026: 16 working days in February, 22 in March.
    runs, days = unexplained_absences(dispatch, 2026, D(2026, 3, 31))
    assert (runs, days) == (2, 3)


def test_the_county_grades_after_the_three_opinions_within_the_caps(cast) -> None:  # type: ignore[no-untyped-def]
    dispatch = cast["dispatch"]
    in_village_until(dispatch, D(2026, 3, 31), skip={D(2026, 3, 10)})
    assessment = assessment_open(actor=cast["org"], dispatch=dispatch, year=2026)
    with pytest.raises(ValidationError, match="every opinion"):
        assessment_grade(
            actor=cast["org"], assessment=assessment, grade=Grade.COMPETENT,
            expected_version=assessment.version, today=D(2026, 3, 31),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # the township does not give the unit's opinion
        assessment_opinion_give(
            actor=cast["township"], assessment=assessment, party="unit", opinion="好",
            expected_version=assessment.version,
        )  # fmt: skip
    assessment = opinions(cast, assessment)
    # One unexplained absence: not excellent.
    with pytest.raises(ValidationError, match="at best “Competent”"):
        assessment_grade(
            actor=cast["org"], assessment=assessment, grade=Grade.EXCELLENT,
            expected_version=assessment.version, today=D(2026, 3, 31),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        assessment_grade(
            actor=cast["township"], assessment=assessment, grade=Grade.COMPETENT,
            expected_version=assessment.version, today=D(2026, 3, 31),
        )  # fmt: skip
    graded = assessment_grade(
        actor=cast["org"], assessment=assessment, grade=Grade.COMPETENT,
        expected_version=assessment.version, today=D(2026, 3, 31),
    )  # fmt: skip
    assert (graded.grade, graded.unexplained_absences, graded.recall_proposed) == (
        Grade.COMPETENT, 1, False,
    )  # fmt: skip
    event = Event.objects.get(action="residency.assessment_grade")
    assert event.data["best_allowed"] == "competent"


def test_three_absences_make_the_grade_incompetent_and_propose_a_recall(cast) -> None:  # type: ignore[no-untyped-def]
    dispatch = cast["dispatch"]
    absent = {D(2026, 2, 3), D(2026, 2, 10), D(2026, 3, 3), D(2026, 3, 4)}
    in_village_until(dispatch, D(2026, 3, 31), skip=absent)
    presence_correct(
        actor=cast["township"], dispatch=dispatch, date=D(2026, 3, 3), kind="absent",
        reason="经核实当天不在村", today=D(2026, 4, 1),
    )  # fmt: skip
    assessment = opinions(cast, assessment_open(actor=cast["org"], dispatch=dispatch, year=2026))
    with pytest.raises(ValidationError, match="3 unexplained absences"):
        assessment_grade(
            actor=cast["org"], assessment=assessment, grade=Grade.BASICALLY_COMPETENT,
            expected_version=assessment.version, today=D(2026, 3, 31),
        )  # fmt: skip
    graded = assessment_grade(
        actor=cast["org"], assessment=assessment, grade=Grade.INCOMPETENT,
        expected_version=assessment.version, today=D(2026, 3, 31),
    )  # fmt: skip
    assert graded.recall_proposed
    assert Notification.objects.filter(recipient=cast["township"]).exists()


def test_a_stale_opinion_is_refused(cast) -> None:  # type: ignore[no-untyped-def]
    assessment = assessment_open(actor=cast["org"], dispatch=cast["dispatch"], year=2026)
    assessment_opinion_give(
        actor=cast["township"], assessment=assessment, party="township", opinion="好",
        expected_version=1,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Someone else saved"):
        assessment_opinion_give(
            actor=cast["village"], assessment=assessment, party="village", opinion="好",
            expected_version=1,
        )  # fmt: skip


def test_the_assessment_page_offers_each_party_its_own_form(
    cast, people: ThreePeople, county: County
) -> None:  # type: ignore[no-untyped-def]
    assessment = assessment_open(actor=cast["org"], dispatch=cast["dispatch"], year=2026)
    url = assessment.get_absolute_url()
    assert_three_people_scoping(people, assessment, page_url=url)
    contact = Client()
    contact.force_login(cast["unit"])
    page = contact.get(url)
    assert [party for party, _l, _t, form in page.context["opinions"] if form] == ["unit"]
    assert page.context["grade_form"] is None
    response = contact.post(
        reverse("residency:assessment_opinion", args=[assessment.pk, "unit"]),
        {"opinion": "该同志工作扎实", "version": "1"},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.unit_opinion == "该同志工作扎实"
    refused = contact.post(
        reverse("residency:assessment_opinion", args=[assessment.pk, "township"]),
        {"opinion": "x", "version": str(assessment.version)},
    )
    assert refused.status_code == 403
    org = Client()
    org.force_login(cast["org"])
    graded = org.post(
        reverse("residency:assessment_grade", args=[assessment.pk]),
        {"grade": "competent", "version": str(assessment.version)},
    )
    assert graded.status_code == 422  # two opinions are missing
    assert "missing" in str(graded.context["grade_form"].errors)
    opened = org.post(
        reverse("residency:assessment_open", args=[cast["dispatch"].pk]), {"year": "2026"}
    )
    assert opened.status_code == 302 and Assessment.objects.count() == 1
