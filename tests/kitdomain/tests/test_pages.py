"""Every step from the page, as the three people; the stale version; the htmx panel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.testing import County, ThreePeople
from tests.kitdomain.models import Case, CaseState
from tests.kitdomain.tests.factories import make_case

pytestmark = pytest.mark.django_db


def _url(case: Case, name: str) -> str:
    return reverse("kitdomain:case_transition", args=[case.pk, name])


def _post(client: Client, case: Case, name: str, version: int, **data: str) -> int:
    fields = {f"{name}-{key}": value for key, value in data.items()}
    response = client.post(_url(case, name), {"expected_version": version, **fields})
    return response.status_code


def _state(case: Case) -> tuple[str, int]:
    stored = Case.objects.get(pk=case.pk)
    return stored.state, stored.version


def test_the_page_shows_the_state_the_deadline_and_only_the_viewers_steps(
    county: County, people: ThreePeople, english: None
) -> None:
    case = make_case(county)
    clients = people.clients()
    page = clients["in_scope"].get(case.get_absolute_url())
    html = page.content.decode()
    assert "Registered" in html and "due 2025-10-13" in html
    for step in ("Accept", "Reject", "Escalate to the township"):
        assert f">{step}</summary>" in html
    assert 'name="reject-reason"' in html and 'name="expected_version" value="1"' in html
    reader = clients["read_only"].get(case.get_absolute_url()).content.decode()
    assert "Registered" in reader and "<form" not in reader.split("workflow-panel")[1]
    assert clients["outsider"].get(case.get_absolute_url()).status_code == 404


def test_every_step_from_the_page_as_the_three_people(county: County, people: ThreePeople) -> None:
    clients = people.clients()
    case = make_case(county)
    assert _post(clients["outsider"], case, "accept", 1) == 404
    assert _post(clients["read_only"], case, "accept", 1) == 403
    assert _state(case) == (CaseState.REGISTERED, 1)
    assert _post(clients["in_scope"], case, "accept", 1, comment="受理") == 302
    assert _post(clients["in_scope"], case, "resolve", 2, resolution="已修复") == 302
    assert _post(clients["in_scope"], case, "reopen", 3, reason="未修好") == 302
    assert (
        _post(clients["in_scope"], case, "resolve", 4, resolution="修好", satisfaction="4") == 302
    )
    assert _post(clients["in_scope"], case, "close", 5) == 302
    assert _state(case) == (CaseState.CLOSED, 6)
    rejected = make_case(county)
    assert _post(clients["in_scope"], rejected, "reject", 1, reason="重复") == 302
    escalated = make_case(county)
    assert _post(clients["in_scope"], escalated, "escalate", 1) == 302
    assert _post(clients["in_scope"], escalated, "accept", 2) == 302
    assert _state(rejected)[0] == CaseState.REJECTED
    assert _state(escalated) == (CaseState.ACCEPTED, 3)


def test_a_missing_reason_is_shown_on_its_field(
    county: County, people: ThreePeople, english: None
) -> None:
    case = make_case(county)
    response = people.clients()["in_scope"].post(_url(case, "reject"), {"expected_version": 1})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert _state(case) == (CaseState.REGISTERED, 1)


def test_a_stale_version_from_the_page_is_refused_and_says_so(
    county: County, people: ThreePeople, english: None
) -> None:
    case = make_case(county)
    client = people.clients()["in_scope"]
    assert _post(client, case, "accept", 1) == 302
    response = client.post(_url(case, "reject"), {"expected_version": 1, "reject-reason": "x"})
    assert response.status_code == 409
    assert "Someone else saved this record" in response.content.decode()
    assert _state(case) == (CaseState.ACCEPTED, 2)


def test_with_htmx_the_step_answers_with_the_new_panel(
    county: County, people: ThreePeople, english: None
) -> None:
    case = make_case(county)
    response = people.clients()["in_scope"].post(
        _url(case, "accept"), {"expected_version": 1}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section id="workflow-case-')
    assert "Accepted" in html and ">Resolve</summary>" in html
    assert "<html" not in html


def test_the_step_page_works_without_script(county: County, people: ThreePeople) -> None:
    case = make_case(county)
    clients = people.clients()
    page = clients["in_scope"].get(_url(case, "reject"))
    assert page.status_code == 200 and 'name="reject-reason"' in page.content.decode()
    assert clients["read_only"].get(_url(case, "reject")).status_code == 403
    assert clients["outsider"].get(_url(case, "reject")).status_code == 404
    assert clients["in_scope"].get(_url(case, "nonsense")).status_code == 404


def test_the_panel_reads_in_chinese(county: County, people: ThreePeople) -> None:
    case = make_case(county)
    html = people.clients()["in_scope"].get(case.get_absolute_url()).content.decode()
    assert "已登记" in html and "2025-10-13 到期" in html and "已逾期" in html
    assert ">上报乡镇</summary>" in html and "理由" in html


def test_the_panel_forms_carry_their_csrf_token(county: County, people: ThreePeople) -> None:
    import re

    case = make_case(county)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.in_scope)
    html = client.get(case.get_absolute_url()).content.decode()
    panel = html.split("workflow-panel", 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', panel)
    assert token is not None
    assert client.post(_url(case, "accept"), {"expected_version": 1}).status_code == 403
    answer = client.post(
        _url(case, "accept"), {"expected_version": 1, "csrfmiddlewaretoken": token.group(1)}
    )
    assert answer.status_code == 302
    assert _state(case) == (CaseState.ACCEPTED, 2)


def test_the_time_limit_is_extended_from_the_page_once(
    county: County, people: ThreePeople, english: None
) -> None:
    case = make_case(county)
    clients = people.clients()
    assert _post(clients["in_scope"], case, "accept", 1) == 302
    url = reverse("kitdomain:case_extension", args=[case.pk])
    html = clients["in_scope"].get(case.get_absolute_url()).content.decode()
    assert "Extend the time limit" in html and 'name="extension-days"' in html
    data = {"expected_version": 2, "extension-days": 10, "extension-reason": "需现场核实"}
    assert clients["outsider"].post(url, data).status_code == 404
    assert clients["read_only"].post(url, data).status_code == 403
    before = Case.objects.get(pk=case.pk).due_on
    assert clients["in_scope"].post(url, data).status_code == 302
    stored = Case.objects.get(pk=case.pk)
    assert (stored.due_on - before).days == 10 and stored.version == 3
    again = clients["in_scope"].post(url, {**data, "expected_version": 3})
    assert again.status_code == 422 and "1 time(s) only" in again.content.decode()
    html = clients["in_scope"].get(case.get_absolute_url()).content.decode()
    assert "Extend the time limit" not in html
