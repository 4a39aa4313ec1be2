from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "cunzhi.demands"
    verbose_name = _("Demands")

    def ready(self) -> None:
        from cunzhi.audit.labels import register
        from cunzhi.demands import workflows  # noqa: F401  (registers the workflow)
        from cunzhi.demands.services import sync_default_categories

        post_migrate.connect(
            sync_default_categories, sender=self, dispatch_uid="demands_default_categories"
        )
        register(ACTION_LABELS)

        from cunzhi.core.workflow.sweep import deadline_reached
        from cunzhi.demands.models import Demand
        from cunzhi.demands.services import on_overdue

        deadline_reached.connect(on_overdue, sender=Demand, dispatch_uid="demands_overdue")


# What a person reads in a history or the audit log (audit/labels.py).
ACTION_LABELS = {
    "demands.demand_create": _("Demand registered"),
    "demands.demand_update": _("Demand changed"),
    "demands.demand_assign": _("Demand assigned"),
    "demands.demand_transition": _("Demand step taken"),
    "demands.demand_merge": _("Duplicate demand merged"),
    "demands.demand_deadline_reminder": _("Demand due soon"),
    "demands.demand_deadline_overdue": _("Demand overdue"),
    "demands.demand_deadline_extend": _("Demand's time limit extended"),
    "demands.rollup_rebuild": _("Demand figures recounted"),
}
