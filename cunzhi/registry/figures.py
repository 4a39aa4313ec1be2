"""The register's key figures per village or township, for the home pages and the village profile.

Registered with ``core.figures`` in ``RegistryConfig.ready``. Four queries whatever the number of
regions: the tags shown, households, residents, and households by tag, each grouped by the region
code's prefix.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cunzhi.core.figures import FigureColumn, count_by_part, register
from cunzhi.registry.models import (
    Household,
    HouseholdStatus,
    Resident,
    ResidentStatus,
    ResidentTag,
    Tag,
)
from cunzhi.registry.selectors import may_reveal

# The tags a township or county compares villages by (households with such a member): the
# monitored and assisted households first, then the groups a cadre visits.
COMPARED_TAGS = (
    "jiance",
    "dibao",
    "tekun",
    "tuopin",
    "disabled",
    "left_behind_elderly",
    "left_behind_child",
)


@register
def register_figures(user: Any, within: Any, part: int) -> list[FigureColumn]:
    households = count_by_part(
        Household.objects.for_user(user, "view")
        .in_region(within.prefix)
        .filter(status=HouseholdStatus.ACTIVE),
        part,
        n=Count("pk"),
    )["n"]
    residents = count_by_part(
        Resident.objects.for_user(user, "view")
        .in_region(within.prefix)
        .filter(status=ResidentStatus.LIVING),
        part,
        n=Count("pk"),
    )["n"]
    columns = [
        FigureColumn("households", _("Households"), households),
        FigureColumn("residents", _("Residents living here"), residents),
    ]
    tags = Tag.objects.filter(code__in=COMPARED_TAGS, active=True)
    if not may_reveal(user, within.code):
        # Sensitive tags (低保, 监测户 ...) are counted only for a reader who may reveal them.
        tags = tags.filter(sensitive=False)
    shown = sorted(tags, key=lambda tag: COMPARED_TAGS.index(tag.code))
    if not shown:
        return columns
    by_tag = count_by_part(
        ResidentTag.objects.for_user(user, "view")
        .in_region(within.prefix)
        .filter(resident__status=ResidentStatus.LIVING, tag__in=shown),
        part,
        **{
            f"tag_{tag.pk}": Count("resident__household", distinct=True, filter=Q(tag=tag))
            for tag in shown
        },
    )
    for tag in shown:
        label = gettext("%(tag)s households") % {"tag": tag.name}
        columns.append(FigureColumn(f"tag:{tag.code}", label, by_tag[f"tag_{tag.pk}"]))
    return columns
