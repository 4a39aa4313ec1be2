from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "cunzhi.visits"
    verbose_name = _("Visits")

    def ready(self) -> None:
        from cunzhi.audit.labels import register

        register(ACTION_LABELS)


ACTION_LABELS = {
    "visits.visit_record": _("Visit recorded"),
    "visits.visit_update": _("Visit changed"),
    "visits.visit_need_to_demand": _("Need from a visit registered as a demand"),
}
