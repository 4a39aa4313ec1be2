from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "cunzhi.regions"

    def ready(self) -> None:
        from cunzhi.audit.labels import register

        register(ACTION_LABELS)


# What a person reads in a history or the audit log for each of the app's actions.
ACTION_LABELS = {
    "regions.regions_import": _("Administrative divisions imported"),
    "regions.village_profile_update": _("Village profile changed"),
    "regions.clan_create": _("Clan added"),
    "regions.clan_update": _("Clan changed"),
    "regions.clan_delete": _("Clan removed"),
    "regions.facility_create": _("Facility added"),
    "regions.facility_update": _("Facility changed"),
    "regions.facility_delete": _("Facility removed"),
    "regions.contact_create": _("Contact added"),
    "regions.contact_update": _("Contact changed"),
    "regions.contact_delete": _("Contact removed"),
    # Written before actions were named after their service.
    "regions.import": _("Administrative divisions imported"),
    "regions.villageprofile_update": _("Village profile changed"),
}
