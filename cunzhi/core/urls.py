from django.urls import path

from cunzhi.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("rules/", views.rules, name="rules"),
    path("attention/", views.attention, name="attention"),
    path("healthz", views.healthz, name="healthz"),
]
