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


# What a person reads in a history or the audit log for the reveals of personal numbers.
ACTION_LABELS = {
    "registry.resident_reveal": _("Numbers shown in full"),
    "registry.resident_call": _("Called"),
    "registry.household_reveal": _("Household phone shown in full"),
}
