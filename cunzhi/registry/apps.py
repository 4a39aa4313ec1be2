from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "cunzhi.registry"

    def ready(self) -> None:
        # Registers the register's figures with core.figures (the home pages, the profile).
        from cunzhi.registry import figures  # noqa: F401
        from cunzhi.registry.services import sync_default_tags

        post_migrate.connect(sync_default_tags, sender=self, dispatch_uid="registry_default_tags")

        from cunzhi.audit.labels import register
        from cunzhi.registry.importing.plan import ACTION_LABELS as IMPORT_LABELS

        register(IMPORT_LABELS)

        register(ACTION_LABELS)


# What a person reads in a history or the audit log for each of the app's actions.
ACTION_LABELS = {
    "registry.household_register": _("Household registered"),
    "registry.household_update": _("Household changed"),
    "registry.household_set_head": _("Head of household changed"),
    "registry.household_split": _("Household split"),
    "registry.household_merge": _("Households merged"),
    "registry.household_transfer": _("Household moved to another village"),
    "registry.resident_add": _("Household member added"),
    "registry.resident_update": _("Resident changed"),
    "registry.resident_set_status": _("Resident's status changed"),
    "registry.resident_move": _("Resident moved to another household"),
    "registry.resident_set_tags": _("Resident's tags changed"),
    "registry.resident_merge": _("Duplicate registration merged"),
    "registry.resident_reveal": _("Full ID and phone numbers viewed"),
    "registry.resident_call": _("Called"),
    "registry.household_reveal": _("Household phone shown in full"),
    "registry.register_export": _("Household register exported"),
    "registry.registry_import": _("Household register imported"),
    "registry.group_leader_set": _("Villager group leader appointed"),
    "registry.group_leader_end": _("Villager group leader left office"),
    "registry.ten_group_save": _("Ten-household group saved"),
    "registry.tag_save": _("Tag saved"),
    # Written before actions were named after their service.
    "registry.import": _("Household register imported"),
    "registry.ten_group_create": _("Ten-household group saved"),
    "registry.ten_group_update": _("Ten-household group saved"),
    "registry.tag_create": _("Tag saved"),
    "registry.tag_update": _("Tag saved"),
}
