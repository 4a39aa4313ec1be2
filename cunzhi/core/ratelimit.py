"""One rate limit for the doors without an account (the demand follow-up, public objections).

A fixed window per key: at most ``count`` hits in each window of ``window_seconds``; the next is
refused (``RateLimited``, whose message the page or the API shows with HTTP 429) until the window
ends. A burst across a window's edge may reach twice the count, which is enough to slow guessing
and spam and never locks anyone out for longer than a window.

Why the database and not Django's cache (nor django-ratelimit, which counts in the cache):
the project configures no ``CACHES``, so the cache is Django's local memory, one per process, and
``make serve`` runs gunicorn with two workers: each would count on its own, and a restart forgets.
Redis is not a dependency, and django-ratelimit's own installation notes ask for a shared cache
with atomic increment, which neither local memory nor Django's database cache has. A row per key
and window, incremented with ``UPDATE … SET hits = hits + 1 … RETURNING hits``, is shared by every
process, is atomic on SQLite and PostgreSQL, and costs one small query per counted request (a
window's first hit: three more, to make the row and drop ended ones).

Counting inside the caller's transaction is deliberate: an objection that fails validation or
rolls back is not counted, as when openness counted the objections themselves.

Keys are hashed with the secret key before they are stored: an address is never kept. Rows of
ended windows are deleted when a new window begins for any key.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.functional import Promise

from cunzhi.core.models import RateCount


class RateLimited(Exception):
    """Refused by a rate limit; ``message`` is for the person, with HTTP 429."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Limit:
    """A limit one door declares once; the numbers are read from settings each time it counts,
    so a test or an operator can change them without a restart of the module."""

    scope: str  # names the door in the key: "demands.public"
    count_setting: str  # the setting holding the number of hits allowed in one window
    window_setting: str  # the setting holding the window's length in seconds
    message: str | Promise  # what the refused person reads

    def hit(self, key: str | None) -> None:
        """Count one hit for ``key`` (a client's address or a hash of it); raise RateLimited once
        the key passed the count in the current window."""
        count = int(getattr(settings, self.count_setting))
        window = int(getattr(settings, self.window_setting))
        if not allow(scope=self.scope, key=key, count=count, window_seconds=window):
            raise RateLimited(self.message)


def allow(*, scope: str, key: str | None, count: int, window_seconds: int) -> bool:
    """Count this hit; False once ``key`` made more than ``count`` in the current window."""
    now = timezone.now()
    window = int(now.timestamp() // window_seconds)
    digest = _digest(scope, key, window_seconds)
    hits = _increment(digest, window)
    if hits is None:
        ends = datetime.datetime.fromtimestamp((window + 1) * window_seconds, tz=datetime.UTC)
        RateCount.objects.filter(expires_at__lt=now).delete()
        try:
            with transaction.atomic():  # a savepoint, so that a caller's transaction survives
                RateCount.objects.create(key=digest, window=window, hits=1, expires_at=ends)
            hits = 1
        except IntegrityError:  # another process began this window a moment ago
            hits = _increment(digest, window) or 1
    return hits <= count


def _increment(digest: str, window: int) -> int | None:
    """Add one hit and read the count in one statement, or None if the window has no row yet.

    ``UPDATE … RETURNING`` (PostgreSQL, SQLite 3.35+), because an UPDATE and then a SELECT let
    another process's hit land in between: four processes sharing a count of 100 were then
    allowed 99 between them."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(RateCount._meta.db_table)} SET {quote('hits')} = {quote('hits')} + 1 "
            f"WHERE {quote('key')} = %s AND {quote('window')} = %s RETURNING {quote('hits')}",
            [digest, window],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _digest(scope: str, key: str | None, window_seconds: int) -> str:
    salted = f"{settings.SECRET_KEY}|{scope}|{window_seconds}|{key or '-'}"
    return hashlib.sha256(salted.encode()).hexdigest()
