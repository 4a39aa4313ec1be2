"""The register in Django's admin: for looking only, with personal numbers masked there too."""

from django.contrib import admin

from cunzhi.core.admin import ReadOnlyAdmin
from cunzhi.registry.identity import mask_id_number, mask_phone
from cunzhi.registry.models import (
    GroupLeader,
    Household,
    Resident,
    ResidentTag,
    Tag,
    TenHouseholdGroup,
)


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("household_no", "region_code", "status")
    list_filter = ("status",)
    search_fields = ("household_no", "region_code")
    fields = ("region_code", "household_no", "group", "address", "masked_phone", "head", "status")
    readonly_fields = fields

    @admin.display(description="phone")
    def masked_phone(self, household: Household) -> str:
        return mask_phone(household.phone)


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
    list_display = ("name", "masked_id_number", "relation", "status", "region_code")
    list_filter = ("status", "sex")
    search_fields = ("name", "name_initials", "region_code")
    fields = (
        "region_code",
        "household",
        "name",
        "masked_id_number",
        "sex",
        "birth_date",
        "relation",
        "masked_phone",
        "status",
        "status_since",
    )
    readonly_fields = fields

    @admin.display(description="ID number")
    def masked_id_number(self, resident: Resident) -> str:
        return mask_id_number(resident.id_number)

    @admin.display(description="phone")
    def masked_phone(self, resident: Resident) -> str:
        return mask_phone(resident.phone)


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "sensitive", "key_person", "active", "order")
    list_filter = ("sensitive", "key_person", "active")


@admin.register(ResidentTag, TenHouseholdGroup, GroupLeader)
class RegisterRecordAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "region_code")
    search_fields = ("region_code",)
