"""Key figures by region, from every domain: the home pages' tables and the village profile.

A township leader compares the township's villages side by side, a county officer the townships;
a village sees its own row. Each domain registers a provider: a function of (user, within, part)
that returns columns, each a label and a count per ``part``-long prefix of the region code below
``within`` (12 characters: per village; 9: per township). Providers count with one aggregate query
per column group (``values(part).annotate(...)``), never a query per region, and read through
``for_user``, so a reader only counts what they may see. ``core`` knows no domain: the register
registers its households and residents here, later domains (demands, assistance) theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.utils.functional import Promise


@dataclass(frozen=True)
class FigureColumn:
    key: str
    label: str | Promise
    counts: dict[str, int] = field(default_factory=dict)  # region-code prefix → count


@dataclass(frozen=True)
class FigureRow:
    region: Any
    cells: list[tuple[str | Promise, int]]  # (column label, count): a phone's card names each


Provider = Callable[[Any, Any, int], list[FigureColumn]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def count_by_part(rows: QuerySet[Any], length: int, **aggregates: Any) -> dict[str, dict[str, int]]:
    """``{aggregate name: {part: n}}`` from one GROUP BY query over ``rows``."""
    grouped = rows.annotate(part=Substr("region_code", 1, length)).values("part")
    result: dict[str, dict[str, int]] = {name: {} for name in aggregates}
    for row in grouped.annotate(**aggregates).order_by():
        for name in aggregates:
            if row[name]:
                result[name][row["part"]] = row[name]
    return result


def figures_for(user: Any, within: Any, part: int) -> list[FigureColumn]:
    """Every domain's columns for the regions below ``within``, counted per ``part`` prefix."""
    columns: list[FigureColumn] = []
    for provider in _providers:
        columns.extend(provider(user, within, part))
    return columns


def figure_rows(regions: Sequence[Any], columns: Sequence[FigureColumn]) -> list[FigureRow]:
    """One row a region (matched by its code's prefix), one value a column; 0 where none."""
    return [
        FigureRow(
            region, [(column.label, column.counts.get(region.prefix, 0)) for column in columns]
        )
        for region in regions
    ]


def figure_totals(
    rows: Sequence[FigureRow], columns: Sequence[FigureColumn]
) -> list[tuple[str | Promise, int]]:
    return [
        (column.label, sum(row.cells[index][1] for row in rows))
        for index, column in enumerate(columns)
    ]
