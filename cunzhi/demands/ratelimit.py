"""A small rate limit for the public follow-up page and API (no account, so no lockout).

The project had none outside sign-in (django-axes, which counts failed sign-ins, not lookups), so
this is Django's cache with a fixed window per client address: ``DEMAND_PUBLIC_RATE`` requests
(default 30) per ``DEMAND_PUBLIC_WINDOW_SECONDS`` (default 60). With the default local-memory
cache the count is per process; a deployment with several processes sets a shared cache
(``CACHES``) so the limit holds across them. It slows down guessing follow-up codes
(25⁸ ≈ 1.5 × 10¹¹ codes) far below anything useful, and keeps a villager's phone working.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from cunzhi.accounts.signin import client_address


def allow(request: HttpRequest, scope: str) -> bool:
    """Count this request; False once the client passed the limit in the current window."""
    limit = int(getattr(settings, "DEMAND_PUBLIC_RATE", 30))
    window = int(getattr(settings, "DEMAND_PUBLIC_WINDOW_SECONDS", 60))
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{client_address(request) or 'unknown'}:{bucket}"
    if cache.add(key, 1, timeout=window + 1):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        return True
    return count <= limit
