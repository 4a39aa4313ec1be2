"""How a sign-in is throttled (django-axes) and when it needs a second factor (django-otp).

Both doors, the sign-in page and ``POST /api/v1/auth/token``, call Django's ``authenticate`` with
the request, so Axes' backend counts every failure per account and per address and refuses a
locked one before the password is checked. Each door then answers a lockout in its own way (the
page's message, the API's 429); ``lockout_response`` only makes sure Axes keeps that answer.
"""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cunzhi.accounts.permissions import role_needs_two_factor
from cunzhi.accounts.scopes import post_prefixes

# The session remembers, from the sign-in on, which two-factor step is still due ("verify",
# "setup" or absent), so that checking it costs no query on each request.
SESSION_TWO_FACTOR = "cunzhi_two_factor"
VERIFY, SETUP = "verify", "setup"


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind ``PROXY_COUNT`` proxies the address the first
    of them saw, counted from the right of X-Forwarded-For (the left is the client's own say)."""
    proxies = settings.CLIENT_ADDRESS_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _(
        "Too many failed sign-ins: this account or this address is locked for %(minutes)s "
        "minutes. Try again later, or ask your county administrator to unlock the account."
    ) % {"minutes": cool_off_minutes()}


def is_locked_out(request: HttpRequest) -> bool:
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: keep the answer the door already gave (it said why, in Chinese)."""
    if original_response is not None:
        return original_response
    return HttpResponse(lockout_message(), status=429)


def account_locked(username: str) -> bool:
    """Whether the account's recent failures reach the limit (what an administrator unlocks)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.AXES_FAILURE_LIMIT


def two_factor_required(user: Any) -> bool:
    """Whether ``user`` must sign in with a second factor, read from the permission matrix.

    A superuser may do anything, so yes; otherwise yes when a post they hold today carries one of
    ``TWO_FACTOR_PERMISSIONS`` (revealing personal numbers, giving people posts).
    """
    if not settings.OTP_REQUIRED:
        return False
    if user.is_superuser:
        return True
    return any(role_needs_two_factor(role) for role, _prefix in post_prefixes(user))


def two_factor_step(user: Any) -> str:
    """What a user who has just given the right password must still do: verify, set up or "".

    Whoever has enrolled an authenticator is asked for its code, required or not.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    if two_factor_required(user):
        return SETUP
    return ""


def qr_svg(text: str) -> str:
    """``text`` as a QR code in inline SVG: paths only, no script, nothing fetched."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    svg = qrcode.make(text, image_factory=SvgPathImage, box_size=10).to_string(encoding="unicode")
    # The library sizes it in millimetres; a fixed pixel size reads the same on every screen.
    return re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg width="220" height="220" role="img" class="qr"',
        svg,
        count=1,
    )


def grouped_secret(device: TOTPDevice) -> str:
    """The device's secret in base32, in groups of four, to type into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class SignInHandler(AxesDatabaseHandler):
    """Axes' database handler without writes on a successful sign-in or a sign-out.

    Axes' own handler deletes expired failures on each sign-in and sign-out: on SQLite an empty
    write transaction, which queues behind every other writer, on the most common request of
    the morning. Expired failures are deleted anyway whenever a failure is recorded, and they
    never count (only failures within the cool-off do). Its access log is off
    (``AXES_DISABLE_ACCESS_LOG``: the audit log has each sign-in) and a success clears nothing
    (``AXES_RESET_ON_SUCCESS`` off: an attacker's own account must not clear an address), so
    nothing is left to do. benchmarks/bench_signin.py measures what remains.
    """

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        return None

    def user_logged_out(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        return None
