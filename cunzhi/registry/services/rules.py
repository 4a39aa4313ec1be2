"""Checks the register's services share: a village, its groups, numbers unique in a village."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from cunzhi.core.regioncodes import Level
from cunzhi.regions.models import Region
from cunzhi.registry.identity import parse_id_number, search_keys
from cunzhi.registry.models import (
    Household,
    HouseholdStatus,
    Resident,
)

# Audit events keep a resident's fields; these are shown masked (audit.selectors).
RESIDENT_FIELDS = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "health",
    "disability",
    "employment",
    "work_place",
    "away_since",
    "phone",
    "status",
    "status_since",
)


def prepare_resident(resident: Resident) -> None:
    """Derive the search keys and check the ID number against sex and birth date.

    A field left empty takes its value from the ID number; a field that disagrees is an error on
    that field, so the person correcting a typo sees which of the two is wrong.
    """
    resident.name = resident.name.strip()
    errors: dict[str, str] = {}
    if resident.id_number:
        try:
            facts = parse_id_number(resident.id_number)
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
        resident.id_number = facts.number
        if resident.birth_date is None:
            resident.birth_date = facts.birth_date
        elif resident.birth_date != facts.birth_date:
            errors["birth_date"] = _("The birth date does not match the ID number (%(date)s).") % {
                "date": facts.birth_date.isoformat()
            }
        if not resident.sex:
            resident.sex = facts.sex
        elif resident.sex != facts.sex:
            errors["sex"] = _("The sex does not match the ID number.")
    keys = search_keys(resident.name, resident.id_number, resident.phone)
    resident.name_pinyin, resident.name_initials = keys.name_pinyin, keys.name_initials
    resident.name_reversed, resident.id_reversed = keys.name_reversed, keys.id_reversed
    resident.phone_reversed = keys.phone_reversed
    if errors:
        raise ValidationError(errors)


def require_village(region: Region) -> None:
    if region.level != Level.VILLAGE:
        raise ValidationError({"village": _("Households are registered in a village.")})


def check_group(village: Region, group: Region | None) -> None:
    if group is not None and group.parent_id != village.pk:
        raise ValidationError({"group": _("The villager group is not in this village.")})


def check_unique_in_village(obj: Household | Resident) -> None:
    """A household number or an ID number used twice in a village is an error on that field,
    naming the record that has it (the database constraint would only say "constraint")."""
    if isinstance(obj, Household):
        clash = (
            Household.objects.filter(region_id=obj.region_id, household_no=obj.household_no)
            .exclude(pk=obj.pk)
            .exists()
        )
        if clash:
            raise ValidationError(
                {
                    "household_no": _("Household number %(no)s is already used in this village.")
                    % {"no": obj.household_no}
                }
            )
        return
    if not obj.id_number:
        return
    other = (
        Resident.objects.filter(region_id=obj.region_id, id_number=obj.id_number)
        .exclude(pk=obj.pk)
        .select_related("household")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "id_number": _(
                    "This ID number is already registered in this village: %(name)s, household "
                    "%(no)s."
                )
                % {"name": other.name, "no": other.household.household_no}
            }
        )


def new_resident(household: Household, fields: dict[str, Any]) -> Resident:
    resident = Resident(household=household, region=household.region, **fields)
    prepare_resident(resident)
    check_unique_in_village(resident)
    resident.full_clean(exclude=["household"])
    resident.save()
    return resident


def require_registered(household: Household, field: str = NON_FIELD_ERRORS) -> None:
    """A merged, moved-out or dissolved household takes no one in and gives no one away."""
    if household.status != HouseholdStatus.ACTIVE:
        raise ValidationError(
            {
                field: _("Household %(no)s is no longer registered (%(status)s).")
                % {"no": household.household_no, "status": household.get_status_display()}
            }
        )


def check_ids_free(residents: Iterable[Resident], village: Region, field: str) -> None:
    """People moving into another village: none of their ID numbers may be registered there yet
    (the database would only say "constraint"); the error names who has it there."""
    numbers = {r.id_number: r for r in residents if r.id_number}
    if not numbers:
        return
    other = (
        Resident.objects.filter(region=village, id_number__in=list(numbers))
        .select_related("household")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                field: _(
                    "%(name)s's ID number is already registered in %(village)s: %(other)s, "
                    "household %(no)s."
                )
                % {
                    "name": numbers[other.id_number].name,
                    "village": village.name,
                    "other": other.name,
                    "no": other.household.household_no,
                }
            }
        )
