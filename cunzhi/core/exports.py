"""Exports of lists to Excel: streamed, masked by default, audited, the reason asked for full ones.

Every export is audited, masked or not: an export is a copy of personal data leaving the system,
and the trace answers who took one, of what, with which filters and how many rows. The event is
written and committed before the first byte is streamed, so an export cut off halfway still left
its trace. Full personal numbers need the list's reveal permission *and* a reason, which the
trace keeps (DESIGN rule 7); asking without the permission is refused, never quietly masked, so
nobody takes a masked copy for the full one.

``export_audited`` is the check and the trace every export shares; ``list_export`` streams a
declared list (``core.lists.ListSpec``) from its columns. A list whose rows are too many to read
as model instances (the registry's register, a million residents in the benchmark) writes its
own batches of values and calls ``export_audited`` and ``core.xlsx.xlsx_stream`` itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext, override
from django.utils.translation import gettext_lazy as _

from cunzhi.audit import services as audit
from cunzhi.core.lists import ListSpec, list_rows
from cunzhi.core.scoping import permission_name
from cunzhi.core.writes import require_permission
from cunzhi.core.xlsx import CONTENT_TYPE, Cell, xlsx_stream

CHUNK_SIZE = 2000
REASON_LENGTH = 200


class ExportForm(forms.Form):
    """What an export asks besides the list's filters: full numbers, and why."""

    full_numbers = forms.BooleanField(label=_("Include full ID and phone numbers"), required=False)
    reason = forms.CharField(
        label=_("Why you need the full numbers"), max_length=REASON_LENGTH, required=False
    )

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        if data is not None:
            # A long reason is cut to what the form takes, and the export goes on.
            data = data.copy()  # type: ignore[attr-defined]
            data["reason"] = str(data.get("reason", ""))[:REASON_LENGTH]  # type: ignore[index]
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("full_numbers") and not data.get("reason"):
            raise ValidationError(
                _("Say why you need the full numbers; the reason is kept with the export."),
                code="reason",
            )
        return data


def export_audited(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    region_code: str,
    permission: str,
    reveal_permission: str,
    full_numbers: bool,
    reason: str,
    filters: Mapping[str, Any],
    rows: int,
) -> None:
    """Check that ``actor`` may take this export and record it, committed, before streaming."""
    require_permission(actor, permission, region_code)
    reason = reason.strip()
    if full_numbers:
        require_permission(actor, reveal_permission, region_code)
        if not reason:
            raise ValidationError(
                gettext("Say why you need the full numbers; the reason is kept with the export."),
                code="reason",
            )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=action,
            obj=obj,
            region_code=region_code,
            data={
                "format": "xlsx",
                "full_numbers": full_numbers,
                **({"reason": reason} if full_numbers else {}),
                "filters": dict(filters),
                "rows": rows,
            },
        )


def batches(rows: Iterable[Any], size: int = CHUNK_SIZE) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _cell(value: Any) -> Cell:
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if value is None or isinstance(value, str | int | float | datetime.date):
        return value
    return str(value)


def trace_filters(filters: Mapping[str, Any]) -> dict[str, str]:
    """The filters as the audit event keeps them: values (a record as its pk), unset ones out."""
    return {
        name: str(getattr(value, "pk", value))
        for name, value in filters.items()
        if value not in (None, "", [])
    }


def list_export(
    *,
    actor: Any,
    spec: ListSpec,
    obj: models.Model,
    region_code: str,
    params: Mapping[str, Any],
    full_numbers: bool = False,
    reason: str = "",
    **selector_args: Any,
) -> Iterator[bytes]:
    """Check, record and start the export of a declared list: its filtered, sorted rows (every
    page), its columns, personal numbers masked unless ``full_numbers``; the .xlsx, streamed."""
    filterset, sort, rows = list_rows(spec, actor, params, **selector_args)
    filters = trace_filters(filterset.form.cleaned_data if filterset.is_valid() else {})
    if sort != spec.default_sort:
        filters["sort"] = sort
    # Counted before the transaction: on SQLite it holds the write lock, and the audit event
    # holds the county's chain head until it commits.
    count = rows.count()
    export_audited(
        actor=actor,
        action=spec.export_action,
        obj=obj,
        region_code=region_code,
        permission=permission_name(spec.model, "view"),
        reveal_permission=spec.reveal_permission,
        full_numbers=full_numbers,
        reason=reason,
        filters=filters,
        rows=count,
    )
    header = [str(column.label) for column in spec.columns]
    return xlsx_stream(
        header,
        _sheet_rows(spec, actor, rows, full_numbers=full_numbers, language=get_language()),
        sheet_name=str(spec.sheet_name or spec.model._meta.verbose_name_plural),
        widths=[column.width for column in spec.columns],
    )


def _sheet_rows(
    spec: ListSpec, user: Any, rows: QuerySet[Any], *, full_numbers: bool, language: str
) -> Iterator[Sequence[Sequence[Cell]]]:
    # The rows are written as the response streams, when the request's language may no longer
    # be active: choice labels are lazy, so the request's language is put back for each batch.
    for chunk in batches(rows.iterator(chunk_size=CHUNK_SIZE)):
        with override(language):
            objects = spec.present(user, chunk) if spec.present is not None else chunk
            batch = [
                [_cell(column.read(row, full_numbers=full_numbers)) for column in spec.columns]
                for row in objects
            ]
        yield batch


def export_response(chunks: Iterator[bytes], filename: str) -> StreamingHttpResponse:
    """The streamed download: named, and never kept in a shared cache (personal data)."""
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    add_never_cache_headers(response)
    return response


def list_export_view(
    request: HttpRequest,
    spec: ListSpec,
    *,
    obj: models.Model,
    region_code: str,
    filename: str,
    back: str,
    **selector_args: Any,
) -> HttpResponseBase:
    """The POST view behind a list's "Export to Excel" form: the list's filters and the
    ``ExportForm`` fields in one body. Full numbers without a reason go back to ``back`` (the
    list's URL), which says what is missing; without the permission it is a 403."""
    form = ExportForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors():
            messages.error(request, str(message))
        return redirect(back)
    chunks = list_export(
        actor=request.user,
        spec=spec,
        obj=obj,
        region_code=region_code,
        params=request.POST,
        full_numbers=form.cleaned_data["full_numbers"],
        reason=form.cleaned_data["reason"],
        **selector_args,
    )
    return export_response(chunks, filename)
