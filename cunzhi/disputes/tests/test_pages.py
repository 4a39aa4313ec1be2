"""The disputes pages: three people before each record, lists in a constant number of queries,
bad input refused with nothing changed, and the assessment the decision procedure asks for."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping
from cunzhi.disputes.models import CaseParty, Petition, StabilityAssessment
from cunzhi.disputes.selectors import assessment_required, has_approved_assessment
from cunzhi.disputes.services import assessment_transition
from cunzhi.disputes.testing import a_committee, an_assessment
from cunzhi.disputes.tests.factories import make_case, make_petition, township_officer

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_petition_page_is_kept_to_its_village(county: County, people: ThreePeople) -> None:
    petition = make_petition(county, region=county.village)
    assert_three_people_scoping(
        people,
        petition,
        page_url=petition.get_absolute_url(),
        edit_url=f"/disputes/petitions/{petition.pk}/transitions/accept/",
        edit_data={"accept-accepted_on": "2025-10-09", "expected_version": "1"},
        changed=lambda: Petition.objects.get(pk=petition.pk).state == "accepted",
    )
    assert Petition.objects.get(pk=petition.pk).handle_by == D(2025, 12, 8)


def test_a_case_page_is_kept_to_its_village(county: County, people: ThreePeople) -> None:
    case = make_case(county)
    party = case.parties.get(side="applicant")
    assert_three_people_scoping(
        people,
        case,
        page_url=case.get_absolute_url(),
        edit_url=f"/disputes/case-parties/{party.pk}/consent/",
        edit_data={f"party{party.pk}-consented_on": "2025-09-02", f"party{party.pk}-version": "1"},
        changed=lambda: CaseParty.objects.get(pk=party.pk).consented_on == D(2025, 9, 2),
    )


def test_a_committee_and_an_assessment_are_kept_to_their_village(
    county: County, people: ThreePeople
) -> None:
    committee: Any = a_committee(county, people)
    assert_three_people_scoping(people, committee, page_url=committee.get_absolute_url())
    assessment: Any = an_assessment(county, people)
    assert_three_people_scoping(people, assessment, page_url=assessment.get_absolute_url())


def test_the_village_page_shows_its_open_cases_and_the_committee_warning(
    county: County, people: ThreePeople
) -> None:
    make_case(county, title="灌溉水渠纠纷")
    client = people.clients()["in_scope"]
    page = client.get(f"/disputes/{county.village.code}/").content.decode()
    assert "灌溉水渠纠纷" in page
    assert "人民调解委员会" in page  # no committee on record: the village is told
    assert people.clients()["outsider"].get(f"/disputes/{county.village.code}/").status_code == 404


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", ["petitions/", "cases/", "", "petitions/?deadline=overdue"])
def test_the_township_lists_read_the_same_number_of_queries_for_few_and_many_rows(
    county: County, page: str
) -> None:
    officer = township_officer(county)
    client = Client()
    client.force_login(officer)
    url = f"/disputes/{county.township.code}/{page}"
    make_petition(county, actor=officer)
    make_case(county, actor=officer)
    few = _queries(client, url)
    for number in range(12):
        make_petition(county, actor=officer, received_on=D(2025, 9, 1 + number))
        make_case(county, actor=officer, parties=(f"甲{number}", f"乙{number}"), risk_flag=True,
                  risk_note="可能集体上访", region=county.neighbour)  # fmt: skip
    assert _queries(client, url) == few


def test_the_county_page_reads_the_townships_in_a_constant_number_of_queries(
    county: County,
) -> None:
    client = Client()
    client.force_login(county.admin)
    url = f"/disputes/{county.county.code}/"
    make_case(county)
    few = _queries(client, url)
    for number in range(8):
        make_case(county, region=county.far_village, parties=(f"甲{number}", f"乙{number}"))
    assert _queries(client, url) == few


def test_a_bad_petition_form_is_refused_and_nothing_is_registered(county: County) -> None:
    officer = township_officer(county)
    client = Client()
    client.force_login(officer)
    url = f"/disputes/{county.township.code}/petitions/new/"
    response = client.post(
        url,
        {
            "kind": "complaint",
            "channel": "visit",
            "petitioner_name": "王五",
            "petitioner_count": "0",
            "content": "反映问题",
            "receiving_organ": "青龙镇信访办",
            "received_on": "2025-13-40",
            "same_matter_as": "99999999999999999999",
        },
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert {"received_on", "petitioner_count", "same_matter_as"} <= set(form.errors)
    assert not Petition.objects.exists()


def test_a_bad_api_petition_is_a_422_naming_the_field(county: County) -> None:
    client = Client()
    client.force_login(township_officer(county))
    response = client.post(
        "/api/v1/petitions",
        {"region": county.township.code, "kind": "wish", "channel": "visit",
         "petitioner_name": "王五", "content": "x", "receiving_organ": "镇",
         "received_on": "2025-09-30"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    assert "kind" in response.content.decode()
    assert not Petition.objects.exists()


def test_the_decision_procedure_can_ask_whether_an_assessment_is_needed_and_approved(
    county: County, people: ThreePeople
) -> None:
    assert assessment_required("requisition_compensation", county.village.code, D(2025, 10, 1))
    assert not assessment_required("road_lighting", county.village.code, D(2025, 10, 1))
    subject = make_case(county)  # any record stands for the decision assessed
    assessment: Any = an_assessment(county, people)
    StabilityAssessment.objects.filter(pk=assessment.pk).update(
        subject_type="disputes.mediationcase", subject_id=subject.pk
    )
    assessment.refresh_from_db()
    assert not has_approved_assessment(subject)
    leader = township_officer(county)  # township staff may draft, not approve
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        assessment_transition(actor=leader, assessment=assessment, name="approve",
                              expected_version=assessment.version, conclusion="可控",
                              approved_on=D(2025, 10, 1))  # fmt: skip
    approved = assessment_transition(actor=county.admin, assessment=assessment, name="approve",
                                     expected_version=assessment.version, conclusion="风险可控",
                                     approved_on=D(2025, 10, 1))  # fmt: skip
    assert approved.approver == county.admin
    assert has_approved_assessment(subject)


def test_the_page_refuses_a_re_reviewed_matter_on_its_field(county: County) -> None:
    from cunzhi.disputes.tests.test_petitions import _through_re_review

    officer = township_officer(county)
    final = _through_re_review(county, officer)
    client = Client()
    client.force_login(officer)
    response = client.post(
        f"/disputes/{county.township.code}/petitions/new/",
        {
            "kind": "request",
            "channel": "visit",
            "petitioner_name": "杨德福",
            "petitioner_count": "1",
            "content": "再次要求处理承包地被占用问题",
            "receiving_organ": "青龙镇信访办",
            "received_on": "2025-09-01",
            "same_matter_as": str(final.pk),
        },
    )
    assert response.status_code == 422
    assert final.number in response.context["form"].errors["same_matter_as"][0]
    assert Petition.objects.count() == 1
