"""Adding and removing attachments: the one way to write them (DESIGN rule 3).

Layers: attachments live in ``core`` because every domain uses them; they are audited, and core
may call ``audit.services`` (as ``core.writes`` does), since audit depends only on core's
region codes. Nothing here imports an app above audit: the permission check is
``core.writes.require_permission`` and the record is found through its own ``for_user``.

The file is written to storage before the row, after every check passed; if the row or the audit
event then fails, the file is deleted again. A removal deletes the file only once the transaction
has committed, so a removal that is rolled back keeps its file.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from cunzhi.audit import services as audit
from cunzhi.core.attachments.content import clean_upload, max_upload_bytes, refuse
from cunzhi.core.attachments.models import Attachment, attachable_rules
from cunzhi.core.scoping import permission_name
from cunzhi.core.writes import require_permission

MAX_NAME = 255
MAX_REASON = 500


def _check_record(actor: Any, obj: models.Model) -> None:
    """The actor may change the record, and the record takes attachments."""
    if attachable_rules(type(obj)) is None:
        raise ValueError(f"{obj._meta.label_lower} does not declare Attachable")
    require_permission(actor, permission_name(type(obj), "change"), obj.region_code)  # type: ignore[attr-defined]


def _original_name(upload: UploadedFile) -> str:
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:MAX_NAME] or _("file")


@transaction.atomic
def attachment_add(
    *,
    actor: Any,
    obj: models.Model,
    upload: UploadedFile,
    purpose: str = "",
    keep_position: bool = False,
) -> Attachment:
    """Attach ``upload`` to ``obj``: checked by content, cleaned, stored and audited on ``obj``.

    ``keep_position`` keeps a photo's GPS position (in the attachment's fields, never in the file)
    and is allowed only where the record model declares ``Attachable(position=True)``.
    """
    _check_record(actor, obj)
    rules = attachable_rules(type(obj))
    if keep_position and not (rules and rules.position):
        raise ValidationError(
            {"keep_position": [_("This record does not keep a photo's position.")]}
        )
    purpose = (purpose or "").strip()
    if len(purpose) > Attachment._meta.get_field("purpose").max_length:  # type: ignore[operator]
        raise ValidationError({"purpose": [_("The purpose is too long; say it in a few words.")]})
    if upload.size is not None and upload.size > max_upload_bytes():
        raise refuse(
            _("The file is too large: at most %(limit)s MB.")
            % {"limit": f"{max_upload_bytes() / (1024 * 1024):.0f}"}
        )
    upload.seek(0)
    clean = clean_upload(upload.read(max_upload_bytes() + 1), keep_position=keep_position)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        region_code=obj.region_code,  # type: ignore[attr-defined]
        original_name=_original_name(upload),
        mime_type=clean.mime_type,
        size=len(clean.data),
        sha256=hashlib.sha256(clean.data).hexdigest(),
        purpose=purpose,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        latitude=clean.latitude,
        longitude=clean.longitude,
    )
    attachment.file.save(f"upload.{clean.extension}", ContentFile(clean.data), save=False)
    try:
        attachment.save()
        data = attachment.audit_data()
        if clean.latitude is not None:
            data["position_kept"] = True
        audit.record(actor=actor, action="core.attachment_add", obj=obj, data=data)
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: Attachment, reason: str) -> None:
    """Remove an attachment, saying why; the trace keeps its name, size and SHA-256."""
    from cunzhi.core.attachments.selectors import record_of

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the file is removed.")]})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": [_("The reason is too long.")]})
    obj = record_of(attachment)
    if obj is None:
        raise ValueError("the attachment's record no longer exists")
    _check_record(actor, obj)
    data = {**attachment.audit_data(), "reason": reason}
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    audit.record(actor=actor, action="core.attachment_remove", obj=obj, data=data)
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def attachment_download_record(*, actor: Any, attachment: Attachment, obj: models.Model) -> None:
    """Record that ``actor`` opened a personal file (records that declare ``audit_downloads``)."""
    audit.record(
        actor=actor,
        action="core.attachment_download",
        obj=obj,
        data={"attachment": attachment.pk, "name": attachment.original_name},
    )
