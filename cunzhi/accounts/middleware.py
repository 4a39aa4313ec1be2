"""Keep a signed-in person who still owes a second factor on the two-factor pages.

After the right password the session is signed in, but until the code is given (or an
authenticator set up, where it is required) every page leads to the two-factor step and the
API refuses the session. A device's bearer token is not affected: the token endpoint asks for
the code itself. The step is read from the session (``signin.SESSION_TWO_FACTOR``), so this
costs no query on an ordinary request.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from cunzhi.accounts.signin import SESSION_TWO_FACTOR, VERIFY


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = request.session.get(SESSION_TWO_FACTOR) if hasattr(request, "session") else None
        if step and request.user.is_authenticated and not self._open(request):
            return self._to_step(request, step)
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        """Paths a person between password and code may reach."""
        path = request.path
        if path.startswith("/api/"):
            return request.headers.get("Authorization", "").lower().startswith("bearer ")
        open_paths = (
            reverse("accounts:two_factor"),
            reverse("accounts:two_factor_verify"),
            reverse("logout"),
            reverse("login"),
            reverse("set_language"),
        )
        return path in open_paths or path.startswith(settings.STATIC_URL)

    @staticmethod
    def _to_step(request: HttpRequest, step: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            detail = _("Finish signing in with your authenticator's code first.")
            return JsonResponse({"detail": detail, "errors": []}, status=403)
        name = "accounts:two_factor_verify" if step == VERIFY else "accounts:two_factor"
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(name)}?{query}")
