"""Writes of visits: record one (with a need turned into a demand in the same step), change one,
turn a need found on an earlier visit into a demand. Atomic, scoped, audited (DESIGN rule 3)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.audit import services as audit
from cunzhi.core.scoping import has_permission_at
from cunzhi.core.writes import create_audited, lock_current, require_permission, update_audited
from cunzhi.demands.models import Demand, DemandCategory
from cunzhi.demands.services import demand_create
from cunzhi.registry.models import HouseholdStatus
from cunzhi.visits.models import LastVisit, Visit


@dataclass(frozen=True)
class Need:
    """A need found on a visit, to be registered as a demand of the household."""

    category: DemandCategory
    title: str
    description: str
    priority: str = "normal"
    cause_subjective: str = ""
    cause_objective: str = ""
    assignee: Any = None


def _check(household: Any, cadres: list[Any], people_met: list[Any], visited_on: Any) -> None:
    errors: dict[str, list[Any]] = {}
    if household.status != HouseholdStatus.ACTIVE:
        errors["household"] = [_("This household is no longer registered in the village.")]
    if visited_on > timezone.localdate():
        errors["visited_on"] = [_("A visit cannot be recorded before it happens.")]
    if not cadres:
        errors["cadres"] = [_("Name at least one visiting cadre.")]
    elif any(not has_permission_at(c, "visits.add_visit", household.region_code) for c in cadres):
        errors["cadres"] = [_("A visiting cadre must be one of the village's cadres.")]
    if any(person.household_id != household.pk for person in people_met):
        errors["people_met"] = [_("The people met must be members of the household.")]
    if errors:
        raise ValidationError(errors)


def _remember(visit: Visit) -> None:
    """Keep the household's latest visit (a later one already recorded stays)."""
    last = LastVisit.objects.select_for_update().filter(household_id=visit.household_id).first()
    if last is None:
        LastVisit.objects.create(
            household_id=visit.household_id,
            region_code=visit.region_code,
            group_code=visit.group_code,
            visited_on=visit.visited_on,
        )
    elif visit.visited_on > last.visited_on:
        last.visited_on = visit.visited_on
        last.group_code = visit.group_code
        last.save(update_fields=["visited_on", "group_code"])


def visit_record(
    *,
    actor: Any,
    household: Any,
    visited_on: datetime.date,
    cadres: list[Any],
    purpose: str,
    findings: str,
    people_met: list[Any] | None = None,
    others_met: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    need: Need | None = None,
) -> tuple[Visit, Demand | None]:
    """Record a visit to ``household``; with ``need``, register it as the household's demand in
    the same step (source "home visit", linked back to the visit)."""
    people_met = list(people_met or [])
    cadres = list(cadres)
    _check(household, cadres, people_met, visited_on)
    visit = Visit(
        region=household.region,
        household=household,
        group_code=household.group.code if household.group_id else "",
        visited_on=visited_on,
        purpose=purpose,
        findings=findings,
        others_met=others_met,
        latitude=latitude,
        longitude=longitude,
    )
    with transaction.atomic():
        create_audited(actor=actor, obj=visit, action="visits.visit_record")
        visit.cadres.set(cadres)
        visit.people_met.set(people_met)
        _remember(visit)
        demand = _need_to_demand(actor, visit, need) if need is not None else None
    return visit, demand


def visit_update(
    *, actor: Any, visit: Visit, expected_version: int | None, **changes: Any
) -> Visit:
    """Correct what a visit says (purpose, findings, others met, position)."""
    allowed = {"purpose", "findings", "others_met", "latitude", "longitude"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        return update_audited(
            actor=actor,
            obj=visit,
            changes=changes,
            expected_version=expected_version,
            action="visits.visit_update",
        )


def visit_need_to_demand(*, actor: Any, visit: Visit, need: Need) -> Demand:
    """A need found on ``visit`` becomes the household's demand (one step, both audited)."""
    with transaction.atomic():
        current = lock_current(visit)
        require_permission(actor, "visits.change_visit", current.region_code)
        return _need_to_demand(actor, current, need)


def _need_to_demand(actor: Any, visit: Visit, need: Need) -> Demand:
    demand = demand_create(
        actor=actor,
        village=visit.region,
        category=need.category,
        title=need.title,
        description=need.description,
        source="visit",
        source_ref=f"visits.visit:{visit.pk}",
        household=visit.household,
        priority=need.priority,
        cause_subjective=need.cause_subjective,
        cause_objective=need.cause_objective,
        assignee=need.assignee,
        registered_on=visit.visited_on,
    )
    audit.record(
        actor=actor,
        action="visits.visit_need_to_demand",
        obj=visit,
        data={"demand": demand.code, "demand_id": demand.pk, "title": need.title},
    )
    return demand
