"""Core's own page: the health check the process manager or load balancer polls.

The home page and the rules page combine posts (accounts) and regions with core's attention
items and rules; they live in ``cunzhi/pages.py``, above every app, because core imports
nothing above it.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """For the process manager or load balancer: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
