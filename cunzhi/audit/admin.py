from django.contrib import admin

from cunzhi.audit.models import Event
from cunzhi.core.admin import ReadOnlyAdmin


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("chain", "seq", "occurred_at", "actor_label", "action", "object_label")
    list_filter = ("chain", "action")
    search_fields = ("object_label", "actor_label", "object_type", "object_id")
