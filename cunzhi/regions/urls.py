from django.urls import path, register_converter

from cunzhi.regions import views


class DivisionCode:
    """A 12-digit division code, or 15 digits for a villager group."""

    regex = r"[0-9]{12}(?:[0-9]{3})?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DivisionCode, "code")

app_name = "regions"
urlpatterns = [
    path("", views.region_index, name="list"),
    path("<code:code>/", views.region_detail, name="detail"),
    path("<code:code>/profile/", views.profile, name="profile"),
    path("<code:code>/profile/edit/", views.profile_edit, name="profile_edit"),
    path("<code:code>/contacts/", views.contacts, name="contacts"),
    path("contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    *views.clans.urls("clans"),
    *views.facilities.urls("facilities"),
]
