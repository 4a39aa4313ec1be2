"""Writes of the test domain: the shape every domain's workflow services take."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from cunzhi.core.workflow import deadlines, engine
from cunzhi.core.writes import create_audited
from cunzhi.regions.models import Region
from tests.kitdomain.models import Case
from tests.kitdomain.workflows import CASE_WORKFLOW


def case_create(
    *,
    actor: Any,
    region: Region,
    title: str,
    received_on: datetime.date,
    today: datetime.date | None = None,
) -> Case:
    case = Case(region=region, title=title, received_on=received_on)
    deadlines.start_deadline(CASE_WORKFLOW, case, today)
    with transaction.atomic():
        return create_audited(actor=actor, obj=case, action="kitdomain.case_create")


def case_transition(
    *,
    actor: Any,
    case: Case,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> Case:
    return engine.take(
        workflow=CASE_WORKFLOW,
        actor=actor,
        obj=case,
        name=name,
        expected_version=expected_version,
        inputs=inputs,
        today=today,
    )
