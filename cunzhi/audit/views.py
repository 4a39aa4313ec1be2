from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cunzhi.audit.selectors import event_list, history_for
from cunzhi.core.scoping import has_permission_anywhere


@login_required
def history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    events = history_for(request.user, object_type, object_id)
    return render(request, "audit/events.html", {"events": events})


@login_required
def log(request: HttpRequest) -> HttpResponse:
    if not has_permission_anywhere(request.user, "audit.view_event"):
        raise PermissionDenied
    return render(
        request, "audit/list.html", {"events": event_list(request.user), "nav_active": "audit"}
    )
