"""The project's URLs, the test kit's attention provider, and one bare view; for bench_attention.

The server bench_attention starts imports this module: it registers the kit's provider (the
records stand for a domain's open items) and grants the kit's permissions, in that server only.

The bare view is the baseline: the same counts from the same SQL over the same rows (the
county's code range, the open statuses, the rows that can count, three conditional counts),
answered as a few lines of HTML, with no session, no post, no scope lookup, no provider and no
template.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from cunzhi.accounts.permissions import ROLE_PERMISSIONS
from cunzhi.core.regioncodes import SCOPE_END
from cunzhi.core.tests.kit import attention as kit_attention  # noqa: F401  registers the provider
from cunzhi.core.tests.kit.models import Errand, grant

ROLE_PERMISSIONS.update(grant())
BARE_ATTENTION = "bench/bare/attention"


def bare_attention(request: HttpRequest) -> HttpResponse:
    """The counts the county administrator ``?user=`` of ``?within=<prefix>`` sees."""
    prefix, user_id = request.GET["within"], int(request.GET["user"])
    waiting_for_me = Q(assignee_id=user_id, status=Errand.Status.WAITING)
    counts = Errand.objects.filter(
        Q(due_state__in=[Errand.DueState.OVERDUE, Errand.DueState.SOON]) | waiting_for_me,
        region_code__gte=prefix,
        region_code__lt=prefix + SCOPE_END,
        status__in=[Errand.Status.OPEN, Errand.Status.WAITING],
    ).aggregate(
        overdue=Count("pk", filter=Q(due_state=Errand.DueState.OVERDUE)),
        mine=Count("pk", filter=waiting_for_me),
        soon=Count("pk", filter=Q(due_state=Errand.DueState.SOON)),
    )
    lines = [f'<strong data-count="{counts[name]}">' for name in ("overdue", "mine", "soon")]
    return HttpResponse("\n".join(lines))


# The project's patterns first, so the block resolves exactly as it does in the project.
urlpatterns = [
    path("", include("cunzhi.urls")),
    path(BARE_ATTENTION, bare_attention),
]
