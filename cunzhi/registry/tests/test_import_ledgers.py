"""Real ledgers import as they are (issue #9, item 6): the monitoring system's 之子 words,
GB/T 4761 codes, 子女 and 孙子女 with the sex from the ID number, and .xls and .ods workbooks.

``files/register.xls`` is a real Excel 97-2003 workbook of five made-up residents (ID numbers
from ``testing.make_id_number``, no personal data), written once with xlwt 1.3.0 in a scratch
virtualenv (xlwt is no dependency of the project); the .ods files are built here by hand."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.registry.importing import ImportRejected, registry_import
from cunzhi.registry.importing.reading import FileProblem
from cunzhi.registry.models import ImportJob, Resident
from cunzhi.registry.testing import make_id_number
from cunzhi.registry.tests.test_import import HEADER, family, upload, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FILES = Path(__file__).parent / "files"
VILLAGE = "530199100201"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return tmp_path


def member(name: str, born: datetime.date, sequence: int, male: bool, relation: str) -> list[str]:
    id_number = make_id_number(born, sequence=sequence, male=male)
    return [VILLAGE, "0001", name, id_number, relation, "", "", "", ""]


def head() -> list[str]:
    return member("曾国华", datetime.date(1968, 5, 12), 1, True, "户主")


def relations_of(county: County, path: Path) -> dict[str, str]:
    registry_import(actor=county.admin, path=path)
    return dict(Resident.objects.values_list("name", "relation"))


def test_the_monitoring_systems_words_keep_the_relation_as_precisely_as_given(
    county: County, tmp_path: Path
) -> None:
    words = [
        ("之妻", False, "spouse"), ("之子", True, "son"), ("之女", False, "daughter"),
        ("之儿媳", False, "daughter_in_law"), ("之女婿", True, "son_in_law"),
        ("之孙子", True, "grandson"), ("之孙女", False, "granddaughter"),
        ("之外孙子", True, "daughters_son"), ("之外孙女", False, "daughters_daughter"),
        ("之父", True, "father"), ("之母", False, "mother"), ("之兄弟姐妹", True, "sibling"),
        ("之公公", True, "father_in_law"), ("之岳母", False, "mother_in_law"),
        ("之外祖父", True, "maternal_grandfather"), ("之嫂", False, "sibling_in_law"),
        ("之孙媳妇", False, "grandchild_spouse"), ("之养子", True, "adopted_son"),
        ("之侄子", True, "other"), ("非亲属", False, "non_relative"),
    ]  # fmt: skip
    rows = [head()]
    for n, (word, male, _expected) in enumerate(words):
        rows.append(member(f"成员{n}", datetime.date(1990, 1, 1 + n), 10 + n, male, word))
    found = relations_of(county, write_csv(tmp_path, rows))
    assert found == {
        "曾国华": "head",
        **{f"成员{n}": expected for n, (_w, _m, expected) in enumerate(words)},
    }


def test_gbt_4761_codes_are_accepted_even_when_excel_dropped_the_leading_zero(
    county: County, tmp_path: Path
) -> None:
    rows = [member("曾国华", datetime.date(1968, 5, 12), 1, True, "2")]  # 02 户主, as a number
    codes = [("12", False, "spouse"), ("22", True, "son"), ("43", True, "daughters_son"),
             ("44", False, "daughters_daughter"), ("53", True, "father_in_law"),
             ("76", True, "sibling_in_law"), ("99", True, "non_relative"),
             ("40", False, "granddaughter")]  # fmt: skip
    for n, (code, male, _expected) in enumerate(codes):
        rows.append(member(f"成员{n}", datetime.date(1990, 1, 1 + n), 10 + n, male, code))
    found = relations_of(county, write_csv(tmp_path, rows))
    assert found["曾国华"] == "head"
    assert [found[f"成员{n}"] for n in range(len(codes))] == [e for _c, _m, e in codes]


def test_words_that_leave_the_sex_to_the_id_number_take_it_from_there(
    county: County, tmp_path: Path
) -> None:
    rows = [
        head(),
        member("曾小军", datetime.date(1992, 9, 30), 3, True, "子女"),
        member("曾小梅", datetime.date(1994, 2, 3), 4, False, "子女"),
        member("曾多多", datetime.date(2016, 6, 6), 5, True, "孙子女"),
        member("曾朵朵", datetime.date(2018, 8, 8), 6, False, "之孙子女"),
    ]
    found = relations_of(county, write_csv(tmp_path, rows))
    assert [found[n] for n in ("曾小军", "曾小梅", "曾多多", "曾朵朵")] == [
        "son", "daughter", "grandson", "granddaughter",
    ]  # fmt: skip
    assert Resident.objects.get(name="曾小梅").sex == "female"


def test_an_unknown_relation_is_a_row_error_that_lists_the_accepted_words(
    county: County, tmp_path: Path
) -> None:
    rows = [
        head(),
        member("曾小军", datetime.date(1992, 9, 30), 3, True, "干儿子"),
        member("曾小梅", datetime.date(1994, 2, 3), 4, False, "98"),
    ]
    with pytest.raises(ImportRejected) as rejected:
        registry_import(actor=county.admin, path=write_csv(tmp_path, rows))
    errors = rejected.value.outcome.errors
    assert [(e.row, e.column) for e in errors] == [(3, "与户主关系"), (4, "与户主关系")]
    message = errors[0].message
    assert message.startswith("Unknown relation “干儿子”. Write one of 户主、配偶、子、女、")
    for word in ("外孙子", "外孙女", "公公", "兄弟姐妹", "子女", "孙子女", "GB/T 4761", "之子"):
        assert word in message
    assert not Resident.objects.exists()


def test_an_old_xls_workbook_imports_like_any_other(county: County) -> None:
    outcome = registry_import(actor=county.admin, path=FILES / "register.xls")
    assert (outcome.households_created, outcome.residents_created) == (1, 5)
    assert dict(Resident.objects.values_list("name", "relation")) == {
        "曾国华": "head", "李春兰": "spouse", "曾小军": "son",  # "20", a number cell
        "王小梅": "daughters_daughter", "曾国富": "sibling",
    }  # fmt: skip


def test_an_xls_larger_than_the_in_memory_limit_is_refused_on_the_form_and_by_the_import(
    county: County, people: ThreePeople, media: Path, settings: Any
) -> None:
    settings.REGISTRY_IMPORT_MAX_IN_MEMORY_MB = 0
    with pytest.raises(FileProblem) as problem:
        registry_import(actor=county.admin, path=FILES / "register.xls")
    assert "read whole into memory: it may be at most 0 KB" in problem.value.messages[0]
    response = upload(people.clients()["in_scope"], FILES / "register.xls")
    assert "Save it as .xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def write_ods(path: Path, rows: list[list[str]], *, filler: int = 0) -> Path:
    """An OpenDocument spreadsheet as WPS writes one, reduced to what a reader needs."""

    def cell(value: str) -> str:
        if value.isdigit() and len(value) < 3:
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
            "</table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="户籍">'
        f"{body}<!--{' ' * filler}--></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def test_an_ods_from_wps_imports_with_the_same_row_errors_as_csv(
    county: County, tmp_path: Path
) -> None:
    rows = family("0001", 1)
    good = write_ods(tmp_path / "register.ods", [HEADER, *rows])
    outcome = registry_import(actor=county.admin, path=good, dry_run=True)
    assert (outcome.households_created, outcome.residents_created) == (1, 3)
    rows[1][3] = rows[1][3][:-1] + ("0" if rows[1][3][-1] != "0" else "1")  # check character
    rows[2][4] = "之干女儿"
    errors = {}
    for path in (write_ods(tmp_path / "bad.ods", [HEADER, *rows]), write_csv(tmp_path, rows)):
        with pytest.raises(ImportRejected) as rejected:
            registry_import(actor=county.admin, path=path)
        errors[path.suffix] = [(e.row, e.column, e.message) for e in rejected.value.outcome.errors]
    assert errors[".ods"] == errors[".csv"]
    assert [(row, column) for row, column, _m in errors[".ods"]] == [
        (3, "身份证号"), (4, "与户主关系"),
    ]  # fmt: skip


def test_an_ods_that_unpacks_beyond_the_in_memory_limit_is_refused(
    county: County, tmp_path: Path, settings: Any
) -> None:
    settings.REGISTRY_IMPORT_MAX_IN_MEMORY_MB = 1
    path = write_ods(tmp_path / "big.ods", [HEADER, *family("0001", 1)], filler=50 << 20)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(FileProblem) as problem:
        registry_import(actor=county.admin, path=path)
    assert "times its size" in problem.value.messages[0]


def test_an_xlsx_named_xls_is_read_as_what_it_is(county: County, tmp_path: Path) -> None:
    from cunzhi.registry.tests.test_import import write_xlsx

    path = write_xlsx(tmp_path, family("0001", 1)).rename(tmp_path / "exported.xls")
    outcome = registry_import(actor=county.admin, path=path, dry_run=True)
    assert outcome.residents_created == 3
