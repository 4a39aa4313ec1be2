"""Text compared by code point, so that a prefix is one b-tree range on SQLite and PostgreSQL.

Search matches a prefix ``p`` as ``p <= key < next(p)`` (``next`` raises the last character by
one). That range holds exactly the keys starting with ``p`` only if the database orders text by
code point. SQLite's default collation (BINARY) does; a PostgreSQL database usually has a
language collation (en_US.UTF-8, zh_CN.UTF-8) that does not, so there the key is compared with
``COLLATE "C"``, in the index and in the query alike, or the index would not serve the query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Expression, Func


class CodepointOrder(Func):
    """``key COLLATE "C"`` on PostgreSQL; the bare column on SQLite, whose default is BINARY.

    A Func rather than a ``Collate`` subclass: index expressions accept only Collate itself, and
    PostgreSQL turns an index on ``(key COLLATE "C")`` into a plain column index with that
    collation, which the same expression in a query then uses.
    """

    arity = 1
    template = '%(expressions)s COLLATE "C"'

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        source: Expression = self.get_source_expressions()[0]
        return compiler.compile(source)


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix``; None if unbounded."""
    while prefix:
        following = ord(prefix[-1]) + 1
        if 0xD800 <= following <= 0xDFFF:  # surrogates cannot be stored: skip them
            following = 0xE000
        if following <= 0x10FFFF:
            return prefix[:-1] + chr(following)
        prefix = prefix[:-1]  # U+10FFFF has no successor: the range of a shorter prefix
    return None
