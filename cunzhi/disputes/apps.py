from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "cunzhi.disputes"

    def ready(self) -> None:
        from cunzhi.audit.labels import register
        from cunzhi.disputes import workflows  # noqa: F401  (registers the workflows)
        from cunzhi.disputes.labels import ACTION_LABELS

        register(ACTION_LABELS)

        from cunzhi.decisions import preconditions
        from cunzhi.disputes.decision_check import stability_assessed

        preconditions.register(stability_assessed)
