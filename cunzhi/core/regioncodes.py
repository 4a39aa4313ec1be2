"""The statistical division code (统计用区划代码) and what can be read from it.

12 digits: province (2), city (2), county (2), township (3), village (3). A villager group
(村民小组) extends its village's code by 3 digits.
A region's *prefix* is the part of its code that is its own (a county's first 6 digits); every
record below it has a code that starts with that prefix, which is what scoping filters on.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")
    GROUP = "group", _("Villager group")


PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
    Level.GROUP: 15,
}
LEVEL_ORDER = list(PREFIX_LENGTH)

# code >= prefix AND code < prefix + SCOPE_END selects every code that starts with prefix: ":" is
# the character right after "9", so the range is a plain b-tree index scan on SQLite and PostgreSQL.
SCOPE_END = ":"


class InvalidCode(ValueError):
    pass


def level_of(code: str) -> Level:
    """The level a well-formed code denotes; InvalidCode says why a code is not well-formed."""
    if not code.isdigit() or not code.isascii():
        raise InvalidCode(_("a division code has digits only"))
    if len(code) == 15:
        if code[9:12] == "000" or code[12:] == "000":
            raise InvalidCode(_("a villager group code is its village's 12 digits and 3 more"))
        return Level.GROUP
    if len(code) != 12:
        raise InvalidCode(_("a division code has 12 digits (15 for a villager group)"))
    if code[:2] == "00":
        raise InvalidCode(_("the province part (first 2 digits) is 00"))
    parts = [(Level.VILLAGE, code[9:12]), (Level.TOWNSHIP, code[6:9]), (Level.COUNTY, code[4:6])]
    parts.append((Level.CITY, code[2:4]))
    for index, (level, part) in enumerate(parts):
        if part.strip("0"):
            # Every part to the left of a non-zero part must be non-zero too.
            for _lower, left in parts[index + 1 :]:
                if not left.strip("0"):
                    raise InvalidCode(
                        _("a lower part of the code is set while a higher one is zero")
                    )
            return level
    return Level.PROVINCE


def prefix_of(code: str) -> str:
    """The part of the code that every code below this region starts with."""
    return code[: PREFIX_LENGTH[level_of(code)]]


def parent_code(code: str) -> str | None:
    level = level_of(code)
    if level == Level.PROVINCE:
        return None
    parent_level = LEVEL_ORDER[LEVEL_ORDER.index(level) - 1]
    keep = PREFIX_LENGTH[parent_level]
    return code[:keep].ljust(12, "0")


def county_prefix(code: str) -> str:
    """The county a code belongs to ("" above county level): the unit the audit chain uses."""
    return code[:6] if len(code) >= 12 and code[4:6] != "00" else ""


def covers(prefix: str, code: str) -> bool:
    return code.startswith(prefix)


def collapse_prefixes(prefixes: set[str] | list[str]) -> list[str]:
    """Drop prefixes already covered by a shorter one: ["53", "5301"] -> ["53"]."""
    kept: list[str] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(prefix.startswith(shorter) for shorter in kept):
            kept.append(prefix)
    return sorted(kept)
