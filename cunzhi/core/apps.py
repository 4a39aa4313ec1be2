from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def seed_policy_defaults(sender: AppConfig, *, using: str, **kwargs: Any) -> None:
    """After ``migrate``, add the registry's national defaults the table lacks (DESIGN rule 4)."""
    from cunzhi.core.services import sync_policy_defaults

    try:
        # The migration state's model: the table as the migrations left it, not as the code has it.
        model = kwargs.get("apps", global_apps).get_model("core", "PolicyParameter")
    except LookupError:
        return  # core is migrated back to before the table existed
    sync_policy_defaults(using=using, model=model)


def schedule_deadline_sweep(sender: AppConfig, *, using: str, **kwargs: Any) -> None:
    """After ``migrate``, make sure the worker has a deadline sweep waiting (core.workflow.sweep).

    ``make run`` migrates before it starts the worker, so every start has the chain of sweeps.
    """
    from django.db import connections

    from cunzhi.core.workflow.sweep import schedule

    if "django_tasks_database_dbtaskresult" not in connections[using].introspection.table_names():
        return  # migrated back to before the task table existed
    schedule()


class CoreConfig(AppConfig):
    name = "cunzhi.core"

    def ready(self) -> None:
        # Connects the receivers that drop cached calendar years when an override changes.
        from cunzhi.core import calendar  # noqa: F401

        post_migrate.connect(seed_policy_defaults, sender=self)
        post_migrate.connect(schedule_deadline_sweep, sender=self)
        # Each app's attention.py registers what needs a person's attention (core.attention).
        from cunzhi.core import attention

        attention.autodiscover()
        from cunzhi.audit.labels import register

        register(ACTION_LABELS)


# What a person reads in a history or the audit log for each of the app's actions.
ACTION_LABELS = {
    "core.calendar_year_import": _("Holiday calendar imported"),
    "core.policy_override_set": _("Policy parameter set for the county"),
    "core.attachment_add": _("File attached"),
    "core.attachment_remove": _("Attached file removed"),
    "core.attachment_download": _("Attached file downloaded"),
}
