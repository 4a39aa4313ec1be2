"""The demo county's households: every village gets a few dozen families shaped like its people.

A resident cadre's register is mostly couples with children, three generations under one roof,
old people on their own whose children work in 昆明 or 广东, a few bachelors and single parents;
some members have died or married out and are still on the books with that status. Surnames
follow the village's clans (regions.demo), Yi villages register Yi families, and a few surnames
read specially as surnames (曾 zeng, 单 shan, 解 xie, 仇 qiu) so pinyin search can be shown.

Families are planned as plain data first (:func:`plan_village`, no database), then written
through ``cunzhi.registry.services`` only. The county's profile counts (hundreds of households a
village) are scaled down to 25–45 registered households a village to keep ``seed_demo`` quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cunzhi.core.regioncodes import Level
from cunzhi.regions.demo import TOWNSHIPS
from cunzhi.regions.models import Clan, Region, VillageProfile
from cunzhi.registry.models import Tag
from cunzhi.registry.services import (
    household_register,
    resident_set_status,
    resident_set_tags,
    sync_default_tags,
)

if TYPE_CHECKING:
    from cunzhi.core.demo import DemoContext
from cunzhi.registry.demo.people import (
    GROUP_NUMERALS,
    MAX_HOUSEHOLDS,
    MIN_HOUSEHOLDS,
    PROFILE_HOUSEHOLDS,
    Family,
    IdNumbers,
    VillageFacts,
)
from cunzhi.registry.demo.planner import plan_village


def household_count(profile_households: int) -> int:
    low, high = PROFILE_HOUSEHOLDS
    share = (profile_households - low) / (high - low)
    return max(MIN_HOUSEHOLDS, min(MAX_HOUSEHOLDS, round(MIN_HOUSEHOLDS + share * 20)))


def seed(ctx: DemoContext) -> None:
    """Every demo village's households, their members' tags and statuses."""
    sync_default_tags()  # migrate inserts them; a database built otherwise may lack them
    tags = {tag.code: tag for tag in Tag.objects.all()}
    ids = IdNumbers()
    for township in TOWNSHIPS:
        for spec in township.villages:
            village = ctx.regions[spec.key]
            groups = list(village.children.filter(level=Level.GROUP).order_by("code"))
            profile = VillageProfile.objects.get(region=village)
            facts = VillageFacts(
                yi=spec.yi,
                terrain=spec.terrain,
                clans=tuple(
                    (clan.surname, float(clan.share_percent))
                    for clan in Clan.objects.filter(region=village).order_by("-share_percent")
                ),
                groups=len(groups),
                households=household_count(profile.households),
            )
            families = plan_village(facts, ctx.rng, ids)
            _register_village(ctx, village, groups, families, tags)


def _register_village(
    ctx: DemoContext,
    village: Region,
    groups: list[Region],
    families: list[Family],
    tags: dict[str, Tag],
) -> None:
    house_numbers = [0] * len(groups)
    for number, family in enumerate(families, start=1):
        group = groups[family.group]
        house_numbers[family.group] += ctx.rng.randint(1, 3)
        numeral = GROUP_NUMERALS[int(group.code[-3:]) - 1]
        head, *members = family.people
        phone = next((person.phone for person in family.living() if person.phone), "")
        household = household_register(
            actor=ctx.admin,
            village=village,
            household_no=f"{number:04d}",
            group=group,
            address=f"{village.name}{numeral}组{house_numbers[family.group]}号",
            phone=phone,
            head=head.fields(),
            members=[member.fields() for member in members],
        )
        residents = {resident.id_number: resident for resident in household.members.all()}
        for person in family.people:
            resident = residents[person.id_number]
            codes = person.tags | (family.tags if person.living else set())
            if codes:
                resident_set_tags(
                    actor=ctx.admin, resident=resident, tags=[tags[code] for code in sorted(codes)]
                )
            if not person.living:
                assert person.status_since is not None
                resident_set_status(
                    actor=ctx.admin,
                    resident=resident,
                    status=person.status,
                    since=person.status_since,
                )
