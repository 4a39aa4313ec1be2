from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpennessConfig(AppConfig):
    name = "cunzhi.openness"
    verbose_name = _("Public board")

    def ready(self) -> None:
        from cunzhi.audit.labels import register

        register(ACTION_LABELS)


ACTION_LABELS = {
    "openness.notice_publish": _("Notice published"),
    "openness.objection_raise": _("Objection raised on the public board"),
    "openness.objection_answer": _("Objection answered"),
    "openness.notices_export": _("Notices exported"),
}
