"""Records of the disputes app for tests, built through the services as a person would."""

from __future__ import annotations

import datetime
from typing import Any

from cunzhi.accounts.models import Role, User
from cunzhi.accounts.testing import County, make_user
from cunzhi.disputes.models import CaseLevel, MediationCase, PartySide, Petition
from cunzhi.disputes.services import mediation_case_create, petition_register

D = datetime.date
SEPTEMBER_30_2025 = D(2025, 9, 30)
SEPTEMBER_1_2025 = D(2025, 9, 1)


def township_officer(county: County, username: str = "xinfang") -> User:
    """A reception-centre officer of 青龙镇 (信访办)."""
    return make_user(county, username, Role.TOWNSHIP_STAFF, county.township)


def make_petition(
    county: County,
    *,
    actor: User | None = None,
    received_on: datetime.date = SEPTEMBER_30_2025,
    today: datetime.date | None = None,
    **extra: Any,
) -> Petition:
    fields: dict[str, Any] = {
        "region": county.township,
        "kind": "request",
        "channel": "visit",
        "petitioner_name": "杨德福",
        "content": "承包地被邻组占用，要求调查处理。",
        "receiving_organ": "青龙镇信访办",
        **extra,
    }
    return petition_register(
        actor=actor or county.admin, received_on=received_on, today=today or received_on, **fields
    )


def make_case(
    county: County,
    *,
    actor: User | None = None,
    received_on: datetime.date = SEPTEMBER_1_2025,
    level: str = CaseLevel.VILLAGE,
    parties: tuple[str, str] = ("杨德福", "李春生"),
    **extra: Any,
) -> MediationCase:
    fields: dict[str, Any] = {
        "region": county.village,
        "title": "宅基地边界纠纷",
        "dispute_type": "land",
        "facts": "两户宅基地界址不清，争执围墙位置。",
        **extra,
    }
    return mediation_case_create(
        actor=actor or county.admin,
        received_on=received_on,
        level=level,
        today=received_on,
        parties=[
            {"side": PartySide.APPLICANT, "name": parties[0]},
            {"side": PartySide.RESPONDENT, "name": parties[1]},
        ],
        **fields,
    )
