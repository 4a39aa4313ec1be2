"""The task list, the ledger, the township's progress view and the API, with their query counts."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cunzhi.accounts.models import Post, Role
from cunzhi.accounts.testing import County, ThreePeople, assert_attention_budget, make_user
from cunzhi.audit.models import Event
from cunzhi.core.demo import DemoContext
from cunzhi.plans import demo, selectors, services
from cunzhi.plans.models import Milestone, Rectification, RectificationState, Task, TaskState
from cunzhi.plans.testing import a_rectification, a_task, an_objective

pytestmark = pytest.mark.django_db


def _tasks(county: County, people: ThreePeople, count: int) -> None:
    objective = an_objective(county, people)
    for n in range(count):
        month = n % 12 + 1
        services.task_create(
            actor=county.admin,
            objective=objective,
            title=f"任务{n}",
            owner=people.in_scope,
            planned_start=datetime.date(2026, month, 1),
            planned_end=datetime.date(2026, month, 28),
            today=datetime.date(2026, 1, 2),
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_task_list_and_the_board_cost_the_same_queries_for_few_and_many(
    county: County, people: ThreePeople
) -> None:
    client = Client()
    client.force_login(people.in_scope)
    _tasks(county, people, 2)
    plan_id = Task.objects.first().plan_id  # type: ignore[union-attr]
    list_url = reverse("plans:tasks", args=[county.village.code]) + "?status=overdue"
    board_url = reverse("plans:board", args=[plan_id])
    few = (_queries(client, list_url), _queries(client, board_url))
    _tasks(county, people, 60)
    many = (_queries(client, list_url), _queries(client, board_url))
    assert few == many


def test_the_ledger_costs_the_same_queries_for_few_and_many_items(
    county: County, people: ThreePeople
) -> None:
    client = Client()
    client.force_login(people.read_only)
    url = reverse("plans:rectifications", args=[county.village.code]) + "?overdue=false"
    a_rectification(county, people)
    few = _queries(client, url)
    for _ in range(40):
        a_rectification(county, people)
    assert _queries(client, url) == few


def test_the_list_filters_by_status_owner_month_and_overdue(
    county: County, people: ThreePeople
) -> None:
    _tasks(county, people, 12)  # one task a month, each ending on the 28th
    member = make_user(county, "cunwei", Role.VILLAGE_COMMITTEE_MEMBER, county.village)
    march = Task.objects.get(title="任务2")
    services.task_update(
        actor=people.in_scope, task=march, expected_version=march.version, owner=member
    )
    client = Client()
    client.force_login(people.read_only)
    url = reverse("plans:tasks", args=[county.village.code])

    def titles(query: str) -> list[str]:
        response = client.get(url + query)
        return [row[0].value for row in response.context["list"].rows]

    assert titles(f"?owner={member.pk}") == ["任务2"]
    assert titles("?month=3&year=2026") == ["任务2"]
    today = timezone.localdate()
    ended = [f"任务{n}" for n in range(12) if datetime.date(2026, n + 1, 28) < today]
    assert titles("?status=overdue") == ended
    assert titles("?overdue=true") == ended
    assert len(titles("?status=not_started")) == 12 - len(ended)
    # A bad filter is dropped, never a 500.
    assert client.get(url + "?month=13&owner=abc&year=99999").status_code == 200


def test_the_export_is_an_xlsx_and_leaves_its_event(county: County, people: ThreePeople) -> None:
    a_rectification(county, people)
    client = Client()
    client.force_login(people.read_only)
    response = client.post(
        reverse("plans:rectifications_export", args=[county.village.code]), {"reason": ""}
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]
    assert Event.objects.filter(action="plans.rectifications_export").count() == 1


def test_the_township_sees_each_villages_progress_in_one_query(
    county: County, people: ThreePeople
) -> None:
    first = a_rectification(county, people)
    second = a_rectification(county, people)
    signer = make_user(county, "diyishuji", Role.FIRST_SECRETARY, county.village)
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.rectification_transition(
        actor=signer,
        rectification=second,
        name="close_off",
        expected_version=second.version,
        result="已整改",
        attachment=SimpleUploadedFile(
            "p.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        ),
    )
    leader = make_user(county, "zhenzhang", Role.TOWNSHIP_LEADER, county.township)
    after_deadline = first.deadline_on + datetime.timedelta(days=1)
    selectors.rectification_progress(leader, county.township, after_deadline)  # scope looked up
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.rectification_progress(leader, county.township, after_deadline)
    assert len(captured) == 1
    by_name = {row.name: row for row in rows}
    assert set(by_name) == {"石板村", "柳溪村"}  # not 白马镇's 大坪村
    shiban = by_name["石板村"]
    assert (shiban.total, shiban.closed, shiban.closed_percent, shiban.overdue) == (2, 1, 50, 1)
    next_year = selectors.rectification_progress(leader, county.township, after_deadline, year=2027)
    assert {row.name: row.total for row in next_year} == {"石板村": 0, "柳溪村": 0}
    client = Client()
    client.force_login(leader)
    page = client.get(reverse("plans:region", args=[county.township.code]))
    assert page.status_code == 200 and "50%" in page.content.decode()
    assert client.get(page.request["PATH_INFO"] + "?year=abc").status_code == 200


def test_the_attention_items_stay_in_budget_and_count_the_overdue(
    county: County, people: ThreePeople, english: None
) -> None:
    post = Post.objects.select_related("region").get(user=people.in_scope)
    assert_attention_budget(people.in_scope, post)
    a_task(county, people)  # ended 2026-06-30
    a_rectification(county, people)  # time limit 2026-09-30
    items = assert_attention_budget(people.in_scope, post)
    counts = {item.label: item.count for item in items}
    today = timezone.localdate()
    expected = int(today > datetime.date(2026, 9, 30))
    assert counts["Rectification items overdue"] == expected
    assert counts["Your rectification items overdue"] == expected
    assert counts["Plan tasks overdue"] == int(today > datetime.date(2026, 6, 30))


def _api(client: Client, method: str, url: str, body: Any = None, **headers: str) -> Any:
    return getattr(client, method)(
        url,
        json.dumps(body) if body is not None else None,
        content_type="application/json",
        headers=headers,
    )


def test_the_api_plans_tasks_and_closes_off_with_the_same_rules(
    county: County, people: ThreePeople
) -> None:
    client = Client()
    client.force_login(people.in_scope)
    created = _api(client, "post", f"/api/v1/villages/{county.village.code}/plans", {"year": 2026})
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    duplicate = _api(
        client, "post", f"/api/v1/villages/{county.village.code}/plans", {"year": 2026}
    )
    assert duplicate.status_code == 422
    objective = _api(
        client,
        "post",
        f"/api/v1/plans/{plan_id}/objectives",
        {"role": "economic_guide", "duty": "prosperity", "title": "发展集体经济"},
    ).json()
    task = _api(
        client,
        "post",
        f"/api/v1/objectives/{objective['id']}/tasks",
        {
            "title": "建冷库",
            "owner": people.in_scope.pk,
            "planned_start": "2026-02-01",
            "planned_end": "2026-03-31",
        },
    )
    assert task.status_code == 201, task.content
    assert task.json()["status"] in {"overdue", "not_started"}
    outsider_owner = _api(
        client,
        "post",
        f"/api/v1/objectives/{objective['id']}/tasks",
        {
            "title": "建冷库",
            "owner": people.outsider.pk,
            "planned_start": "2026-02-01",
            "planned_end": "2026-03-31",
        },
    )
    assert outsider_owner.status_code == 422
    assert outsider_owner.json()["errors"][0]["field"] == "owner"
    # An edit without a version is refused; with a stale one too.
    task_url = f"/api/v1/tasks/{task.json()['id']}"
    assert _api(client, "patch", task_url, {"title": "建冷库房"}).status_code == 428
    stale = _api(client, "patch", task_url, {"title": "建冷库房"}, **{"If-Match": '"9"'})
    assert stale.status_code == 412
    steps = _api(client, "get", f"{task_url}/transitions").json()
    assert [s["name"] for s in steps["transitions"]] == ["start"]
    # The ledger: the responsible person cannot close off their own item.
    item = a_rectification(county, people)
    refused = _api(
        client,
        "post",
        f"/api/v1/rectifications/{item.pk}/transitions",
    )
    assert refused.status_code in (404, 405)
    listed = _api(client, "get", f"/api/v1/rectifications/{item.pk}/transitions").json()
    assert [b["name"] for b in listed["blocked"]] == ["close_off"]
    rows = _api(
        client, "get", f"/api/v1/villages/{county.village.code}/rectifications?status=open"
    ).json()
    assert [r["id"] for r in rows["items"]] == [item.pk]
    bad = _api(client, "get", f"/api/v1/villages/{county.village.code}/tasks?status=nonsense")
    assert bad.status_code == 422


def test_the_demo_gives_each_village_tasks_in_every_status_and_a_ledger(
    county: County, people: ThreePeople, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    make_user(county, "diyishuji", Role.FIRST_SECRETARY, county.village)
    demo.seed(DemoContext(admin=county.admin))
    today = timezone.localdate()
    rows = selectors.village_tasks(county.admin, county.village, today)
    shown = {getattr(t, "status", "") for t in rows}
    if 1 < today.month < 12:  # in January nothing has ended yet; in December all has begun
        assert shown == {"done", "in_progress", "not_started", "overdue"}
    ledger = Rectification.objects.filter(region=county.village)
    assert ledger.filter(state=RectificationState.CLOSED).count() == 2
    assert ledger.filter(selectors.overdue_q(today)).count() == 2
    assert Task.objects.filter(region=county.village, state=TaskState.DONE).exists()
    reached = Milestone.objects.filter(region=county.village, reached_on__isnull=False)
    assert reached.exists() == (today.month > 1)
