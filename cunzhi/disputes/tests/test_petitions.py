"""Petitions on the statutory clock (DOMAIN.md section 5), over the real National Day holidays."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cunzhi.accounts.testing import County
from cunzhi.audit.models import Event
from cunzhi.core.workflow import DeadlineStatus
from cunzhi.core.workflow.sweep import sweep
from cunzhi.disputes.models import Petition, PetitionState
from cunzhi.disputes.services import petition_extend, petition_transition
from cunzhi.disputes.tests.factories import make_petition, township_officer

pytestmark = pytest.mark.django_db
D = datetime.date


def _accept(petition: Petition, officer, on: datetime.date) -> Petition:  # type: ignore[no-untyped-def]
    return petition_transition(
        actor=officer,
        petition=petition,
        name="accept",
        expected_version=petition.version,
        accepted_on=on,
        today=on,
    )


def test_a_petition_received_the_day_before_national_day_2025_shows_each_deadline(
    county: County,
) -> None:
    # 2025: 1-8 October off; Sunday 28 September and Saturday 11 October worked.
    officer = township_officer(county)
    petition = make_petition(county, actor=officer, received_on=D(2025, 9, 30))
    # Accept within 15 days, counted in calendar days, 30 September not counted.
    assert petition.accept_by == D(2025, 10, 15)
    # Object within 5 working days: 9 Oct (1), 10 Oct (2), Sat 11 Oct (3), 13 Oct (4), 14 Oct (5).
    assert petition.redirect_by == D(2025, 10, 14)
    assert petition.due_on == petition.accept_by
    # Accepted on the last day: handled within 60 days of it.
    petition = _accept(petition, officer, D(2025, 10, 15))
    assert petition.handle_by == D(2025, 12, 14)
    assert Petition.objects.get(pk=petition.pk).handle_by == D(2025, 12, 14)


def test_the_sunday_worked_before_national_day_2025_counts_as_a_working_day(
    county: County,
) -> None:
    # From Friday 26 September: Sun 28 (1), 29 (2), 30 (3), 9 Oct (4), 10 Oct (5).
    petition = make_petition(county, received_on=D(2025, 9, 26))
    assert petition.redirect_by == D(2025, 10, 10)
    assert petition.accept_by == D(2025, 10, 11)


def test_a_petition_received_the_day_before_national_day_2026_shows_each_deadline(
    county: County,
) -> None:
    # 2026: 1-7 October off; Sunday 20 September and Saturday 10 October worked.
    officer = township_officer(county)
    petition = make_petition(county, actor=officer, received_on=D(2026, 9, 30))
    assert petition.accept_by == D(2026, 10, 15)
    # 8 Oct (1), 9 Oct (2), Sat 10 Oct (3), 12 Oct (4), 13 Oct (5).
    assert petition.redirect_by == D(2026, 10, 13)
    petition = _accept(petition, officer, D(2026, 10, 9))
    assert petition.handle_by == D(2026, 12, 8)


def test_mid_autumn_2026_and_the_sunday_worked_before_it(county: County) -> None:
    # From Friday 18 September 2026: Sun 20 (1), 21 (2), 22 (3), 23 (4), 24 (5); 25th is off.
    petition = make_petition(county, received_on=D(2026, 9, 18))
    assert petition.redirect_by == D(2026, 9, 24)


def test_the_api_carries_each_deadline_as_a_date(county: County) -> None:
    from django.test import Client

    officer = township_officer(county)
    client = Client()
    client.force_login(officer)
    response = client.post(
        "/api/v1/petitions",
        {
            "region": county.township.code,
            "kind": "complaint",
            "channel": "letter",
            "petitioner_name": "李春生",
            "petitioner_count": 6,
            "content": "反映村道硬化工程质量问题。",
            "receiving_organ": "青龙镇信访办",
            "received_on": "2025-09-30",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["accept_by"] == "2025-10-15"
    assert body["redirect_by"] == "2025-10-14"
    assert body["handle_by"] is None
    assert body["is_group"] is True
    assert body["state"] == "registered"


def test_an_extension_beyond_30_days_is_refused_and_one_of_30_is_allowed_once(
    county: County,
) -> None:
    officer = township_officer(county)
    petition = _accept(make_petition(county, received_on=D(2025, 9, 30)), officer, D(2025, 10, 9))
    assert petition.handle_by == D(2025, 12, 8)
    with pytest.raises(ValidationError) as refused:
        petition_extend(
            actor=officer,
            petition=petition,
            days=31,
            reason="需要现场勘测",
            expected_version=petition.version,
            today=D(2025, 11, 20),
        )
    assert "days" in refused.value.message_dict
    assert Petition.objects.get(pk=petition.pk).handle_by == D(2025, 12, 8)
    petition = petition_extend(
        actor=officer,
        petition=petition,
        days=30,
        reason="需要现场勘测",
        expected_version=petition.version,
        today=D(2025, 11, 20),
    )
    assert Petition.objects.get(pk=petition.pk).handle_by == D(2026, 1, 7)
    with pytest.raises(ValidationError):
        petition_extend(
            actor=officer,
            petition=petition,
            days=1,
            reason="再延一天",
            expected_version=petition.version,
            today=D(2025, 12, 1),
        )
    assert Event.objects.filter(action="disputes.petition_deadline_extend").count() == 1


def _through_re_review(county: County, officer) -> Petition:  # type: ignore[no-untyped-def]
    petition = _accept(make_petition(county, received_on=D(2025, 3, 3)), officer, D(2025, 3, 10))
    steps: list[tuple[str, dict[str, Any]]] = [
        ("reply", {"reply": "经调查，占地属实，已责令退还。", "replied_on": D(2025, 4, 20),
                   "satisfaction": "unsatisfied"}),
        ("request_review", {"review_requested_on": D(2025, 5, 15)}),
        ("answer_review", {"review_answer": "维持原处理意见。",
                           "review_answered_on": D(2025, 6, 10)}),
        ("request_re_review", {"re_review_requested_on": D(2025, 7, 1)}),
        ("answer_re_review", {"re_review_answer": "复核维持。",
                              "re_review_answered_on": D(2025, 7, 25)}),
    ]  # fmt: skip
    for name, inputs in steps:
        day = max(d for d in inputs.values() if isinstance(d, datetime.date))
        petition = petition_transition(
            actor=officer,
            petition=petition,
            name=name,
            expected_version=petition.version,
            today=day,
            **inputs,
        )
    return petition


def test_review_and_re_review_dates_are_stored_as_the_regulation_counts(county: County) -> None:
    officer = township_officer(county)
    petition = _through_re_review(county, officer)
    assert petition.state == PetitionState.RE_REVIEWED
    assert petition.review_request_by == D(2025, 5, 20)  # reply 20 Apr + 30
    assert petition.review_answer_by == D(2025, 6, 14)  # request 15 May + 30
    assert petition.re_review_request_by == D(2025, 7, 10)  # answer 10 Jun + 30
    assert petition.re_review_answer_by == D(2025, 7, 31)  # request 1 Jul + 30
    assert petition.deadline_status == DeadlineStatus.MET


def test_a_review_requested_after_its_30_days_is_refused(county: County) -> None:
    officer = township_officer(county)
    petition = _accept(make_petition(county, received_on=D(2025, 3, 3)), officer, D(2025, 3, 10))
    petition = petition_transition(
        actor=officer, petition=petition, name="reply", expected_version=petition.version,
        reply="已答复", replied_on=D(2025, 4, 20), today=D(2025, 4, 20),
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        petition_transition(
            actor=officer, petition=petition, name="request_review",
            expected_version=petition.version, review_requested_on=D(2025, 5, 21),
            today=D(2025, 5, 21),
        )  # fmt: skip
    assert "review_requested_on" in refused.value.message_dict
    assert Petition.objects.get(pk=petition.pk).state == PetitionState.REPLIED


def test_a_re_reviewed_matter_cannot_be_filed_again(county: County) -> None:
    officer = township_officer(county)
    final = _through_re_review(county, officer)
    before = Petition.objects.count()
    with pytest.raises(ValidationError) as refused:
        make_petition(county, actor=officer, received_on=D(2025, 9, 1), same_matter_as=final)
    message = refused.value.message_dict["same_matter_as"][0]
    assert final.number in message
    assert Petition.objects.count() == before
    # A later petition naming a petition that itself named the re-reviewed one is refused too.
    assert final.number.startswith("XF2025-")


def test_a_new_matter_of_the_same_petitioner_is_registered(county: County) -> None:
    officer = township_officer(county)
    earlier = _accept(make_petition(county, received_on=D(2025, 3, 3)), officer, D(2025, 3, 10))
    later = make_petition(county, actor=officer, received_on=D(2025, 9, 1), same_matter_as=earlier)
    assert later.state == PetitionState.REGISTERED


def test_the_sweep_reminds_then_marks_overdue_and_lists_know_before_it_runs(
    county: County,
) -> None:
    from cunzhi.disputes.selectors import petition_deadline_counts

    officer = township_officer(county)
    make_petition(county, actor=officer, received_on=D(2025, 9, 30))
    assert petition_deadline_counts(officer, today=D(2025, 10, 13)) == {
        "overdue": 0, "soon": 1, "due": 0,
    }  # fmt: skip
    assert petition_deadline_counts(officer, today=D(2025, 10, 16))["overdue"] == 1
    sweep(today=D(2025, 10, 12))
    assert Event.objects.filter(action="disputes.petition_deadline_reminder").count() == 1
    sweep(today=D(2025, 10, 16))
    sweep(today=D(2025, 10, 16))
    assert Event.objects.filter(action="disputes.petition_deadline_overdue").count() == 1
    assert Petition.objects.get().deadline_status == DeadlineStatus.OVERDUE


def test_a_future_received_on_is_refused(county: County) -> None:
    with pytest.raises(ValidationError):
        make_petition(county, received_on=D(2025, 10, 2), today=D(2025, 10, 1))
    assert not Petition.objects.exists()


def test_the_api_lists_overdue_petitions_as_the_page_does(county: County) -> None:
    from django.test import Client

    officer = township_officer(county)
    make_petition(county, actor=officer, received_on=D(2025, 9, 30))  # long overdue today
    client = Client()
    client.force_login(officer)
    rows = client.get("/api/v1/petitions?deadline=overdue").json()
    assert [row["accept_by"] for row in rows["items"]] == ["2025-10-15"]
    assert rows["items"][0]["deadline_status"] == "overdue"
    assert client.get("/api/v1/petitions?deadline=due").json()["items"] == []
    scoped = client.get(f"/api/v1/petitions?region={county.far_village.code}")
    assert scoped.status_code == 404
    assert client.get("/api/v1/petitions?deadline=late-ish").status_code == 422
