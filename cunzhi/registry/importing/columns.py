"""The columns of a register file: their headers as village ledgers write them, and the words
accepted for relations, sex, education and employment.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cunzhi.registry.importing.reading import FileProblem
from cunzhi.registry.models import (
    Education,
    Employment,
    Relation,
    Sex,
)


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # the English name, translated where shown
    headers: tuple[str, ...]  # the Chinese headers accepted, the first one in the template
    required: bool = False
    example: str = ""


COLUMNS = (
    Column(
        "village_code",
        gettext_lazy("village code"),
        ("村代码", "村编码", "行政村代码"),
        True,
        "530199100201",
    ),
    Column("household_no", gettext_lazy("household number"), ("户编号", "户号"), True, "001"),
    Column("name", gettext_lazy("name"), ("姓名",), True, "杨德福"),
    Column(
        "id_number",
        gettext_lazy("ID number"),
        ("身份证号", "身份证号码", "公民身份号码"),
        True,
        "530199196805120017",
    ),
    Column("relation", gettext_lazy("relation"), ("与户主关系", "关系"), True, "户主"),
    Column(
        "phone",
        gettext_lazy("phone"),
        ("电话", "联系电话", "手机号", "手机号码"),
        example="13800000000",
    ),
    Column("tags", gettext_lazy("tags"), ("标签",), example="脱贫户、留守老人"),
    Column(
        "group",
        gettext_lazy("villager group"),
        ("村民小组", "小组", "组别"),
        example="530199100201001",
    ),
    Column(
        "address", gettext_lazy("address"), ("地址", "住址", "家庭住址"), example="石板村下寨12号"
    ),
    Column("sex", gettext_lazy("sex"), ("性别",), example="男"),
    Column("birth_date", gettext_lazy("birth date"), ("出生日期",), example="1968-05-12"),
    Column("ethnicity", gettext_lazy("ethnicity"), ("民族",), example="汉族"),
    Column("education", gettext_lazy("education"), ("文化程度", "学历"), example="初中"),
    Column("employment", gettext_lazy("employment"), ("就业情况", "就业状况"), example="外出务工"),
    Column(
        "work_place",
        gettext_lazy("where they work"),
        ("务工地点", "工作地点"),
        example="广东省东莞市",
    ),
    Column("away_since", gettext_lazy("away since"), ("外出时间",), example="2019-03-01"),
    Column("health", gettext_lazy("health"), ("健康状况",), example="健康"),
    Column("disability", gettext_lazy("disability"), ("残疾情况", "残疾类别"), example=""),
)


KEYS = [column.key for column in COLUMNS]


COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


# Columns village ledgers carry that the register does not need.
IGNORED_HEADERS = {"序号", "编号", "no", "#", "备注"}


MAX_LENGTH = {
    "household_no": 30,
    "name": 50,
    "phone": 30,
    "address": 200,
    "ethnicity": 20,
    "work_place": 100,
    "health": 100,
    "disability": 100,
}


def _words(mapping: dict[str, tuple[str, ...]]) -> dict[str, str]:
    # Plain strings, not the choices' enum members: the rows spooled hold no enum objects.
    return {
        word.lower(): str(value) for value, words in mapping.items() for word in (value, *words)
    }


RELATION_WORDS = _words(
    {
        Relation.HEAD: ("户主", "本人", "户主本人"),
        Relation.SPOUSE: ("配偶", "妻", "妻子", "夫", "丈夫", "之妻", "之夫"),
        Relation.SON: (
            "子",
            "儿子",
            "长子",
            "次子",
            "三子",
            "四子",
            "五子",
            "独生子",
            "养子",
            "继子",
        ),
        Relation.DAUGHTER: (
            "女",
            "女儿",
            "长女",
            "次女",
            "三女",
            "四女",
            "五女",
            "独生女",
            "养女",
            "继女",
        ),
        Relation.SON_IN_LAW: ("女婿",),
        Relation.DAUGHTER_IN_LAW: ("儿媳", "媳妇", "儿媳妇", "长媳", "次媳"),
        Relation.GRANDSON: ("孙子", "孙", "外孙", "外孙子"),
        Relation.GRANDDAUGHTER: ("孙女", "外孙女"),
        Relation.FATHER: ("父亲", "父", "公公", "岳父"),
        Relation.MOTHER: ("母亲", "母", "婆婆", "岳母"),
        Relation.SIBLING: (
            "兄弟姐妹",
            "兄",
            "弟",
            "姐",
            "妹",
            "哥哥",
            "弟弟",
            "姐姐",
            "妹妹",
            "兄弟",
            "姐妹",
        ),
        Relation.OTHER: ("其他", "其他亲属", "祖父", "祖母", "外祖父", "外祖母", "侄子", "侄女"),
    }
)


SEX_WORDS = _words({Sex.MALE: ("男", "男性", "m"), Sex.FEMALE: ("女", "女性", "f")})


EDUCATION_WORDS = _words(
    {
        Education.NONE: ("文盲", "半文盲", "未上学", "无", "文盲或半文盲"),
        Education.PRIMARY: ("小学",),
        Education.JUNIOR: ("初中",),
        Education.SENIOR: ("高中", "中专", "职高", "技校", "高中或中专"),
        Education.COLLEGE: ("大专", "本科", "大学", "研究生", "大专及以上", "大学本科"),
    }
)


EMPLOYMENT_WORDS = _words(
    {
        Employment.AT_HOME: ("务农", "在家务农", "在家", "本地务工", "在家务工"),
        Employment.AWAY: ("外出务工", "务工", "外出"),
        Employment.STUDENT: ("在校生", "学生", "在读"),
        Employment.RETIRED: ("退休", "年老", "老年"),
        Employment.UNABLE: ("丧失劳动力", "无劳动能力", "无劳动力"),
        Employment.CHILD: ("学龄前", "学龄前儿童"),
    }
)


TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")


DATE_FORMATS = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$|^(\d{4})(\d{2})(\d{2})$")


def normalise_header(text: str) -> str:
    """Headers as people write them: 身份证号* or "身份证号（必填）" or " Name " all match."""
    text = re.sub(r"[（(].*?[)）]", "", text)
    return re.sub(r"[\s*＊:：]", "", text).lower()


HEADER_KEYS = {
    normalise_header(alias): column.key
    for column in COLUMNS
    for alias in (column.key, str(column.key).replace("_", " "), *column.headers)
}


def parse_date(text: str) -> datetime.date | None:
    found = DATE_FORMATS.match(text)
    if not found:
        return None
    year, month, day = (found.group(1), found.group(2), found.group(3))
    if year is None:
        year, month, day = found.group(4), found.group(5), found.group(6)
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def read_header(cells: list[str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for position, cell in enumerate(cells):
        text = cell.strip()
        if not text:
            continue
        key = HEADER_KEYS.get(normalise_header(text))
        if key is None:
            if normalise_header(text) not in IGNORED_HEADERS:
                ignored.append(text)
            continue
        if key in index:
            raise FileProblem(
                _("Two columns are both “%(column)s”.") % {"column": COLUMN_BY_KEY[key].headers[0]}
            )
        index[key] = position
        written[key] = text
    missing = [c for c in COLUMNS if c.required and c.key not in index]
    if missing:
        raise FileProblem(
            _("The first row must name the columns; missing: %(missing)s. Found: %(found)s.")
            % {
                "missing": "、".join(f"{c.headers[0]} ({c.label})" for c in missing),
                "found": "、".join(c.strip() for c in cells if c.strip()) or "—",
            }
        )
    return index, written, ignored


def template_headers() -> list[str]:
    return [column.headers[0] for column in COLUMNS]


def template_example() -> list[str]:
    return [column.example for column in COLUMNS]
