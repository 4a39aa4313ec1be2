from django.urls import path

from cunzhi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("post/", views.switch_post, name="switch_post"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<str:username>/", views.person, name="person"),
    path("people/<str:username>/unlock/", views.person_unlock, name="person_unlock"),
    path(
        "people/<str:username>/two-factor-reset/",
        views.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
    path("posts/<int:pk>/end/", views.post_finish, name="post_end"),
    path("devices/", views.tokens, name="tokens"),
    path("devices/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("password/", views.password_change_view, name="password_change"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
]
