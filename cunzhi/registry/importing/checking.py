"""The second half of the check pass: the rows that passed on their own, against the register.

``Checker.plan_chunk`` looks up a chunk's ID numbers in the register (through the indexed
``id_reversed``) and either plans an update of a registered resident (only the file's non-empty
cells, never a move between villages or households) or builds a new resident's row for the
write pass. ``finish`` runs the household-level checks once every row is in.
"""

from __future__ import annotations

import datetime
from dataclasses import fields
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from cunzhi.audit.services import normalise
from cunzhi.registry.bulk import table_layout
from cunzhi.registry.identity import SearchKeys, search_keys
from cunzhi.registry.importing.plan import HouseholdPlan, ResidentUpdate, VillageInfo
from cunzhi.registry.importing.rows import CheckedRow, RowChecker
from cunzhi.registry.models import Relation, Resident, ResidentTag


class Checker(RowChecker):
    """The check pass: one instance per import, fed the file's rows."""

    def __init__(self, actor: Any, today: datetime.date) -> None:
        super().__init__(actor, today)
        self.households: dict[tuple[int, str], HouseholdPlan] = {}
        self.new_households: list[HouseholdPlan] = []
        self.new_residents = 0
        self.new_links = 0
        self.resident_updates: list[ResidentUpdate] = []
        self.tag_changes: list[tuple[int, str, str, list[int], list[int]]] = []
        self.unchanged = 0
        self.resident_columns, self.template, self.position = table_layout(Resident)
        self.key_fields = [
            f.name for f in fields(SearchKeys) if f.name in self.position
        ]  # search keys the model stores

    def plan_chunk(
        self, passed: list[CheckedRow], present: set[str]
    ) -> tuple[list[list[Any]], list[tuple[int, int]]]:
        """Match the chunk's rows with the register; the new residents' rows and tag links."""
        existing = _existing_residents([row.id_number for row in passed])
        current_tags = (
            _current_tags([r["id"] for r in existing.values()])
            if (existing and "tags" in present)
            else {}
        )
        created: list[list[Any]] = []
        links: list[tuple[int, int]] = []
        for row in passed:
            household = self._household(
                row.number, row.village, row.household_no, row.group_id, row.address
            )
            found = existing.get(row.id_number)
            if found is not None:
                self._plan_update(row, household, found, current_tags)
                continue
            index = self.new_residents
            self.new_residents += 1
            created.append(self._new_row(row, household, index))
            row.village.counts["residents_created"] += 1
            if row.tags:
                self.new_links += len(row.tags)
                links.extend((index, tag) for tag in row.tags)
            if row.relation == Relation.HEAD:
                self._head(row.number, household, -(index + 1))
        return created, links

    def _plan_update(
        self,
        row: CheckedRow,
        household: HouseholdPlan,
        found: dict[str, Any],
        current_tags: dict[int, set[int]],
    ) -> None:
        """A registered resident: refused if elsewhere, else its changes and tags planned."""
        number = row.number
        is_head = row.relation == Relation.HEAD
        if found["region_id"] != row.village.region.pk:
            self.error(
                number,
                "id_number",
                _(
                    "This ID number is registered in %(village)s (%(code)s): the same "
                    "person cannot be registered in two villages."
                )
                % {"village": found["region__name"], "code": found["region_code"]},
            )
            return
        if found["household_id"] != household.existing_id:
            self.error(
                number,
                "household_no",
                _(
                    "This person is registered in household %(number)s of the village; "
                    "move them in the register, not by import."
                )
                % {"number": found["household__household_no"]},
            )
            return
        if household.existing_head == found["id"] and not is_head:
            self.error(
                number,
                "relation",
                _(
                    "This person is the registered head of the household; "
                    "change the head in the register first."
                ),
            )
            return
        self._update(row, found)
        if row.tags is not None:
            have = current_tags.get(found["id"], set())
            add = [t for t in row.tags if t not in have]
            remove = [t for t in have if t not in row.tags]
            if add or remove:
                self.tag_changes.append((found["id"], found["region_code"], row.name, add, remove))
        if is_head:
            self._head(number, household, found["id"])

    def _new_row(self, row: CheckedRow, household: HouseholdPlan, index: int) -> list[Any]:
        """A new resident's row of column values; ids are negative until the write pass."""
        position = self.position
        region = row.village.region
        values = self.template.copy()
        values[position["id"]] = -(index + 1)  # the id is given when the write pass allocates ids
        values[position["household_id"]] = (
            household.existing_id
            if household.existing_id is not None
            else -(household.new_index + 1)
        )
        values[position["region_id"]] = region.pk
        values[position["region_code"]] = region.code
        keys = search_keys(row.name, row.id_number, row.phone)
        for key in self.key_fields:
            values[position[key]] = getattr(keys, key)
        for attname, value in (
            ("name", row.name),
            ("id_number", row.id_number),
            ("sex", row.sex),
            ("birth_date", row.birth.isoformat() if row.birth else None),
            ("relation", row.relation),
            ("phone", row.phone),
            ("education", row.education),
            ("employment", row.employment),
            ("work_place", row.work_place),
            ("away_since", row.away.isoformat() if row.away else None),
            ("health", row.health),
            ("disability", row.disability),
        ):
            values[position[attname]] = value
        if row.ethnicity:
            values[position["ethnicity"]] = row.ethnicity
        return values

    def _household(
        self,
        number: int,
        village: VillageInfo,
        household_no: str,
        group_id: int | None,
        address: str,
    ) -> HouseholdPlan:
        key = (village.region.pk, household_no)
        plan = self.households.get(key)
        if plan is None:
            existing = village.households.get(household_no)
            plan = HouseholdPlan(
                village=village,
                household_no=household_no,
                existing_id=existing[0] if existing else None,
                existing_head=existing[1] if existing else None,
                group_id=group_id,
                address=address,
                first_row=number,
                head_row=0,
                heads=0,
                head_ref=None,
                new_index=-1,
            )
            if existing is None:
                plan.new_index = len(self.new_households)
                self.new_households.append(plan)
                village.created_households.append(household_no)
            self.households[key] = plan
        else:  # a household's group and address: the first given in its rows
            plan.group_id = plan.group_id or group_id
            plan.address = plan.address or address
        return plan

    def _head(self, number: int, household: HouseholdPlan, ref: int) -> None:
        household.heads += 1
        if household.heads > 1:
            self.error(
                number,
                "relation",
                _("Household %(number)s has another head on row %(row)d.")
                % {"number": household.household_no, "row": household.head_row},
            )
            return
        if household.existing_head is not None and household.existing_head != ref:
            self.error(
                number,
                "relation",
                _(
                    "Household %(number)s already has a registered head; "
                    "change the head in the register first."
                )
                % {"number": household.household_no},
            )
            return
        household.head_row = number
        household.head_ref = ref

    def _update(self, row: CheckedRow, found: dict[str, Any]) -> None:
        """The changes the row makes to a registered resident, if any."""
        wanted: dict[str, Any] = {"name": row.name, "relation": row.relation}
        for attname, value in (
            ("phone", row.phone),
            ("ethnicity", row.ethnicity),
            ("education", row.education),
            ("employment", row.employment),
            ("work_place", row.work_place),
            ("away_since", row.away),
            ("health", row.health),
            ("disability", row.disability),
            ("birth_date", row.birth),
            ("sex", row.sex),
        ):
            if value:  # an empty cell never erases what the register holds
                wanted[attname] = value
        changes = {k: [found[k], v] for k, v in wanted.items() if found[k] != v}
        if not changes:
            self.unchanged += 1
            return
        values = {k: new for k, (_old, new) in changes.items()}
        if "name" in changes or "phone" in changes:
            keys = search_keys(
                wanted["name"], found["id_number"], wanted.get("phone", found["phone"])
            )
            values.update({k: getattr(keys, k) for k in self.key_fields})
        self.resident_updates.append(
            ResidentUpdate(found["id"], found["region_code"], row.name, values, normalise(changes))
        )
        row.village.counts["residents_updated"] += 1

    def finish(self) -> list[tuple[HouseholdPlan, dict[str, Any], dict[str, list[Any]]]]:
        """Household-level checks once every row is in; the changes to existing households."""
        updates = []
        for plan in self.households.values():
            failed = (plan.village.region.code, plan.household_no) in self.failed_households
            if plan.heads == 0 and plan.existing_head is None and not failed:
                self.error(
                    plan.first_row,
                    "relation",
                    _("Household %(number)s has no head (户主).") % {"number": plan.household_no},
                )
            if plan.existing_id is None:
                plan.village.counts["households_created"] += 1
                continue
            _pk, head, group, address = plan.village.households[plan.household_no]
            values: dict[str, Any] = {}
            if plan.group_id and plan.group_id != group:
                values["group_id"] = plan.group_id
            if plan.address and plan.address != address:
                values["address"] = plan.address
            if head is None and plan.head_ref is not None:
                values["head_id"] = plan.head_ref
            if values:
                changes = {
                    k: [{"group_id": group, "address": address, "head_id": head}[k], v]
                    for k, v in values.items()
                }
                updates.append((plan, values, changes))
                plan.village.counts["households_updated"] += 1
        return updates


RESIDENT_LOOKUP = (
    "id",
    "id_number",
    "region_id",
    "region_code",
    "region__name",
    "household_id",
    "household__household_no",
    "name",
    "phone",
    "relation",
    "ethnicity",
    "education",
    "employment",
    "work_place",
    "away_since",
    "health",
    "disability",
    "birth_date",
    "sex",
)


def _existing_residents(numbers: list[str]) -> dict[str, dict[str, Any]]:
    """Registered residents with these ID numbers, by number, through the indexed id_reversed.

    A bare query first: in a first import none is found, and the ORM's cost per parameter
    would be most of the lookup's time.
    """
    reversed_numbers = [n[::-1] for n in numbers if n]
    if not reversed_numbers:
        return {}
    table = connection.ops.quote_name(Resident._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The search index orders id_reversed by code point (registry.collation).
            cursor.execute(
                f'SELECT id FROM {table} WHERE id_reversed COLLATE "C" = ANY(%s)',
                [reversed_numbers],
            )
        else:
            marks = ", ".join(["%s"] * len(reversed_numbers))
            cursor.execute(
                f"SELECT id FROM {table} WHERE id_reversed IN ({marks})", reversed_numbers
            )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return {}
    rows = Resident.objects.filter(pk__in=ids).order_by().values(*RESIDENT_LOOKUP)
    return {row["id_number"]: row for row in rows}


def _current_tags(resident_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for resident_id, tag_id in ResidentTag.objects.filter(resident_id__in=resident_ids).values_list(
        "resident_id", "tag_id"
    ):
        found.setdefault(resident_id, set()).add(tag_id)
    return found
