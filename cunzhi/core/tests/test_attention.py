"""What needs attention: providers found in each app's attention.py, held to a query budget."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django.apps import AppConfig, apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, assert_attention_budget, make_user
from cunzhi.core import attention
from cunzhi.core.attention import AttentionItem, Kind, Registered
from cunzhi.core.tests.kit.models import Errand

pytestmark = pytest.mark.usefixtures("kit")


@pytest.fixture
def kit_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the kit's provider, for this test: no other test's home page runs it."""
    from cunzhi.core.tests.kit.attention import errands

    monkeypatch.setattr(attention, "_providers", [Registered(errands, 1)])


def errands_in(
    county: County, *, overdue: int, soon: int, waiting_for: Any = None, waiting: int = 0
) -> None:
    rows = [
        Errand(region=county.village, title="逾期", due_state="overdue") for _ in range(overdue)
    ]
    rows += [Errand(region=county.neighbour, title="将到期", due_state="soon") for _ in range(soon)]
    rows += [
        Errand(region=county.village, title="待审批", status="waiting", assignee=waiting_for)
        for _ in range(waiting)
    ]
    # Closed and other-county errands count for nobody.
    rows += [Errand(region=county.village, title="已办结", status="done", due_state="overdue")]
    for row in rows:
        row.region_code = row.region.code
    Errand.objects.bulk_create(rows)


def test_a_provider_in_an_apps_attention_module_is_discovered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The kit stands for an installed app; its attention.py has not been imported yet.
    monkeypatch.setattr(attention, "_providers", [])
    monkeypatch.delitem(sys.modules, "cunzhi.core.tests.kit.attention", raising=False)
    kit_app = AppConfig.create("cunzhi.core.tests.kit")
    monkeypatch.setattr(apps, "get_app_configs", lambda: [kit_app])

    attention.autodiscover()

    assert [entry.name for entry in attention.providers()] == [
        "cunzhi.core.tests.kit.attention.errands"
    ]


def test_a_provider_registered_twice_runs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attention, "_providers", [])

    def nothing(user: Any, post: Any) -> list[AttentionItem]:
        return []

    attention.register(nothing)
    attention.register(queries=2)(nothing)
    assert len(attention.providers()) == 1


@pytest.mark.usefixtures("kit_provider")
class TestCounts:
    def test_each_person_sees_the_counts_of_their_scope_in_one_query(
        self, county: County, people: ThreePeople
    ) -> None:
        errands_in(county, overdue=3, soon=2, waiting_for=people.in_scope, waiting=4)
        township = make_user(county, "leader", Role.TOWNSHIP_LEADER, county.township)

        def counts(user: Any) -> dict[str, int]:
            items = assert_attention_budget(user, None)
            return {item.label: item.count for item in items if item.count}

        # The village's secretary: the village's overdue ones and the four waiting for them.
        assert counts(people.in_scope) == {"Errands overdue": 3, "Errands waiting for you": 4}
        # The supervisor reads the same village, and nothing waits for them.
        assert counts(people.read_only) == {"Errands overdue": 3}
        # The neighbouring village's secretary: only its two due soon.
        assert counts(people.outsider) == {"Errands due soon": 2}
        assert counts(township) == {"Errands overdue": 3, "Errands due soon": 2}

    def test_the_budget_holds_for_two_rows_and_for_two_hundred(
        self, county: County, people: ThreePeople
    ) -> None:
        errands_in(county, overdue=1, soon=1)
        assert_attention_budget(people.in_scope, None)
        errands_in(county, overdue=100, soon=100, waiting_for=people.in_scope, waiting=50)
        items = assert_attention_budget(people.in_scope, None)
        assert sorted(item.count for item in items) == [0, 50, 101]

    def test_a_provider_that_queries_per_row_fails_the_budget(
        self, county: County, people: ThreePeople, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def per_row(user: Any, post: Any) -> list[AttentionItem]:
            errands = Errand.objects.for_user(user, "view")
            overdue = [e for e in errands if e.assignee is None or e.assignee.is_active]
            return [AttentionItem("Errands", len(overdue), "/kit/", Kind.OVERDUE)]

        monkeypatch.setattr(attention, "_providers", [Registered(per_row, 1)])
        errands_in(county, overdue=1, soon=0)
        assert_attention_budget(people.in_scope, None)  # one row: nothing to see yet
        errands_in(county, overdue=0, soon=0, waiting_for=people.in_scope, waiting=3)
        with pytest.raises(AssertionError, match="per_row ran 4 queries, its budget is 1"):
            assert_attention_budget(people.in_scope, None)


def test_items_come_overdue_first_then_decisions_then_deadlines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def mixed(user: Any, post: Any) -> list[AttentionItem]:
        return [
            AttentionItem("soon", 9, "/s", Kind.DUE_SOON),
            AttentionItem("none", 0, "/n", Kind.OVERDUE),
            AttentionItem("decide", 1, "/d", Kind.DECIDE),
            AttentionItem("late, few", 2, "/o", Kind.OVERDUE),
            AttentionItem("late, many", 5, "/o", Kind.OVERDUE),
        ]

    monkeypatch.setattr(attention, "_providers", [Registered(mixed, 0)])
    labels = [item.label for item in attention.attention_for(None, None)]
    assert labels == ["late, many", "late, few", "decide", "soon"]


@pytest.mark.usefixtures("kit_provider")
class TestHomePage:
    def test_the_county_admin_sees_each_item_with_its_count_and_link(self, county: County) -> None:
        admin = make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county)
        errands_in(county, overdue=3, soon=2, waiting_for=admin, waiting=1)
        client = Client()
        client.force_login(admin)

        html = client.get(reverse("core:home")).content.decode()
        assert (
            '<a href="/kit/errands/?due=overdue">Errands overdue</a> <strong data-count="3">'
            in html
        )
        assert (
            'href="/kit/errands/?mine=1">Errands waiting for you</a> <strong data-count="1">'
            in html
        )
        assert 'href="/kit/errands/?due=soon">Errands due soon</a> <strong data-count="2">' in html
        assert (
            html.index("Errands overdue") < html.index("Errands waiting") < html.index("due soon")
        )
        block = client.get(reverse("core:attention"))
        assert block.status_code == 200 and b"<html" not in block.content
        assert b'data-count="3"' in block.content

    def test_the_home_page_costs_the_same_queries_for_few_and_many_items(
        self, county: County, django_assert_num_queries: Any
    ) -> None:
        admin = make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county)
        client = Client()
        client.force_login(admin)
        errands_in(county, overdue=1, soon=1)
        client.get(reverse("core:home"))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("core:home"))
        errands_in(county, overdue=60, soon=40, waiting_for=admin, waiting=20)
        with django_assert_num_queries(len(few.captured_queries)):
            html = client.get(reverse("core:home")).content.decode()
        assert 'data-count="61"' in html
