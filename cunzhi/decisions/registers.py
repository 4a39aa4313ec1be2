"""The registers as they stood on a date: who could attend a meeting, and the village's warnings.

Everything a quorum counts is read here from dated rows (``Membership.starts_on/ends_on``) and
the household register, for the meeting's date, never for today.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cunzhi.decisions.models import TWO_COMMITTEES, Body, MeetingKind, Membership
from cunzhi.decisions.quorum import rule, rule_share
from cunzhi.regions.models import Region
from cunzhi.registry.models import (
    Household,
    HouseholdStatus,
    Relation,
    Resident,
    ResidentStatus,
    Sex,
)

# Who attends each meeting: the registers it is drawn from (the villagers' meeting: every adult).
ATTENDS: dict[str, tuple[str, ...]] = {
    MeetingKind.JOINT: TWO_COMMITTEES,
    MeetingKind.PARTY_MEMBERS: (Body.PARTY_MEMBERS,),
    MeetingKind.REPRESENTATIVES: (Body.REPRESENTATIVES,),
}


def serving_on(on: datetime.date) -> Q:
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def members_on(village: Region, bodies: tuple[str, ...], on: datetime.date) -> QuerySet[Membership]:
    return Membership.objects.filter(region=village, body__in=bodies).filter(serving_on(on))


def _years_before(on: datetime.date, years: int) -> datetime.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def living_on(on: datetime.date) -> Q:
    """Registered and living in the village on ``on`` (moved out or died later still counts)."""
    return Q(status=ResidentStatus.LIVING) | Q(status_since__gt=on)


def adults_on(village: Region, on: datetime.date) -> QuerySet[Resident]:
    """The villagers' meeting: villagers aged 18 and over (Art. 21; a policy parameter)."""
    age = rule("decisions.villagers_meeting_min_age", region_code=village.code, on=on)
    return Resident.objects.filter(
        region=village, birth_date__lte=_years_before(on, int(age))
    ).filter(living_on(on))


def households_on(village: Region) -> QuerySet[Household]:
    return Household.objects.filter(region=village, status=HouseholdStatus.ACTIVE)


def entitled_on(village: Region, kind: str, on: datetime.date) -> QuerySet[Resident]:
    """The residents entitled to attend a meeting of ``kind`` held on ``on``."""
    if kind == MeetingKind.VILLAGERS:
        return adults_on(village, on)
    ids = members_on(village, ATTENDS[kind], on).values("resident_id")
    return Resident.objects.filter(pk__in=ids)


# Related to the head of household as kin (not "other relative", not "not a relative"): two such
# members of one household are each other's close relatives (近亲属: spouses, parents and
# children, siblings, grandparents and grandchildren, and the in-laws living with them).
KIN = frozenset(Relation.values) - {Relation.OTHER, Relation.NON_RELATIVE}


def close_relatives(resident: Resident) -> QuerySet[Resident]:
    """The resident's close relatives the register knows: kin in the same household.

    The register links people only within a household, so a brother who has his own household
    is not found; the page says so beside the supervision committee.
    """
    if resident.relation not in KIN:
        return Resident.objects.none()
    return Resident.objects.filter(household_id=resident.household_id, relation__in=KIN).exclude(
        pk=resident.pk
    )


@dataclass(frozen=True)
class Warning:
    body: str
    message: str


def register_warnings(village: Region, on: datetime.date) -> list[Warning]:
    """What breaks the rules on the registers on ``on``: one query per register counted."""
    code = village.code
    warnings = []
    reps = members_on(village, (Body.REPRESENTATIVES,), on)
    rep_count = reps.count()
    households = households_on(village).count()
    if rep_count:
        per = rule("decisions.households_per_representative", region_code=code, on=on)
        low, high = per["min"], per["max"]
        # One representative per 5–15 households: 40 households need 3 to 8 representatives.
        if not (households <= rep_count * high and rep_count * low <= households):
            warnings.append(
                Warning(
                    Body.REPRESENTATIVES,
                    _(
                        "%(reps)s representatives for %(households)s households: the rule is one "
                        "per %(low)s to %(high)s households, so %(fewest)s to %(most)s."
                    )
                    % {
                        "reps": rep_count,
                        "households": households,
                        "low": low,
                        "high": high,
                        "fewest": -(-households // high),
                        "most": households // low,
                    },
                )
            )
        women = reps.filter(resident__sex=Sex.FEMALE).count()
        share = rule_share("decisions.representatives_women_min_share", region_code=code, on=on)
        if women < share * rep_count:
            warnings.append(
                Warning(
                    Body.REPRESENTATIVES,
                    _(
                        "%(women)s women among %(reps)s representatives: at least %(share)s must "
                        "be women (%(needed)s)."
                    )
                    % {
                        "women": women,
                        "reps": rep_count,
                        "share": str(share),
                        "needed": -(-share.numerator * rep_count // share.denominator),
                    },
                )
            )
    size = rule("openness.supervision_committee_members", region_code=code, on=on)
    supervisors = members_on(village, (Body.SUPERVISION,), on).count()
    if not size["min"] <= supervisors <= size["max"]:
        warnings.append(
            Warning(
                Body.SUPERVISION,
                _(
                    "The supervision committee has %(count)s members: "
                    "it must have %(low)s to %(high)s."
                )
                % {"count": supervisors, "low": size["min"], "high": size["max"]},
            )
        )
    return warnings
