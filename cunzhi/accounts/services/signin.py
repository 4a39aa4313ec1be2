"""Sign-in's trace and its administration: events, unlocking, password change, two-factor.

A sign-in, a failed one, a sign-out and a lockout are written by ``accounts.signals`` from
Django's and Axes' signals, so that every door (the page, the API, the admin) leaves the same
trace. Each event goes to the chain of the person's county (``scopes.home_region_code``); an
attempt on a username nobody has goes to the global chain.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cunzhi.accounts.models import ApiToken, User
from cunzhi.accounts.scopes import home_region_code
from cunzhi.audit import services as audit


def _record_about(user: User | None, *, actor: Any, action: str, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=action,
            obj=user,
            object_type="accounts.user",
            region_code=home_region_code(user),
            **kwargs,
        )


def sign_in_record(*, user: User, address: str | None) -> None:
    _record_about(user, actor=user, action="accounts.sign_in", data={"address": address})


def sign_out_record(*, user: User, address: str | None) -> None:
    _record_about(user, actor=user, action="accounts.sign_out", data={"address": address})


def sign_in_failure_record(*, username: str, address: str | None, locked: bool) -> None:
    """A refused sign-in: no actor, the username tried (never the password), the address.

    ``locked``: refused because the account or the address was locked, whatever the password.
    """
    username = username[:150]
    user = User.objects.filter(username=username).first() if username else None
    data: dict[str, Any] = {"username": username, "address": address}
    if locked:
        data["locked"] = True
    _record_about(
        user,
        actor=None,
        actor_label=username or "-",
        action="accounts.sign_in_failure",
        object_label="" if user else username,
        data=data,
    )


def sign_in_lock_record(*, username: str, address: str | None, failures: int | None) -> None:
    """Axes locked an account or an address after too many failures."""
    username = (username or "")[:150]
    user = User.objects.filter(username=username).first() if username else None
    _record_about(
        user,
        actor=None,
        actor_label=username or "-",
        action="accounts.sign_in_lock",
        object_label="" if user else username,
        data={"username": username, "address": address, "failures": failures},
    )


def require_manage_user(actor: Any, user: User) -> None:
    """Only an administrator over one of the user's posts (or a superuser) manages their sign-in."""
    if getattr(actor, "is_superuser", False):
        return
    if not User.objects.for_user(actor, "change").filter(pk=user.pk).exists():
        raise PermissionDenied("accounts.change_user")


def sign_in_unlock(*, actor: Any, user: User) -> int:
    """Clear the failed sign-ins counted against ``user``'s account; how many records went.

    The failures of an address (an office's shared connection, a script) are cleared with
    ``manage.py axes_reset_ip`` (docs/deploy.md).
    """
    require_manage_user(actor, user)
    with transaction.atomic():
        cleared = AxesProxyHandler.reset_attempts(username=user.username)
        audit.record(
            actor=actor,
            action="accounts.sign_in_unlock",
            obj=user,
            region_code=home_region_code(user),
            data={"username": user.username, "cleared": cleared},
        )
    return cleared


def password_change(*, actor: User, form: PasswordChangeForm) -> User:
    """Save a validated password change; every API token of the user stops working."""
    user: User = form.user  # type: ignore[assignment]
    if user.pk != actor.pk:
        raise PermissionDenied(_("Only the user changes their own password here."))
    with transaction.atomic():
        live = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
        form.save()  # accounts.signals revokes the tokens, whichever way a password changes
        audit.record(
            actor=actor,
            action="accounts.password_change",
            obj=user,
            region_code=home_region_code(user),
            data={"tokens_revoked": live},
        )
    return user


def two_factor_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled: one per user, kept until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def two_factor_enrol(*, actor: User, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm a new authenticator with the code it shows now."""
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied(_("This is not your authenticator being set up."))
    # Outside the transaction: a wrong code's throttling (django-otp) must not roll back with it.
    if not device.verify_token(code.strip()):
        raise ValidationError({"code": _("The code is wrong or has expired.")})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            actor=actor,
            action="accounts.two_factor_enrol",
            obj=actor,
            region_code=home_region_code(actor),
            data={"device": device.name},
        )
    return device


def two_factor_reset(*, actor: Any, user: User) -> int:
    """Remove a user's authenticators (a lost phone); they enrol again at their next sign-in."""
    require_manage_user(actor, user)
    return _two_factor_remove(actor=actor, user=user)


def two_factor_reset_by_operator(*, user: User) -> int:
    """The same, from ``manage.py two_factor_reset`` on the server: for the last superuser, whom
    no administrator on the pages can reach. Whoever has the server's shell owns the database."""
    return _two_factor_remove(actor=None, user=user, actor_label="manage.py")


def _two_factor_remove(*, actor: Any, user: User, actor_label: str = "") -> int:
    with transaction.atomic():
        removed, _per_model = TOTPDevice.objects.filter(user=user).delete()
        audit.record(
            actor=actor,
            actor_label=actor_label,
            action="accounts.two_factor_reset",
            obj=user,
            region_code=home_region_code(user),
            data={"username": user.username, "devices_removed": removed},
        )
    return removed
