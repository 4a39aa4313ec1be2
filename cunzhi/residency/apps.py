from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidencyConfig(AppConfig):
    name = "cunzhi.residency"
    verbose_name = _("First secretaries and work teams")

    def ready(self) -> None:
        from cunzhi.audit.labels import register
        from cunzhi.residency import workflows  # noqa: F401  (registers the leave workflow)

        register(ACTION_LABELS)


# What a person reads in a history or the audit log (action = residency.<service function>).
ACTION_LABELS = {
    "residency.cadre_register": _("Cadre recorded"),
    "residency.cadre_dispatch": _("Cadre dispatched to the village"),
    "residency.dispatch_create": _("Cadre dispatched to the village"),
    "residency.dispatch_end": _("Dispatch ended"),
    "residency.presence_check_in": _("Checked in"),
    "residency.presence_fill": _("Missed day filled in"),
    "residency.presence_correct": _("Day of presence corrected"),
    "residency.presence_record_leave": _("Days of leave recorded"),
    "residency.leave_request_create": _("Leave requested"),
    "residency.leave_request_transition": _("Leave request step taken"),
    "residency.compliance_export": _("Time in the village exported"),
    "residency.assessment_open": _("Annual assessment opened"),
    "residency.assessment_opinion_give": _("Assessment opinion given"),
    "residency.assessment_grade": _("Annual grade set"),
    "residency.recall_start": _("Recall started"),
    "residency.diary_entry_write": _("Diary entry written"),
    "residency.diary_entry_update": _("Diary entry corrected"),
    "residency.recall_transition": _("Recall step taken"),
    "residency.support_open": _("Support ledger opened"),
    "residency.support_update": _("Support ledger updated"),
    "residency.support_spending_add": _("Spending of the work funds recorded"),
    "residency.support_meeting_add": _("Pairing meeting recorded"),
    "residency.support_training_add": _("Training recorded"),
    "residency.support_export": _("Support ledgers exported"),
}
