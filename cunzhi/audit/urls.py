from django.urls import path

from cunzhi.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="list"),
    path("history/<str:object_type>/<str:object_id>/", views.history, name="history"),
]
