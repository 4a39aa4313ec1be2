"""Core's own pages: the health check, and the refusal of a form without its CSRF token.

The home page and the rules page combine posts (accounts) and regions with core's attention
items and rules; they live in ``cunzhi/pages.py``, above every app, because core imports
nothing above it.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def healthz(request: HttpRequest) -> HttpResponse:
    """For the process manager or load balancer: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (CSRF_FAILURE_VIEW) in the layout and the user's language, not Django's
    English page; the reason is for the log, not for the person."""
    return render(request, "403_csrf.html", status=403)
