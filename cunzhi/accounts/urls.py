from django.contrib.auth import views as auth_views
from django.urls import path

from cunzhi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("post/", views.switch_post, name="switch_post"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<str:username>/", views.person, name="person"),
    path("posts/<int:pk>/end/", views.post_finish, name="post_end"),
    path("devices/", views.tokens, name="tokens"),
    path("devices/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "password/", auth_views.PasswordChangeView.as_view(success_url="/"), name="password_change"
    ),
]
