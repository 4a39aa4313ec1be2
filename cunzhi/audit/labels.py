"""Readable names of audit actions, for a record's history and the audit log.

An event stores its action as a stable English id, ``<app>.<service name>``
(``registry.resident_set_tags``); a person reads its label. The audit app sits below the apps
whose actions it stores (core → audit → regions → accounts …), so each app registers its own
labels from its ``AppConfig.ready``; ``audit/tests/test_actions.py`` holds every service and every
recorded action to a label in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, Promise | str] = {}
# Events written by ``core.writes`` before actions were named after their service read
# ``<app>.<model>.<verb>``: their label is the registered ``<app>.<model>_<verb>``, else the verb
# and the model's name.
VERBS: dict[str, Promise | str] = {
    "create": _("%(model)s added"),
    "update": _("%(model)s changed"),
    "delete": _("%(model)s deleted"),
}


def register(labels: Mapping[str, Promise | str]) -> None:
    _LABELS.update(labels)


def registered() -> dict[str, Promise | str]:
    return dict(_LABELS)


def action_label(action: str) -> str:
    """The registered label; never the action's code, which a person should not have to read."""
    label = _LABELS.get(action)
    if label is not None:
        return str(label)
    parts = action.split(".")
    if len(parts) == 3:
        app, model, verb = parts
        label = _LABELS.get(f"{app}.{model}_{verb}")
        if label is not None:
            return str(label)
        if verb in VERBS:
            try:
                meta = apps.get_model(app, model)._meta
            except LookupError:
                return gettext("Change")
            return str(VERBS[verb]) % {"model": meta.verbose_name}
    return gettext("Change")
