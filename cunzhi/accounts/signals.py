"""The trace of every sign-in, from every door, and the end of a user's tokens.

Connected in ``AccountsConfig.ready``. Django sends the sign-in signals from the page, the admin
and ``authenticate`` (the API's token endpoint), and Axes sends its lockout signal; listening to
them, rather than calling from each view, leaves one trace whichever door was used.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from cunzhi.accounts.models import User
from cunzhi.accounts.services.signin import (
    sign_in_failure_record,
    sign_in_lock_record,
    sign_in_record,
    sign_out_record,
)
from cunzhi.accounts.services.tokens import api_tokens_end
from cunzhi.accounts.signin import (
    SESSION_TWO_FACTOR,
    client_address,
    is_locked_out,
    two_factor_step,
)


def _address(request: HttpRequest | None) -> str | None:
    return client_address(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="cunzhi_signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    sign_in_record(user=user, address=_address(request))
    session = getattr(request, "session", None)
    if session is not None:
        step = two_factor_step(user)
        if step:
            session[SESSION_TWO_FACTOR] = step
        else:
            session.pop(SESSION_TWO_FACTOR, None)


@receiver(user_logged_out, dispatch_uid="cunzhi_signed_out")
def signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        sign_out_record(user=user, address=_address(request))


@receiver(user_login_failed, dispatch_uid="cunzhi_sign_in_failed")
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already replaced the password in ``credentials``; only the username is kept.
    username = str(credentials.get("username") or "")
    # Refused unchecked because of an earlier lock: Axes' backend marked it before the password
    # was looked at. The attempt that reaches the limit is marked too, but by Axes' handler,
    # which then also counts its failures; that one was a wrong password like the ones before.
    locked = (
        request is not None
        and is_locked_out(request)
        and getattr(request, "axes_failures_since_start", None) is None
    )
    sign_in_failure_record(username=username, address=_address(request), locked=locked)


@receiver(user_locked_out, dispatch_uid="cunzhi_locked_out")
def locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # Axes sends this again for each attempt refused during the lock; only the attempt that
    # reached the limit has its failures counted, and only that one is the lockout.
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    sign_in_lock_record(username=username or "", address=ip_address, failures=failures)


@receiver(post_save, sender=User, dispatch_uid="cunzhi_user_saved")
def user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    """A new password or a deactivation ends the user's API tokens, whoever made the change.

    ``set_password`` leaves the new password in ``_password`` until the save completes; Django's
    silent re-hash of an unchanged password at sign-in does not, so it ends nothing.
    """
    if created:
        return
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        api_tokens_end(instance)
