"""Reading attachments: always through the record, which is read through its ``for_user``."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from cunzhi.core.attachments.models import Attachment, attachable_model

# The largest key a BIGINT holds: a larger number in a URL is a 404, not a database error.
MAX_KEY = 2**63 - 1


def attachments_of(obj: models.Model) -> QuerySet[Attachment]:
    """The record's attachments, oldest first. The caller already read ``obj`` in scope."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return Attachment.objects.filter(content_type=content_type, object_id=str(obj.pk))


def _scoped(model: type[models.Model], user: Any, action: str) -> QuerySet[Any]:
    return model._default_manager.for_user(user, action)  # type: ignore[attr-defined, no-any-return]


def record_for_user(user: Any, label: str, object_id: str, action: str = "view") -> models.Model:
    """The record ``label``:``object_id`` as ``user`` may ``action`` it; Http404 otherwise.

    A model that does not take attachments, an id that is not one, a record outside the user's
    scope: all answer 404, like a record that does not exist (DESIGN rule 2).
    """
    model = attachable_model(label)
    if model is None:
        raise Http404("No such record.")
    try:
        pk = model._meta.pk.to_python(object_id)  # type: ignore[union-attr]
    except (ValidationError, ValueError, TypeError) as exc:
        raise Http404("No such record.") from exc
    if isinstance(pk, int) and not 0 < pk <= MAX_KEY:
        raise Http404("No such record.")
    obj = _scoped(model, user, action).filter(pk=pk).first()
    if obj is None:
        raise Http404("No such record.")
    return obj  # type: ignore[no-any-return]


def attachment_for_user(user: Any, attachment_id: int) -> tuple[Attachment, models.Model]:
    """The attachment and its record, when ``user`` may see the record; Http404 otherwise."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such attachment.")
    obj = record_for_user(user, attachment.record_label, attachment.object_id)
    return attachment, obj


def record_of(attachment: Attachment) -> models.Model | None:
    """The record an attachment belongs to, unscoped: for services that re-check themselves."""
    model = attachable_model(attachment.record_label)
    if model is None:
        return None
    return model._default_manager.filter(pk=attachment.object_id).first()
