"""What the check pass of an import hands the write pass, and what an import answers with."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cunzhi.regions.models import Region

# Permissions an import uses in each of its villages: it may create and change households and
# residents, so it needs all four (a village cadre holds them; a supervisor holds none).
PERMISSIONS = (
    "registry.add_household",
    "registry.change_household",
    "registry.add_resident",
    "registry.change_resident",
)


# What a person reads in a history or the audit log for the import's actions (registry.apps).
ACTION_LABELS = {
    "registry.import": gettext_lazy("Register import"),
    "registry.importjob_create": gettext_lazy("Uploaded a register file"),
    "registry.importjob_purge": gettext_lazy("Deleted an import's files"),
    "registry.importjob_fail_stale": gettext_lazy("Import stopped"),
    # Written before actions were named after their service.
    "registry.importjob_fail": gettext_lazy("Import stopped"),
}


@dataclass
class RowError:
    row: int
    column: str  # the header as the file has it
    message: str

    def __str__(self) -> str:
        return _("row %(row)d, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportOutcome:
    """What an import found and did. ``errors`` non-empty means nothing was written."""

    file_name: str = ""
    rows: int = 0
    households_created: int = 0
    households_updated: int = 0
    residents_created: int = 0
    residents_updated: int = 0
    residents_unchanged: int = 0
    villages: int = 0
    dry_run: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "households_created": self.households_created,
            "households_updated": self.households_updated,
            "residents_created": self.residents_created,
            "residents_updated": self.residents_updated,
            "residents_unchanged": self.residents_unchanged,
        }


class ImportRejected(Exception):
    """Rows had errors; nothing was written. ``outcome.errors`` lists every one."""

    def __init__(self, outcome: ImportOutcome) -> None:
        super().__init__(f"{len(outcome.errors)} error(s)")
        self.outcome = outcome


Progress = Callable[[str, int, int | None], None]


# What the check pass hands the write pass


@dataclass
class VillageInfo:
    region: Region
    groups: dict[str, int]  # by full code, by its last 3 digits and by name
    households: dict[str, tuple[int, int | None, int | None, str]]  # no -> id, head, group, address
    created_households: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {
            "households_created": 0,
            "households_updated": 0,
            "residents_created": 0,
            "residents_updated": 0,
        }
    )


@dataclass(slots=True)
class HouseholdPlan:
    village: VillageInfo
    household_no: str
    existing_id: int | None
    existing_head: int | None
    group_id: int | None
    address: str
    first_row: int
    head_row: int
    heads: int
    head_ref: int | None  # the head's resident: an existing id, or -(new index + 1)
    new_index: int


@dataclass
class ResidentUpdate:
    resident_id: int
    region_code: str
    name: str
    values: dict[str, Any]  # column attname -> new value, search keys included
    changes: dict[str, list[Any]]  # field -> [old, new], for the trace


@dataclass
class Plan:
    """The checked import, ready to write; new rows wait in the spool file."""

    actor: Any
    label: str
    digest: str
    villages: dict[str, VillageInfo]
    households: list[HouseholdPlan]  # new households, in order of new_index
    household_updates: list[tuple[HouseholdPlan, dict[str, Any], dict[str, list[Any]]]]
    resident_updates: list[ResidentUpdate]
    tag_changes: list[tuple[int, str, str, list[int], list[int]]]  # id, code, name, add, remove
    new_residents: int
    new_links: int
    spool: IO[bytes]
    resident_columns: list[str]
    outcome: ImportOutcome

    def spooled(self) -> Iterator[tuple[list[list[Any]], list[tuple[int, int]]]]:
        """Chunks of (new resident rows, (new resident index, tag id) links)."""
        self.spool.seek(0)
        while True:
            try:
                # pickle, not marshal: marshal.load reads a file a few bytes per call, 20x slower.
                yield pickle.load(self.spool)  # this import's own temporary file
            except EOFError:
                return
