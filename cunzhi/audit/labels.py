"""What an event's action means, as a person reads it in a record's history and the audit log.

The trace keeps the action's code (``registry.resident_set_tags``); pages show these words. An
action created by ``core.writes`` without a name of its own (``regions.clan.create``) reads as its
verb and its model's name; an action no one has named yet reads as "change", never as its code.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "accounts.api_token_create": _("Device token created"),
    "accounts.api_token_revoke": _("Device token revoked"),
    "accounts.post_assign": _("Post assigned"),
    "accounts.post_end": _("Post ended"),
    "accounts.sendingunit_create": _("Sending unit created"),
    "accounts.system_admin_create": _("System administrator created"),
    "accounts.user_create": _("Account created"),
    "core.calendar_year_import": _("Working-day calendar imported"),
    "core.policy_override_set": _("Rule set for the county"),
    "regions.import": _("Division codes imported"),
    "registry.group_leader_end": _("Group leader's term ended"),
    "registry.group_leader_set": _("Group leader set"),
    "registry.household_merge": _("Households merged"),
    "registry.household_register": _("Household registered"),
    "registry.household_set_head": _("Head of household changed"),
    "registry.household_split": _("Household split"),
    "registry.household_transfer": _("Household transferred"),
    "registry.household_update": _("Household changed"),
    "registry.import": _("Register imported"),
    "registry.register_export": _("Register exported"),
    "registry.resident_add": _("Member added"),
    "registry.resident_merge": _("Duplicate residents merged"),
    "registry.resident_move": _("Resident moved to another household"),
    "registry.resident_call": _("Phone call placed"),
    "registry.resident_reveal": _("Full ID or phone number viewed"),
    "registry.resident_set_tags": _("Tags changed"),
    "registry.resident_update": _("Resident changed"),
    "registry.ten_group_create": _("Ten-household group created"),
    "registry.ten_group_update": _("Ten-household group changed"),
}
VERBS: dict[str, str | Promise] = {
    "create": _("%(model)s added"),
    "update": _("%(model)s changed"),
    "delete": _("%(model)s deleted"),
}


def register(labels: Mapping[str, Promise | str]) -> None:
    """An app names its own actions, from its ``AppConfig.ready`` (audit sits below the apps)."""
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    parts = action.split(".")
    if len(parts) == 3 and parts[2] in VERBS:
        try:
            model = apps.get_model(parts[0], parts[1])
        except LookupError:
            return gettext("Change")
        return str(VERBS[parts[2]]) % {"model": model._meta.verbose_name}
    return gettext("Change")
