from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.audit.models import Event
from cunzhi.audit.services import verify_all
from cunzhi.registry.identity import search_keys
from cunzhi.registry.importing import ImportOutcome, ImportRejected, registry_import
from cunzhi.registry.importing.reading import FileProblem
from cunzhi.registry.models import Household, Resident, ResidentTag
from cunzhi.registry.testing import make_id_number, register_family

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = [
    "村代码",
    "户编号",
    "姓名",
    "身份证号",
    "与户主关系",
    "电话",
    "标签",
    "村民小组",
    "文化程度",
]
VILLAGE = "530199100201"
GROUP = "530199100201001"


def family(household_no: str, sequence: int, village: str = VILLAGE) -> list[list[str]]:
    """A head, his wife and their daughter: three rows of one household."""
    return [
        [
            village,
            household_no,
            "曾国华",
            make_id_number(datetime.date(1968, 5, 12), sequence=sequence),
            "户主",
            "13800000001",
            "脱贫户、留守老人",
            GROUP if village == VILLAGE else "",
            "初中",
        ],
        [
            village,
            household_no,
            "李春兰",
            make_id_number(datetime.date(1970, 3, 2), sequence=sequence, male=False),
            "妻子",
            "",
            "",
            "",
            "小学",
        ],
        [
            village,
            household_no,
            "曾小梅",
            make_id_number(datetime.date(2008, 9, 30), sequence=sequence + 1, male=False),
            "长女",
            "",
            "left_behind_child",
            "",
            "",
        ],
    ]


def write_csv(
    folder: Path,
    rows: Sequence[Sequence[str]],
    header: Sequence[str] = HEADER,
    encoding: str = "utf-8-sig",
    name: str = "register.csv",
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path = folder / name
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    folder: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER
) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    path = folder / "register.xlsx"
    workbook.save(path)
    return path


def counts() -> tuple[int, int, int, int]:
    return (
        Household.objects.count(),
        Resident.objects.count(),
        ResidentTag.objects.count(),
        Event.objects.filter(action__startswith="registry.")
        .exclude(action__startswith="registry.importjob_")
        .count(),
    )


def rejected(actor: object, path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as error:
        registry_import(actor=actor, path=path)
    return [(e.row, e.column, e.message) for e in error.value.outcome.errors]


def test_a_good_csv_imports_households_with_heads_and_tags(county: County, tmp_path: Path) -> None:
    path = write_csv(tmp_path, family("001", 1) + family("002", 5))
    outcome = registry_import(actor=county.admin, path=path)
    assert (outcome.households_created, outcome.residents_created) == (2, 6)
    household = Household.objects.get(household_no="001")
    assert household.head is not None and household.head.name == "曾国华"
    assert household.group is not None and household.group.code == GROUP
    head = household.head
    assert (head.sex, head.birth_date) == ("male", datetime.date(1968, 5, 12))
    assert head.relation == "head" and head.education == "junior"
    assert sorted(head.tags.values_list("code", flat=True)) == ["left_behind_elderly", "tuopin"]
    keys = search_keys(head.name, head.id_number, head.phone)
    assert (head.name_pinyin, head.name_initials, head.id_reversed) == (
        keys.name_pinyin,
        keys.name_initials,
        keys.id_reversed,
    )
    assert head.name_pinyin == "zengguohua"  # 曾 read as a surname
    wife = Resident.objects.get(name="李春兰", household=household)
    assert (wife.relation, wife.sex, wife.region_code) == ("spouse", "female", VILLAGE)
    assert ResidentTag.objects.filter(region_code=VILLAGE).count() == 6
    event = Event.objects.get(action="registry.registry_import")
    assert event.region_code == VILLAGE
    assert event.data["households_created"] == 2 and event.data["residents_created"] == 6
    assert event.data["households"] == ["001", "002"]
    assert len(event.data["sha256"]) == 64
    assert list(verify_all()) == []


def test_a_good_xlsx_imports_households_with_heads_and_tags(county: County, tmp_path: Path) -> None:
    rows: list[list[object]] = [list(r) for r in family("001", 1)]
    rows[0][7] = 1  # the group's last 3 digits, typed as a number
    path = write_xlsx(tmp_path, rows)
    outcome = registry_import(actor=county.admin, path=path)
    assert (outcome.households_created, outcome.residents_created) == (1, 3)
    household = Household.objects.get()
    assert household.head is not None and household.head.name == "曾国华"
    assert household.group is not None and household.group.code == GROUP
    assert ResidentTag.objects.count() == 3


def test_english_headers_and_a_gbk_csv_work(county: County, tmp_path: Path) -> None:
    header = ["village_code", "household no", "Name", "ID_number", "relation", "phone"]
    rows = [row[:6] for row in family("001", 1)]
    path = write_csv(tmp_path, rows, header=header, encoding="gbk")
    outcome = registry_import(actor=county.admin, path=path)
    assert outcome.residents_created == 3
    assert Resident.objects.filter(name="曾小梅", relation="daughter").exists()


def test_chinese_headers_with_marks_and_extra_columns_are_accepted(
    county: County, tmp_path: Path
) -> None:
    header = [
        "序号",
        "村代码*",
        "户编号（必填）",
        "姓名",
        "公民身份号码",
        "与户主关系",
        "备注",
        "其他",
    ]
    rows = [[str(i), *row[:5], "", "x"] for i, row in enumerate(family("001", 1), start=1)]
    outcome = registry_import(actor=county.admin, path=write_csv(tmp_path, rows, header=header))
    assert outcome.residents_created == 3
    assert outcome.ignored_columns == ["其他"]


def _bad(rows: list[list[str]], row: int, column: int, value: str) -> list[list[str]]:
    rows[row][column] = value
    return rows


def test_each_kind_of_bad_row_is_reported_with_its_row_and_column_and_nothing_is_written(
    county: County, tmp_path: Path
) -> None:
    register_family(county.admin, county.neighbour, "009", sequence=70)
    elsewhere = Resident.objects.filter(region=county.neighbour).first()
    assert elsewhere is not None
    before = counts()
    good = family("001", 1)
    bad_checksum = good[1][3][:-1] + ("0" if good[1][3][-1] != "0" else "1")
    rows = [
        *good,  # rows 2-4
        *_bad(family("002", 10), 0, 3, bad_checksum),  # row 5: checksum
        *_bad(family("003", 20), 1, 3, "530199197002300025"),  # row 8: 30 February
        *_bad(family("004", 30), 2, 3, good[0][3]),  # row 13: also on row 2
        *_bad(family("005", 40), 2, 3, elsewhere.id_number),  # row 16: another village
        *_bad(family("006", 50), 0, 0, "530199100299"),  # row 17: no such village
        *_bad(family("007", 60), 0, 7, "530199100201009"),  # row 20: no such group
        *_bad(family("008", 70), 1, 6, "富豪"),  # row 24: no such tag
        *_bad(family("009", 80), 0, 4, "儿子"),  # row 26: household 009 has no head
        *_bad(family("010", 90), 1, 4, "户主"),  # row 30: household 010 has two heads
        *_bad(family("011", 100), 2, 4, "邻居"),  # row 34: unknown relation
        *_bad(family("012", 110), 0, 2, ""),  # row 35: no name
    ]
    errors = rejected(county.admin, write_csv(tmp_path, rows))
    assert counts() == before
    found = {(row, column) for row, column, _message in errors}
    assert found >= {
        (5, "身份证号"),
        (9, "身份证号"),
        (13, "身份证号"),
        (16, "身份证号"),
        (17, "村代码"),
        (20, "村民小组"),
        (24, "标签"),
        (26, "与户主关系"),
        (30, "与户主关系"),
        (34, "与户主关系"),
        (35, "姓名"),
    }
    assert all(row > 4 for row, _column, _message in errors), "the good household had errors"
    messages = {(row, column): message for row, column, message in errors}
    assert "row 2" in messages[(13, "身份证号")]
    assert county.neighbour.name in messages[(16, "身份证号")]


def test_sex_and_birth_date_must_agree_with_the_id_number(county: County, tmp_path: Path) -> None:
    header = [*HEADER, "性别", "出生日期"]
    rows = [[*row, "", ""] for row in family("001", 1)]
    rows[0][-2] = "女"
    rows[1][-1] = "1970-03-03"
    errors = rejected(county.admin, write_csv(tmp_path, rows, header=header))
    assert {(row, column) for row, column, _m in errors} == {(2, "性别"), (3, "出生日期")}
    assert not Resident.objects.exists()


def test_a_village_cadre_cannot_import_into_another_village(
    county: County, people: ThreePeople, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, family("001", 1) + family("002", 5, village=county.neighbour.code))
    errors = rejected(people.in_scope, path)
    assert {(row, column) for row, column, _m in errors} == {
        (5, "村代码"),
        (6, "村代码"),
        (7, "村代码"),
    }
    assert "outside" in errors[0][2]
    assert not Household.objects.exists()
    # Their own village alone goes in; the reader of the village may import nothing.
    outcome = registry_import(actor=people.in_scope, path=write_csv(tmp_path, family("001", 1)))
    assert outcome.residents_created == 3
    with pytest.raises(PermissionDenied):
        registry_import(actor=people.read_only, path=write_csv(tmp_path, family("002", 5)))


def test_a_township_cadre_imports_into_every_village_of_the_township(
    county: County, tmp_path: Path
) -> None:
    leader = make_user(county, "township", Role.TOWNSHIP_LEADER, county.township)
    path = write_csv(
        tmp_path,
        family("001", 1) + family("001", 5, village=county.neighbour.code),
    )
    assert registry_import(actor=leader, path=path).villages == 2
    far = write_csv(tmp_path, family("002", 9, village=county.far_village.code))
    assert [column for _row, column, _m in rejected(leader, far)] == ["村代码"] * 3


def test_reimporting_the_same_file_updates_and_creates_no_duplicates(
    county: County, tmp_path: Path
) -> None:
    rows = family("001", 1) + family("002", 5)
    registry_import(actor=county.admin, path=write_csv(tmp_path, rows))
    before = counts()
    again = registry_import(actor=county.admin, path=write_csv(tmp_path, rows))
    assert (again.residents_created, again.residents_updated, again.residents_unchanged) == (
        0,
        0,
        6,
    )
    assert counts()[:3] == before[:3]
    rows[1][5] = "13900000002"  # the wife now has a phone
    rows[2][6] = "left_behind_child、disabled"  # the daughter gains a tag
    rows[2][2] = "曾晓梅"  # and her name was mistyped
    changed = registry_import(actor=county.admin, path=write_csv(tmp_path, rows))
    assert (changed.residents_created, changed.residents_updated) == (0, 2)
    assert counts()[:2] == before[:2]
    wife = Resident.objects.get(name="李春兰", household__household_no="001")
    assert wife.phone == "13900000002"
    daughter = Resident.objects.get(id_number=rows[2][3])
    assert daughter.name == "曾晓梅" and daughter.name_pinyin == "zengxiaomei"
    assert sorted(daughter.tags.values_list("code", flat=True)) == [
        "disabled",
        "left_behind_child",
    ]
    update = Event.objects.get(action="registry.resident_update", object_id=str(wife.pk))
    assert update.data["changes"] == {"phone": ["", "13900000002"]}
    tags = Event.objects.get(action="registry.resident_set_tags")
    assert tags.data["added"] == ["disabled"]
    assert list(verify_all()) == []


def test_an_empty_cell_never_erases_on_reimport(county: County, tmp_path: Path) -> None:
    rows = family("001", 1)
    registry_import(actor=county.admin, path=write_csv(tmp_path, rows))
    rows[0][5] = ""  # phone
    rows[0][8] = ""  # education
    outcome = registry_import(actor=county.admin, path=write_csv(tmp_path, rows))
    assert outcome.residents_updated == 0
    head = Resident.objects.get(relation="head")
    assert (head.phone, head.education) == ("13800000001", "junior")


def test_a_member_added_to_a_registered_household_needs_no_head_row(
    county: County, tmp_path: Path
) -> None:
    household = register_family(county.admin, county.village, "001")
    son = [
        VILLAGE,
        "001",
        "杨小军",
        make_id_number(datetime.date(2012, 1, 5), sequence=33),
        "儿子",
        "",
        "",
        "",
        "",
    ]
    outcome = registry_import(actor=county.admin, path=write_csv(tmp_path, [son]))
    assert (outcome.households_created, outcome.residents_created) == (0, 1)
    assert household.members.count() == 4
    second_head = [*son[:2], "王五", make_id_number(datetime.date(1960, 1, 1), sequence=44), "户主"]
    errors = rejected(county.admin, write_csv(tmp_path, [[*second_head, "", "", "", ""]]))
    assert [(row, column) for row, column, _m in errors] == [(2, "与户主关系")]


def test_dry_run_writes_nothing(county: County, tmp_path: Path) -> None:
    path = write_csv(tmp_path, family("001", 1))
    out = io.StringIO()
    call_command("registry_import", str(path), "--user", "root", "--dry-run", stdout=out)
    assert "3 created" in out.getvalue() and "Dry run" in out.getvalue()
    assert counts() == (0, 0, 0, 0)
    outcome: ImportOutcome = registry_import(actor=county.admin, path=path, dry_run=True)
    assert outcome.residents_created == 3 and not Resident.objects.exists()


def test_the_command_imports_and_exits_non_zero_on_errors(county: County, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "registry_import", str(write_csv(tmp_path, family("001", 1))), "--user", "root", stdout=out
    )
    assert "3 created" in out.getvalue()
    bad = family("002", 5)
    bad[0][3] = "12345"
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("registry_import", str(write_csv(tmp_path, bad)), "--user", "root", stderr=err)
    assert "row 2, 身份证号" in err.getvalue()
    assert Resident.objects.count() == 3
    with pytest.raises(SystemExit) as exit_status:
        from django.core.management import execute_from_command_line

        execute_from_command_line(
            ["manage.py", "registry_import", str(write_csv(tmp_path, bad)), "--user", "root"]
        )
    assert exit_status.value.code == 1


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty"),
        ("header.csv", "村代码,户编号,姓名,身份证号,与户主关系\n".encode(), "no rows"),
        ("wrong.csv", b"code,name\n530199100201,x\n", "missing"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "xlsx"),
        ("damaged.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "not a workbook"),
        ("fake.xlsx", b"this is not a zip file at all", "not an .xlsx"),
        ("latin.csv", "村代码".encode("utf-16"), "UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_clear_error(
    county: County, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileProblem) as problem:
        registry_import(actor=county.admin, path=path)
    assert expected in " ".join(problem.value.messages)


def test_an_id_number_excel_stored_as_a_number_is_named(county: County, tmp_path: Path) -> None:
    rows: list[list[object]] = [list(r) for r in family("001", 1)]
    rows[1][3] = int(str(rows[1][3])[:17] + "0")  # typed into a number cell: digits lost
    errors = rejected(county.admin, write_xlsx(tmp_path, rows))
    assert [(row, column) for row, column, _m in errors] == [(3, "身份证号")]
    assert "stored as a number" in errors[0][2]


# The pages: upload, the task, progress, the error file, templates

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE
    return tmp_path


def upload(client: Any, path: Path, **extra: object) -> Any:
    from django.urls import reverse

    with path.open("rb") as handle:
        return client.post(reverse("registry:import"), {"file": handle, **extra})


def test_an_upload_runs_the_import_task_and_the_page_shows_the_counts(
    county: County, people: ThreePeople, media: Path
) -> None:
    from cunzhi.registry.models import ImportJob

    client = people.clients()["in_scope"]
    response = upload(client, write_csv(media, family("001", 1) + family("002", 5)))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == "done" and job.counts["residents_created"] == 6
    assert Resident.objects.count() == 6
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert "Residents created" in page.content.decode() and ">6<" in page.content.decode()
    partial = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<section id="import-progress"')
    assert "every 1s" not in partial.content.decode()  # finished: no more polling
    # Another person, even of the same village, does not see the upload.
    assert people.clients()["outsider"].get(job.get_absolute_url()).status_code == 404
    assert people.clients()["read_only"].get(job.get_absolute_url()).status_code == 404


def test_a_running_import_is_polled_with_a_progress_bar(
    county: County, people: ThreePeople, media: Path
) -> None:
    from cunzhi.registry.models import ImportJob

    job = ImportJob.objects.create(
        created_by=people.in_scope, file_name="big.csv", status="running", phase="checking",
        rows_done=500, rows_total=2000,
    )  # fmt: skip
    page = people.clients()["in_scope"].get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page and '<progress value="25"' in page


def test_rejected_rows_give_a_downloadable_copy_with_an_error_column(
    county: County, people: ThreePeople, media: Path
) -> None:
    from cunzhi.registry.models import ImportJob

    rows: list[list[object]] = [list(r) for r in family("001", 1) + family("002", 5)]
    rows[4][3] = "530199197002300025"  # row 6: not a date
    client = people.clients()["in_scope"]
    upload(client, write_xlsx(media, rows))
    job = ImportJob.objects.get()
    assert job.status == "rejected" and job.error_count == 1
    assert job.errors == [[6, "身份证号", "The birth date in the ID number is not a date."]]
    assert counts() == (0, 0, 0, 0)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "nothing was written" in page and "身份证号" in page
    download = client.get(f"/registry/import/{job.pk}/errors.xlsx")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][-1] == "Errors" and values[0][: len(HEADER)] == HEADER
    assert values[5][3] == "530199197002300025"
    assert "身份证号" in str(values[5][-1]) and "not a date" in str(values[5][-1])
    assert values[1][-1] is None and len(values) == 7
    outsider = people.clients()["outsider"]
    assert outsider.get(f"/registry/import/{job.pk}/errors.xlsx").status_code == 404


def test_a_cadre_cannot_import_into_another_village_from_the_page(
    county: County, people: ThreePeople, media: Path
) -> None:
    from cunzhi.registry.models import ImportJob

    client = people.clients()["outsider"]  # the secretary of the neighbouring village
    upload(client, write_csv(media, family("001", 1)))
    job = ImportJob.objects.get()
    assert job.status == "rejected" and {e[1] for e in job.errors} == {"村代码"}
    assert not Resident.objects.exists()
    # The supervision member reads the register but may not import at all.
    assert people.clients()["read_only"].get("/registry/import/").status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "Upload a .xlsx"),
    ],
)
def test_a_bad_upload_is_refused_on_the_form(
    county: County, people: ThreePeople, media: Path, name: str, content: bytes, expected: str
) -> None:
    from cunzhi.registry.models import ImportJob

    path = media / name
    path.write_bytes(content)
    response = upload(people.clients()["in_scope"], path)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_with_wrong_headers_fails_with_a_clear_message(
    county: County, people: ThreePeople, media: Path
) -> None:
    from cunzhi.registry.models import ImportJob

    client = people.clients()["in_scope"]
    upload(client, write_csv(media, [["1", "2"]], header=["code", "name"]))
    job = ImportJob.objects.get()
    assert job.status == "failed" and "missing" in job.message
    assert "missing" in client.get(job.get_absolute_url()).content.decode()


def test_a_too_large_upload_is_refused(
    county: County, people: ThreePeople, media: Path, settings: object
) -> None:
    from cunzhi.registry.importing import forms

    path = write_csv(media, family("001", 1))
    original = forms.IMPORT_MAX_BYTES
    forms.IMPORT_MAX_BYTES = 100
    try:
        response = upload(people.clients()["in_scope"], path)
    finally:
        forms.IMPORT_MAX_BYTES = original
    assert "larger than 50 MB" in response.content.decode()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_template_has_the_headers_and_an_example_that_imports(
    county: County, people: ThreePeople, tmp_path: Path, kind: str
) -> None:
    response = people.clients()["in_scope"].get(f"/registry/import/template.{kind}")
    assert response.status_code == 200
    path = tmp_path / f"template.{kind}"
    path.write_bytes(response.content)
    outcome = registry_import(actor=people.in_scope, path=path, dry_run=True)
    assert (outcome.households_created, outcome.residents_created) == (1, 1)
    # Households are numbered as the register numbers them (demo, forms): 0001, not 001.
    from cunzhi.registry.importing.reading import open_rows

    source = open_rows(path, path.name)
    header, example = [cells for _n, cells in source.rows]
    source.close()
    assert example[header.index("户编号")] == "0001"


def _excel_like_workbook(path: Path) -> None:
    """A workbook as Excel writes it: shared strings (one rich, one with a phonetic guide),
    style attributes before the type, a gap in a row, an empty row and a formula."""
    import zipfile

    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    strings = (
        f'<sst {main} count="4" uniqueCount="4"><si><t>村代码</t></si><si><t>姓名</t></si>'
        '<si><r><rPr><b/></rPr><t>曾</t></r><r><t xml:space="preserve">国华</t></r></si>'
        '<si><t>A&amp;B</t><rPh sb="0" eb="1"><t>x</t></rPh></si></sst>'
    )
    sheet = (
        f'<worksheet {main}><dimension ref="A1:D4"/><sheetData>'
        '<row r="1" spans="1:4"><c r="A1" s="1" t="s"><v>0</v></c>'
        '<c r="B1" s="1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" s="2"><v>530199100201</v></c><c r="B2" t="s"><v>2</v></c>'
        '<c r="D2" t="inlineStr"><is><t>x&lt;y</t></is></c></row>'
        '<row r="4"><c r="A4" t="str"><f>B4</f><v>F</v></c><c r="B4" s="3" t="s"><v>3</v></c>'
        '<c r="C4" s="4"><v>3.5</v></c><c r="D4" s="5"/></row>'
        "</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{kind}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships {package}><Relationship Id="rId1" '
            f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook {main} xmlns:r="{office}"><sheets>'
            '<sheet name="户籍" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f"<Relationships {package}>"
            f'<Relationship Id="rId1" Type="{office}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{office}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/sharedStrings.xml": strings,
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)


def test_the_fast_xlsx_reader_reads_what_openpyxl_reads(tmp_path: Path) -> None:
    from cunzhi.registry.importing import reading

    path = tmp_path / "excel.xlsx"
    _excel_like_workbook(path)
    fast = reading.open_rows(path, path.name)
    assert fast.handle is not None and not hasattr(fast.handle, "worksheets"), "fell back"
    rows = list(fast.rows)
    fast.close()
    assert rows == [
        (1, ["村代码", "姓名"]),
        (2, ["530199100201", "曾国华", "", "x<y"]),
        (4, ["F", "A&B", "3.5", ""]),
    ]
    reference, _total, workbook = reading._openpyxl_rows(path)
    by_openpyxl = [(number, list(cells)) for number, cells in reference if any(cells)]
    workbook.close()
    pairs = zip(by_openpyxl, rows, strict=True)
    assert [(n, c[: len(cells)]) for (n, c), (_n, cells) in pairs] == rows


def test_a_large_first_load_rebuilds_the_search_indexes_it_set_aside(
    county: County, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from cunzhi.registry.importing import writing

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, Resident._meta.db_table)
        return {name for name, info in found.items() if info["index"]}

    before = indexes()
    assert any(name.startswith("resident_search_") for name in before)
    monkeypatch.setattr(writing, "REBUILD_MIN_ROWS", 1)
    outcome = registry_import(actor=county.admin, path=write_csv(tmp_path, family("001", 1)))
    assert outcome.residents_created == 3
    assert indexes() == before
    head = Resident.objects.get(relation="head")
    assert Resident.objects.filter(name_pinyin="zengguohua").get() == head


def test_progress_counts_rows_checked_then_residents_written_across_chunks(
    county: County, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cunzhi.registry.importing import service

    monkeypatch.setattr(service, "CHUNK_ROWS", 4)  # 15 rows: four chunks
    rows = [row for n in range(5) for row in family(f"{n + 1:03d}", 10 + 3 * n)]
    calls: list[tuple[str, int, int | None]] = []
    registry_import(
        actor=county.admin,
        path=write_csv(tmp_path, rows),
        progress=lambda phase, done, total: calls.append((phase, done, total)),
    )
    checking = [done for phase, done, _total in calls if phase == "checking"]
    writing = [(done, total) for phase, done, total in calls if phase == "writing"]
    assert checking == [4, 8, 12]
    assert writing == [(0, 15), (4, 15), (8, 15), (12, 15), (15, 15)]
    # The tags of every chunk reached their residents, in their village.
    tagged = ResidentTag.objects.filter(region_code=VILLAGE).select_related("resident", "tag")
    assert len(tagged) == 5 * 3
    assert {(link.resident.relation, link.tag.code) for link in tagged} == {
        ("head", "tuopin"),
        ("head", "left_behind_elderly"),
        ("daughter", "left_behind_child"),
    }


def test_the_files_of_an_import_are_deleted_after_the_keep_days_and_its_counts_stay(
    county: County, people: ThreePeople, media: Path, settings: Any
) -> None:
    from django.utils import timezone

    from cunzhi.registry.importing import jobs
    from cunzhi.registry.models import ImportJob

    settings.REGISTRY_IMPORT_KEEP_DAYS = 30
    client = people.clients()["in_scope"]
    rows: list[list[object]] = [list(r) for r in family("001", 1)]
    rows[1][3] = "530199197002300025"  # not a date: a rejected upload with an error file
    upload(client, write_xlsx(media, rows))
    rejected_job = ImportJob.objects.get()
    upload(client, write_csv(media, family("002", 5)))
    done_job = ImportJob.objects.exclude(pk=rejected_job.pk).get()
    files = [Path(rejected_job.file.path), Path(rejected_job.error_file.path)]
    files.append(Path(done_job.file.path))
    assert all(f.exists() for f in files)
    # The rejected one ended 31 days ago, the other just now: only the first goes.
    ImportJob.objects.filter(pk=rejected_job.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=31)
    )
    out = io.StringIO()
    call_command("registry_purge_imports", stdout=out)
    assert "1 finished import" in out.getvalue()
    assert [f.exists() for f in files] == [False, False, True]
    rejected_job.refresh_from_db()
    assert rejected_job.purged_at is not None and not rejected_job.file
    assert not rejected_job.error_file and rejected_job.errors == []
    assert rejected_job.error_count == 1 and rejected_job.counts["rows"] == 3
    page = client.get(rejected_job.get_absolute_url()).content.decode()
    assert "were deleted on" in page and "Download the file" not in page
    assert client.get(f"/registry/import/{rejected_job.pk}/errors.xlsx").status_code == 404
    # Nothing left to purge; a keep of 0 days takes the recent one too.
    assert jobs.importjob_purge() == 0
    assert jobs.importjob_purge(keep_days=0) == 1 and not files[2].exists()
    with pytest.raises(CommandError):
        call_command("registry_purge_imports", "--days", "-1")
