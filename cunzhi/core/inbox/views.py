"""The inbox page, and marking notifications read (one, or all)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cunzhi.core.inbox.selectors import inbox_of
from cunzhi.core.inbox.services import notification_mark_all_read, notification_mark_read

PAGE_SIZE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/inbox.html",
        {"nav_active": "inbox", "page": page, "notifications": list(page.object_list)},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = inbox_of(request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404("No such notification.")
    notification_mark_read(actor=request.user, notification_id=notification.pk)
    if getattr(request, "htmx", False):
        notification.refresh_from_db()
        return render(request, "core/inbox.html#notification", {"item": notification})
    return redirect("inbox:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notification_mark_all_read(actor=request.user)
    return redirect("inbox:list")
