"""The attachment of any record, and how a record model declares that it takes attachments.

An attachment points at its record by content type and primary key (as the audit log does), and
copies the record's ``region_code``, so that a region's files can be found, counted or purged by
one range query without visiting every record table.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}

_attachable: dict[str, type[models.Model]] = {}


@dataclass(frozen=True)
class Attachable:
    """Declares on a record model that its records take attachments.

    ``position``: the record asks where a photo was taken (a repaired road, a visited house); only
    then may an upload keep a photo's GPS position, and it is kept in the attachment's fields, never
    in the file. ``audit_downloads``: the files are personal (ID scans, income proofs of an
    assistance application), so every download is recorded in the trace, as revealing an ID
    number is (DESIGN rule 7). Evidence photos of public works are not, and recording each view
    of them would bury the downloads that matter.

        class Demand(RegionalModel):
            ...
            attachments = Attachable(position=True)
    """

    position: bool = False
    audit_downloads: bool = False

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        # Django calls this for class attributes that have it: the model registers itself.
        setattr(cls, name, self)
        if not cls._meta.abstract:
            _attachable[cls._meta.label_lower] = cls


def attachable_model(label: str) -> type[models.Model] | None:
    """The record model called ``label`` ("app.model") if it takes attachments."""
    return _attachable.get(label.lower())


def attachable_rules(model: type[models.Model]) -> Attachable | None:
    """The model's ``Attachable`` declaration, inherited ones included; None without one."""
    for klass in model.__mro__:
        for value in vars(klass).values():
            if isinstance(value, Attachable):
                return value
    return None


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name: the person's file name stays in the database, never in a path or URL.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return timezone.now().strftime(f"attachments/%Y/%m/{uuid.uuid4().hex}.{extension}")


class Attachment(models.Model):
    """A file attached to a record (附件): a photo, a scan, minutes, a sign-in sheet."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("record"), max_length=64)
    region_code = models.CharField(_("region code"), max_length=15, db_index=True, editable=False)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    purpose = models.CharField(
        _("purpose"), max_length=50, blank=True, help_text=_("E.g. evidence, minutes.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_record")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type in IMAGE_TYPES

    @property
    def record_label(self) -> str:
        return f"{self.content_type.app_label}.{self.content_type.model}"

    def audit_data(self) -> dict[str, Any]:
        return {
            "attachment": self.pk,
            "name": self.original_name,
            "purpose": self.purpose,
            "type": self.mime_type,
            "size": self.size,
            "sha256": self.sha256,
        }
