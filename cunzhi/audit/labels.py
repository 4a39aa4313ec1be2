"""Readable names of audit actions, for a record's history and the audit log.

An event stores its action as a stable English id (``accounts.sign_in``); a person reads its
label. The audit app sits below the apps whose actions it stores (core → audit → regions →
accounts …), so each app registers its own labels from its ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise

_LABELS: dict[str, Promise | str] = {}


def register(labels: Mapping[str, Promise | str]) -> None:
    _LABELS.update(labels)


def action_label(action: str) -> str:
    """The registered label, else the action's last part made readable (``post end``)."""
    label = _LABELS.get(action)
    if label is not None:
        return str(label)
    return action.rsplit(".", 1)[-1].replace("_", " ")
