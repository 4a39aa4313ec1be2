"""What the plan asks of people on their home page (core.attention): overdue rectification items
and overdue tasks in their villages, and the ones that are theirs to do.

One query for both kinds would need a union; each provider counts one table in one aggregate,
on the (deadline_status, due_on) index the overdue filter walks.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cunzhi.core import attention
from cunzhi.core.attention import AttentionItem, Kind
from cunzhi.core.regioncodes import Level, level_of
from cunzhi.core.workflow import DeadlineStatus, deadline_q
from cunzhi.plans.models import Rectification, Task


def _list_url(post: Any, name: str, **filters: str) -> str:
    if post is None or post.sending_unit_id:
        # A sending unit's contact follows several villages: the home page is where to start.
        return reverse("core:home")
    if level_of(post.region_code) != Level.VILLAGE:  # from the code: no query for the region
        return reverse("plans:region", args=[post.region_code])
    return reverse(name, args=[post.region_code]) + "?" + urlencode(filters)


@attention.register
def overdue_rectifications(user: Any, post: Any) -> list[AttentionItem]:
    today = timezone.localdate()
    overdue = deadline_q(DeadlineStatus.OVERDUE, today)
    relevant = Rectification.objects.for_user(user, "view").filter(overdue)
    counts = attention.count(relevant, overdue=Q(pk__isnull=False), mine=Q(responsible=user))
    url = _list_url(post, "plans:rectifications", overdue="true")
    return [
        AttentionItem(_("Rectification items overdue"), counts["overdue"], url, Kind.OVERDUE),
        AttentionItem(_("Your rectification items overdue"), counts["mine"], url, Kind.DECIDE),
    ]


@attention.register
def overdue_tasks(user: Any, post: Any) -> list[AttentionItem]:
    today = timezone.localdate()
    overdue = deadline_q(DeadlineStatus.OVERDUE, today)
    soon = deadline_q(DeadlineStatus.SOON, today)
    relevant = Task.objects.for_user(user, "view").filter(overdue | (soon & Q(owner=user)))
    counts = attention.count(relevant, overdue=overdue, mine_soon=soon & Q(owner=user))
    url = _list_url(post, "plans:tasks", overdue="true")
    return [
        AttentionItem(_("Plan tasks overdue"), counts["overdue"], url, Kind.OVERDUE),
        AttentionItem(
            _("Your plan tasks due soon"),
            counts["mine_soon"],
            _list_url(post, "plans:tasks", owner=str(user.pk), overdue="false"),
            Kind.DUE_SOON,
        ),
    ]
