"""What needs a person's attention on the home page, gathered from every app.

Each app declares its own in an ``attention.py`` module, which ``CoreConfig.ready`` loads for
every installed app (``autodiscover``), so no list is kept by hand. A provider is a function of
(user, post) that returns items, each a short sentence, a count and a link, of three kinds:
overdue (过期), waiting for this person's decision (待我处理), deadline near (即将到期).

    # cunzhi/demands/attention.py
    from cunzhi.core import attention

    @attention.register
    def demands(user, post):
        counts = attention.count(
            Demand.objects.for_user(user, "view"),
            overdue=Q(due_state=DueState.OVERDUE),
            mine=Q(assignee=user, status=Demand.Status.ASSIGNED),
        )
        ...

The home page runs every provider on each visit, so a provider has a query budget (one unless
it registers more) whatever the number of rows: it counts with one aggregate (``count``) instead
of looping over records. ``core.testing.assert_attention_budget`` holds every provider to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, overload

from django.db import models
from django.db.models import Count, Q
from django.utils.module_loading import autodiscover_modules


class Kind(models.TextChoices):
    OVERDUE = "overdue", "overdue"
    DECIDE = "decide", "waiting for your decision"
    DUE_SOON = "due_soon", "deadline near"


_ORDER: dict[str, int] = {Kind.OVERDUE: 0, Kind.DECIDE: 1, Kind.DUE_SOON: 2}


@dataclass(frozen=True)
class AttentionItem:
    label: str  # a short sentence: "Demands overdue"
    count: int
    url: str
    kind: str = Kind.DUE_SOON

    @property
    def urgent(self) -> bool:
        return self.kind == Kind.OVERDUE


Provider = Callable[[Any, Any], list[AttentionItem]]


@dataclass(frozen=True)
class Registered:
    provider: Provider
    queries: int

    @property
    def name(self) -> str:
        return f"{self.provider.__module__}.{self.provider.__qualname__}"


_providers: list[Registered] = []


@overload
def register(provider: Provider, *, queries: int = 1) -> Provider: ...
@overload
def register(*, queries: int = 1) -> Callable[[Provider], Provider]: ...
def register(
    provider: Provider | None = None, *, queries: int = 1
) -> Provider | Callable[[Provider], Provider]:
    """Add a provider (usable as ``@register`` or ``@register(queries=2)``); once per function."""

    def add(function: Provider) -> Provider:
        if not any(entry.provider is function for entry in _providers):
            _providers.append(Registered(function, queries))
        return function

    return add(provider) if provider is not None else add


def providers() -> list[Registered]:
    return list(_providers)


def autodiscover() -> None:
    """Import ``<app>.attention`` for every installed app that has one."""
    autodiscover_modules("attention")


def count(queryset: models.QuerySet[Any], **conditions: Q) -> dict[str, int]:
    """Several counts over ``queryset`` in ONE query: ``count(qs, overdue=Q(...), mine=Q(...))``."""
    result = queryset.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )
    return {name: int(result[name] or 0) for name in conditions}


def attention_for(user: Any, post: Any) -> list[AttentionItem]:
    """Every provider's items with a count, overdue first, then decisions, then deadlines near."""
    items: list[AttentionItem] = []
    for entry in _providers:
        items.extend(item for item in entry.provider(user, post) if item.count)
    return sorted(items, key=lambda item: (_ORDER.get(item.kind, 3), -item.count))
