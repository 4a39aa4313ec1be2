"""The workflow's two API endpoints: list and take, with the one error format."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from cunzhi.accounts.testing import County, ThreePeople
from tests.kitdomain.models import Case, CaseState
from tests.kitdomain.tests.factories import make_case

pytestmark = pytest.mark.django_db


def _list(client: Client, case: Case) -> Any:
    return client.get(f"/kitapi/v1/cases/{case.pk}/transitions")


def _take(client: Client, case: Case, name: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(
        f"/kitapi/v1/cases/{case.pk}/transitions/{name}",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_the_list_says_what_each_step_requires(
    county: County, people: ThreePeople, english: None
) -> None:
    case = make_case(county)
    body = _list(people.clients()["in_scope"], case).json()
    assert (body["state"], body["state_label"], body["version"]) == ("registered", "Registered", 1)
    assert (body["due_on"], body["deadline_status"]) == ("2025-10-13", "overdue")
    steps = {step["name"]: step for step in body["transitions"]}
    assert list(steps) == ["accept", "reject", "escalate"]
    (reason,) = steps["reject"]["requires"]
    assert (reason["name"], reason["required"], reason["kind"]) == ("reason", True, "text")
    assert steps["escalate"]["requires"] == []
    assert steps["escalate"]["target_label"] == "Escalated to the township"


def test_the_list_as_the_three_people(county: County, people: ThreePeople) -> None:
    case = make_case(county)
    clients = people.clients()
    assert _list(clients["outsider"], case).status_code == 404
    reader = _list(clients["read_only"], case)
    assert reader.status_code == 200 and reader.json()["transitions"] == []


def test_every_step_through_the_api_as_the_three_people(
    county: County, people: ThreePeople
) -> None:
    clients = people.clients()
    case = make_case(county)
    assert _take(clients["outsider"], case, "accept", {"expected_version": 1}).status_code == 404
    assert _take(clients["read_only"], case, "accept", {"expected_version": 1}).status_code == 403
    answer = _take(clients["in_scope"], case, "accept", {"expected_version": 1, "comment": "受理"})
    assert answer.status_code == 200 and answer["ETag"] == '"2"'
    assert answer.json()["state"] == "accepted"
    steps = [
        ("resolve", {"resolution": "已修复"}),
        ("reopen", {"reason": "未修好"}),
        ("resolve", {"resolution": "修好", "satisfaction": 5}),
        ("close", {}),
    ]
    for version, (name, inputs) in enumerate(steps, start=2):
        answer = _take(clients["in_scope"], case, name, {"expected_version": version, **inputs})
        assert answer.status_code == 200, answer.json()
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED
    other = make_case(county)
    assert (
        _take(clients["in_scope"], other, "escalate", {}, **{"If-Match": '"1"'}).status_code == 200
    )
    third = make_case(county)
    assert (
        _take(
            clients["in_scope"], third, "reject", {"expected_version": 1, "reason": "重复"}
        ).status_code
        == 200
    )


def test_a_missing_requirement_is_a_422_naming_the_field(
    county: County, people: ThreePeople, english: None
) -> None:
    case = make_case(county)
    answer = _take(people.clients()["in_scope"], case, "reject", {"expected_version": 1})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"field": "reason", "message": "This field is required."}]
    unknown = _take(people.clients()["in_scope"], case, "reject", {"expected_version": 1, "x": 1})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "x"
    no_version = _take(people.clients()["in_scope"], case, "accept", {})
    assert no_version.status_code == 422
    assert no_version.json()["errors"][0]["field"] == "expected_version"
    assert Case.objects.get(pk=case.pk).version == 1


def test_a_stale_version_is_409_in_the_body_and_412_with_if_match(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county)
    client = people.clients()["in_scope"]
    assert _take(client, case, "accept", {"expected_version": 1}).status_code == 200
    stale = _take(client, case, "resolve", {"expected_version": 1, "resolution": "x"})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    stale = _take(client, case, "resolve", {"resolution": "x"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412 and stale["ETag"] == '"2"'
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_a_step_the_state_does_not_allow_or_an_unknown_one(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county)
    client = people.clients()["in_scope"]
    assert _take(client, case, "close", {"expected_version": 1}).status_code == 422
    assert _take(client, case, "fly", {"expected_version": 1}).status_code == 404
    bad = client.post(
        f"/kitapi/v1/cases/{case.pk}/transitions/accept", "{", content_type="application/json"
    )
    assert bad.status_code == 422


def test_the_time_limit_is_extended_through_the_api(county: County, people: ThreePeople) -> None:
    case = make_case(county)
    clients = people.clients()
    assert _take(clients["in_scope"], case, "accept", {"expected_version": 1}).status_code == 200
    assert _list(clients["in_scope"], case).json()["extendable"] is True
    url = f"/kitapi/v1/cases/{case.pk}/deadline/extension"
    body = json.dumps({"expected_version": 2, "days": 30, "reason": "需现场核实"})
    outsider = clients["outsider"].post(url, body, content_type="application/json")
    reader = clients["read_only"].post(url, body, content_type="application/json")
    assert (outsider.status_code, reader.status_code) == (404, 403)
    over = json.dumps({"expected_version": 2, "days": 31, "reason": "x"})
    refused = clients["in_scope"].post(url, over, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "days"
    answer = clients["in_scope"].post(url, body, content_type="application/json")
    assert answer.status_code == 200 and answer["ETag"] == '"3"'
    assert answer.json()["extendable"] is False
    stale = clients["in_scope"].post(url, body, content_type="application/json")
    assert stale.status_code == 409


def test_the_openapi_description_has_the_workflow_endpoints(people: ThreePeople) -> None:
    schema = people.clients()["in_scope"].get("/kitapi/v1/openapi.json").json()
    paths = schema["paths"]
    assert "get" in paths["/kitapi/v1/cases/{id}/transitions"]
    take = paths["/kitapi/v1/cases/{id}/transitions/{name}"]["post"]
    assert set(take["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"409", "412", "422", "404", "403"} <= set(take["responses"])
    assert "post" in paths["/kitapi/v1/cases/{id}/deadline/extension"]
