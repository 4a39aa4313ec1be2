"""API tokens: made with a password, used as a bearer credential, ended by revocation or time.

A token stops working when it is revoked, when it is older than ``API_TOKEN_DAYS``, when its
user's password changes and when its user is deactivated (the last two revoke it: see
``accounts.signals``).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.accounts.models import ApiToken, User
from cunzhi.accounts.scopes import home_region_code
from cunzhi.audit import services as audit

TOKEN_PREFIX = "cz_"


def _hash_token(raw: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough; a slow one would tax every call.
    return hashlib.sha256(raw.encode()).hexdigest()


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_DAYS)


def token_expires_at(token: ApiToken) -> datetime.datetime:
    """When the token stops working; read from the setting, so shortening it ends old tokens."""
    return token.created_at + token_lifetime()


def api_token_create(*, actor: User, name: str = "") -> tuple[ApiToken, str]:
    """Make a bearer token for the actor's device; the raw token is returned once, never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken(
            user=actor,
            name=name.strip()[:100] or _("Unnamed device"),
            key_hash=_hash_token(raw),
        )
        token.prefix = raw[: len(TOKEN_PREFIX) + 6]
        token.save()
        audit.record(
            actor=actor,
            action="accounts.api_token_create",
            obj=token,
            region_code=home_region_code(actor),
            data={"name": token.name, "prefix": token.prefix},
        )
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("Only the token's owner revokes it."))
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at", "updated_at"])
            audit.record(
                actor=actor,
                action="accounts.api_token_revoke",
                obj=token,
                region_code=home_region_code(token.user),
                data={"prefix": token.prefix},
            )
    return token


def api_tokens_end(user: User) -> int:
    """Revoke every live token of ``user`` (their password changed, or they were deactivated).

    The caller records why, in its own event; this returns how many tokens it ended.
    """
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def api_token_authenticate(raw: str) -> User | None:
    """The active user a live, unexpired token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=_hash_token(raw),
            revoked_at__isnull=True,
            user__is_active=True,
            created_at__gt=now - token_lifetime(),
        )
        .first()
    )
    if token is None:
        return None
    # Note the use at most once a minute, so a busy device does not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
