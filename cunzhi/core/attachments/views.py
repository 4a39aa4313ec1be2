"""The attachment pages: download through the record's scope, upload, remove.

A file is never served from a public URL: each download looks the record up with the record
model's ``for_user``, so a person outside the record's region gets a 404, as for a file that does
not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cunzhi.core.attachments.forms import AttachmentForm, AttachmentRemoveForm
from cunzhi.core.attachments.models import Attachment, attachable_rules
from cunzhi.core.attachments.selectors import attachment_for_user, record_for_user
from cunzhi.core.attachments.services import (
    attachment_add,
    attachment_download_record,
    attachment_remove,
)
from cunzhi.core.forms import submit
from cunzhi.core.templatetags.attachments import list_context


def file_response(user: Any, attachment: Attachment, obj: models.Model) -> FileResponse:
    """The file, streamed, for the page and the API alike; a personal file's download is traced."""
    rules = attachable_rules(type(obj))
    if rules is not None and rules.audit_downloads:
        attachment_download_record(actor=user, attachment=attachment, obj=obj)
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:
        # The row outlived its file (a restore without the media, a disk error): not a 500.
        raise Http404("The file is missing.") from exc
    response = FileResponse(
        handle,
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A private file: no shared cache keeps it; this person's browser may.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment, obj = attachment_for_user(request.user, attachment_id)
    return file_response(request.user, attachment, obj)


def _record_url(obj: models.Model) -> str:
    """The record's page, or the home page for a record without one in this site's URLs (a
    record kind whose pages another URLconf serves, as the test-only domain's are)."""
    get_url = getattr(obj, "get_absolute_url", None)
    try:
        return str(get_url()) if get_url else "/"
    except NoReverseMatch:
        return "/"


def _back(request: HttpRequest, obj: models.Model) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = _record_url(obj)
    return redirect(target)


def _list(
    request: HttpRequest, obj: models.Model, status: int = 200, **extra: Any
) -> TemplateResponse:
    context = list_context(request, obj)
    context.update(extra)
    # In place for htmx; without JavaScript the same list on a page of its own.
    if getattr(request, "htmx", False):
        name = "core/attachments/list.html#attachments"
    else:
        name = "core/attachments/page.html"
        context["back_url"] = _record_url(obj)
    return TemplateResponse(request, name, context, status=status)


@login_required
@require_POST
def add(request: HttpRequest, label: str, object_id: str) -> HttpResponse:
    obj = record_for_user(request.user, label, object_id)
    rules = attachable_rules(type(obj))
    form = AttachmentForm(request.POST, request.FILES, position=bool(rules and rules.position))
    created = submit(
        form,
        lambda data: attachment_add(
            actor=request.user,
            obj=obj,
            upload=data["file"],
            purpose=data.get("purpose", ""),
            keep_position=data.get("keep_position", False),
        ),
    )
    if created is None:
        # The list again with the form's errors, in place (HTMX) or as its own page.
        return _list(request, obj, form=form, status=422)
    if getattr(request, "htmx", False):
        return _list(request, obj)
    return _back(request, obj)


@login_required
@require_POST
def remove(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment, obj = attachment_for_user(request.user, attachment_id)
    form = AttachmentRemoveForm(request.POST)
    done = submit(
        form,
        lambda data: (
            attachment_remove(actor=request.user, attachment=attachment, reason=data["reason"])
            or True
        ),
    )
    if not done:
        return _list(request, obj, remove_errors=form.errors, status=422)
    if getattr(request, "htmx", False):
        return _list(request, obj)
    return _back(request, obj)
