from django.urls import path

from cunzhi.core.attachments import views

app_name = "attachments"
urlpatterns = [
    path("<int:attachment_id>/", views.download, name="download"),
    path("<int:attachment_id>/remove/", views.remove, name="remove"),
    path("add/<str:label>/<str:object_id>/", views.add, name="add"),
]
