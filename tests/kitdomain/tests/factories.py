"""Cases for the tests, made through the services."""

from __future__ import annotations

import datetime
from typing import Any

from cunzhi.accounts.testing import County
from tests.kitdomain.models import Case
from tests.kitdomain.services import case_create

D = datetime.date


MONDAY_BEFORE_NATIONAL_DAY = D(2025, 9, 29)


def make_case(county: County, *, received_on: D = MONDAY_BEFORE_NATIONAL_DAY, **extra: Any) -> Case:
    return case_create(
        actor=county.admin,
        region=extra.pop("region", county.village),
        title=extra.pop("title", "村道塌方"),
        received_on=received_on,
        today=extra.pop("today", received_on),
    )
