from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "cunzhi.disputes"

    def ready(self) -> None:
        from cunzhi.audit.labels import register
        from cunzhi.disputes import workflows  # noqa: F401  (registers the workflows)
        from cunzhi.disputes.labels import ACTION_LABELS

        register(ACTION_LABELS)

        from cunzhi.core.workflow.sweep import deadline_reached
        from cunzhi.disputes.models import MediationCase, Petition
        from cunzhi.disputes.notifications import deadline_reached as tell_keepers

        for model in (Petition, MediationCase):
            deadline_reached.connect(tell_keepers, sender=model, dispatch_uid=f"disputes.{model}")
