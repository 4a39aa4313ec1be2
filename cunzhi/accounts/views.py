from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.accounts.forms import PostAssignForm, PostEndForm, TokenCreateForm, UserCreateForm
from cunzhi.accounts.models import ApiToken, Post, User
from cunzhi.accounts.scopes import active_posts, has_permission_anywhere
from cunzhi.accounts.selectors import SESSION_POST, people_list, token_list
from cunzhi.accounts.services import (
    api_token_create,
    api_token_revoke,
    post_assign,
    post_end,
    user_create,
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
    context = {
        "subject": subject,
        "posts": subject.posts.select_related("region", "sending_unit").order_by("-starts_on"),
        "form": form if can_manage else None,
        "end_form": PostEndForm() if can_manage else None,
        "nav_active": "people",
    }
    return render(request, "accounts/person.html", context)


@login_required
@require_POST
def post_finish(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.for_user(request.user, "view"), pk=pk)
    form = PostEndForm(request.POST, version=post.version)
    if submit(form, lambda data: post_end(actor=request.user, post=post, **data)):
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
        "tokens": token_list(request.user),  # type: ignore[arg-type]
        "new_token": new_token,
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")
