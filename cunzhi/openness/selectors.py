"""Reads of the public board: the board itself (public), notices in scope, and the hold a
publicity period puts on the record it publishes."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cunzhi.core.regioncodes import Level
from cunzhi.openness.models import Notice, Objection
from cunzhi.regions.models import Region

BOARD_SIZE = 50  # the newest notices a public board shows


def public_village(code: str) -> Region:
    """A village by its code, for the pages and API anyone may read (404 otherwise)."""
    return Region.objects.get(code=code, level=Level.VILLAGE)


def board_notices(village: Region) -> QuerySet[Notice]:
    """The village's newest notices, with the count of objections raised (one query)."""
    return (
        Notice.objects.filter(region_code=village.code)
        .annotate(objection_count=Count("objections"))
        .order_by("-published_on", "-pk")[:BOARD_SIZE]
    )


def recent_chain_heads(village: Region, limit: int = 5) -> QuerySet[Notice]:
    """The county chain's heads printed on the county's latest notices, newest first."""
    county = village.code[:6]
    return (
        Notice.objects.filter(region_code__startswith=county)
        .exclude(chain_hash="")
        .order_by("-chain_seq")
        .only("chain", "chain_seq", "chain_hash", "published_on", "region_code")[:limit]
    )


def notices_for(user: Any, village: Region) -> QuerySet[Notice]:
    return (
        Notice.objects.for_user(user, "view")
        .filter(region_code=village.code)
        .annotate(
            open_objections=Count("objections", filter=Q(objections__answered_on__isnull=True))
        )
    )


def notices_of(source: models.Model) -> QuerySet[Notice]:
    return Notice.objects.filter(source_type=source._meta.label_lower, source_id=str(source.pk))


def publicity_hold(source: models.Model, today: datetime.date) -> str | None:
    """Why the record a notice publishes (or the notice itself) cannot go on yet, or None.

    A decision or approval waits until the publicity period of its notice has ended and every
    objection raised has been answered (DOMAIN.md section 3). One query.
    """
    rows = Notice.objects.filter(pk=source.pk) if isinstance(source, Notice) else notices_of(source)
    notices = rows.aggregate(
        running=models.Max("publicity_ends_on", filter=Q(publicity_ends_on__gte=today)),
        open=Count("objections", filter=Q(objections__answered_on__isnull=True)),
    )
    if notices["open"]:
        return ngettext(
            "%(count)s objection raised during the publicity period is unanswered.",
            "%(count)s objections raised during the publicity period are unanswered.",
            notices["open"],
        ) % {"count": notices["open"]}
    if notices["running"]:
        return _("The publicity period runs until %(date)s.") % {
            "date": date_format(notices["running"])
        }
    return None


def open_objections_for(user: Any) -> QuerySet[Objection]:
    return Objection.objects.for_user(user, "view").filter(answered_on__isnull=True)


def publicity_hold_of_notice(notice: Notice, today: datetime.date) -> str | None:
    """What the notice still holds up: its period running, or objections unanswered."""
    open_count = notice.objections.filter(answered_on__isnull=True).count()
    if open_count:
        return ngettext(
            "%(count)s objection is unanswered: what this notice publishes cannot go on.",
            "%(count)s objections are unanswered: what this notice publishes cannot go on.",
            open_count,
        ) % {"count": open_count}
    if notice.publicity_ends_on is not None and notice.in_publicity(today):
        return _("Objections are taken until %(date)s.") % {
            "date": date_format(notice.publicity_ends_on)
        }
    return None
