"""Writes to the region tree, village profiles and contacts (DESIGN rule 3)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cunzhi.audit import services as audit
from cunzhi.core.regioncodes import InvalidCode, Level, level_of, parent_code, prefix_of
from cunzhi.core.writes import EditConflict, create_audited, delete_audited, update_audited
from cunzhi.regions.models import Clan, Contact, Facility, Region, VillageProfile


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} rows rejected")
        self.errors = errors


def _check_rows(rows: list[tuple[int, str, str]], existing: dict[str, Region]) -> list[RowError]:
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, code, name in rows:
        if not name:
            errors.append(RowError(line, "name", _("the name is empty")))
        try:
            level_of(code)
        except InvalidCode as exc:
            errors.append(RowError(line, "code", f"{code!r}: {exc}"))
            continue
        if code in seen:
            errors.append(
                RowError(
                    line,
                    "code",
                    _("%(code)s repeats line %(first)d") % {"code": code, "first": seen[code]},
                )
            )
            continue
        seen[code] = line
    for line, code, _name in rows:
        if seen.get(code) != line:
            continue
        parent = parent_code(code)
        if parent is not None and parent not in seen and parent not in existing:
            errors.append(
                RowError(
                    line,
                    "code",
                    _("its parent %(parent)s is neither in the file nor known")
                    % {"parent": parent},
                )
            )
    return errors


def regions_import(*, actor: Any, rows: Iterable[tuple[int, str, str]]) -> ImportResult:
    """Upsert the statistics bureau's code list: (line number, code, name) rows.

    Level and parent come from the code. Every row is checked first; if any is wrong, nothing is
    written and ImportRejected lists each error with its line.
    """
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Only a system administrator imports the division codes."))
    rows = [(line, code.strip(), name.strip()) for line, code, name in rows]
    codes = {code for _line, code, _name in rows}
    parents = {p for p in map(_safe_parent, codes) if p}
    existing = {r.code: r for r in Region.objects.filter(code__in=codes | parents)}
    errors = _check_rows(rows, existing)
    if errors:
        raise ImportRejected(errors)
    result = ImportResult()
    # Parents before children: sorting by prefix length then code puts every parent first.
    ordered = sorted(rows, key=lambda r: (len(prefix_of(r[1])), r[1]))
    with transaction.atomic():
        for _line, code, name in ordered:
            region = existing.get(code)
            if region is None:
                parent = parent_code(code)
                region = Region.objects.create(
                    code=code,
                    name=name,
                    level=level_of(code),
                    parent=existing[parent] if parent else None,
                )
                existing[code] = region
                result.created += 1
            elif region.name != name:
                region.name = name
                region.save(update_fields=["name"])
                result.renamed += 1
            else:
                result.unchanged += 1
        audit.record(
            actor=actor,
            action="regions.regions_import",
            object_type="regions.region",
            object_id="import",
            object_label=_("division code list"),
            region_code="",
            data={"created": result.created, "renamed": result.renamed, "rows": len(rows)},
        )
    return result


def _safe_parent(code: str) -> str | None:
    try:
        return parent_code(code)
    except InvalidCode:
        return None  # reported row by row by _check_rows


PROFILE_FIELDS = (
    "population",
    "resident_population",
    "households",
    "area_km2",
    "arable_land_mu",
    "geography",
    "economy",
    "history",
    "notes",
)


def village_profile_update(
    *, actor: Any, village: Region, expected_version: int | None, **changes: Any
) -> VillageProfile:
    """Change the village's profile; the first change creates it.

    Version 0 names a profile nobody has filled in yet: two people filling in the first profile
    at once are told about each other like any other two editors.
    """
    if village.level != Level.VILLAGE:
        raise ValidationError(_("Only a village has a village profile."))
    with transaction.atomic():
        # Lock the village so that two first profiles cannot both be inserted.
        Region.objects.select_for_update().filter(pk=village.pk).exists()
        profile = VillageProfile.objects.filter(region=village).first()
        if profile is None:
            if expected_version not in (None, 0):
                raise ValidationError(_("This village profile no longer exists."))
            profile = VillageProfile(region=village, region_code=village.code)
            expected_version = None  # nothing stored to be stale against
        elif expected_version == 0:
            raise EditConflict(profile, 0)
        return update_audited(
            actor=actor,
            obj=profile,
            changes=changes,
            expected_version=expected_version,
            action="regions.village_profile_update",
        )


def clan_create(*, actor: Any, village: Region, **fields: Any) -> Clan:
    with transaction.atomic():
        return create_audited(actor=actor, obj=Clan(region=village, **fields))


def clan_update(*, actor: Any, clan: Clan, expected_version: int | None, **changes: Any) -> Clan:
    with transaction.atomic():
        return update_audited(
            actor=actor, obj=clan, changes=changes, expected_version=expected_version
        )


def clan_delete(*, actor: Any, clan: Clan) -> None:
    with transaction.atomic():
        delete_audited(actor=actor, obj=clan)


def facility_create(*, actor: Any, village: Region, **fields: Any) -> Facility:
    with transaction.atomic():
        return create_audited(actor=actor, obj=Facility(region=village, **fields))


def facility_update(
    *, actor: Any, facility: Facility, expected_version: int | None, **changes: Any
) -> Facility:
    with transaction.atomic():
        return update_audited(
            actor=actor, obj=facility, changes=changes, expected_version=expected_version
        )


def facility_delete(*, actor: Any, facility: Facility) -> None:
    with transaction.atomic():
        delete_audited(actor=actor, obj=facility)


def contact_create(*, actor: Any, region: Region, **fields: Any) -> Contact:
    with transaction.atomic():
        return create_audited(actor=actor, obj=Contact(region=region, created_by=actor, **fields))


def contact_update(
    *, actor: Any, contact: Contact, expected_version: int | None, **changes: Any
) -> Contact:
    with transaction.atomic():
        return update_audited(
            actor=actor, obj=contact, changes=changes, expected_version=expected_version
        )


def contact_delete(*, actor: Any, contact: Contact) -> None:
    with transaction.atomic():
        delete_audited(actor=actor, obj=contact)
