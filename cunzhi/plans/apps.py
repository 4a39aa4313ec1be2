from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "cunzhi.plans"
    verbose_name = _("Work plans")

    def ready(self) -> None:
        from cunzhi.audit.labels import register
        from cunzhi.plans import workflows  # noqa: F401  (registers the workflow)

        register(ACTION_LABELS)


ACTION_LABELS = {
    "plans.plan_create": _("Work plan created"),
    "plans.objective_add": _("Objective added"),
    "plans.task_create": _("Task added"),
    "plans.task_progress": _("Task progress recorded"),
    "plans.ledgeritem_create": _("Rectification item added"),
    "plans.ledgeritem_transition": _("Rectification step taken"),
    "plans.ledgeritem_deadline_reminder": _("Rectification due soon"),
    "plans.ledgeritem_deadline_overdue": _("Rectification overdue"),
    "plans.ledgeritem_deadline_extend": _("Rectification deadline extended"),
}
