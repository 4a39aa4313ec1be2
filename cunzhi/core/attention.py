"""What needs attention on the home page, gathered from every domain.

Each domain registers a provider: a function of (user, post) that returns items, each a short
sentence, a count and a link. The foundation has no domain with deadlines yet, so the home page
shows its empty state; demands, petitions and leave requests will register here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AttentionItem:
    label: str
    count: int
    url: str
    urgent: bool = False


Provider = Callable[[Any, Any], list[AttentionItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def attention_for(user: Any, post: Any) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for provider in _providers:
        items.extend(provider(user, post))
    return sorted(items, key=lambda item: (not item.urgent, -item.count))
