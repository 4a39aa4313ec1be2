"""The case list's attention items: what a domain's ``attention.py`` holds.

Named ``attention_items`` rather than ``attention`` so that ``core.attention.autodiscover`` does
not load it for every test: its links exist only under the kit's URLconf, so the kit's tests
register it themselves (``tests/kitdomain/tests/conftest.py``).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.core import attention
from cunzhi.core.attention import AttentionItem, Kind
from cunzhi.core.workflow import DeadlineStatus
from cunzhi.core.workflow.fields import deadline_q
from tests.kitdomain.models import Case


def cases(user: Any, post: Any) -> list[AttentionItem]:
    """Overdue and due soon, from the stored dates, in one query."""
    today = timezone.localdate()
    counts = attention.count(
        Case.objects.for_user(user, "view"),
        overdue=deadline_q(DeadlineStatus.OVERDUE, today),
        soon=deadline_q(DeadlineStatus.SOON, today),
    )
    url = reverse("kitdomain:cases")
    return [
        AttentionItem(
            _("Cases overdue"), counts["overdue"], f"{url}?deadline=overdue", Kind.OVERDUE
        ),
        AttentionItem(_("Cases due soon"), counts["soon"], f"{url}?deadline=soon", Kind.DUE_SOON),
    ]
