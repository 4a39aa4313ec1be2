"""Django's admin is for looking, not for changing: every write goes through a service (rule 3)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cunzhi.core.models import CalendarDay, CalendarYear, PolicyParameter


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows records; adding, changing and deleting are left to the audited services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "imported_at")


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)


@admin.register(PolicyParameter)
class PolicyParameterAdmin(ReadOnlyAdmin):
    list_display = ("key", "region_code", "valid_from", "value")
    list_filter = ("key",)
    search_fields = ("key", "region_code")
