"""The compliance summary by area: what the county and a province see at a glance.

Over the real 2025 calendar as of 28 February: 19 working days in January, 19 in February
(test_presence_and_compliance.py's hand counts), so 38 so far; the year has 248: 261 weekdays,
less 18 holidays on weekdays, plus 5 weekend days worked.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, make_user
from cunzhi.core.regioncodes import Level
from cunzhi.residency.compliance import (
    compliance_rows,
    compliance_summary,
    summarise,
    year_totals,
    year_totals_from_rows,
)
from cunzhi.residency.models import Dispatch
from cunzhi.residency.services import dispatch_end, presence_check_in
from cunzhi.residency.testing import cadre_user, make_cadre
from cunzhi.residency.tests.test_presence_and_compliance import check_in_every_working_day

D = datetime.date
ON = D(2025, 2, 28)
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def three(county: County) -> dict[str, Dispatch]:
    """On track and at risk in 青龙镇; no longer able to meet the year in the other township."""
    wang = make_cadre(county, "wang", starts_on=D(2024, 3, 1))
    assert check_in_every_working_day(wang, D(2025, 1, 1), ON) == 38
    li = make_cadre(county, "li", village=county.neighbour, starts_on=D(2024, 3, 1))
    assert check_in_every_working_day(li, D(2025, 1, 1), D(2025, 1, 31)) == 19
    zhao = make_cadre(county, "zhao", village=county.far_village, starts_on=D(2024, 3, 1))
    for day in (D(2025, 2, 5), D(2025, 2, 6), D(2025, 2, 7), D(2025, 2, 8), D(2025, 2, 10)):
        presence_check_in(actor=cadre_user(zhao), today=day)
    zhao = dispatch_end(actor=county.admin, dispatch=zhao, ended_on=ON, expected_version=1)
    return {"wang": wang, "li": li, "zhao": zhao}


def test_the_townships_are_counted_by_status_worst_first(
    county: County, three: dict[str, Dispatch]
) -> None:
    areas = compliance_summary(Dispatch.objects.all(), 2025, on=ON)
    assert [a.code for a in areas] == [county.far_village.code[:9] + "000", county.township.code]
    far, qinglong = areas
    assert qinglong.name == county.township.name and qinglong.level == Level.TOWNSHIP
    # (cadres, on track, at risk, cannot meet, working days so far, in the village, unexplained)
    assert qinglong.figures() == (2, 1, 1, 0, 76, 57, 19)
    assert far.figures() == (1, 0, 0, 1, 38, 5, 33)  # 5 of 38, none left: 26 needed
    assert far.share_percent == 13.2 and qinglong.share_percent == 75.0


def test_the_summary_agrees_with_the_table_and_with_the_raw_rows(
    county: County, three: dict[str, Dispatch]
) -> None:
    everyone = Dispatch.objects.all()
    rows = compliance_rows(everyone, 2025, on=ON)
    for level in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
        fast = compliance_summary(everyone, 2025, on=ON, level=level)
        slow = compliance_summary(
            everyone, 2025, on=ON, level=level, totals_of=year_totals_from_rows
        )
        by_table = summarise(rows, level)
        assert [(a.code, a.figures()) for a in fast] == [(a.code, a.figures()) for a in by_table]
        assert [(a.code, a.figures()) for a in slow] == [(a.code, a.figures()) for a in by_table]
    assert year_totals(everyone, 2025, ON) == year_totals_from_rows(everyone, 2025, ON)
    [whole] = compliance_summary(everyone, 2025, on=ON, level=Level.COUNTY)
    assert whole.figures() == (3, 1, 1, 1, 114, 62, 52)
    # Before the year, nothing counts yet; after it, the whole year does.
    assert year_totals(everyone, 2025, D(2024, 12, 31)) == {}
    assert year_totals(everyone, 2025, D(2026, 3, 1))[three["wang"].pk].in_village == 38


def test_the_county_sees_the_townships_above_its_table_and_a_township_does_not(
    county: County, three: dict[str, Dispatch]
) -> None:
    org = Client()
    org.force_login(make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county))
    page = org.get(reverse("residency:compliance"), {"year": "2025"})
    # Seen today, 2025 is over and none of the three made it: both townships are all behind,
    # 青龙镇 with two cadres first.
    far_township = county.far_village.parent
    assert far_township is not None
    assert [(a.name, a.dispatches, a.cannot_meet) for a in page.context["areas"]] == [
        (county.township.name, 2, 2), (far_township.name, 1, 1),
    ]  # fmt: skip
    html = page.content.decode()
    assert "By Township" in html and f"region={county.township.code}" in html
    # The status filter narrows the table, never the summary's counts.
    narrowed = org.get(reverse("residency:compliance"), {"year": "2025", "status": "on_track"})
    assert len(narrowed.context["rows"]) == 0  # the whole of 2025 is over: none made it
    assert sum(a.dispatches for a in narrowed.context["areas"]) == 3
    township = Client()
    township.force_login(make_user(county, "leader", Role.TOWNSHIP_LEADER, county.township))
    mine = township.get(reverse("residency:compliance"), {"year": "2025"})
    assert "areas" not in mine.context and len(mine.context["rows"]) == 2


def test_the_api_counts_by_area_in_scope_and_refuses_bad_input(
    county: County, three: dict[str, Dispatch]
) -> None:
    org = Client()
    org.force_login(make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county))
    url = "/api/v1/residency/compliance/summary"
    areas = org.get(url, {"year": "2025"}).json()
    assert [(a["level_label"], a["dispatches"]) for a in areas] == [
        ("Township", 2), ("Township", 1),
    ]  # fmt: skip
    by_village = org.get(url, {"year": "2025", "region": county.township.code, "by": "village"})
    assert sorted(a["name"] for a in by_village.json()) == sorted(
        [county.village.name, county.neighbour.name]
    )
    township = Client()
    township.force_login(make_user(county, "leader", Role.TOWNSHIP_LEADER, county.township))
    [mine] = township.get(url, {"year": "2025", "by": "township"}).json()
    # The whole of 2025 (248 working days) for both: 57 days in the village of 496.
    assert (mine["code"], mine["dispatches"], mine["share"]) == (county.township.code, 2, 0.1149)
    assert org.get(url, {"year": "2025", "region": "abc"}).status_code == 422
    assert org.get(url, {"year": "2025", "by": "street"}).status_code == 422
    missing = org.get(url, {"year": "2027"})
    assert missing.status_code == 422 and "import_holidays" in missing.content.decode()
