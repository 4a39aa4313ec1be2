from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "cunzhi.plans"
    verbose_name = _("Work plans")

    def ready(self) -> None:
        from cunzhi.audit.labels import register
        from cunzhi.plans import workflows  # noqa: F401  (registers the three workflows)

        register(ACTION_LABELS)


# What a person reads in a history or the audit log for each of the app's actions.
ACTION_LABELS = {
    "plans.plan_create": _("Work plan drawn up"),
    "plans.plan_update": _("Work plan changed"),
    "plans.objective_add": _("Objective added to the work plan"),
    "plans.objective_update": _("Objective changed"),
    "plans.task_create": _("Task added to the work plan"),
    "plans.task_update": _("Task changed"),
    "plans.milestone_add": _("Milestone added"),
    "plans.milestone_reach": _("Milestone reached"),
    "plans.progress_note_add": _("Progress noted"),
    "plans.rectification_create": _("Rectification item entered in the ledger"),
    "plans.rectification_update": _("Rectification item changed"),
    "plans.tasks_export": _("Plan tasks exported"),
    "plans.rectifications_export": _("Rectification ledger exported"),
}
