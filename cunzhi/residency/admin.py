from django.contrib import admin

from cunzhi.core.admin import ReadOnlyAdmin
from cunzhi.residency.models import Cadre, Dispatch, LeaveRequest, PresenceDay


@admin.register(Cadre, Dispatch, PresenceDay, LeaveRequest)
class ResidencyRecordAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "region_code")
    search_fields = ("region_code",)
