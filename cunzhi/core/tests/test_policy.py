from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.models import Role, User
from cunzhi.accounts.testing import County, make_user
from cunzhi.audit.models import Event
from cunzhi.core import policy
from cunzhi.core.models import PolicyParameter
from cunzhi.core.policy_defaults import DEFAULTS
from cunzhi.core.regioncodes import Level
from cunzhi.core.services import policy_override_set, sync_policy_defaults
from cunzhi.regions.models import Region
from cunzhi.regions.services import regions_import

pytestmark = pytest.mark.django_db

D = datetime.date
# The domains of DESIGN.md that own rules (policy keys are "<domain>.<name>").
DOMAINS = {
    "residency",
    "visits",
    "demands",
    "plans",
    "decisions",
    "openness",
    "disputes",
    "assistance",
    "party",
    "projects",
}


@dataclass
class Regions:
    county: Region
    township: Region
    village: Region
    other_county: Region
    other_village: Region


@pytest.fixture
def regions() -> Regions:
    def add(code: str, name: str, level: Level, parent: Region | None) -> Region:
        return Region.objects.create(code=code, name=name, level=level, parent=parent)

    county = add("530199000000", "青山县", Level.COUNTY, None)
    township = add("530199100000", "青龙镇", Level.TOWNSHIP, county)
    village = add("530199100201", "石板村", Level.VILLAGE, township)
    other_county = add("530198000000", "绿水县", Level.COUNTY, None)
    other_township = add("530198100000", "白鹤镇", Level.TOWNSHIP, other_county)
    other_village = add("530198100201", "河口村", Level.VILLAGE, other_township)
    return Regions(county, township, village, other_county, other_village)


@pytest.fixture
def root() -> User:
    user: User = User.objects.create_superuser(username="root", password="x")
    return user


def test_it_answers_the_national_default() -> None:
    assert policy.get("openness.publicity_days", region_code="530199100201", on=D(2025, 6, 1)) == 7
    share = policy.get_fraction(
        "residency.presence_share_of_working_days", region_code="530199100201", on=D(2025, 6, 1)
    )
    assert share == Fraction(2, 3)


def test_a_lookup_is_one_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(1):
        policy.get("openness.publicity_days", region_code="530199100201001", on=D(2025, 6, 1))


def test_a_county_override_applies_to_its_villages_and_not_to_another_county(
    regions: Regions, root: User
) -> None:
    policy_override_set(
        actor=root,
        key="openness.publicity_days",
        region=regions.county,
        valid_from=D(2024, 1, 1),
        value=5,
        note="县民政局通知",
    )
    on = D(2025, 6, 1)
    assert policy.get("openness.publicity_days", region_code=regions.village.code, on=on) == 5
    assert policy.get("openness.publicity_days", region_code=regions.township.code, on=on) == 5
    assert policy.get("openness.publicity_days", region_code=regions.county.code, on=on) == 5
    assert policy.get("openness.publicity_days", region_code="530199100201001", on=on) == 5
    assert policy.get("openness.publicity_days", region_code=regions.other_village.code, on=on) == 7
    assert policy.get("openness.publicity_days", region_code="", on=on) == 7


def test_the_monitoring_income_line_is_dated() -> None:
    key = "assistance.monitoring_income_line_yuan"
    assert policy.get(key, region_code="530199100201", on=D(2021, 3, 1)) == 6000
    assert policy.get(key, region_code="530199100201", on=D(2023, 12, 31)) == 6000
    assert policy.get(key, region_code="530199100201", on=D(2024, 1, 1)) == 7500
    assert policy.get(key, region_code="530199100201", on=D(2025, 6, 1)) == 7500


def test_an_override_applies_only_from_its_date(regions: Regions, root: User) -> None:
    key = "assistance.monitoring_income_line_yuan"
    policy_override_set(
        actor=root, key=key, region=regions.county, valid_from=D(2025, 7, 1), value=8000, note=""
    )
    village = regions.village.code
    assert policy.get(key, region_code=village, on=D(2025, 6, 30)) == 7500
    assert policy.get(key, region_code=village, on=D(2025, 7, 1)) == 8000
    assert policy.get(key, region_code=regions.other_village.code, on=D(2025, 7, 1)) == 7500


def test_a_county_override_stands_until_the_county_changes_it(regions: Regions, root: User) -> None:
    # The county set its own line in 2022; the national 2024 line does not displace it.
    key = "assistance.monitoring_income_line_yuan"
    policy_override_set(
        actor=root, key=key, region=regions.county, valid_from=D(2022, 1, 1), value=6500, note=""
    )
    assert policy.get(key, region_code=regions.village.code, on=D(2025, 1, 1)) == 6500


def test_the_most_specific_region_wins(regions: Regions, root: User) -> None:
    province = Region.objects.create(code="530000000000", name="云南省", level=Level.PROVINCE)
    key = "residency.presence_monthly_min_days"
    policy_override_set(
        actor=root, key=key, region=province, valid_from=D(2024, 1, 1), value=22, note=""
    )
    policy_override_set(
        actor=root, key=key, region=regions.county, valid_from=D(2020, 1, 1), value=18, note=""
    )
    on = D(2025, 1, 1)
    assert policy.get(key, region_code=regions.village.code, on=on) == 18
    assert policy.get(key, region_code=regions.other_village.code, on=on) == 22


def test_many_regions_are_answered_in_one_query_as_one_at_a_time_would(
    regions: Regions, root: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    province = Region.objects.create(code="530000000000", name="云南省", level=Level.PROVINCE)
    monthly, line = "residency.presence_monthly_min_days", "assistance.monitoring_income_line_yuan"
    policy_override_set(
        actor=root, key=monthly, region=province, valid_from=D(2024, 1, 1), value=22, note=""
    )
    policy_override_set(
        actor=root, key=monthly, region=regions.county, valid_from=D(2020, 1, 1), value=18, note=""
    )
    policy_override_set(
        actor=root, key=line, region=regions.county, valid_from=D(2025, 7, 1), value=8000, note=""
    )
    codes = [regions.village.code, regions.other_village.code, regions.county.code, ""]
    for on in (D(2025, 6, 30), D(2025, 7, 1)):
        with django_assert_num_queries(1):
            many = policy.get_for_regions([monthly, line], codes, on)
        one_by_one = {
            code: {key: policy.get(key, region_code=code, on=on) for key in (monthly, line)}
            for code in codes
        }
        assert many == one_by_one
    assert many[regions.village.code] == {monthly: 18, line: 8000}
    assert many[regions.other_village.code] == {monthly: 22, line: 7500}
    assert many[""] == {monthly: 20, line: 7500}
    with pytest.raises(KeyError, match=r"policy_defaults\.py"):
        policy.get_for_regions(["residency.no_such_rule"], codes, D(2025, 1, 1))
    with pytest.raises(policy.PolicyValueMissing, match="2022-05-01"):
        policy.get_for_regions(["disputes.petition_handling_days"], codes, D(2022, 4, 30))


def test_an_unknown_key_is_a_key_error_that_says_where_to_register_it() -> None:
    with translation.override("en"), pytest.raises(KeyError) as raised:
        policy.get("residency.no_such_rule", region_code="", on=D(2025, 1, 1))
    assert str(raised.value) == (
        "Unknown policy parameter residency.no_such_rule: "
        "register it in cunzhi/core/policy_defaults.py"
    )


def test_a_date_before_the_rule_existed_is_a_clear_error() -> None:
    missing = pytest.raises(policy.PolicyValueMissing, match="the rule applies from 2022-05-01")
    with translation.override("en"), missing:
        policy.get("disputes.petition_handling_days", region_code="", on=D(2022, 4, 30))


def test_sync_is_idempotent_and_keeps_an_edited_row() -> None:
    # migrate (which built the test database) has seeded every default already.
    assert PolicyParameter.objects.filter(region_code="").count() == len(DEFAULTS)
    assert sync_policy_defaults() == 0
    edited = PolicyParameter.objects.get(key="openness.publicity_days", region_code="")
    edited.value = 10
    edited.save()
    PolicyParameter.objects.filter(key="disputes.petition_handling_days").delete()
    assert sync_policy_defaults() == 1
    assert sync_policy_defaults() == 0
    assert PolicyParameter.objects.get(key="openness.publicity_days", region_code="").value == 10
    assert policy.get("disputes.petition_handling_days", region_code="", on=D(2025, 1, 1)) == 60


def test_setting_an_override_is_audited_and_a_second_set_replaces_it(
    regions: Regions, root: User
) -> None:
    for value in (5, 6):
        policy_override_set(
            actor=root,
            key="openness.publicity_days",
            region=regions.county,
            valid_from=D(2024, 1, 1),
            value=value,
            note="县通知",
        )
    rows = PolicyParameter.objects.filter(key="openness.publicity_days", region=regions.county)
    assert [row.value for row in rows] == [6]
    events = Event.objects.filter(action="core.policy_override_set").order_by("seq")
    assert [(e.data["value"], e.data["previous"]) for e in events] == [(5, None), (6, 5)]
    assert {e.chain for e in events} == {"530199"}
    assert {e.actor_label for e in events} == {"root"}


def test_a_user_without_the_permission_is_refused(regions: Regions) -> None:
    nobody = User.objects.create_user(username="nobody", password="x")
    with pytest.raises(PermissionDenied):
        policy_override_set(
            actor=nobody,
            key="openness.publicity_days",
            region=regions.county,
            valid_from=D(2024, 1, 1),
            value=5,
            note="",
        )
    assert not PolicyParameter.objects.filter(region=regions.county).exists()


def test_only_a_superuser_sets_a_national_value(root: User) -> None:
    nobody = User.objects.create_user(username="nobody", password="x")
    key = "assistance.monitoring_income_line_yuan"
    with pytest.raises(PermissionDenied):
        policy_override_set(
            actor=nobody, key=key, region=None, valid_from=D(2025, 1, 1), value=7800, note=""
        )
    policy_override_set(
        actor=root, key=key, region=None, valid_from=D(2025, 1, 1), value=7800, note="[U] test"
    )
    assert policy.get(key, region_code="530199100201", on=D(2025, 1, 1)) == 7800


def test_an_override_below_county_level_is_refused(regions: Regions, root: User) -> None:
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            policy_override_set(
                actor=root,
                key="openness.publicity_days",
                region=regions.township,
                valid_from=D(2024, 1, 1),
                value=5,
                note="",
            )
        assert raised.value.message_dict["region"] == [
            "A rule is set for a county or a region above it, not for a Township."
        ]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("openness.publicity_days", "7"),
        ("openness.publicity_days", 7.5),
        ("openness.publicity_days", -1),
        ("openness.publicity_days", True),
        ("residency.presence_share_of_working_days", 0.67),
        ("residency.presence_share_of_working_days", {"numerator": 2}),
        ("residency.presence_share_of_working_days", {"numerator": 2, "denominator": 0}),
        (
            "party.dues_salary_rates",
            {"brackets": [], "above_rate": {"numerator": 2, "denominator": 100}},
        ),
        ("residency.no_such_rule", 1),
    ],
)
def test_a_value_of_another_shape_is_refused(
    regions: Regions, root: User, key: str, value: object
) -> None:
    with pytest.raises(ValidationError):
        policy_override_set(
            actor=root, key=key, region=regions.county, valid_from=D(2024, 1, 1), value=value
        )
    assert not PolicyParameter.objects.filter(region=regions.county).exists()


def test_a_table_of_another_length_is_accepted(regions: Regions, root: User) -> None:
    rates = {
        "brackets": [{"up_to_yuan": 4000, "rate": {"numerator": 1, "denominator": 100}}],
        "above_rate": {"numerator": 2, "denominator": 100},
    }
    key = "party.dues_salary_rates"
    policy_override_set(
        actor=root, key=key, region=regions.county, valid_from=D(2024, 1, 1), value=rates
    )
    assert policy.get(key, region_code="530199100201", on=D(2025, 1, 1)) == rates


def test_every_registered_default_is_well_formed() -> None:
    seen: set[tuple[str, datetime.date]] = set()
    for default in DEFAULTS:
        assert re.fullmatch(r"[a-z]+\.[a-z0-9_]+", default.key), default.key
        assert default.key.split(".")[0] in DOMAINS, default.key
        assert default.description and default.unit, default.key
        assert re.match(r"\[(V|S|U|seed)", default.source), default.key
        assert (default.key, default.valid_from) not in seen, default.key
        seen.add((default.key, default.valid_from))
        # A later dated default has the shape of the first; shares are proper fractions.
        policy.validate_value(default.key, default.value)
        if default.key.endswith("_share"):
            assert 0 < policy.as_fraction(default.value) < 1, default.key


def test_a_county_administrator_sets_their_own_countys_rule_only(county: County) -> None:
    admin = make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county)
    regions_import(actor=county.admin, rows=[(1, "530198000000", "东岭县")])
    other = Region.objects.get(code="530198000000")
    key = "openness.publicity_days"
    policy_override_set(
        actor=admin, key=key, region=county.county, valid_from=datetime.date(2026, 1, 1), value=10
    )
    on = datetime.date(2026, 6, 1)
    assert policy.get(key, region_code=county.village.code, on=on) == 10
    with pytest.raises(PermissionDenied):
        policy_override_set(
            actor=admin, key=key, region=other, valid_from=datetime.date(2026, 1, 1), value=3
        )
    assert policy.get(key, region_code="530198000000", on=on) == 7
