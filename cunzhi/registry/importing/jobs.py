"""Background jobs of the register: an uploaded import runs here, in ``manage.py db_worker``.

An uploaded file, and the copy with its errors marked, hold the ID number of every row. They
are needed while the import runs and for a few days after (to download the errors, to look at
what was sent); after ``REGISTRY_IMPORT_KEEP_DAYS`` they are deleted by ``import_files_purge``,
which every import runs when it ends and ``manage.py registry_purge_imports`` runs on demand.
"""

from __future__ import annotations

import datetime
import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from cunzhi.registry.importing.output import write_error_copy
from cunzhi.registry.importing.plan import ImportRejected
from cunzhi.registry.importing.service import registry_import
from cunzhi.registry.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)
# Errors kept on the job for its page; all of them are in the error file.
ERRORS_SHOWN = 200
# The progress bar is fed at most this often: each update is a write to the database.
PROGRESS_SECONDS = 0.5


@task()
def registry_import_run(job_id: int) -> dict[str, Any]:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, phase="checking")
    last, last_phase = 0.0, "checking"

    def progress(phase: str, done: int, total: int | None) -> None:
        nonlocal last, last_phase
        now = time.monotonic()
        if now - last >= PROGRESS_SECONDS or phase != last_phase:
            last, last_phase = now, phase
            ImportJob.objects.filter(pk=job.pk).update(
                phase=phase, rows_done=done, rows_total=total
            )

    path = Path(job.file.path)
    try:
        outcome = registry_import(
            actor=job.created_by,
            path=path,
            name=job.file_name,
            dry_run=job.dry_run,
            progress=progress,
            reference=f"upload-{job.pk}",
        )
    except ImportRejected as rejected:
        errors = rejected.outcome.errors
        by_row: dict[int, list[str]] = {}
        for error in errors:
            by_row.setdefault(error.row, []).append(f"{error.column}: {error.message}")
        job.status = ImportStatus.REJECTED
        job.counts = rejected.outcome.counts()
        job.errors = [[e.row, e.column, e.message] for e in errors[:ERRORS_SHOWN]]
        job.error_count = len(errors)
        target = path.with_name(f"{path.stem}-errors.xlsx")
        write_error_copy(path, job.file_name, by_row, target, heading=_("Errors"))
        with target.open("rb") as handle:
            job.error_file.save(f"{Path(job.file_name).stem}-errors.xlsx", File(handle), save=False)
        target.unlink()
    except (ValidationError, PermissionDenied) as problem:
        job.status = ImportStatus.FAILED
        job.message = " ".join(getattr(problem, "messages", None) or [str(problem)])
    except Exception:
        logger.exception("register import %s failed", job.pk)
        job.status = ImportStatus.FAILED
        job.message = _("The import stopped on an unexpected error; nothing was written.")
    else:
        job.status = ImportStatus.CHECKED if outcome.dry_run else ImportStatus.DONE
        job.counts = outcome.counts()
        job.rows_done = job.rows_total = outcome.rows
        if outcome.ignored_columns:
            job.message = _("Columns ignored: %(columns)s") % {
                "columns": "、".join(outcome.ignored_columns)
            }
    job.finished_at = timezone.now()
    job.phase = ""
    job.save(
        update_fields=[
            "status", "phase", "counts", "errors", "error_count", "error_file", "message",
            "rows_done", "rows_total", "finished_at", "updated_at",
        ]
    )  # fmt: skip
    purged = import_files_purge()
    return {
        "status": job.status,
        "counts": job.counts,
        "errors": job.error_count,
        "purged": purged,
    }


def import_files_purge(
    *, now: datetime.datetime | None = None, keep_days: int | None = None
) -> int:
    """Delete the files and listed errors of imports that ended ``keep_days`` ago; how many.

    The job stays, with its counts and the time of the deletion, and so does the trace in the
    audit log: only the copies of personal data go. A file already missing from the storage
    (deleted by hand) is no error.
    """
    keep = settings.REGISTRY_IMPORT_KEEP_DAYS if keep_days is None else keep_days
    now = now or timezone.now()
    jobs = ImportJob.objects.filter(
        finished_at__lt=now - datetime.timedelta(days=keep), purged_at__isnull=True
    ).only("pk", "file", "error_file")
    purged = 0
    for job in jobs.iterator():
        for field in (job.file, job.error_file):
            if field.name:
                field.storage.delete(field.name)
        ImportJob.objects.filter(pk=job.pk).update(
            file="", error_file="", errors=[], purged_at=now, updated_at=now
        )
        purged += 1
    if purged:
        logger.info("deleted the files of %s finished register imports", purged)
    return purged
