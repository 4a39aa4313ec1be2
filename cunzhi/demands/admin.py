from django.contrib import admin

from cunzhi.demands.models import DemandCategory


@admin.register(DemandCategory)
class DemandCategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The dictionary of categories is kept by the system administrator."""

    list_display = ("code", "name", "active", "order")
    list_editable = ("name", "active", "order")
