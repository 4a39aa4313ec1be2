from django.contrib import admin

from cunzhi.accounts.models import ApiToken, Post, SendingUnit, User
from cunzhi.core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "full_name", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "full_name")
    exclude = ("password",)


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "region_code", "sending_unit", "starts_on", "ends_on")
    list_filter = ("role",)
    search_fields = ("user__username", "region_code")


@admin.register(SendingUnit)
class SendingUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "region_code")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
