from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "cunzhi.decisions"
    verbose_name = _("Village decisions")

    def ready(self) -> None:
        from cunzhi.audit.labels import register
        from cunzhi.decisions import workflows  # noqa: F401  (registers the matter workflow)

        register(ACTION_LABELS)


ACTION_LABELS = {
    "decisions.membership_appoint": _("Put on a register"),
    "decisions.membership_end": _("Term on a register ended"),
    "decisions.matter_propose": _("Matter proposed"),
    "decisions.matter_transition": _("Step of the matter taken"),
    "decisions.opinion_give": _("Supervision committee's opinion given"),
    "decisions.meeting_convene": _("Meeting and attendance recorded"),
    "decisions.meeting_vote": _("Vote recorded"),
    "decisions.matters_export": _("Matters exported"),
}
