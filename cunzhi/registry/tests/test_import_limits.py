"""Uploads that cannot sink the worker (issue #7, item 5): bounded reads, bad cells as row
errors, jobs that always end, and an error copy that holds only text. Every file is built here."""

from __future__ import annotations

import datetime
import io
import random
import string
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.registry.importing import ImportRejected, registry_import
from cunzhi.registry.importing.reading import FileProblem
from cunzhi.registry.models import ImportJob, Resident
from cunzhi.registry.tests.test_import import (
    HEADER,
    family,
    upload,
    write_csv,
    write_xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MB = 1 << 20


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return tmp_path


def rejected(actor: object, path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as error:
        registry_import(actor=actor, path=path)
    return [(e.row, e.column, e.message) for e in error.value.outcome.errors]


def peak_mb(action: Any) -> tuple[Any, float]:
    """What ``action()`` gave or raised, and the peak of Python memory it took, in MB."""
    tracemalloc.start()
    try:
        try:
            result = action()
        except Exception as error:
            result = error
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / MB


def sheet_with(path: Path, rows_xml: Iterator[bytes], *, level: int = 9) -> Path:
    """A workbook openpyxl writes, its sheet's rows replaced by ``rows_xml``, streamed into
    the zip so that the test never holds the sheet."""
    source = write_xlsx(path.parent, [])
    with zipfile.ZipFile(source) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    before, _rest = sheet.split(b"<sheetData>", 1)
    after = b"</sheetData>" + sheet.split(b"</sheetData>", 1)[1]
    header = b"".join(
        b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + i).encode(), h.encode())
        for i, h in enumerate(HEADER)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(before + b'<sheetData><row r="1">' + header + b"</row>")
            for chunk in rows_xml:
                out.write(chunk)
            out.write(after)
    return path


def row_xml(number: int, cells: list[str]) -> bytes:
    body = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(cells)
    )
    return f'<row r="{number}">{body}</row>'.encode()


def test_a_zip_bomb_is_refused_before_it_is_read_in_bounded_memory(
    county: County, tmp_path: Path
) -> None:
    def bomb() -> Iterator[bytes]:  # one cell of 300 MB of one letter
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = b"A" * MB
        for _ in range(300):
            yield block
        yield b"</t></is></c></row>"

    path = sheet_with(tmp_path / "bomb.xlsx", bomb())
    assert path.stat().st_size < 2 * MB  # small on disk
    problem, peak = peak_mb(lambda: registry_import(actor=county.admin, path=path))
    assert isinstance(problem, FileProblem)
    assert "times its size" in " ".join(problem.messages) and "300 MB" in problem.messages[0]
    assert peak < 20
    assert not Resident.objects.exists()


def test_a_workbook_larger_than_the_setting_is_refused_naming_the_limit(
    county: County, tmp_path: Path, settings: Any
) -> None:
    settings.REGISTRY_IMPORT_MAX_UNPACKED_MB = 1
    noise = random.Random(7)
    rows = [
        row_xml(n, ["".join(noise.choices(string.ascii_letters, k=2000))]) for n in range(2, 700)
    ]
    path = sheet_with(tmp_path / "big.xlsx", iter(rows))
    with pytest.raises(FileProblem) as problem:
        registry_import(actor=county.admin, path=path)
    assert "at most 1 MB can be imported" in problem.value.messages[0]


def test_a_part_that_unpacks_beyond_its_declared_size_is_refused_as_damaged(
    county: County, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path, family("0001", 1))
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    # The sheet's size, in its local header and in the central directory, says 300 bytes.
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[at + size_at : at + size_at + 4] = (300).to_bytes(4, "little")
            at += 4
    path.write_bytes(bytes(data))
    with pytest.raises(FileProblem) as problem:
        registry_import(actor=county.admin, path=path)
    assert "Excel or WPS can open" in problem.value.messages[0]


def test_a_row_too_large_is_skipped_in_bounded_memory_and_is_that_rows_error(
    county: County, tmp_path: Path
) -> None:
    noise = random.Random(3)
    huge = "".join(noise.choices(string.ascii_letters, k=3 * MB))  # packs about 1.3 times

    def rows() -> Iterator[bytes]:
        for number, cells in enumerate(family("0001", 1), start=2):
            yield row_xml(number, cells)
        yield row_xml(5, ["530199100201", "0002", huge])

    path = sheet_with(tmp_path / "wide.xlsx", rows(), level=1)
    errors, peak = peak_mb(lambda: rejected(county.admin, path))
    assert errors == [
        (
            5,
            "村代码",
            "This row is larger than 1 MB, more than a register row can be: it was not read.",
        ),
    ]
    assert peak < 16  # the 3 MB row was never held, nor its text decoded


def test_a_cell_beyond_column_xfd_is_a_row_error_and_the_job_ends(
    county: County,
    people: ThreePeople,
    media: Path,
) -> None:
    def rows() -> Iterator[bytes]:
        for number, cells in enumerate(family("0001", 1), start=2):
            xml = row_xml(number, cells)
            if number == 3:
                beyond = b'<c r="ZZZZ3" t="inlineStr"><is><t>x</t></is></c>'
                xml = xml.replace(b"</row>", beyond + b"</row>")
            yield xml

    path = sheet_with(media / "zzzz.xlsx", rows())
    assert rejected(county.admin, path) == [
        (3, "ZZZZ", "This cell is beyond column XFD, the last column a sheet has: delete it.")
    ]
    upload(people.clients()["in_scope"], path)
    job = ImportJob.objects.get()
    assert job.status == "rejected" and job.finished_at is not None and job.error_file


def test_a_control_character_is_a_row_error_and_the_error_copy_still_opens(
    county: County,
    people: ThreePeople,
    media: Path,
) -> None:
    rows = family("0001", 1)
    rows[1][2] = "李\x01春兰"
    path = write_csv(media, rows)
    assert rejected(county.admin, path) == [
        (3, "姓名", "This cell holds a control character (U+0001) that is not text: delete it.")
    ]
    client = people.clients()["in_scope"]
    upload(client, path)
    job = ImportJob.objects.get()
    assert job.status == "rejected" and job.error_count == 1
    sheet = openpyxl.load_workbook(job.error_file.path).active
    assert sheet is not None
    assert sheet.cell(3, 3).value == "李春兰"
    assert "U+0001" in str(sheet.cell(3, len(HEADER) + 1).value)


def test_a_formula_in_a_rejected_row_comes_back_as_text(
    county: County,
    people: ThreePeople,
    media: Path,
) -> None:
    rows = family("0001", 1)
    formula = '=HYPERLINK("http://example.invalid/x","点击")'
    rows[0][5] = formula  # the phone column: too long an entry, and a formula
    rows[1][3] = "530199197002300025"  # not a date
    upload(people.clients()["in_scope"], write_csv(media, rows))
    job = ImportJob.objects.get()
    assert job.status == "rejected"
    workbook = openpyxl.load_workbook(job.error_file.path)  # formulas as formulas, not values
    cells = [cell for row in workbook.active.iter_rows() for cell in row]  # type: ignore[union-attr]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert workbook.active["F2"].value == formula  # type: ignore[index]
    assert str(workbook.active["J1"].value) == "Errors"  # type: ignore[index]


def test_csv_cells_longer_than_the_csv_modules_limit_are_row_errors(
    county: County, tmp_path: Path
) -> None:
    rows = family("0001", 1) + family("0002", 5)
    rows[0][8] = "初" * 140_000  # past csv's default field limit of 131,072
    rows[3][6] = "x" * (2 * MB)  # a line of more than 1 MB characters
    path = write_csv(tmp_path, rows)
    broken = path.read_text(encoding="utf-8-sig") + f'"{"y" * (MB // 2)}\n{"y" * (MB // 2)}\n'
    path.write_text(broken + ",".join(family("0003", 9)[0]) + "\n", encoding="utf-8-sig")
    errors = rejected(county.admin, path)
    assert [(row, column) for row, column, _m in errors] == [
        (2, "文化程度"),
        (5, "村代码"),
        (6, "与户主关系"),
        (8, "村代码"),
    ]  # fmt: skip (row 6: its household's head was on row 5, which could not be read)
    assert "more than 32,767 characters" in errors[0][2]
    assert "larger than 1 MB" in errors[1][2]
    assert "cannot be read as CSV" in errors[3][2]


def test_a_job_whose_import_fails_unexpectedly_ends_failed_and_is_purged_on_schedule(
    county: County,
    people: ThreePeople,
    media: Path,
    monkeypatch: Any,
) -> None:
    from cunzhi.registry.importing import jobs

    def broken(**kwargs: Any) -> None:
        raise MemoryError  # what a worker runs into; an Exception, so the job ends

    monkeypatch.setattr(jobs, "registry_import", broken)
    client = people.clients()["in_scope"]
    upload(client, write_csv(media, family("0001", 1)))
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.finished_at is not None
    assert "unexpected error" in client.get(job.get_absolute_url()).content.decode()
    later = timezone.now() + datetime.timedelta(days=31)
    assert jobs.importjob_purge(now=later) == 1
    job.refresh_from_db()
    assert job.purged_at is not None and not job.file


def test_a_job_left_running_by_a_dead_worker_is_failed_by_the_purge_with_an_event(
    county: County,
    people: ThreePeople,
    media: Path,
    settings: Any,
) -> None:
    from cunzhi.registry.importing import jobs

    settings.REGISTRY_IMPORT_STALE_MINUTES = 30
    dead = ImportJob.objects.create(
        created_by=people.in_scope, file_name="dead.csv", status="running"
    )
    alive = ImportJob.objects.create(
        created_by=people.in_scope, file_name="alive.csv", status="running"
    )
    ImportJob.objects.filter(pk=dead.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    jobs.importjob_purge()
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, alive.status) == ("failed", "running")
    assert "stopped without finishing" in dead.message and dead.finished_at is not None
    events = Event.objects.filter(action="registry.importjob_fail_stale")
    assert [(e.object_id, e.actor_label) for e in events] == [(str(dead.pk), "system")]
    assert events[0].region_code == county.village.code  # the uploader's county sees it


def test_an_upload_and_the_purge_of_its_files_each_leave_one_event(
    county: County,
    people: ThreePeople,
    media: Path,
) -> None:
    from django.core.management import call_command

    upload(people.clients()["in_scope"], write_csv(media, family("0001", 1)), dry_run="on")
    job = ImportJob.objects.get()
    created = Event.objects.get(action="registry.importjob_create")
    assert (created.object_id, created.actor_label) == (str(job.pk), "secretary")
    assert created.data["file"] == "register.csv" and created.data["dry_run"] is True
    assert created.region_code == county.village.code
    call_command("registry_purge_imports", "--days", "0", stdout=io.StringIO())
    purged = Event.objects.get(action="registry.importjob_purge")
    assert (purged.object_id, purged.actor_label) == (str(job.pk), "system")
    assert Event.objects.filter(action__startswith="registry.importjob_").count() == 2
    assert Event.objects.filter(action="registry.import").count() == 0  # a dry run writes none


def test_a_rejected_or_checked_import_never_says_residents_were_created(
    county: County, people: ThreePeople, media: Path
) -> None:
    client = people.clients()["in_scope"]
    rows = family("0001", 1) + family("0002", 5)
    rows[4][3] = "530199197002300025"  # not a date: rejected, with 5 good rows
    upload(client, write_csv(media, rows))
    upload(client, write_csv(media, family("0003", 9)), dry_run="on")
    rejected_job, checked_job = ImportJob.objects.order_by("pk")
    assert (rejected_job.status, checked_job.status) == ("rejected", "checked")
    page = client.get(rejected_job.get_absolute_url()).content.decode()
    assert "6 rows checked." in page and "nothing was written" in page
    assert "Residents created" not in page and "Residents to create" not in page
    page = client.get(checked_job.get_absolute_url()).content.decode()
    assert "Residents to create</th><td>3<" in page and "Nothing was written." in page
    assert "Residents created" not in page


def test_the_streamed_reader_counts_what_it_inflates_whatever_the_sizes_say(
    tmp_path: Path,
) -> None:
    from cunzhi.registry.importing.sheets import fast_xlsx_rows

    path = write_xlsx(tmp_path, [row[:] for n in range(300) for row in family(f"{n:04d}", 1)])
    # The guard, which reads the declared sizes, is skipped: the count alone refuses.
    with zipfile.ZipFile(path) as archive, pytest.raises(FileProblem) as problem:
        list(fast_xlsx_rows(archive, 20_000))
    assert "at most 20 KB can be imported" in problem.value.messages[0]
