"""Reads shared by every domain: the rules in force for a user's region."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cunzhi.core import policy
from cunzhi.core.models import PolicyParameter


@dataclass(frozen=True)
class RuleRow:
    key: str
    domain: str
    domain_label: str | Promise
    description: str | Promise
    unit: str | Promise
    source: str
    value: Any
    valid_from: datetime.date
    set_by: Any | None  # the Region that set it; None: the national default


# The domains a rule's key starts with, as the rules page heads them.
DOMAIN_LABELS: dict[str, str | Promise] = {
    "residency": _("First secretaries and work teams"),
    "decisions": _("Village decisions"),
    "openness": _("Village affairs openness"),
    "party": _("Party branch"),
    "disputes": _("Mediation and petitions"),
    "assistance": _("Social assistance and monitoring"),
}

# The parts of the rules whose value is a table (policy_defaults), as a person names them.
VALUE_LABELS: dict[str, str | Promise] = {
    "not_excellent": _("not excellent"),
    "at_most_basically_competent": _("basically competent at best"),
    "incompetent": _("incompetent"),
    "party_members_meeting": _("party members' meeting"),
    "branch_committee_meeting": _("branch committee meeting"),
    "party_group_meeting": _("party group meeting"),
    "party_lecture": _("party lecture"),
    "theme_party_day": _("theme party day"),
    "organizational_life_meeting": _("organisational life meeting"),
    "democratic_appraisal": _("democratic appraisal of members"),
    "days": _("days"),
    "class_hours": _("class hours"),
    "farmer": _("farmers"),
    "student": _("students"),
    "dibao_recipient": _("低保 recipients"),
    "brackets": _("monthly pay brackets"),
    "up_to_yuan": _("up to (yuan)"),
    "rate": _("rate"),
    "above_rate": _("above the last bracket"),
}


def show_value(value: Any) -> str:
    """A rule's value as a person reads it: 2/3, 5–15, or "name: value" pairs."""
    if isinstance(value, dict) and set(value) == {"numerator", "denominator"}:
        return f"{value['numerator']}/{value['denominator']}"
    if isinstance(value, dict) and set(value) == {"min", "max"}:
        return f"{value['min']}–{value['max']}"
    if isinstance(value, dict):
        return "; ".join(f"{VALUE_LABELS.get(k, k)}: {show_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value)
    return str(value)


def rules_for(region: Any, on: datetime.date) -> list[RuleRow]:
    """Every rule in force for ``region`` on ``on``, and who set it (the nation or a region).

    Rules are public law and local policy: anyone with a post reads the rules of their region.
    """
    in_force = policy.rules_in_force(region.code, on)
    # The model a rule's region points at (regions.Region), found through core's own foreign key:
    # core imports nothing above it.
    region_model: Any = PolicyParameter._meta.get_field("region").related_model
    setters = {
        r.code: r
        for r in region_model.objects.filter(code__in={c for c, _d, _v in in_force.values() if c})
    }
    rows = []
    for key, (code, valid_from, value) in sorted(in_force.items()):
        default = policy.default_for(key)
        rows.append(
            RuleRow(
                key=key,
                domain=key.split(".", 1)[0],
                domain_label=DOMAIN_LABELS.get(key.split(".", 1)[0], key.split(".", 1)[0]),
                description=default.description,
                unit=default.unit,
                source=default.source,
                value=show_value(value),
                valid_from=valid_from,
                set_by=setters.get(code),
            )
        )
    return rows
