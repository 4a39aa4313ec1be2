"""Writes to what every domain shares: the holiday calendar and the policy parameters.

Each service runs in one transaction, validates, checks the actor's permission and records an
audit event in that same transaction (DESIGN rule 3).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.audit import services as audit
from cunzhi.core import policy
from cunzhi.core.calendar import DayOverride
from cunzhi.core.models import CalendarDay, CalendarYear, PolicyParameter
from cunzhi.core.policy_defaults import DEFAULTS
from cunzhi.core.regioncodes import Level
from cunzhi.core.writes import require_permission

# Regions whose administrators may set a rule: a county sets it for all its townships and villages.
OVERRIDE_LEVELS = frozenset({Level.PROVINCE, Level.CITY, Level.COUNTY})


def calendar_year_import(
    *, actor: Any, year: int, days: Sequence[DayOverride], source: str
) -> CalendarYear:
    """Replace the override days of ``year`` with ``days`` (the State Council's notice).

    ``actor`` None is the command line (``manage.py import_holidays``), recorded as "system";
    otherwise the actor needs ``core.change_calendaryear`` nationally, which only a superuser has,
    because the calendar is one for the whole country.
    """
    if actor is not None:
        require_permission(actor, "core.change_calendaryear", "")
    errors: list[str] = []
    seen: set[datetime.date] = set()
    for day in days:
        if day.date.year != year:
            errors.append(str(_("%(date)s is not in %(year)s") % {"date": day.date, "year": year}))
        if day.date in seen:
            errors.append(str(_("%(date)s is listed twice") % {"date": day.date}))
        seen.add(day.date)
    if not days:
        errors.append(str(_("no days to import")))
    if not source.strip():
        errors.append(str(_("the source (the notice) is required")))
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        replaced = CalendarDay.objects.filter(date__year=year)
        replaced_count = replaced.count()
        replaced.delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(date=d.date, is_working_day=d.is_working_day, name=d.name[:100])
            for d in sorted(days, key=lambda d: d.date)
        )
        calendar_year, _created = CalendarYear.objects.update_or_create(
            year=year, defaults={"source": source, "imported_at": timezone.now()}
        )
        audit.record(
            actor=actor,
            action="core.calendar_year_import",
            object_type="core.calendaryear",
            object_id=str(year),
            object_label=str(year),
            region_code="",
            data={
                "source": source,
                "holidays": sum(1 for d in days if not d.is_working_day),
                "workdays": sum(1 for d in days if d.is_working_day),
                "replaced": replaced_count,
                # The days themselves, so the trace shows what the calendar said, not only how much.
                "days": [
                    [d.date.isoformat(), "workday" if d.is_working_day else "holiday", d.name]
                    for d in sorted(days, key=lambda d: d.date)
                ],
            },
        )
    return calendar_year


def policy_override_set(
    *,
    actor: Any,
    key: str,
    region: Any | None,  # a regions.Region (core imports nothing above it)
    valid_from: datetime.date,
    value: Any,
    note: str = "",
) -> PolicyParameter:
    """Set the value of ``key`` for ``region`` from ``valid_from`` on.

    ``region`` is a county or a region above it; None sets the national value, which needs the
    permission nationally (a superuser). Setting a value for a date that already has one in that
    region replaces it, and the audit event keeps the previous value.
    """
    try:
        policy.default_for(key)
    except policy.UnknownPolicyKey as error:
        raise ValidationError({"key": str(error)}) from None
    region_code = region.code if region is not None else ""
    if region is not None and region.level not in OVERRIDE_LEVELS:
        message = _("A rule is set for a county or a region above it, not for a %(level)s.")
        raise ValidationError(
            {"region": ValidationError(message, params={"level": region.get_level_display()})}
        )
    require_permission(actor, "core.change_policyparameter", region_code)
    policy.validate_value(key, value)

    with transaction.atomic():
        parameter = (
            PolicyParameter.objects.select_for_update()
            .filter(key=key, region_code=region_code, valid_from=valid_from)
            .first()
        )
        previous = parameter.value if parameter is not None else None
        if parameter is None:
            parameter = PolicyParameter(key=key, region=region, valid_from=valid_from)
        parameter.region_code = region_code
        parameter.value = value
        parameter.note = note
        parameter.full_clean()
        parameter.save()
        audit.record(
            actor=actor,
            action="core.policy_override_set",
            obj=parameter,
            region_code=region_code,
            data={
                "key": key,
                "valid_from": valid_from,
                "value": value,
                "previous": previous,
                "note": note,
            },
        )
    return parameter


def sync_policy_defaults(
    *, using: str = DEFAULT_DB_ALIAS, model: type[PolicyParameter] | None = None
) -> int:
    """Insert every registered national default the table lacks; return how many were added.

    Runs after every ``migrate`` (``CoreConfig.ready`` connects it to ``post_migrate``), so a new
    entry in ``policy_defaults.py`` reaches the table with the deploy. It never changes a row that
    exists: a national value edited through ``policy_override_set`` stays as edited. ``model`` is
    the migration state's model when called from the signal. The seed is not audited: it copies
    the registry in the code, whose history is the repository's, and at ``post_migrate`` the audit
    tables may not be migrated yet.
    """
    model = model or PolicyParameter
    manager = model._default_manager.db_manager(using)
    existing = set(manager.filter(region_code="").values_list("key", "valid_from"))
    missing = [
        model(
            key=default.key,
            region=None,
            region_code="",
            valid_from=default.valid_from,
            value=default.value,
            note=f"{default.source}: {default.description}",
        )
        for default in DEFAULTS
        if (default.key, default.valid_from) not in existing
    ]
    # ignore_conflicts: two processes migrating at once must not fail on each other's rows.
    manager.bulk_create(missing, ignore_conflicts=True)
    return len(missing)
