from __future__ import annotations

import pytest

from cunzhi.core.regioncodes import (
    InvalidCode,
    Level,
    collapse_prefixes,
    county_prefix,
    level_of,
    parent_code,
    prefix_of,
)


@pytest.mark.parametrize(
    ("code", "level", "prefix", "parent"),
    [
        ("530000000000", Level.PROVINCE, "53", None),
        ("530100000000", Level.CITY, "5301", "530000000000"),
        ("530102000000", Level.COUNTY, "530102", "530100000000"),
        ("530102001000", Level.TOWNSHIP, "530102001", "530102000000"),
        ("530102001001", Level.VILLAGE, "530102001001", "530102001000"),
        ("530102001001003", Level.GROUP, "530102001001003", "530102001001"),
        # Counties directly under a province sit in a city-level slot "90".
        ("429004000000", Level.COUNTY, "429004", "429000000000"),
    ],
)
def test_it_reads_level_prefix_and_parent_from_the_code(
    code: str, level: Level, prefix: str, parent: str | None
) -> None:
    assert level_of(code) == level
    assert prefix_of(code) == prefix
    assert parent_code(code) == parent


@pytest.mark.parametrize(
    "code",
    [
        "53010200100",
        "5301020010011",
        "53010200100A",
        "000000000000",
        "530000001000",
        "530102001000001",
        "530102001001000",
        "５３０１０２００１００１",
    ],
)
def test_it_rejects_malformed_codes(code: str) -> None:
    with pytest.raises(InvalidCode):
        level_of(code)


def test_the_audit_chain_of_a_record_is_its_county() -> None:
    assert county_prefix("530102001001") == "530102"
    assert county_prefix("530102001001003") == "530102"
    assert county_prefix("530100000000") == ""
    assert county_prefix("") == ""


def test_nested_prefixes_collapse_to_the_widest() -> None:
    assert collapse_prefixes(["530102001", "5301", "530102", "5302"]) == ["5301", "5302"]
