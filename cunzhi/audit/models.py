"""The append-only, hash-chained event log (DESIGN rule 7).

Events are chained per county: each county's events form one sequence, each event's hash covering
the previous event's hash. See docs/audit.md for why per county, and how verification works.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cunzhi.core.scoping import ScopedQuerySet

# Events that belong to no county (a province-level change, a user's own token) share this chain.
GLOBAL_CHAIN = "-"


class AppendOnly(Exception):
    pass


class EventQuerySet(ScopedQuerySet["Event"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("audit events are never updated")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnly("audit events are never deleted")


class Event(models.Model):
    chain = models.CharField(_("chain"), max_length=15)
    seq = models.PositiveBigIntegerField(_("sequence"))
    occurred_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Copied so the trace reads the same after the user is renamed.
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("object"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=15, blank=True, db_index=True)
    data = models.JSONField(_("data"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="one_event_per_seq")]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object")]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("audit events are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("audit events are never deleted")


class ChainHead(models.Model):
    """The last event of a chain: the row each audited write locks briefly to append."""

    chain = models.CharField(max_length=15, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain}#{self.last_seq}"
