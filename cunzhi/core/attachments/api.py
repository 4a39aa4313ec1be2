"""Attachments over JSON: one generic endpoint for every record type (docs/api.md).

A record is named ``<type>:<id>``, its type being the model's label (``demands.demand:12``), as
in the audit log. The list, the upload and the removal read the record through its ``for_user``
and write through the same services as the pages.
"""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from decimal import Decimal

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from cunzhi.core.api import READ_ERRORS, WRITE_ERRORS, actor
from cunzhi.core.attachments.models import Attachment
from cunzhi.core.attachments.selectors import (
    attachment_for_user,
    attachments_of,
    record_for_user,
)
from cunzhi.core.attachments.services import attachment_add, attachment_remove
from cunzhi.core.attachments.views import file_response

router = Router(tags=["attachments"])
OBJECT_PATTERN = r"^[a-z_]+\.[a-z0-9_]+:[A-Za-z0-9_-]{1,64}$"
OBJECT_FIELD = Field(
    ...,
    pattern=OBJECT_PATTERN,
    description="The record, as `<app>.<model>:<id>`, e.g. `demands.demand:12`.",
    examples=["demands.demand:12"],
)


PURPOSE_FIELD = Field("", max_length=50, description="What the file is: evidence, minutes...")


class AttachmentOut(Schema):
    id: int
    object: str
    name: str
    type: str
    size: int
    purpose: str
    uploaded_at: datetime.datetime
    uploaded_by: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    url: str

    @staticmethod
    def from_attachment(item: Attachment) -> "AttachmentOut":
        return AttachmentOut(
            id=item.pk,
            object=f"{item.record_label}:{item.object_id}",
            name=item.original_name,
            type=item.mime_type,
            size=item.size,
            purpose=item.purpose,
            uploaded_at=item.uploaded_at,
            uploaded_by=item.uploaded_by.username if item.uploaded_by else None,
            latitude=item.latitude,
            longitude=item.longitude,
            url=f"/api/v1/attachments/{item.pk}/file",
        )


class ObjectQuery(Schema):
    object: str = OBJECT_FIELD


class AttachmentIn(Schema):
    object: str = OBJECT_FIELD
    purpose: str = PURPOSE_FIELD
    keep_position: bool = Field(
        False, description="Keep a photo's GPS position, where the record asks for one."
    )


class RemoveQuery(Schema):
    reason: str = Field(..., min_length=1, max_length=500, description="Why it is removed.")


def _split(value: str) -> tuple[str, str]:
    label, _sep, object_id = value.partition(":")
    return label, object_id


@router.get(
    "/attachments",
    response={200: list[AttachmentOut], **READ_ERRORS},
    summary="The attachments of a record",
)
def attachment_list_endpoint(
    request: HttpRequest, query: Query[ObjectQuery]
) -> list[AttachmentOut]:
    obj = record_for_user(actor(request), *_split(query.object))
    items = attachments_of(obj).select_related("content_type", "uploaded_by")
    return [AttachmentOut.from_attachment(item) for item in items]


@router.post(
    "/attachments",
    response={201: AttachmentOut, **WRITE_ERRORS},
    summary="Attach a file to a record (multipart/form-data)",
)
def attachment_create_endpoint(
    request: HttpRequest, payload: Form[AttachmentIn], file: File[UploadedFile]
) -> Status[AttachmentOut]:
    obj = record_for_user(actor(request), *_split(payload.object))
    item = attachment_add(
        actor=actor(request),
        obj=obj,
        upload=file,
        purpose=payload.purpose,
        keep_position=payload.keep_position,
    )
    item = Attachment.objects.select_related("content_type", "uploaded_by").get(pk=item.pk)
    return Status(201, AttachmentOut.from_attachment(item))


@router.get(
    "/attachments/{attachment_id}/file",
    response={200: None, **READ_ERRORS},
    summary="Download an attachment's file",
)
def attachment_file_endpoint(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment, obj = attachment_for_user(actor(request), attachment_id)
    return file_response(actor(request), attachment, obj)


@router.delete(
    "/attachments/{attachment_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove an attachment, saying why",
)
def attachment_remove_endpoint(
    request: HttpRequest, attachment_id: int, query: Query[RemoveQuery]
) -> Status[None]:
    attachment, _obj = attachment_for_user(actor(request), attachment_id)
    attachment_remove(actor=actor(request), attachment=attachment, reason=query.reason)
    return Status(204, None)
