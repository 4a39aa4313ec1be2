"""Dated policy parameters: "what was the rule for this region on this date" (DESIGN rule 4).

Thresholds and deadlines that law or local policy sets are rows of ``PolicyParameter``: a national
default (no region) and any number of regional overrides, each valid from a date. ``get`` answers
with the value of the most specific region above (or at) the record's region that has a row valid
on that date, the latest such row; only when no region up the tree has one does the national
default apply. An override stands until its region records a later row: a later national change
does not displace it.

Keys and their national defaults are registered in ``policy_defaults.py``; a key that is not
registered is a programming error and raises ``UnknownPolicyKey`` at once.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from cunzhi.core.models import PolicyParameter
from cunzhi.core.policy_defaults import PolicyDefault, defaults_by_key
from cunzhi.core.regioncodes import parent_code, prefix_of

__all__ = [
    "PolicyValueMissing",
    "UnknownPolicyKey",
    "as_fraction",
    "default_for",
    "get",
    "get_fraction",
    "registry",
    "validate_value",
]

FRACTION_KEYS = frozenset({"numerator", "denominator"})


class UnknownPolicyKey(KeyError):
    """A key that ``policy_defaults.DEFAULTS`` does not register."""

    def __str__(self) -> str:
        # KeyError's own __str__ shows the repr of its argument, quotes and all.
        return str(self.args[0])


class PolicyValueMissing(LookupError):
    """No row answers: the date is before every valid_from, or the defaults were never seeded."""


@functools.cache
def registry() -> dict[str, list[PolicyDefault]]:
    """Every registered key with its dated defaults, earliest first."""
    return defaults_by_key()


def default_for(key: str) -> PolicyDefault:
    """The earliest registered default of ``key``: its unit, description and value's shape."""
    try:
        return registry()[key][0]
    except KeyError:
        raise UnknownPolicyKey(
            gettext(
                "Unknown policy parameter %(key)s: register it in cunzhi/core/policy_defaults.py"
            )
            % {"key": key}
        ) from None


def _codes_up_the_tree(region_code: str) -> list[str]:
    """The region's own code, its parents' codes up to the province, and "" for national."""
    codes = [""]
    code: str | None = region_code or None
    while code:
        codes.append(code)
        code = parent_code(code)
    return codes


def _specificity(region_code: str) -> int:
    # A longer prefix is a smaller region: a village's override beats its county's.
    return len(prefix_of(region_code)) if region_code else 0


Row = tuple[str, datetime.date, Any]  # (region_code, valid_from, value)


def _most_specific(rows: Iterable[Row]) -> Row | None:
    """The row that rules: the smallest region's, and of that region the latest."""
    best: Row | None = None
    for row in rows:
        if best is None or (_specificity(row[0]), row[1]) > (_specificity(best[0]), best[1]):
            best = row
    return best


def rules_in_force(region_code: str, on: datetime.date) -> dict[str, Row]:
    """Every registered key's ruling row for ``region_code`` on ``on``, in one query.

    For pages that show all the rules at once; code that needs one rule calls ``get``.
    """
    rows: dict[str, list[Row]] = {}
    queryset = PolicyParameter.objects.filter(
        region_code__in=_codes_up_the_tree(region_code), valid_from__lte=on
    ).values_list("key", "region_code", "valid_from", "value")
    for key, code, valid_from, value in queryset:
        rows.setdefault(key, []).append((code, valid_from, value))
    ruling = {key: _most_specific(candidates) for key, candidates in rows.items()}
    return {key: row for key, row in ruling.items() if row is not None and key in registry()}


def get_for_regions(
    keys: Iterable[str], region_codes: Iterable[str], on: datetime.date
) -> dict[str, dict[str, Any]]:
    """{region code: {key: value}}: ``get`` for many regions at once, in one query.

    For a table over many counties (a province's compliance summary reads three rules of each of
    its hundred counties): the rows of ``keys`` for every region up the trees of ``region_codes``
    are read together and ranked per region as ``get`` ranks them. A key with no value for a
    region raises ``get``'s error, with its reason.
    """
    keys = list(keys)
    for key in keys:
        default_for(key)  # UnknownPolicyKey for a key nobody registered
    trees = {code: set(_codes_up_the_tree(code)) for code in set(region_codes)}
    wanted = set().union(*trees.values()) if trees else set()
    by_key: dict[str, list[Row]] = {key: [] for key in keys}
    queryset = PolicyParameter.objects.filter(
        key__in=keys, region_code__in=sorted(wanted), valid_from__lte=on
    ).values_list("key", "region_code", "valid_from", "value")
    for key, code, valid_from, value in queryset:
        by_key[key].append((code, valid_from, value))
    result: dict[str, dict[str, Any]] = {}
    for region_code, tree in trees.items():
        values: dict[str, Any] = {}
        for key in keys:
            best = _most_specific(row for row in by_key[key] if row[0] in tree)
            values[key] = best[2] if best else get(key, region_code=region_code, on=on)
        result[region_code] = values
    return result


def get(key: str, *, region_code: str, on: datetime.date) -> Any:
    """The value of ``key`` for a record of ``region_code`` on the date ``on``.

    ``region_code`` is the record's region code ("" for a national question). One query on the
    (key, region_code, valid_from) unique index; the handful of rows it returns (one per dated
    value of each region up the tree) are ranked here.
    """
    default = default_for(key)
    if isinstance(on, datetime.datetime) or not isinstance(on, datetime.date):
        raise TypeError(f"on must be a datetime.date, not {on!r}")
    rows = PolicyParameter.objects.filter(
        key=key, region_code__in=_codes_up_the_tree(region_code), valid_from__lte=on
    ).values_list("region_code", "valid_from", "value")
    best = _most_specific(rows)
    if best is not None:
        return best[2]
    if on < default.valid_from:
        message = gettext(
            "No value of %(key)s on %(date)s: the rule applies from %(first)s. "
            "Record an earlier value if the records need one."
        )
    else:
        message = gettext(
            "No value of %(key)s on %(date)s for region %(region)s: the national defaults are "
            "missing; run `manage.py migrate`, which seeds them."
        )
    raise PolicyValueMissing(
        message
        % {
            "key": key,
            "date": on.isoformat(),
            "first": default.valid_from.isoformat(),
            "region": region_code or "-",
        }
    )


def as_fraction(value: Any) -> Fraction:
    """A stored share ``{"numerator": n, "denominator": d}`` as an exact Fraction."""
    if not isinstance(value, dict) or set(value) != FRACTION_KEYS:
        raise TypeError(f"not a stored fraction: {value!r}")
    return Fraction(value["numerator"], value["denominator"])


def get_fraction(key: str, *, region_code: str, on: datetime.date) -> Fraction:
    """``get`` for a share, as a Fraction: ``present * share.denominator >= ...`` stays exact."""
    return as_fraction(get(key, region_code=region_code, on=on))


def _shape_errors(expected: Any, value: Any, path: str) -> list[str]:
    """Where ``value`` differs in JSON shape from the registered default ``expected``."""
    # bool is a subclass of int; a switch and a count must not stand in for each other.
    if isinstance(expected, bool):
        return [] if isinstance(value, bool) else [f"{path}: expected true or false"]
    if isinstance(expected, int):
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: expected a whole number"]
        return [] if value >= 0 else [f"{path}: must not be negative"]
    if isinstance(expected, str):
        return [] if isinstance(value, str) else [f"{path}: expected text"]
    if isinstance(expected, list):
        if not isinstance(value, list) or not value:
            return [f"{path}: expected a non-empty list"]
        errors: list[str] = []
        for index, item in enumerate(value):
            errors += _shape_errors(expected[0], item, f"{path}[{index}]")
        return errors
    if isinstance(expected, dict):
        if not isinstance(value, dict) or set(value) != set(expected):
            keys = ", ".join(sorted(expected))
            return [f"{path}: expected an object with exactly the keys {keys}"]
        errors = []
        for name, item in expected.items():
            errors += _shape_errors(item, value[name], f"{path}.{name}")
        if not errors and set(expected) == FRACTION_KEYS and value["denominator"] == 0:
            errors.append(f"{path}.denominator: must not be 0")
        return errors
    return [] if value == expected else [f"{path}: unexpected value"]


def validate_value(key: str, value: Any) -> None:
    """Raise ValidationError unless ``value`` has the JSON shape of ``key``'s default."""
    problems = _shape_errors(default_for(key).value, value, "value")
    if problems:
        raise ValidationError(
            gettext_lazy("The value does not fit %(key)s (unit: %(unit)s): %(problems)s"),
            code="invalid_shape",
            params={"key": key, "unit": default_for(key).unit, "problems": "; ".join(problems)},
        )
