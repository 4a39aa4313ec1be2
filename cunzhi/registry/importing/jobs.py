"""Background jobs of the register: an uploaded import runs here, in ``manage.py db_worker``.

An uploaded file, and the copy with its errors marked, hold the ID number of every row. They
are needed while the import runs and for a few days after (to download the errors, to look at
what was sent); after ``REGISTRY_IMPORT_KEEP_DAYS`` they are deleted by ``importjob_purge``,
which every import runs when it ends and ``manage.py registry_purge_imports`` runs on demand.

The job's creation and the purge are services (DESIGN rule 3), each leaving its event. A job
never stays "running" after its worker failed: any error ends it as failed with a message, and
a worker that died without a word (killed, out of memory) leaves a job whose ``updated_at``
stops moving; the purge fails it after ``REGISTRY_IMPORT_STALE_MINUTES``.
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
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from cunzhi.accounts.scopes import has_permission_anywhere, home_region_code
from cunzhi.audit import services as audit
from cunzhi.registry.importing.output import write_error_copy
from cunzhi.registry.importing.plan import PERMISSIONS, ImportRejected
from cunzhi.registry.importing.service import registry_import
from cunzhi.registry.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)
# Errors kept on the job for its page; all of them are in the error file.
ERRORS_SHOWN = 200
# The progress bar is fed at most this often: each update is a write to the database.
PROGRESS_SECONDS = 0.5
FINAL_FIELDS = [
    "status", "phase", "counts", "errors", "error_count", "error_file", "message",
    "rows_done", "rows_total", "finished_at", "updated_at",
]  # fmt: skip


def importjob_create(*, actor: Any, upload: UploadedFile, dry_run: bool = False) -> ImportJob:
    """Store an uploaded register file as an import waiting to run (户籍导入), with its event.

    The caller queues ``registry_import_run`` for it. The event goes to the chain of the
    uploader's county (``home_region_code``): the file may hold several villages, and which
    ones is known only when it is read; the import's own events name each village.
    """
    if not has_permission_anywhere(actor, PERMISSIONS[0]):
        raise PermissionDenied(_("You may not import into the register."))
    name = Path(upload.name or "upload").name[:255]
    job = ImportJob(created_by=actor, file_name=name, dry_run=dry_run)
    try:
        with transaction.atomic():
            job.file.save(name, upload, save=False)
            job.save()
            audit.record(
                actor=actor,
                action="registry.importjob_create",
                obj=job,
                object_label=name,
                region_code=home_region_code(actor),
                data={"file": name, "bytes": upload.size, "dry_run": dry_run},
            )
    except BaseException:
        if job.file.name:
            job.file.storage.delete(job.file.name)
        raise
    return job


@task()
def registry_import_run(job_id: int) -> dict[str, Any]:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        _run(job)
    except Exception:
        # Whatever went wrong, the job ends: a "running" job nobody will finish is worse than
        # a failed one that says so (its files are purged on schedule like any other's).
        logger.exception("register import %s failed", job.pk)
        job.status = ImportStatus.FAILED
        job.message = _("The import stopped on an unexpected error; nothing was written.")
        job.finished_at = timezone.now()
        job.phase = ""
        job.save(update_fields=FINAL_FIELDS)
    try:
        purged = importjob_purge()
    except Exception:  # the import is done; a purge that failed is tried again next time
        logger.exception("purging register imports failed")
        purged = 0
    return {
        "status": job.status,
        "counts": job.counts,
        "errors": job.error_count,
        "purged": purged,
    }


def _run(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, phase="checking", updated_at=timezone.now()
    )
    last, last_phase = 0.0, "checking"

    def progress(phase: str, done: int, total: int | None) -> None:
        # updated_at is the job's heartbeat: a job whose worker died stops moving it.
        nonlocal last, last_phase
        now = time.monotonic()
        if now - last >= PROGRESS_SECONDS or phase != last_phase:
            last, last_phase = now, phase
            ImportJob.objects.filter(pk=job.pk).update(
                phase=phase, rows_done=done, rows_total=total, updated_at=timezone.now()
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
        job.status = ImportStatus.REJECTED
        job.counts = rejected.outcome.counts()
        job.errors = [[e.row, e.column, e.message] for e in errors[:ERRORS_SHOWN]]
        job.error_count = len(errors)
        _attach_error_copy(job, path, errors)
    except (ValidationError, PermissionDenied) as problem:
        job.status = ImportStatus.FAILED
        job.message = " ".join(getattr(problem, "messages", None) or [str(problem)])
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
    job.save(update_fields=FINAL_FIELDS)


def _attach_error_copy(job: ImportJob, path: Path, errors: list[Any]) -> None:
    """The file back with its errors marked; without it (it could not be written) the page
    still lists the errors."""
    by_row: dict[int, list[str]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(f"{error.column}: {error.message}")
    target = path.with_name(f"{path.stem}-errors.xlsx")
    try:
        write_error_copy(path, job.file_name, by_row, target, heading=_("Errors"))
        with target.open("rb") as handle:
            job.error_file.save(f"{Path(job.file_name).stem}-errors.xlsx", File(handle), save=False)
    except Exception:
        logger.exception("the error copy of register import %s could not be written", job.pk)
    finally:
        target.unlink(missing_ok=True)


def importjob_purge(
    *, actor: Any = None, now: datetime.datetime | None = None, keep_days: int | None = None
) -> int:
    """Fail the imports whose worker died, then delete the files and listed errors of imports
    that ended ``keep_days`` ago; how many were purged. One event for each job failed or purged.

    The job stays, with its counts and the time of the deletion, and so does the trace in the
    audit log: only the copies of personal data go. A file already missing from the storage
    (deleted by hand) is no error. ``actor`` is None ("system") when an import or a scheduled
    command runs it.
    """
    keep = settings.REGISTRY_IMPORT_KEEP_DAYS if keep_days is None else keep_days
    now = now or timezone.now()
    importjob_fail_stale(actor=actor, now=now)
    jobs = ImportJob.objects.filter(
        finished_at__lt=now - datetime.timedelta(days=keep), purged_at__isnull=True
    ).select_related("created_by")
    purged = 0
    for job in jobs.iterator():
        # The files first: a job marked purged whose files stayed would never be purged again.
        for field in (job.file, job.error_file):
            if field.name:
                field.storage.delete(field.name)
        with transaction.atomic():
            if not ImportJob.objects.filter(pk=job.pk, purged_at__isnull=True).update(
                file="", error_file="", errors=[], purged_at=now, updated_at=now
            ):
                continue  # another purge took it meanwhile
            audit.record(
                actor=actor,
                action="registry.importjob_purge",
                obj=job,
                region_code=home_region_code(job.created_by),
                data={"file": job.file_name, "finished_at": job.finished_at, "kept_days": keep},
            )
        purged += 1
    if purged:
        logger.info("deleted the files of %s finished register imports", purged)
    return purged


def importjob_fail_stale(*, actor: Any = None, now: datetime.datetime | None = None) -> int:
    """Fail the imports "running" with no heartbeat for REGISTRY_IMPORT_STALE_MINUTES: their
    worker died (the write pass is one transaction, so nothing was written). How many."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(minutes=settings.REGISTRY_IMPORT_STALE_MINUTES)
    message = _(
        "The import stopped without finishing (the server ended its work); nothing was "
        "written. Upload the file again."
    )
    failed = 0
    for job in ImportJob.objects.filter(
        status=ImportStatus.RUNNING, updated_at__lt=stale
    ).select_related("created_by"):
        with transaction.atomic():
            if not ImportJob.objects.filter(
                pk=job.pk, status=ImportStatus.RUNNING, updated_at__lt=stale
            ).update(
                status=ImportStatus.FAILED, phase="", message=message, finished_at=now,
                updated_at=now,
            ):  # fmt: skip
                continue
            audit.record(
                actor=actor,
                action="registry.importjob_fail_stale",
                obj=job,
                region_code=home_region_code(job.created_by),
                data={"file": job.file_name, "last_heard": job.updated_at},
            )
        failed += 1
    return failed
