from django.contrib import admin

from cunzhi.core.admin import ReadOnlyAdmin
from cunzhi.regions.models import Clan, Contact, Facility, Region, VillageProfile


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(VillageProfile, Clan, Facility)
class VillageRecordAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "region_code")
    search_fields = ("region_code",)


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "level", "region_code")
    search_fields = ("name", "organisation", "region_code")
