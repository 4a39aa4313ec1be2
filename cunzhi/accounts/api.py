"""API tokens and "who am I": how a device signs in and learns what its user may do."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from cunzhi.accounts.models import ApiToken, Post, Role, User
from cunzhi.accounts.scopes import active_posts
from cunzhi.accounts.selectors import token_list
from cunzhi.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from cunzhi.accounts.services.signin import two_factor_device
from cunzhi.accounts.services.tokens import token_expires_at
from cunzhi.accounts.signin import SETUP, is_locked_out, lockout_message, two_factor_step
from cunzhi.core.api import READ_ERRORS, ErrorOut, InputSchema, RecordId, actor, label_of


class BearerToken(HttpBearer):
    """``Authorization: Bearer cz_...``: a device's token from ``POST /auth/token``.

    A request that presents a token which does not resolve is refused with 401 here instead of
    falling through to the session check: the client said who it is and was wrong, and letting it
    fall through would turn a revoked token on a POST into a confusing CSRF 403.
    """

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = api_token_authenticate(token.strip())
        if user is None:
            raise AuthenticationError(message=_("The API token is not valid or has been revoked."))
        return user


router = Router(tags=["auth"])


class TokenCreateIn(InputSchema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=4096)
    name: str = Field(
        "", max_length=100, description="What the token is for, e.g. the device. Optional."
    )
    otp: str = Field(
        "",
        max_length=8,
        description="The code of the user's authenticator app, for a user with two-factor "
        "sign-in (docs/api.md).",
    )


class TokenOut(Schema):
    """A token as its owner sees it later: never the token itself, never its hash."""

    id: int
    name: str
    prefix: str = Field(..., description="The first characters of the token, to recognise it.")
    created_at: datetime.datetime
    expires_at: datetime.datetime = Field(..., description="When the token stops working.")
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None

    @staticmethod
    def resolve_expires_at(token: ApiToken) -> datetime.datetime:
        return token_expires_at(token)


class NewTokenOut(Schema):
    token: str = Field(..., description="The bearer token. Shown this once; store it now.")
    id: int
    name: str
    prefix: str
    created_at: datetime.datetime
    expires_at: datetime.datetime


class PostOut(Schema):
    id: int
    role: str
    role_label: str
    region_code: str
    region_name: str
    sending_unit: str | None
    title: str
    starts_on: datetime.date
    ends_on: datetime.date | None

    @staticmethod
    def resolve_role_label(post: Post) -> str:
        return label_of(Role, post.role)

    @staticmethod
    def resolve_region_name(post: Post) -> str:
        return post.region.name

    @staticmethod
    def resolve_sending_unit(post: Post) -> str | None:
        return post.sending_unit.name if post.sending_unit else None


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    posts: list[PostOut] = Field(..., description="The posts the user holds today.")


@router.post(
    "/token",
    auth=None,
    response={201: NewTokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Create an API token with a username and password",
)
def token_create(request: HttpRequest, payload: TokenCreateIn) -> Status[Any]:
    """The one endpoint without authentication: it is how a device gets its credential.

    No CSRF check either: the answer carries the token in its body, which a cross-site page
    cannot read. The password is checked through ``authenticate`` with the request, so Axes
    counts and locks this door exactly as the sign-in page (a locked account or address: 429).
    A user with two-factor sign-in also sends the authenticator's current code, or a token
    would be a way around it.
    """
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if is_locked_out(request):
            return Status(429, ErrorOut(detail=lockout_message()))
        raise AuthenticationError(message=_("Wrong username or password."))
    step = two_factor_step(user)
    if step == SETUP:
        detail = _("Set up two-factor sign-in on the website first, then make a token.")
        return Status(403, ErrorOut(detail=detail))
    device = two_factor_device(user) if step else None  # type: ignore[arg-type]
    # A missing code is not tried: trying it would count as a wrong one and delay the next.
    code = payload.otp.strip()
    if device is not None and (not code or not device.verify_token(code)):
        message = _("Send the current code of your authenticator app in otp.")
        raise AuthenticationError(message=message)
    token, raw = api_token_create(actor=user, name=payload.name)  # type: ignore[arg-type]
    return Status(
        201,
        NewTokenOut(
            token=raw,
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            expires_at=token_expires_at(token),
        ),
    )


@router.get("/tokens", response={200: list[TokenOut], 401: ErrorOut}, summary="My API tokens")
def token_list_endpoint(request: HttpRequest) -> list[ApiToken]:
    return list(token_list(actor(request)))


@router.delete(
    "/tokens/{token_id}",
    response={204: None, **READ_ERRORS},
    summary="Revoke one of my API tokens",
)
def token_revoke(request: HttpRequest, token_id: RecordId) -> Status[None]:
    """Someone else's token is a 404, as if it did not exist."""
    token = get_object_or_404(token_list(actor(request)), pk=token_id)
    api_token_revoke(actor=actor(request), token=token)
    return Status(204, None)


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="Who I am and my posts")
def me(request: HttpRequest) -> dict[str, Any]:
    user = actor(request)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "is_superuser": user.is_superuser,
        "posts": active_posts(user),
    }
