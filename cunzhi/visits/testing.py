"""Building visit test data through the services, and the records for the URL sweeps."""

from __future__ import annotations

import datetime
from typing import Any

from cunzhi.accounts.testing import County, ThreePeople, record_factory
from cunzhi.registry.models import Household
from cunzhi.visits.models import Visit
from cunzhi.visits.services import visit_record


def make_visit(
    actor: Any,
    household: Household,
    *,
    visited_on: datetime.date | None = None,
    cadres: list[Any] | None = None,
    **extra: Any,
) -> Visit:
    visit, _demand = visit_record(
        actor=actor,
        household=household,
        visited_on=visited_on or datetime.date(2026, 3, 2),
        cadres=cadres or [actor],
        purpose=extra.pop("purpose", "survey"),
        findings=extra.pop("findings", "家中老人身体尚可，屋顶有漏雨。"),
        **extra,
    )
    return visit


@record_factory("visits.visit")
def a_visit(county: County, people: ThreePeople) -> Visit:
    from cunzhi.registry.testing import family

    return make_visit(people.in_scope, family(county, 7))
