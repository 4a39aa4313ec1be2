"""What every domain's models share: timestamps and the region every regional record knows."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cunzhi.core.scoping import ScopedQuerySet


class BaseModel(models.Model):
    """Timestamps and the record's version.

    ``version`` counts the record's saves: every edit names the version it started from, and
    ``core.writes.update_audited`` refuses one that is no longer current instead of writing over
    a change the editor never saw (optimistic concurrency; ETag in the API).
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # db_default too: the bulk import writes rows with COPY and leaves the column to the database.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


class RegionalModel(BaseModel):
    """A record that belongs to a region (DESIGN rule 1).

    ``region_code`` copies ``region.code`` so that scoping is a range query on one indexed column
    of this table, with no join; ``save`` keeps the copy right.
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("region code"), max_length=15, db_index=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region_code = self.region.code
        super().save(*args, **kwargs)


class CalendarYear(models.Model):
    """A year whose official holidays an administrator imported (DESIGN rule 5).

    The ``chinese-calendar`` package covers the years it was released for; a later year becomes
    computable only once the State Council's notice for it is imported, which records a row here.
    A year's override rows are written and replaced together with this row, so ``imported_at``
    changing is what tells every process that the calendar changed.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.TextField(_("source"), help_text=_("The notice the days were taken from."))
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One date whose status differs from the package or the weekday rule.

    A holiday (休) on a weekday, or a swapped working day (调休上班, 班) on a weekend; a row on a
    date the package covers overrides the package.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        status = _("working day") if self.is_working_day else _("rest day")
        return f"{self.date.isoformat()} {status} {self.name}".strip()


# A parameter key is "<domain>.<name>": the app that reads it, then what it is.
policy_key_validator = RegexValidator(
    r"^[a-z]+\.[a-z0-9_]+$",
    _("A key is <domain>.<name> in lowercase, e.g. openness.publicity_days."),
)


class PolicyParameter(models.Model):
    """One dated value of a rule that law or local policy sets (DESIGN rule 4).

    A row with no region is the national default; a row with a region is that region's override
    and applies to every region below it. Rows are never edited into the past: a new rule is a new
    row with a later ``valid_from``, so "what was the rule for this village on this date" can
    always be answered. The registry in ``policy_defaults.py`` says which keys exist.
    """

    key = models.CharField(_("key"), max_length=100, validators=[policy_key_validator])
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the national default."),
    )
    # Copied from region.code ("" for national) so a lookup is one query on the unique index.
    region_code = models.CharField(
        _("region code"), max_length=15, db_index=True, blank=True, editable=False
    )
    valid_from = models.DateField(_("valid from"))
    value = models.JSONField(_("value"))
    note = models.TextField(_("note or source"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["key", "region_code", "valid_from"]
        verbose_name = _("policy parameter")
        verbose_name_plural = _("policy parameters")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "region_code", "valid_from"], name="one_policy_value_per_day"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(region__isnull=True, region_code="")
                    | (models.Q(region__isnull=False) & ~models.Q(region_code=""))
                ),
                name="policy_region_code_matches_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.region_code or 'national'} from {self.valid_from.isoformat()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region_code = self.region.code if self.region is not None else ""
        super().save(*args, **kwargs)


class RateCount(models.Model):
    """One key's hits in one window of a rate limit (``core.ratelimit``), shared by every worker
    process; deleted once the window ended."""

    key = models.CharField(max_length=64)  # a salted hash of the door and the client's address
    window = models.BigIntegerField()  # seconds since the epoch // the window's length
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="core_ratecount_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.hits}"


# The shared kit's models live next to their services; Django finds models in this module.
from cunzhi.core.attachments.models import Attachment  # noqa: E402
from cunzhi.core.inbox.models import Notification  # noqa: E402

__all__ = [
    "Attachment",
    "BaseModel",
    "CalendarDay",
    "CalendarYear",
    "Notification",
    "PolicyParameter",
    "RateCount",
    "RegionalModel",
]
