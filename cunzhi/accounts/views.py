from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cunzhi.accounts.forms import (
    PostAssignForm,
    PostEndForm,
    SignInForm,
    TokenCreateForm,
    TwoFactorCodeForm,
    UserCreateForm,
)
from cunzhi.accounts.models import ApiToken, Post, User
from cunzhi.accounts.scopes import active_posts, has_permission_anywhere
from cunzhi.accounts.selectors import SESSION_POST, people_list, token_rows
from cunzhi.accounts.services import (
    api_token_create,
    api_token_revoke,
    password_change,
    post_assign,
    post_end,
    sign_in_unlock,
    two_factor_enrol,
    two_factor_reset,
    user_create,
)
from cunzhi.accounts.services.signin import (
    require_manage_user,
    two_factor_device,
    two_factor_pending_device,
)
from cunzhi.accounts.signin import (
    SESSION_TWO_FACTOR,
    SETUP,
    VERIFY,
    account_locked,
    grouped_secret,
    is_locked_out,
    qr_svg,
)
from cunzhi.core.forms import submit


@login_required
@require_POST
def switch_post(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("post", "")
    post = next((p for p in active_posts(request.user) if str(p.pk) == wanted), None)
    if post is None:
        messages.error(request, _("That post is not yours or has ended."))
    else:
        request.session[SESSION_POST] = post.pk
    return redirect("core:home")


@login_required
def people(request: HttpRequest) -> HttpResponse:
    if not has_permission_anywhere(request.user, "accounts.view_user"):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    context = {
        "nav_active": "people",
        "people": people_list(request.user, query)[:200],
        "query": query,
        "can_add": has_permission_anywhere(request.user, "accounts.add_user"),
    }
    template = "accounts/people.html#people-table" if request.htmx else "accounts/people.html"  # type: ignore[attr-defined]
    return render(request, template, context)


T = TypeVar("T")


def _in_own_county(write: Callable[[], T]) -> T:
    """Run a post write; a region outside the administrator's county becomes a form error."""
    try:
        return write()
    except PermissionDenied:
        raise ValidationError(
            {"region": _("You manage posts only inside your own county.")}
        ) from None


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not has_permission_anywhere(request.user, "accounts.add_user"):
        raise PermissionDenied
    form = UserCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and submit(
        form, lambda data: _in_own_county(lambda: user_create(actor=request.user, **data))
    ):
        name = form.cleaned_data["full_name"]
        messages.success(request, _("%(name)s can now sign in.") % {"name": name})
        return redirect("accounts:people")
    return render(request, "accounts/person_form.html", {"form": form, "nav_active": "people"})


@login_required
def person(request: HttpRequest, username: str) -> HttpResponse:
    """A person's posts; a county administrator adds and ends posts here."""
    subject = get_object_or_404(User.objects.for_user(request.user, "view"), username=username)
    can_manage = has_permission_anywhere(request.user, "accounts.add_post")
    form = PostAssignForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied

        if submit(
            form,
            lambda data: _in_own_county(
                lambda: post_assign(actor=request.user, user=subject, **data)
            ),
        ):
            messages.success(request, _("The post was added."))
            return redirect("accounts:person", username=subject.username)
    may_manage_sign_in = User.objects.for_user(request.user, "change").filter(pk=subject.pk)
    context = {
        "subject": subject,
        "posts": subject.posts.select_related("region", "sending_unit").order_by("-starts_on"),
        "form": form if can_manage else None,
        "end_form": PostEndForm() if can_manage else None,
        "sign_in": {
            "locked": account_locked(subject.username),
            "two_factor": two_factor_device(subject) is not None,
        }
        if may_manage_sign_in.exists()
        else None,
        "nav_active": "people",
    }
    return render(request, "accounts/person.html", context)


@login_required
@require_POST
def post_finish(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.for_user(request.user, "view"), pk=pk)
    form = PostEndForm(request.POST)
    if submit(form, lambda data: post_end(actor=request.user, post=post, ends_on=data["ends_on"])):
        messages.success(request, _("The post was ended."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
    return redirect("accounts:person", username=post.user.username)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = api_token_create(actor=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        form = TokenCreateForm()
    context = {
        "nav_active": "tokens",
        "form": form,
        "tokens": token_rows(request.user),  # type: ignore[arg-type]
        "new_token": new_token,
        "token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


def _managed_person(request: HttpRequest, username: str) -> User:
    """A person whose sign-in the administrator manages: out of reach is a 404, as a read is."""
    subject = get_object_or_404(User.objects.for_user(request.user, "view"), username=username)
    require_manage_user(request.user, subject)
    return subject


@login_required
@require_POST
def person_unlock(request: HttpRequest, username: str) -> HttpResponse:
    subject = _managed_person(request, username)
    sign_in_unlock(actor=request.user, user=subject)
    messages.success(
        request, _("%(name)s can sign in again.") % {"name": subject.full_name or subject}
    )
    return redirect("accounts:person", username=subject.username)


@login_required
@require_POST
def person_two_factor_reset(request: HttpRequest, username: str) -> HttpResponse:
    subject = _managed_person(request, username)
    two_factor_reset(actor=request.user, user=subject)
    messages.success(
        request,
        _("%(name)s's authenticator was removed: they set up a new one at their next sign-in.")
        % {"name": subject.full_name or subject},
    )
    return redirect("accounts:person", username=subject.username)


class SignInView(LoginView):
    """The sign-in page. A locked-out attempt answers 429 with the lockout message."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if is_locked_out(self.request):
            response.status_code = 429
        return response


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        user = password_change(actor=request.user, form=form)  # type: ignore[arg-type]
        update_session_auth_hash(request, user)  # stay signed in here; other sessions end
        messages.success(
            request, _("Your password was changed. Devices that used the old one need a new token.")
        )
        return redirect("core:home")
    return render(request, "registration/password_change_form.html", {"form": form})


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else reverse("core:home")


def _second_factor_done(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    otp_login(request, device)
    request.session.pop(SESSION_TWO_FACTOR, None)
    return redirect(_next_url(request))


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: scan the QR code (or type the secret), confirm with a code."""
    user: User = request.user  # type: ignore[assignment]
    if request.session.get(SESSION_TWO_FACTOR) == VERIFY:
        return redirect(f"{reverse('accounts:two_factor_verify')}?{request.GET.urlencode()}")
    context: dict[str, Any] = {"nav_active": "two_factor", "next": _next_url(request)}
    if two_factor_device(user) is not None:
        return render(request, "accounts/two_factor.html", {**context, "enrolled": True})
    device = two_factor_pending_device(user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and submit(
        form, lambda data: two_factor_enrol(actor=user, device=device, code=data["code"])
    ):
        messages.success(request, _("Two-factor sign-in is on."))
        return _second_factor_done(request, device)
    context |= {
        "form": form,
        "required": request.session.get(SESSION_TWO_FACTOR) == SETUP,
        "qr_svg": qr_svg(device.config_url),
        "secret": grouped_secret(device),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a sign-in: the code the user's authenticator shows now."""
    user: User = request.user  # type: ignore[assignment]
    device = two_factor_device(user)
    if device is None:  # reset by an administrator meanwhile: set up a new one
        request.session[SESSION_TWO_FACTOR] = SETUP
        return redirect(f"{reverse('accounts:two_factor')}?{request.GET.urlencode()}")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _("Too many wrong codes: wait a minute, then try again."))
        elif device.verify_token(form.cleaned_data["code"].strip()):
            return _second_factor_done(request, device)
        else:
            form.add_error("code", _("The code is wrong or has expired."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )
