"""Writes of demands (DESIGN rule 3): register, assign, take a step, merge duplicates, and the
villager's confirmation by follow-up code. Every one is atomic, checks scope, validates and
leaves its audit event; the figures the dashboards read (``DemandRollup``) change with them.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.audit import services as audit
from cunzhi.core import policy
from cunzhi.core.inbox.services import notify
from cunzhi.core.scoping import has_permission_at
from cunzhi.core.workflow import DeadlineStatus, deadlines, engine
from cunzhi.core.writes import create_audited, lock_current, update_audited
from cunzhi.demands.defaults import DEFAULT_CATEGORIES
from cunzhi.demands.models import (
    OPEN_STATES,
    Demand,
    DemandCategory,
    DemandLevel,
    DemandRollup,
    DemandSource,
    DemandState,
)
from cunzhi.demands.workflows import DEMAND_WORKFLOW, period_end
from cunzhi.regions.models import Region

# A follow-up code is read aloud and typed on a phone: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8


def sync_default_categories(**_kwargs: Any) -> int:
    """Insert the default categories missing from the dictionary; never changes an existing one."""
    existing = set(DemandCategory.objects.values_list("code", flat=True))
    missing = [
        DemandCategory(code=code, name=name, order=index)
        for index, (code, name) in enumerate(DEFAULT_CATEGORIES)
        if code not in existing
    ]
    DemandCategory.objects.bulk_create(missing)
    return len(missing)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def resolution_days(category: DemandCategory, *, region_code: str, on: datetime.date) -> int:
    """The days a demand of ``category`` has, by the rule for the village on the day."""
    by_category = policy.get("demands.resolution_days", region_code=region_code, on=on)
    if category.code in by_category:
        return int(by_category[category.code])
    return int(policy.get("demands.resolution_days_default", region_code=region_code, on=on))


def _check_assignee(assignee: Any, region_code: str) -> None:
    if assignee is not None and not has_permission_at(
        assignee, "demands.change_demand", region_code
    ):
        raise ValidationError(
            {"assignee": [_("This person does not handle demands of this village.")]}
        )


def _check_villager(village: Region, household: Any, resident: Any, anonymous: bool) -> None:
    errors: dict[str, list[Any]] = {}
    if anonymous and (household is not None or resident is not None):
        errors["anonymous"] = [_("An anonymous demand names no household or villager.")]
    if household is not None and household.region_id != village.pk:
        errors["household"] = [_("The household is not of this village.")]
    if resident is not None:
        if resident.region_id != village.pk:
            errors["resident"] = [_("The villager is not of this village.")]
        elif household is not None and resident.household_id != household.pk:
            errors["resident"] = [_("The villager is not of this household.")]
    if errors:
        raise ValidationError(errors)


def demand_create(
    *,
    actor: Any,
    village: Region,
    category: DemandCategory,
    title: str,
    description: str,
    source: str,
    source_ref: str = "",
    household: Any = None,
    resident: Any = None,
    anonymous: bool = False,
    priority: str = "normal",
    cause_subjective: str = "",
    cause_objective: str = "",
    assignee: Any = None,
    registered_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Demand:
    """Register a villager's demand in ``village``.

    ``source`` says how it came (a visit, a walk-in, a transferred petition, …) and
    ``source_ref`` links back to the record it came from in another app (``"visits.visit:12"``,
    ``"disputes.petition:5"``). The deadline is the category's days from ``registered_on``
    (today by default), by the rule for the village on that day.
    """
    today = today or timezone.localdate()
    registered_on = registered_on or today
    if registered_on > today:
        raise ValidationError(
            {"registered_on": [_("A demand cannot be registered in the future.")]}
        )
    if not village.is_village:
        raise ValidationError({"village": [_("A demand belongs to a village.")]})
    if not category.active:
        raise ValidationError({"category": [_("This category is no longer in use.")]})
    if source == DemandSource.PETITION and not source_ref:
        raise ValidationError({"source_ref": [_("Name the petition this demand came from.")]})
    _check_villager(village, household, resident, anonymous)
    _check_assignee(assignee, village.code)
    days = resolution_days(category, region_code=village.code, on=registered_on)
    demand = Demand(
        region=village,
        category=category,
        title=title,
        description=description,
        source=source,
        source_ref=source_ref,
        household=household if household is not None else getattr(resident, "household", None),
        resident=resident,
        anonymous=anonymous,
        priority=priority,
        cause_subjective=cause_subjective,
        cause_objective=cause_objective,
        assignee=assignee,
        registered_on=registered_on,
        resolve_by=period_end(village.code, registered_on, days),
    )
    deadlines.start_deadline(DEMAND_WORKFLOW, demand, today)
    demand.code = new_code()
    while Demand.objects.filter(code=demand.code).exists():  # 25⁸ codes: a clash is rare
        demand.code = new_code()
    with transaction.atomic():
        create_audited(actor=actor, obj=demand, action="demands.demand_create")
        _rollup(demand, registered=1)
        if assignee is not None:
            _notify_assigned(demand)
    return demand


DETAIL_FIELDS = (
    "category",
    "title",
    "description",
    "priority",
    "cause_subjective",
    "cause_objective",
    "household",
    "resident",
    "anonymous",
)


def demand_update(
    *, actor: Any, demand: Demand, expected_version: int | None, **changes: Any
) -> Demand:
    """Change what the demand says: its category, description, priority, cause analysis, the
    villager. The deadline stays the one it was registered with."""
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():

        def check(current: Demand) -> None:
            _check_villager(current.region, current.household, current.resident, current.anonymous)

        stored = lock_current(demand)
        if not stored.is_open:
            raise ValidationError(_("A closed demand cannot be changed."))
        category_before = stored.category_id
        saved = update_audited(
            actor=actor,
            obj=demand,
            changes=changes,
            expected_version=expected_version,
            action="demands.demand_update",
            prepare=check,
        )
        if saved.category_id != category_before:
            _rollup(saved, registered=1)
            _rollup(saved, registered=-1, category_id=category_before)
        return saved


def demand_assign(
    *, actor: Any, demand: Demand, assignee: Any, expected_version: int | None
) -> Demand:
    """Give the demand to a cadre who handles the village's demands, and tell them."""
    with transaction.atomic():

        def check(current: Demand) -> None:
            if not current.is_open:
                raise ValidationError(_("A closed demand cannot be assigned."))
            _check_assignee(assignee, current.region_code)

        saved = update_audited(
            actor=actor,
            obj=demand,
            changes={"assignee": assignee},
            expected_version=expected_version,
            action="demands.demand_assign",
            prepare=check,
        )
        if assignee is not None:
            _notify_assigned(saved)
        return saved


def demand_transition(
    *,
    actor: Any,
    demand: Demand,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> Demand:
    """Take the workflow step ``name`` (workflows.py); the figures follow the new state."""
    with transaction.atomic():
        stored = lock_current(demand)
        saved = engine.take(
            workflow=DEMAND_WORKFLOW,
            actor=actor,
            obj=demand,
            name=name,
            expected_version=expected_version,
            inputs=inputs,
            today=today,
        )
        _rollup_step(saved, stored, name)
        _rollup_overdue(stored, saved)
        return saved


def _rollup_step(demand: Demand, before: Demand, name: str) -> None:
    if name == "resolve" and demand.resolved_on is not None:
        _rollup(demand, resolved=1, days=((demand.resolved_on - demand.registered_on).days, 1))
    elif name == "confirm":
        _rollup(demand, confirmed=1, satisfaction_sum=demand.satisfaction or 0)
    elif name == "reopen" and before.resolved_on is not None:
        days = (before.resolved_on - demand.registered_on).days
        _rollup(demand, resolved=-1, reopened=1, days=(days, -1))
    elif name == "reject":
        _rollup(demand, rejected=1)


def _rollup_overdue(before: Demand, after: Demand) -> None:
    """An overdue demand that stopped being overdue (resolved, rejected, merged) leaves the
    count; an escalation, which gives a new period, already took it out (``on_escalation``)."""
    was = before.deadline_status == DeadlineStatus.OVERDUE
    if was and after.deadline_status != DeadlineStatus.OVERDUE and after.state != "escalated":
        _rollup(after, overdue=-1)


def on_overdue(*, obj: Any, kind: str, **_kwargs: Any) -> None:
    """The sweep marked a demand overdue (in its transaction): count it."""
    if kind == "overdue" and obj.state in OPEN_STATES:
        _rollup(obj, overdue=1)


def on_escalation(demand: Demand) -> None:
    """An overdue demand escalated (by hand or by the sweep) runs a new period: uncount it."""
    if demand.deadline_status == DeadlineStatus.OVERDUE:
        _rollup(demand, overdue=-1)


def demand_merge(
    *, actor: Any, demand: Demand, into: Demand, expected_version: int | None
) -> Demand:
    """Merge the duplicate ``demand`` into ``into`` (合并重复诉求): the duplicate ends as
    "merged" and points at the one that goes on; both histories say so."""
    with transaction.atomic():
        target = lock_current(into)
        if target.pk == demand.pk:
            raise ValidationError({"into": [_("A demand cannot be merged into itself.")]})
        if target.region_id != demand.region_id:
            raise ValidationError({"into": [_("Only demands of the same village can be merged.")]})
        if not target.is_open:
            raise ValidationError({"into": [_("Merge into a demand that is still open.")]})
        today = timezone.localdate()

        stored = lock_current(demand)
        if not stored.is_open:
            raise ValidationError(_("Only an open demand can be merged into another."))

        def check(current: Demand) -> None:
            deadlines.apply_state_deadline(current, DemandState.MERGED, today, {})

        saved = update_audited(
            actor=actor,
            obj=demand,
            changes={"state": DemandState.MERGED, "merged_into": target},
            expected_version=expected_version,
            action="demands.demand_merge",
            prepare=check,
        )
        audit.record(
            actor=actor,
            action="demands.demand_merge",
            obj=target,
            data={"absorbed": saved.code, "absorbed_id": saved.pk, "kept": True},
        )
        _rollup(saved, merged=1)
        _rollup_overdue(stored, saved)
        return saved


class VillagerByCode:
    """Who acts when a villager confirms or reopens with the follow-up code: no account.

    The engine's checks pass (as for the sweep's system actor); the service already found the
    demand by its code, which is the villager's whole authority, and only the two steps of a
    resolved demand are offered. The trace names "villager (follow-up code)".
    """

    pk = None
    id = None
    username = "villager (follow-up code)"
    is_authenticated = True
    is_active = True
    is_superuser = True

    def __str__(self) -> str:
        return self.username


VILLAGER_STEPS = ("confirm", "reopen")


def demand_reply_by_code(
    *, code: str, name: str, satisfaction: int | None = None, reason: str = ""
) -> Demand:
    """The villager confirms (with satisfaction 1–5) or reopens (with a reason) a resolved
    demand, signed in by nothing but its follow-up code."""
    if name not in VILLAGER_STEPS:
        raise ValidationError({"name": [_("There is no such step.")]})
    demand = Demand.objects.filter(code=code.strip().upper()).first()
    if demand is None:
        raise Demand.DoesNotExist("No such record.")
    if demand.state != DemandState.RESOLVED:
        raise ValidationError(
            _("Only a resolved demand can be confirmed or reopened."), code="not_available"
        )
    inputs: dict[str, Any] = (
        {"satisfaction": satisfaction} if name == "confirm" else {"reason": reason}
    )
    return demand_transition(
        actor=VillagerByCode(), demand=demand, name=name, expected_version=demand.version, **inputs
    )


# Telling people


def _notify_assigned(demand: Demand) -> None:
    notify(
        recipients=[demand.assignee],
        message=_("Demand %(code)s assigned to you: %(title)s")
        % {"code": demand.code, "title": demand.title},
        obj=demand,
        verb="assigned",
    )


def escalation_recipients(demand: Demand) -> list[Any]:
    """The township's (or the county's) officials who take over demands there, today."""
    from django.db.models import Q

    from cunzhi.accounts.models import Post, Role

    code = demand.region_code
    roles: tuple[str, ...]
    if demand.level == DemandLevel.TOWNSHIP:
        where, roles = code[:9] + "000", (Role.TOWNSHIP_LEADER, Role.TOWNSHIP_STAFF)
    else:
        where, roles = code[:6] + "000000", (Role.COUNTY_ADMIN,)
    today = timezone.localdate()
    posts = Post.objects.filter(region_code=where, role__in=roles, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    return [post.user for post in posts.select_related("user")]


def notify_escalation(demand: Demand) -> None:
    notify(
        recipients=escalation_recipients(demand),
        message=_("Demand %(code)s escalated to you (%(level)s): %(title)s")
        % {"code": demand.code, "level": demand.get_level_display(), "title": demand.title},
        obj=demand,
        verb="escalated",
    )


# The figures (DESIGN "Scale": dashboards read rollups)


def _rollup(
    demand: Demand,
    *,
    category_id: int | None = None,
    days: tuple[int, int] | None = None,
    **counts: int,
) -> None:
    """Add ``counts`` to the figures of the demand's village, category and year."""
    key = {
        "region_code": demand.region_code,
        "category_id": category_id or demand.category_id,
        "year": demand.registered_on.year,
    }
    row, _created = DemandRollup.objects.select_for_update().get_or_create(
        **key, defaults={"region_id": demand.region_id}
    )
    updates = {name: F(name) + value for name, value in counts.items() if value}
    if updates:
        DemandRollup.objects.filter(pk=row.pk).update(**updates)
    if days is not None:
        row.refresh_from_db(fields=["resolve_days"])
        histogram = dict(row.resolve_days)
        day, change = str(days[0]), days[1]
        histogram[day] = histogram.get(day, 0) + change
        if histogram[day] <= 0:
            del histogram[day]
        DemandRollup.objects.filter(pk=row.pk).update(resolve_days=histogram)


def rollup_rebuild(*, actor: Any, region_code: str) -> int:
    """Recount the figures of a region from its demands (after an import or a repair)."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied
    from collections import defaultdict

    with transaction.atomic():
        DemandRollup.objects.filter(region_code__startswith=region_code).delete()
        rows: dict[tuple[str, int, int], DemandRollup] = {}
        histograms: dict[tuple[str, int, int], dict[str, int]] = defaultdict(dict)
        demands = Demand.objects.filter(region_code__startswith=region_code).only(
            "region_id", "region_code", "category_id", "registered_on", "state",
            "resolved_on", "satisfaction", "times_reopened", "deadline_status",
        )  # fmt: skip
        for d in demands.iterator():
            key = (d.region_code, d.category_id, d.registered_on.year)
            row = rows.setdefault(
                key,
                DemandRollup(
                    region_id=d.region_id,
                    region_code=d.region_code,
                    category_id=d.category_id,
                    year=d.registered_on.year,
                ),
            )
            row.registered += 1
            row.reopened += d.times_reopened
            if d.state in OPEN_STATES and d.deadline_status == DeadlineStatus.OVERDUE:
                row.overdue += 1
            if d.state == DemandState.REJECTED:
                row.rejected += 1
            elif d.state == DemandState.MERGED:
                row.merged += 1
            elif d.state in (DemandState.RESOLVED, DemandState.CONFIRMED) and d.resolved_on:
                row.resolved += 1
                day = str((d.resolved_on - d.registered_on).days)
                histograms[key][day] = histograms[key].get(day, 0) + 1
                if d.state == DemandState.CONFIRMED:
                    row.confirmed += 1
                    row.satisfaction_sum += d.satisfaction or 0
        for key, row in rows.items():
            row.resolve_days = histograms.get(key, {})
        DemandRollup.objects.bulk_create(rows.values())
        audit.record(
            actor=actor,
            action="demands.rollup_rebuild",
            region_code=region_code,
            object_type="demands.demandrollup",
            object_label=region_code,
            data={"rows": len(rows)},
        )
    return len(rows)


__all__ = [
    "OPEN_STATES",
    "demand_assign",
    "demand_create",
    "demand_merge",
    "demand_reply_by_code",
    "demand_transition",
    "demand_update",
    "rollup_rebuild",
]
