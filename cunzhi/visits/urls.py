from django.urls import path

import cunzhi.regions.urls  # noqa: F401  (registers the <code:…> converter)
from cunzhi.visits import views

app_name = "visits"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("region/<code:code>/", views.visit_list_view, name="list"),
    path("region/<code:code>/new/", views.visit_create, name="create"),
    path("region/<code:code>/coverage/", views.coverage_view, name="coverage"),
    path("<int:pk>/", views.visit_detail, name="visit"),
    path("<int:pk>/edit/", views.visit_edit, name="edit"),
    path("<int:pk>/demand/", views.visit_need, name="need"),
]
