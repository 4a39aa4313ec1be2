"""Recording and verifying the trace. Every audited write calls ``record`` in its transaction."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.utils import timezone

from cunzhi.audit.models import GLOBAL_CHAIN, ChainHead, Event
from cunzhi.core.regioncodes import county_prefix

GENESIS = "0" * 64

# The trace's name for a write no person made (a sweep, a scheduled task).
SYSTEM_LABEL = "system"


def chain_for(region_code: str) -> str:
    return county_prefix(region_code) or GLOBAL_CHAIN


def normalise(data: Any) -> Any:
    """The JSON value as the database will give it back: dates and decimals become strings."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def event_digest(event: Event) -> str:
    payload = [
        event.chain,
        event.seq,
        event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        event.actor_id,
        event.actor_label,
        event.action,
        event.object_type,
        event.object_id,
        event.object_label,
        event.region_code,
        event.data,
        event.prev_hash,
    ]
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _head_row(cursor: Any, connection: BaseDatabaseWrapper, chain: str) -> tuple[int, str] | None:
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    # On SQLite the IMMEDIATE transaction already holds the one write lock.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    cursor.execute(f"SELECT last_seq, last_hash FROM {table} WHERE chain = %s{lock}", [chain])
    return cursor.fetchone()  # type: ignore[no-any-return]


def _lock_head(cursor: Any, connection: BaseDatabaseWrapper, chain: str) -> tuple[int, str]:
    """Lock the chain's head row until the transaction ends, creating it on first use."""
    row = _head_row(cursor, connection, chain)
    if row is None:
        try:
            with transaction.atomic():
                ChainHead.objects.create(chain=chain, last_seq=0, last_hash=GENESIS)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        row = _head_row(cursor, connection, chain)
        assert row is not None
    return int(row[0]), str(row[1])


@functools.cache
def _event_fields() -> list[Field[Any, Any]]:
    return [f for f in Event._meta.concrete_fields if not f.primary_key]


def _insert(cursor: Any, connection: BaseDatabaseWrapper, event: Event) -> None:
    """INSERT the event as the ORM would store it (each field prepares its own value).

    The audit sits on every write, and the ORM's save() machinery costs more than the SQL of the
    three statements an event takes; benchmarks/bench_audit.py holds the audit to at most
    doubling a write.
    """
    fields = _event_fields()
    qn = connection.ops.quote_name
    columns = ", ".join(qn(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    params = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    sql = f"INSERT INTO {qn(Event._meta.db_table)} ({columns}) VALUES ({placeholders})"
    if connection.features.can_return_columns_from_insert:
        cursor.execute(f"{sql} RETURNING {qn('id')}", params)
        event.pk = cursor.fetchone()[0]
    else:
        cursor.execute(sql, params)
        event.pk = cursor.lastrowid
    event._state.adding = False
    event._state.db = connection.alias


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_label: str = "",
    region_code: str | None = None,
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> Event:
    """Append one event to the chain of the record's county, in the caller's transaction.

    Call it last in the service: it locks the county's chain head until the transaction commits,
    so the later it is taken, the shorter other writers in that county wait. ``actor_label``
    names an actor who is no user (the username a failed sign-in tried); it defaults to the
    actor's username, or "system" for no actor.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:200]
        if region_code is None:
            region_code = getattr(obj, "region_code", "") or ""
    region_code = region_code or ""
    chain = chain_for(region_code)
    connection = transaction.get_connection()
    cursor = connection.cursor()
    last_seq, last_hash = _lock_head(cursor, connection, chain)
    event = Event(
        chain=chain,
        seq=last_seq + 1,
        occurred_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(actor_label or getattr(actor, "username", "") or SYSTEM_LABEL)[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=object_label[:200],
        region_code=region_code,
        data=normalise(data or {}),
        prev_hash=last_hash,
    )
    event.hash = event_digest(event)
    _insert(cursor, connection, event)
    head_table = connection.ops.quote_name(ChainHead._meta.db_table)
    cursor.execute(
        f"UPDATE {head_table} SET last_seq = %s, last_hash = %s WHERE chain = %s",
        [event.seq, event.hash, chain],
    )
    return event


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: normalise(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event id {self.event_id}" if self.event_id is not None else "no event"
        return f"chain {self.chain}, seq {self.seq} ({where}): {self.problem}"


def verify_chain(
    chain: str, using: str = DEFAULT_DB_ALIAS, *, upto: int | None = None
) -> Iterator[Break]:
    """Walk one chain in order and yield every place where it does not hold.

    ``using`` names another database, such as a backup's copy (cunzhi/audit/backup.py).
    ``upto`` stops at that sequence number and leaves the head alone (``check_head``)."""
    expected_seq, prev_hash = 1, GENESIS
    events = Event.objects.using(using).filter(chain=chain).order_by("seq")
    if upto is not None:
        events = events.filter(seq__lte=upto)
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            yield Break(chain, expected_seq, None, f"missing: next stored event is seq {event.seq}")
        if event.prev_hash != prev_hash:
            yield Break(chain, event.seq, event.pk, "does not follow the event before it")
        if event_digest(event) != event.hash:
            yield Break(chain, event.seq, event.pk, "content differs from what was recorded")
        expected_seq, prev_hash = event.seq + 1, event.hash
    if upto is not None:
        if expected_seq - 1 != upto:
            yield Break(chain, upto, None, f"missing: the chain ends at seq {expected_seq - 1}")
        return
    head = ChainHead.objects.using(using).filter(chain=chain).first()
    last_seq = expected_seq - 1
    if head is None:
        yield Break(chain, last_seq, None, "the chain head is missing")
    elif (head.last_seq, head.last_hash) != (last_seq, prev_hash):
        yield Break(
            chain, head.last_seq, None, f"head says seq {head.last_seq}, log ends at {last_seq}"
        )


@dataclass(frozen=True)
class HeadCheck:
    """Whether a head hash written down earlier (printed on a notice) is still in its chain."""

    head: str
    chain: str = ""
    seq: int | None = None
    breaks: tuple[Break, ...] = ()

    @property
    def contained(self) -> bool:
        return self.seq is not None and not self.breaks


def check_head(head: str, using: str = DEFAULT_DB_ALIAS) -> HeadCheck:
    """Find the event whose hash is ``head`` and verify its chain from the start up to it.

    A chain rewritten from any event up to that one, hashes recomputed and all, no longer holds
    an event with this hash: the head someone kept exposes it, although the rewritten chain
    verifies on its own. Events after the head are not its concern (later writes are normal).
    """
    event = Event.objects.using(using).filter(hash=head.strip().lower()).first()
    if event is None:
        return HeadCheck(head)
    breaks = tuple(verify_chain(event.chain, using, upto=event.seq))
    return HeadCheck(head, event.chain, event.seq, breaks)


def verify_all(using: str = DEFAULT_DB_ALIAS) -> Iterator[Break]:
    chains = set(ChainHead.objects.using(using).values_list("chain", flat=True))
    events = Event.objects.using(using).order_by()
    chains |= set(events.values_list("chain", flat=True).distinct())
    for chain in sorted(chains):
        yield from verify_chain(chain, using)
