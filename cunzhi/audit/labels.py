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


def registered() -> dict[str, Promise | str]:
    return dict(_LABELS)


def action_label(action: str) -> str:
    """The registered label, else the action's last part made readable (``post end``).

    The rule for actions is ``<app>.<service name>`` (``registry.resident_update``); events
    written before it by ``core.writes`` read ``<app>.<model>.<verb>``, which is the same
    service's name with a dot, and read its label too.
    """
    label = _LABELS.get(action)
    if label is None and action.count(".") == 2:
        app, model, verb = action.split(".")
        label = _LABELS.get(f"{app}.{model}_{verb}")
    if label is not None:
        return str(label)
    return action.rsplit(".", 1)[-1].replace("_", " ")
