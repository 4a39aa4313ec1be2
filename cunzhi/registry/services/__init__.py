"""Writes to the household register (DESIGN rule 3): every one checked, scoped and audited.

One module a kind of record; every public service is importable from here, so callers write
``from cunzhi.registry import services; services.household_register(...)``.
"""

from cunzhi.registry.services.groups import group_leader_set, ten_group_save
from cunzhi.registry.services.households import (
    household_merge,
    household_register,
    household_set_head,
    household_split,
    household_transfer,
    household_update,
)
from cunzhi.registry.services.residents import (
    resident_add,
    resident_move,
    resident_set_status,
    resident_set_tags,
    resident_update,
)
from cunzhi.registry.services.rules import RESIDENT_FIELDS, prepare_resident
from cunzhi.registry.services.tags import TAG_FIELDS, sync_default_tags, tag_save

__all__ = [
    "RESIDENT_FIELDS",
    "TAG_FIELDS",
    "group_leader_set",
    "household_merge",
    "household_register",
    "household_set_head",
    "household_split",
    "household_transfer",
    "household_update",
    "prepare_resident",
    "resident_add",
    "resident_move",
    "resident_set_status",
    "resident_set_tags",
    "resident_update",
    "sync_default_tags",
    "tag_save",
    "ten_group_save",
]
