"""The year report (述职) draws on the cadre's home visits and the village's demands."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, make_user
from cunzhi.demands.models import DemandCategory
from cunzhi.demands.services import demand_transition
from cunzhi.demands.testing import make_demand, photo
from cunzhi.registry.testing import family
from cunzhi.residency.models import Dispatch
from cunzhi.residency.report import year_report
from cunzhi.residency.testing import cadre_user, make_cadre, make_unit
from cunzhi.visits.services import Need
from cunzhi.visits.testing import make_visit

D = datetime.date
TODAY = D(2026, 11, 27)
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def resolve(actor: Any, demand: Any, on: datetime.date) -> None:
    for step in ("accept", "start"):
        demand = demand_transition(
            actor=actor, demand=demand, name=step, expected_version=demand.version, today=on
        )
    demand_transition(
        actor=actor, demand=demand, name="resolve", expected_version=demand.version,
        resolution="已组织修复", attachment=photo(), today=on,
    )  # fmt: skip


@pytest.fixture
def year(county: County) -> dict[str, Any]:
    """Wang's 2026: three visits in March and May to two households, one of which raised a
    need; two demands of the village, one resolved on time, one overdue and assigned to Wang.
    Around them, what must not count: Li's visit to the same village, a demand of December 2025
    and one of another village."""
    ours = make_cadre(county, "wang", starts_on=D(2026, 1, 5))
    theirs = make_cadre(county, "li", unit=make_unit(county, "县水务局"), role="team_member")
    wang, li = cadre_user(ours), cadre_user(theirs)
    first, second = family(county, 1), family(county, 2)
    water = DemandCategory.objects.get(code="drinking_water")
    make_visit(
        wang, first, visited_on=D(2026, 3, 2), purpose="survey",
        findings="杨德福家自来水管冬季冻裂，全家靠挑水吃，需尽快修复入户管道。",
        need=Need(category=water, title="入户水管冻裂", description="冬季水管冻裂，吃水困难。"),
    )  # fmt: skip
    make_visit(wang, second, visited_on=D(2026, 3, 9), purpose="policy", findings="讲解医保。")
    make_visit(wang, first, visited_on=D(2026, 5, 11), purpose="follow_up", findings="水已通。")
    make_visit(li, second, visited_on=D(2026, 3, 3), findings="李队员走访。")
    from cunzhi.demands.models import Demand

    from_visit = Demand.objects.get(source_ref__startswith="visits.visit:")
    resolve(wang, from_visit, D(2026, 3, 5))  # due 2026-03-09 (7 days): on time
    make_demand(
        wang, county.village, title="村道塌方", registered_on=D(2026, 6, 1), today=TODAY,
        assignee=wang,
    )  # fmt: skip
    make_demand(county.admin, county.village, title="去年的", registered_on=D(2025, 12, 1))
    make_demand(county.admin, county.neighbour, title="邻村的", registered_on=D(2026, 6, 1))
    return {"ours": ours, "theirs": theirs, "county": county}


def test_the_report_counts_the_cadres_visits_and_the_villages_demands(year) -> None:  # type: ignore[no-untyped-def]
    report = year_report(year["ours"], 2026, on=TODAY)
    visits, demands = report.visits, report.demands
    assert (visits.visits, visits.households) == (3, 2)
    assert visits.by_month == {3: 2, 5: 1}
    assert visits.by_purpose == [("Situation survey", 1), ("Policy explanation", 1),
                                 ("Follow-up", 1)]  # fmt: skip
    assert visits.highlights[0].findings.startswith("杨德福家自来水管")
    assert (demands.registered, demands.resolved, demands.on_time) == (2, 1, 1)
    assert (demands.open, demands.overdue, demands.rejected) == (1, 1, 0)
    assert (demands.assigned_to_cadre, demands.from_cadre_visits) == (1, 1)
    assert [(c.name, c.registered, c.resolved, c.overdue) for c in demands.by_category] == [
        ("道路交通", 1, 0, 1),
        ("饮水安全", 1, 1, 0),
    ]
    # Li's own report: one visit, the village's same two demands, none from Li's visits.
    theirs = year_report(year["theirs"], 2026, on=TODAY)
    assert (theirs.visits.visits, theirs.visits.households) == (1, 1)
    assert theirs.demands.registered == 2
    assert (theirs.demands.assigned_to_cadre, theirs.demands.from_cadre_visits) == (0, 0)


def test_the_report_reads_as_many_queries_for_three_visits_as_for_thirty(year) -> None:  # type: ignore[no-untyped-def]
    dispatch = Dispatch.objects.select_related("cadre__user", "region").get(pk=year["ours"].pk)
    with CaptureQueriesContext(connection) as few:
        year_report(dispatch, 2026, on=TODAY)
    wang = cadre_user(dispatch)
    households = [family(year["county"], n) for n in range(3, 6)]
    for n in range(27):
        make_visit(wang, households[n % 3], visited_on=D(2026, 1 + n % 10, 5 + n % 20))
    for n in range(10):
        make_demand(wang, dispatch.region, category="housing", registered_on=D(2026, 7, 1 + n),
                    today=TODAY)  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        report = year_report(dispatch, 2026, on=TODAY)
    assert report.visits.visits == 30 and report.demands.registered == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_printed_report_shows_the_visits_and_the_demands_in_chinese(
    year, tmp_path: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "zh-hans"
    dispatch = year["ours"]
    client = Client()
    client.force_login(make_user(year["county"], "township", Role.TOWNSHIP_LEADER,
                                 year["county"].township))  # fmt: skip
    response = client.get(reverse("residency:year_report", args=[dispatch.pk, 2026]))
    assert response.status_code == 200
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = "".join(text.split())
    assert "五、入户走访" in squeezed and "六、群众诉求" in squeezed
    assert "走访3次，涉及2户" in squeezed
    assert "情况摸排1" in squeezed and "政策宣讲1" in squeezed  # labels, not codes
    assert "survey" not in squeezed and "drinking_water" not in squeezed
    assert "杨德福家自来水管冬季冻裂" in squeezed  # a visit's findings quoted
    assert "登记诉求2件" in squeezed
    assert "办结1件，其中按期办结1件" in squeezed
    assert "尚未办结1件，其中已逾期1件" in squeezed
    assert "交本人办理1件，来自本人走访1件" in squeezed
    assert "饮水安全" in squeezed and "道路交通" in squeezed


def test_the_report_page_shows_the_same_figures_to_whoever_sees_the_dispatch(year) -> None:  # type: ignore[no-untyped-def]
    county = year["county"]
    dispatch = year["ours"]
    url = reverse("residency:year_report_page", args=[dispatch.pk, 2026])
    reader = Client()
    reader.force_login(make_user(county, "township", Role.TOWNSHIP_LEADER, county.township))
    page = reader.get(dispatch.get_absolute_url()).content.decode()
    assert url in page
    page = reader.get(url).content.decode()
    assert "3 home visits, to 2 households." in page
    assert "Situation survey 1、Policy explanation 1、Follow-up 1" in page
    assert "2 demands registered in the village while the cadre served: 1 resolved, 1 of them on " \
        "time; 1 still open, 1 of them overdue" in page  # fmt: skip
    assert 'data-label="Overdue">1</td>' in page  # the category table, a card on a phone
    assert reverse("residency:year_report", args=[dispatch.pk, 2026]) in page
    # Another village's secretary does not see the dispatch, nor its report.
    outsider = Client()
    outsider.force_login(make_user(county, "far", Role.VILLAGE_PARTY_SECRETARY, county.far_village))
    assert outsider.get(url).status_code == 404
