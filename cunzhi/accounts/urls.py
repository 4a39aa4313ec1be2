from django.urls import path, register_converter

from cunzhi.accounts import views


class Username:
    """The characters Django allows in a username (letters, digits, ``@.+-_``), 150 at most.

    Anything else names nobody and is a 404 here, before a query: a NUL character in ``str``
    reached PostgreSQL, which cannot hold one in text, and answered a 500.
    """

    regex = r"[\w.@+-]{1,150}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(Username, "username")

app_name = "accounts"
urlpatterns = [
    path("post/", views.switch_post, name="switch_post"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<username:username>/", views.person, name="person"),
    path("people/<username:username>/unlock/", views.person_unlock, name="person_unlock"),
    path(
        "people/<username:username>/two-factor-reset/",
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
