"""Quorums and majorities, by the rule of each meeting (DOMAIN.md section 2), exactly.

Shares come from dated policy parameters as Fractions, so "at least two thirds" of 45 is 30 and
"more than half" of 45 is 23, with no float in between. Nothing here touches the database: the
services count the registers and hand the numbers in.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cunzhi.core import policy
from cunzhi.decisions.models import MeetingKind


def rule(key: str, *, region_code: str, on: datetime.date) -> Any:
    """``policy.get``, with a date no rule covers (a meeting of 1970) refused as bad input."""
    try:
        return policy.get(key, region_code=region_code, on=on)
    except policy.PolicyValueMissing as missing:
        raise ValidationError(str(missing), code="no_rule") from None


def rule_share(key: str, *, region_code: str, on: datetime.date) -> Fraction:
    return policy.as_fraction(rule(key, region_code=region_code, on=on))


def more_than(share: Fraction, of: int) -> int:
    """The least whole number that is more than ``share`` of ``of`` (过半数: 23 of 45)."""
    return math.floor(share * of) + 1


def at_least(share: Fraction, of: int) -> int:
    """The least whole number that is at least ``share`` of ``of`` (三分之二以上: 30 of 45)."""
    return math.ceil(share * of)


@dataclass(frozen=True)
class QuorumWay:
    """One way to a quorum: ``needed`` of ``of`` (people or households), ``present`` came."""

    rule: str  # members | adults | households
    share: str  # "2/3"
    more_than: bool
    of: int
    needed: int
    present: int

    @property
    def met(self) -> bool:
        return self.present >= self.needed

    @property
    def short_by(self) -> int:
        return max(0, self.needed - self.present)


# The policy keys of each meeting: (quorum share, "more than"?, pass share, of the entitled?).
RULES: dict[str, tuple[str, bool, str, bool]] = {
    MeetingKind.JOINT: (
        "decisions.joint_meeting_quorum_more_than_share",
        True,
        "decisions.joint_meeting_pass_more_than_share",
        False,
    ),
    MeetingKind.PARTY_MEMBERS: (
        "decisions.party_members_meeting_quorum_min_share",
        False,
        "decisions.party_members_meeting_pass_more_than_share",
        True,  # more than half of the members entitled to vote, not of those present
    ),
    MeetingKind.REPRESENTATIVES: (
        "decisions.representative_meeting_quorum_min_share",
        False,
        "decisions.representative_meeting_pass_more_than_share",
        False,
    ),
    MeetingKind.VILLAGERS: (
        "decisions.villagers_meeting_quorum_adults_more_than_share",
        True,
        "decisions.villagers_meeting_pass_more_than_share",
        False,
    ),
}


def _way(rule: str, share: Fraction, strict: bool, of: int, present: int) -> QuorumWay:
    needed = more_than(share, of) if strict else at_least(share, of)
    return QuorumWay(rule, str(share), strict, of, needed, present)


def quorum_ways(
    kind: str,
    *,
    region_code: str,
    on: datetime.date,
    entitled: int,
    present: int,
    households_total: int = 0,
    households_present: int = 0,
) -> list[QuorumWay]:
    """The ways the meeting may reach its quorum; it has one when any of them is met.

    A villagers' meeting has two (Art. 22): more than half of the adult villagers, or
    representatives of at least two thirds of the households.
    """
    key, strict, _pass_key, _of_entitled = RULES[kind]
    share = rule_share(key, region_code=region_code, on=on)
    rule = "adults" if kind == MeetingKind.VILLAGERS else "members"
    ways = [_way(rule, share, strict, entitled, present)]
    if kind == MeetingKind.VILLAGERS:
        household_share = rule_share(
            "decisions.villagers_meeting_quorum_households_min_share",
            region_code=region_code,
            on=on,
        )
        ways.append(
            _way("households", household_share, False, households_total, households_present)
        )
    return ways


def votes_needed(
    kind: str, *, region_code: str, on: datetime.date, entitled: int, present: int
) -> int:
    """Votes for that pass: more than half of those entitled (party members' meeting) or of
    those present (the other meetings)."""
    _key, _strict, pass_key, of_entitled = RULES[kind]
    share = rule_share(pass_key, region_code=region_code, on=on)
    return more_than(share, entitled if of_entitled else present)


def stored(ways: list[QuorumWay]) -> dict[str, Any]:
    return {"ways": [asdict(way) for way in ways]}


def ways_of(data: dict[str, Any]) -> list[QuorumWay]:
    return [QuorumWay(**way) for way in data.get("ways", [])]


def describe(way: QuorumWay) -> str:
    """The rule and its numbers in a sentence: what the meeting page and a refusal say."""
    params = {
        "share": way.share,
        "of": way.of,
        "needed": way.needed,
        "present": way.present,
        "short": way.short_by,
    }
    if way.rule == "households":
        text = _(
            "representatives of at least %(share)s of the %(of)s households: %(needed)s needed, "
            "%(present)s present"
        )
    elif way.rule == "adults" and way.more_than:
        text = _(
            "more than %(share)s of the %(of)s adult villagers: %(needed)s needed, "
            "%(present)s present"
        )
    elif way.more_than:
        text = _(
            "more than %(share)s of the %(of)s members: %(needed)s needed, %(present)s present"
        )
    else:
        text = _("at least %(share)s of the %(of)s members: %(needed)s needed, %(present)s present")
    sentence = text % params
    if not way.met:
        sentence += _(" (short by %(short)s)") % params
    return sentence


def failure(ways: list[QuorumWay]) -> str:
    """Why a meeting had no quorum: each rule that failed and by how many."""
    return _("No quorum: %(rules)s. A meeting without a quorum passes nothing.") % {
        "rules": _("; or ").join(describe(way) for way in ways)
    }
