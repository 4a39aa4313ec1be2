from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cunzhi.audit.models import Event
from cunzhi.core.regioncodes import Level
from cunzhi.regions.models import Region

pytestmark = pytest.mark.django_db

GOOD = """统计用区划代码,名称
530000000000,云南省
530100000000,昆明市
530102000000,五华区
530102001000,华山街道
530102001001,西仓坡社区
530102001001001,第一居民小组
"""


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "codes.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_it_derives_level_and_parent_from_the_code(tmp_path: Path) -> None:
    call_command("import_regions", write(tmp_path, GOOD, "utf-8-sig"))
    group = Region.objects.get(code="530102001001001")
    assert group.level == Level.GROUP
    assert group.parent is not None and group.parent.code == "530102001001"
    assert Region.objects.get(code="530102000000").parent.code == "530100000000"  # type: ignore[union-attr]
    assert Region.objects.count() == 6


def test_re_importing_updates_names_and_creates_no_duplicates(tmp_path: Path) -> None:
    call_command("import_regions", write(tmp_path, GOOD))
    call_command("import_regions", write(tmp_path, GOOD.replace("华山街道", "华山街道办事处")))
    assert Region.objects.count() == 6
    assert Region.objects.get(code="530102001000").name == "华山街道办事处"
    assert Event.objects.filter(action="regions.regions_import").count() == 2


def test_a_file_without_header_is_read_as_code_and_name(tmp_path: Path) -> None:
    call_command("import_regions", write(tmp_path, "530000000000,云南省\n530100000000,昆明市\n"))
    assert Region.objects.count() == 2


def test_bad_rows_are_reported_by_line_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = (
        "code,name\n"
        "530000000000,云南省\n"
        "53010000000,short\n"  # line 3: 11 digits
        "5301A0000000,letters\n"  # line 4
        "530100000000,昆明市\n"
        "530100000000,again\n"  # line 6: duplicate
        "530299000000,orphan\n"  # line 7: parent 530200000000 unknown
        "530100001000,\n"  # line 8: no name
    )
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_regions", write(tmp_path, bad))
    err = capsys.readouterr().err
    for expected in (
        "line 3, code",
        "line 4, code",
        "line 6, code",
        "line 7, code",
        "line 8, name",
    ):
        assert expected in err, expected
    assert "530200000000" in err
    assert Region.objects.count() == 0
    assert not Event.objects.exists()


def test_a_missing_file_and_a_non_utf8_file_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_regions", tmp_path / "nope.csv")
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_regions", write(tmp_path, GOOD, "gbk"))
