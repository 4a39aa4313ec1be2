"""Pages of the register import: upload, progress (polled by HTMX), errors, templates.

The view validates the upload and queues ``tasks.registry_import_run``; the task calls the
import service, which checks the uploader's scope village by village. An upload is its
uploader's alone: anyone else gets a 404 for it (models.ImportJob).
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cunzhi.accounts.models import User
from cunzhi.accounts.scopes import has_permission_anywhere
from cunzhi.registry.importing.columns import COLUMNS, template_example, template_headers
from cunzhi.registry.importing.forms import ImportForm
from cunzhi.registry.importing.jobs import registry_import_run
from cunzhi.registry.importing.output import csv_bytes, template_rows, xlsx_bytes
from cunzhi.registry.importing.reading import XLSX_CONTENT_TYPE
from cunzhi.registry.models import ImportJob

RECENT = 10


def _require_importer(request: HttpRequest) -> None:
    if not has_permission_anywhere(request.user, "registry.add_household"):
        raise PermissionDenied


def _job(request: HttpRequest, pk: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk, created_by_id=request.user.pk).first()
    if job is None:
        raise Http404("No such import.")
    return job


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob(
            created_by=cast(User, request.user),
            file_name=Path(upload.name).name[:255],
            dry_run=form.cleaned_data["dry_run"],
        )
        job.file.save(upload.name, upload, save=False)
        job.save()
        registry_import_run.enqueue(job.pk)
        return redirect(job)
    context = {
        "form": form,
        "columns": COLUMNS,
        "jobs": ImportJob.objects.filter(created_by_id=request.user.pk)[:RECENT],
        "breadcrumbs": [{"name": _("Import the register"), "url": None}],
        "nav_active": "registry",
    }
    return render(request, "registry/import.html", context)


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = {
        "job": job,
        "breadcrumbs": [{"name": _("Import the register"), "url": reverse("registry:import")}],
        "nav_active": "registry",
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/import_job.html#import-progress", context)
    return render(request, "registry/import_job.html", context)


@login_required
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not job.error_file:
        raise Http404("No error file.")
    return FileResponse(
        job.error_file.open("rb"),
        as_attachment=True,
        filename=f"{Path(job.file_name).stem}-errors.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    rows = template_rows(template_headers(), template_example())
    if kind == "xlsx":
        body = xlsx_bytes(rows, sheet=_("Register"))
        content_type = XLSX_CONTENT_TYPE
    elif kind == "csv":
        body = csv_bytes(rows)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404("No such template.")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="register-template.{kind}"'
    return response
