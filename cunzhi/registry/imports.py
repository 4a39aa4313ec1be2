"""Importing the household register from a spreadsheet (issue #3, part 6): ``registry_import``.

One row per resident; the rows of a household share its village code and household number, and
one of them is its head (户主). The import is the service for many households at once (DESIGN
rule 3), in two passes over the file:

1. **Check.** Every row is read, checked and turned into what the register will hold: the ID
   number's check character and birth date, sex and birth date agreeing with it, the village in
   the importer's scope, the group, the tags, each household with one head, each ID number once
   in the file and not in another village. Rows are checked against the register in chunks
   (preloaded villages, groups, tags and households; existing residents looked up by the
   indexed ``id_reversed``), and the rows to write are spooled to a temporary file, so memory
   holds the keys of the import, never its rows.
2. **Write**, only when no row has an error, in one transaction (``registry.import_sql``).

Re-importing updates, keyed by ID number: a resident already registered in the village gets the
file's non-empty cells (an empty cell never erases), a household its group and address. Nothing
is deleted, and a resident is never moved between households by an import.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cunzhi.accounts.scopes import has_permission_anywhere, has_permission_at
from cunzhi.audit.services import normalise
from cunzhi.core.regioncodes import Level
from cunzhi.regions.models import Region
from cunzhi.registry import import_files
from cunzhi.registry.identity import SearchKeys, parse_id_number, search_keys
from cunzhi.registry.import_sql import table_layout, write_plan
from cunzhi.registry.models import (
    Education,
    Employment,
    Household,
    Relation,
    Resident,
    ResidentTag,
    Sex,
    Tag,
)

# Rows checked together against the register.
CHUNK_ROWS = 2000
# Permissions an import uses in each of its villages: it may create and change households and
# residents, so it needs all four (a village cadre holds them; a supervisor holds none).
PERMISSIONS = (
    "registry.add_household",
    "registry.change_household",
    "registry.add_resident",
    "registry.change_resident",
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


@dataclass
class RowError:
    row: int
    column: str  # the header as the file has it
    message: str

    def __str__(self) -> str:
        return _("row %(row)d, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportOutcome:
    """What an import found and did. ``errors`` non-empty means nothing was written."""

    file_name: str = ""
    rows: int = 0
    households_created: int = 0
    households_updated: int = 0
    residents_created: int = 0
    residents_updated: int = 0
    residents_unchanged: int = 0
    villages: int = 0
    dry_run: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "households_created": self.households_created,
            "households_updated": self.households_updated,
            "residents_created": self.residents_created,
            "residents_updated": self.residents_updated,
            "residents_unchanged": self.residents_unchanged,
        }


class ImportRejected(Exception):
    """Rows had errors; nothing was written. ``outcome.errors`` lists every one."""

    def __init__(self, outcome: ImportOutcome) -> None:
        super().__init__(f"{len(outcome.errors)} error(s)")
        self.outcome = outcome


Progress = Callable[[str, int, int | None], None]


# What the check pass hands the write pass


@dataclass
class VillageInfo:
    region: Region
    groups: dict[str, int]  # by full code, by its last 3 digits and by name
    households: dict[str, tuple[int, int | None, int | None, str]]  # no -> id, head, group, address
    created_households: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {
            "households_created": 0,
            "households_updated": 0,
            "residents_created": 0,
            "residents_updated": 0,
        }
    )


@dataclass(slots=True)
class HouseholdPlan:
    village: VillageInfo
    household_no: str
    existing_id: int | None
    existing_head: int | None
    group_id: int | None
    address: str
    first_row: int
    head_row: int
    heads: int
    head_ref: int | None  # the head's resident: an existing id, or -(new index + 1)
    new_index: int


@dataclass
class ResidentUpdate:
    resident_id: int
    region_code: str
    name: str
    values: dict[str, Any]  # column attname -> new value, search keys included
    changes: dict[str, list[Any]]  # field -> [old, new], for the trace


@dataclass
class Plan:
    """The checked import, ready to write; new rows wait in the spool file."""

    actor: Any
    label: str
    digest: str
    villages: dict[str, VillageInfo]
    households: list[HouseholdPlan]  # new households, in order of new_index
    household_updates: list[tuple[HouseholdPlan, dict[str, Any], dict[str, list[Any]]]]
    resident_updates: list[ResidentUpdate]
    tag_changes: list[tuple[int, str, str, list[int], list[int]]]  # id, code, name, add, remove
    new_residents: int
    new_links: int
    spool: IO[bytes]
    resident_columns: list[str]
    outcome: ImportOutcome

    def spooled(self) -> Iterator[tuple[list[list[Any]], list[tuple[int, int]]]]:
        """Chunks of (new resident rows, (new resident index, tag id) links)."""
        self.spool.seek(0)
        while True:
            try:
                # pickle, not marshal: marshal.load reads a file a few bytes per call, 20x slower.
                yield pickle.load(self.spool)  # this import's own temporary file
            except EOFError:
                return


def _date(text: str) -> datetime.date | None:
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


class _Checker:
    """The check pass: one instance per import, fed the file's rows."""

    def __init__(self, actor: Any, today: datetime.date) -> None:
        self.actor = actor
        self.today = today
        self.errors: list[RowError] = []
        self.headers: dict[str, str] = {}  # key -> header as written
        self.villages: dict[str, VillageInfo | str] = {}
        self.households: dict[tuple[int, str], HouseholdPlan] = {}
        self.new_households: list[HouseholdPlan] = []
        self.failed_households: set[tuple[str, str]] = set()
        # The first 17 digits of an ID number as an int (the 18th follows from them): row.
        self.seen: dict[int, int] = {}
        self.tag_cache: dict[str, tuple[int, ...] | str] = {}
        self.tags = {}
        for tag in Tag.objects.all():
            self.tags[tag.code.lower()] = tag
            self.tags[tag.name.lower()] = tag
        self.tag_codes = {tag.pk: tag.code for tag in self.tags.values()}
        self.new_residents = 0
        self.new_links = 0
        self.resident_updates: list[ResidentUpdate] = []
        self.tag_changes: list[tuple[int, str, str, list[int], list[int]]] = []
        self.unchanged = 0
        self.resident_columns, self.template, self.position = table_layout(Resident)
        self.key_fields = [
            f.name for f in fields(SearchKeys) if f.name in self.position
        ]  # search keys the model stores

    def error(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, self.headers.get(key, key), message))

    # Villages, groups, tags: looked up once per distinct value

    def village(self, code: str) -> VillageInfo | str:
        found = self.villages.get(code)
        if found is not None:
            return found
        region = Region.objects.filter(code=code).first()
        result: VillageInfo | str
        if region is None or region.level != Level.VILLAGE:
            result = _("%(code)s is not the code of a village.") % {"code": code}
        elif not all(has_permission_at(self.actor, p, region.code) for p in PERMISSIONS):
            result = _("%(village)s (%(code)s) is outside the villages you may import into.") % {
                "village": region.name,
                "code": code,
            }
        else:
            groups: dict[str, int] = {}
            for group in Region.objects.filter(parent=region, level=Level.GROUP):
                # By its code, its last 3 digits (with or without zeros) or its name.
                for key in (group.code, group.code[-3:], str(int(group.code[-3:])), group.name):
                    groups[key] = group.pk
            households: dict[str, tuple[int, int | None, int | None, str]] = {
                number: (pk, head, group, address)
                for pk, number, head, group, address in Household.objects.filter(
                    region=region
                ).values_list("pk", "household_no", "head_id", "group_id", "address")
            }
            result = VillageInfo(region, groups, households)
        self.villages[code] = result
        return result

    def tag_ids(self, text: str) -> tuple[int, ...] | str:
        found = self.tag_cache.get(text)
        if found is not None:
            return found
        ids: list[int] = []
        unknown: list[str] = []
        for word in TAG_SEPARATORS.split(text):
            if not word:
                continue
            tag = self.tags.get(word.lower())
            if tag is None or not tag.active:
                unknown.append(word)
            elif tag.pk not in ids:
                ids.append(tag.pk)
        result: tuple[int, ...] | str = tuple(ids)
        if unknown:
            result = _("Unknown tag: %(tags)s.") % {"tags": "、".join(unknown)}
        self.tag_cache[text] = result
        return result

    # Rows

    def check_chunk(self, rows: list[tuple[int, list[str]]], index: dict[str, int]) -> list[Any]:
        """Check each row on its own; the rows that passed, for the register lookup."""
        error = self.error
        today = self.today
        seen = self.seen
        positions = [index.get(key, -1) for key in KEYS]
        width = max(index.values()) + 1
        passed: list[Any] = []
        for number, cells in rows:
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            cells.append("")  # what a column missing from the file reads as (index -1)
            (
                v_village,
                v_household,
                v_name,
                v_id,
                v_relation,
                v_phone,
                v_tags,
                v_group,
                v_address,
                v_sex,
                v_birth,
                v_ethnicity,
                v_education,
                v_employment,
                v_work_place,
                v_away,
                v_health,
                v_disability,
            ) = [cells[i].strip() for i in positions]
            ok = True
            for key, value in (
                ("village_code", v_village),
                ("household_no", v_household),
                ("name", v_name),
                ("id_number", v_id),
                ("relation", v_relation),
            ):
                if not value:
                    error(number, key, _("This column is required."))
                    ok = False
            village = (
                self.village(v_village.removeprefix(import_files.NUMBER_MARK))
                if (v_village)
                else None
            )
            if isinstance(village, str):
                error(number, "village_code", village)
                ok = False
                village = None
            # The ID number: format, birth date, check character (identity.parse_id_number's
            # rules, inlined: this loop runs a million times).
            id_number = v_id.upper().replace(" ", "")
            birth = sex = None
            if id_number.startswith(import_files.NUMBER_MARK.upper()):
                error(
                    number,
                    "id_number",
                    _(
                        "The ID number is stored as a number, which loses its last digits: "
                        "format the column as text and type the numbers again."
                    ),
                )
                ok = False
            elif id_number:
                facts = _id_facts(id_number, today)
                if isinstance(facts, str):
                    error(number, "id_number", facts)
                    ok = False
                else:
                    birth, sex = facts
                    id_key = int(id_number[:17])
                    first = seen.get(id_key)
                    if first is None:
                        seen[id_key] = number
                    else:
                        error(
                            number,
                            "id_number",
                            _("This ID number is also on row %(row)d.") % {"row": first},
                        )
                        ok = False
            relation = RELATION_WORDS.get(v_relation.lower()) if v_relation else None
            if v_relation and relation is None:
                error(
                    number,
                    "relation",
                    _(
                        "Unknown relation “%(value)s”: use 户主, 配偶, 子, 女, 父亲, 母亲, "
                        "孙子, 孙女, 兄弟姐妹, 其他 or the like."
                    )
                    % {"value": v_relation},
                )
                ok = False
            if v_sex:
                given = SEX_WORDS.get(v_sex.lower())
                if given is None:
                    error(number, "sex", _("Write 男 or 女."))
                    ok = False
                elif sex is not None and given != sex:
                    error(number, "sex", _("The sex does not match the ID number."))
                    ok = False
            if v_birth:
                given_birth = _date(v_birth)
                if given_birth is None:
                    error(number, "birth_date", _("Write a date as 1968-05-12."))
                    ok = False
                elif birth is not None and given_birth != birth:
                    error(
                        number,
                        "birth_date",
                        _("The birth date does not match the ID number (%(date)s).")
                        % {"date": birth.isoformat()},
                    )
                    ok = False
            education = employment = ""
            if v_education:
                education = EDUCATION_WORDS.get(v_education.lower(), "")
                if not education:
                    error(
                        number,
                        "education",
                        _("Unknown education “%(value)s”: use 小学, 初中, 高中, 大专 or 文盲.")
                        % {"value": v_education},
                    )
                    ok = False
            if v_employment:
                employment = EMPLOYMENT_WORDS.get(v_employment.lower(), "")
                if not employment:
                    error(
                        number,
                        "employment",
                        _(
                            "Unknown employment “%(value)s”: use 务农, 外出务工, 在校生, 退休, "
                            "丧失劳动力 or 学龄前."
                        )
                        % {"value": v_employment},
                    )
                    ok = False
            away = None
            if v_away:
                away = _date(v_away)
                if away is None:
                    error(number, "away_since", _("Write a date as 2019-03-01."))
                    ok = False
            tags: tuple[int, ...] | None = None
            if v_tags:
                found_tags = self.tag_ids(v_tags)
                if isinstance(found_tags, str):
                    error(number, "tags", found_tags)
                    ok = False
                else:
                    tags = found_tags
            group_id = None
            if v_group and village is not None:
                group_id = village.groups.get(v_group.removeprefix(import_files.NUMBER_MARK))
                if group_id is None:
                    error(
                        number,
                        "group",
                        _("%(value)s is not a villager group of this village.")
                        % {"value": v_group},
                    )
                    ok = False
            for key, value in (
                ("household_no", v_household),
                ("name", v_name),
                ("phone", v_phone),
                ("address", v_address),
                ("ethnicity", v_ethnicity),
                ("work_place", v_work_place),
                ("health", v_health),
                ("disability", v_disability),
            ):
                if len(value) > MAX_LENGTH[key]:
                    error(
                        number, key, _("At most %(count)d characters.") % {"count": MAX_LENGTH[key]}
                    )
                    ok = False
            if not ok or village is None:
                if v_village and v_household:
                    # Its head may be the row that failed: no "household without a head" then.
                    self.failed_households.add((v_village, v_household))
                continue
            passed.append(
                (
                    number,
                    village,
                    v_household,
                    v_name,
                    id_number,
                    birth,
                    sex,
                    relation,
                    v_phone,
                    tags,
                    group_id,
                    v_address,
                    v_ethnicity,
                    education,
                    employment,
                    v_work_place,
                    away,
                    v_health,
                    v_disability,
                )
            )
        return passed

    def plan_chunk(
        self, passed: list[Any], present: set[str]
    ) -> tuple[list[list[Any]], list[tuple[int, int]]]:
        """Match the chunk's rows with the register; the new residents' rows and tag links."""
        existing = _existing_residents([row[4] for row in passed])
        current_tags = (
            _current_tags([r["id"] for r in existing.values()])
            if (existing and "tags" in present)
            else {}
        )
        created: list[list[Any]] = []
        links: list[tuple[int, int]] = []
        template, position = self.template, self.position
        key_fields = self.key_fields
        p_household, p_region, p_region_code = (
            position["household_id"],
            position["region_id"],
            position["region_code"],
        )
        p_id = position["id"]
        for (
            number,
            village,
            household_no,
            name,
            id_number,
            birth,
            sex,
            relation,
            phone,
            tags,
            group_id,
            address,
            ethnicity,
            education,
            employment,
            work_place,
            away,
            health,
            disability,
        ) in passed:
            region = village.region
            household = self._household(number, village, household_no, group_id, address)
            is_head = relation == Relation.HEAD
            found = existing.get(id_number)
            if found is not None:
                if found["region_id"] != region.pk:
                    self.error(
                        number,
                        "id_number",
                        _(
                            "This ID number is registered in %(village)s (%(code)s): the same "
                            "person cannot be registered in two villages."
                        )
                        % {"village": found["region__name"], "code": found["region_code"]},
                    )
                    continue
                if found["household_id"] != household.existing_id:
                    self.error(
                        number,
                        "household_no",
                        _(
                            "This person is registered in household %(number)s of the village; "
                            "move them in the register, not by import."
                        )
                        % {"number": found["household__household_no"]},
                    )
                    continue
                if household.existing_head == found["id"] and not is_head:
                    self.error(
                        number,
                        "relation",
                        _(
                            "This person is the registered head of the household; "
                            "change the head in the register first."
                        ),
                    )
                    continue
                self._update(
                    number,
                    village,
                    found,
                    name,
                    phone,
                    relation,
                    ethnicity,
                    education,
                    employment,
                    work_place,
                    away,
                    health,
                    disability,
                    birth,
                    sex,
                )
                if tags is not None:
                    have = current_tags.get(found["id"], set())
                    add = [t for t in tags if t not in have]
                    remove = [t for t in have if t not in tags]
                    if add or remove:
                        self.tag_changes.append(
                            (found["id"], found["region_code"], name, add, remove)
                        )
                if is_head:
                    self._head(number, household, found["id"])
                continue
            index = self.new_residents
            self.new_residents += 1
            row = template.copy()
            row[p_id] = -(index + 1)  # the id is given when the write pass allocates ids
            row[p_household] = (
                household.existing_id
                if household.existing_id is not None
                else -(household.new_index + 1)
            )
            row[p_region] = region.pk
            row[p_region_code] = region.code
            keys = search_keys(name, id_number, phone)
            for key in key_fields:
                row[position[key]] = getattr(keys, key)
            for attname, value in (
                ("name", name),
                ("id_number", id_number),
                ("sex", sex),
                ("birth_date", birth.isoformat() if birth else None),
                ("relation", relation),
                ("phone", phone),
                ("education", education),
                ("employment", employment),
                ("work_place", work_place),
                ("away_since", away.isoformat() if away else None),
                ("health", health),
                ("disability", disability),
            ):
                row[position[attname]] = value
            if ethnicity:
                row[position["ethnicity"]] = ethnicity
            created.append(row)
            village.counts["residents_created"] += 1
            if tags:
                self.new_links += len(tags)
                links.extend((index, tag) for tag in tags)
            if is_head:
                self._head(number, household, -(index + 1))
        return created, links

    def _household(
        self,
        number: int,
        village: VillageInfo,
        household_no: str,
        group_id: int | None,
        address: str,
    ) -> HouseholdPlan:
        key = (village.region.pk, household_no)
        plan = self.households.get(key)
        if plan is None:
            existing = village.households.get(household_no)
            plan = HouseholdPlan(
                village=village,
                household_no=household_no,
                existing_id=existing[0] if existing else None,
                existing_head=existing[1] if existing else None,
                group_id=group_id,
                address=address,
                first_row=number,
                head_row=0,
                heads=0,
                head_ref=None,
                new_index=-1,
            )
            if existing is None:
                plan.new_index = len(self.new_households)
                self.new_households.append(plan)
                village.created_households.append(household_no)
            self.households[key] = plan
        else:  # a household's group and address: the first given in its rows
            plan.group_id = plan.group_id or group_id
            plan.address = plan.address or address
        return plan

    def _head(self, number: int, household: HouseholdPlan, ref: int) -> None:
        household.heads += 1
        if household.heads > 1:
            self.error(
                number,
                "relation",
                _("Household %(number)s has another head on row %(row)d.")
                % {"number": household.household_no, "row": household.head_row},
            )
            return
        if household.existing_head is not None and household.existing_head != ref:
            self.error(
                number,
                "relation",
                _(
                    "Household %(number)s already has a registered head; "
                    "change the head in the register first."
                )
                % {"number": household.household_no},
            )
            return
        household.head_row = number
        household.head_ref = ref

    def _update(
        self,
        number: int,
        village: VillageInfo,
        found: dict[str, Any],
        name: str,
        phone: str,
        relation: str,
        ethnicity: str,
        education: str,
        employment: str,
        work_place: str,
        away: datetime.date | None,
        health: str,
        disability: str,
        birth: datetime.date | None,
        sex: str | None,
    ) -> None:
        wanted: dict[str, Any] = {"name": name, "relation": relation}
        for attname, value in (
            ("phone", phone),
            ("ethnicity", ethnicity),
            ("education", education),
            ("employment", employment),
            ("work_place", work_place),
            ("away_since", away),
            ("health", health),
            ("disability", disability),
            ("birth_date", birth),
            ("sex", sex),
        ):
            if value:  # an empty cell never erases what the register holds
                wanted[attname] = value
        changes = {k: [found[k], v] for k, v in wanted.items() if found[k] != v}
        if not changes:
            self.unchanged += 1
            return
        values = {k: new for k, (_old, new) in changes.items()}
        if "name" in changes or "phone" in changes:
            keys = search_keys(
                wanted["name"], found["id_number"], wanted.get("phone", found["phone"])
            )
            values.update({k: getattr(keys, k) for k in self.key_fields})
        self.resident_updates.append(
            ResidentUpdate(found["id"], found["region_code"], name, values, normalise(changes))
        )
        village.counts["residents_updated"] += 1

    def finish(self) -> list[tuple[HouseholdPlan, dict[str, Any], dict[str, list[Any]]]]:
        """Household-level checks once every row is in; the changes to existing households."""
        updates = []
        for plan in self.households.values():
            failed = (plan.village.region.code, plan.household_no) in self.failed_households
            if plan.heads == 0 and plan.existing_head is None and not failed:
                self.error(
                    plan.first_row,
                    "relation",
                    _("Household %(number)s has no head (户主).") % {"number": plan.household_no},
                )
            if plan.existing_id is None:
                plan.village.counts["households_created"] += 1
                continue
            _pk, head, group, address = plan.village.households[plan.household_no]
            values: dict[str, Any] = {}
            if plan.group_id and plan.group_id != group:
                values["group_id"] = plan.group_id
            if plan.address and plan.address != address:
                values["address"] = plan.address
            if head is None and plan.head_ref is not None:
                values["head_id"] = plan.head_ref
            if values:
                changes = {
                    k: [{"group_id": group, "address": address, "head_id": head}[k], v]
                    for k, v in values.items()
                }
                updates.append((plan, values, changes))
                plan.village.counts["households_updated"] += 1
        return updates


def _id_facts(number: str, today: datetime.date) -> tuple[datetime.date, str] | str:
    """(birth date, sex) of a normalised ID number, or the error (identity.parse_id_number)."""
    try:
        facts = parse_id_number(number, today=today)
    except ValidationError as error:
        return str(error.messages[0])
    return facts.birth_date, facts.sex


RESIDENT_LOOKUP = (
    "id",
    "id_number",
    "region_id",
    "region_code",
    "region__name",
    "household_id",
    "household__household_no",
    "name",
    "phone",
    "relation",
    "ethnicity",
    "education",
    "employment",
    "work_place",
    "away_since",
    "health",
    "disability",
    "birth_date",
    "sex",
)


def _existing_residents(numbers: list[str]) -> dict[str, dict[str, Any]]:
    """Registered residents with these ID numbers, by number, through the indexed id_reversed.

    A bare query first: in a first import none is found, and the ORM's cost per parameter
    would be most of the lookup's time.
    """
    reversed_numbers = [n[::-1] for n in numbers if n]
    if not reversed_numbers:
        return {}
    table = connection.ops.quote_name(Resident._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The search index orders id_reversed by code point (registry.collation).
            cursor.execute(
                f'SELECT id FROM {table} WHERE id_reversed COLLATE "C" = ANY(%s)',
                [reversed_numbers],
            )
        else:
            marks = ", ".join(["%s"] * len(reversed_numbers))
            cursor.execute(
                f"SELECT id FROM {table} WHERE id_reversed IN ({marks})", reversed_numbers
            )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return {}
    rows = Resident.objects.filter(pk__in=ids).order_by().values(*RESIDENT_LOOKUP)
    return {row["id_number"]: row for row in rows}


def _current_tags(resident_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for resident_id, tag_id in ResidentTag.objects.filter(resident_id__in=resident_ids).values_list(
        "resident_id", "tag_id"
    ):
        found.setdefault(resident_id, set()).add(tag_id)
    return found


def _header(cells: list[str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
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
            raise import_files.FileProblem(
                _("Two columns are both “%(column)s”.") % {"column": COLUMN_BY_KEY[key].headers[0]}
            )
        index[key] = position
        written[key] = text
    missing = [c for c in COLUMNS if c.required and c.key not in index]
    if missing:
        raise import_files.FileProblem(
            _("The first row must name the columns; missing: %(missing)s. Found: %(found)s.")
            % {
                "missing": "、".join(f"{c.headers[0]} ({c.label})" for c in missing),
                "found": "、".join(c.strip() for c in cells if c.strip()) or "—",
            }
        )
    return index, written, ignored


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(
    *,
    actor: Any,
    path: Path,
    name: str = "",
    progress: Progress | None = None,
    today: datetime.date | None = None,
) -> Plan:
    """The check pass. ImportRejected lists every row's errors; FileProblem a bad file."""
    name = name or path.name
    source = import_files.open_rows(path, name)
    checker = _Checker(actor, today or timezone.localdate())
    outcome = ImportOutcome(file_name=name)
    spool = tempfile.TemporaryFile(prefix="cunzhi-import-")  # noqa: SIM115 (the plan owns it)
    try:
        rows = iter(source.rows)
        index: dict[str, int] | None = None
        for _number, cells in rows:
            if any(cell.strip() for cell in cells):
                index, checker.headers, outcome.ignored_columns = _header(cells)
                break
        if index is None:
            raise import_files.FileProblem(_("The file is empty."))
        present = set(index)
        chunk: list[tuple[int, list[str]]] = []
        done = 0
        for row in _data_rows(rows):
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                done += _chunk(checker, chunk, index, present, spool)
                chunk = []
                if progress:
                    progress("checking", done, source.total_rows)
        if chunk:
            done += _chunk(checker, chunk, index, present, spool)
        if done == 0:
            raise import_files.FileProblem(_("The file has a header but no rows."))
        household_updates = checker.finish()
    except BaseException:
        spool.close()
        raise
    finally:
        source.close()
    outcome.rows = done
    outcome.errors = sorted(checker.errors, key=lambda e: (e.row, KEYS.index(_key_of(e, checker))))
    villages = {v.region.code: v for v in checker.villages.values() if isinstance(v, VillageInfo)}
    outcome.villages = len(
        [v for v in villages.values() if any(v.counts.values()) or v.created_households]
    )
    outcome.households_created = len(checker.new_households)
    outcome.households_updated = len(household_updates)
    outcome.residents_created = checker.new_residents
    outcome.residents_updated = len(checker.resident_updates)
    outcome.residents_unchanged = checker.unchanged
    if outcome.errors:
        spool.close()
        raise ImportRejected(outcome)
    return Plan(
        actor=actor,
        label=name,
        digest=file_digest(path),
        villages=villages,
        households=checker.new_households,
        household_updates=household_updates,
        resident_updates=checker.resident_updates,
        tag_changes=checker.tag_changes,
        new_residents=checker.new_residents,
        new_links=checker.new_links,
        spool=spool,
        resident_columns=checker.resident_columns,
        outcome=outcome,
    )


def _key_of(error: RowError, checker: _Checker) -> str:
    for key, written in checker.headers.items():
        if written == error.column:
            return key
    return error.column if error.column in KEYS else KEYS[0]


def _data_rows(rows: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    for number, cells in rows:
        for cell in cells:
            if cell and not cell.isspace():
                yield number, cells
                break


def _chunk(
    checker: _Checker,
    chunk: list[tuple[int, list[str]]],
    index: dict[str, int],
    present: set[str],
    spool: IO[bytes],
) -> int:
    passed = checker.check_chunk(chunk, index)
    created, links = checker.plan_chunk(passed, present)
    if not checker.errors and (created or links):
        pickle.dump((created, links), spool, protocol=pickle.HIGHEST_PROTOCOL)
    return len(chunk)


def registry_import(
    *,
    actor: Any,
    path: Path,
    name: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
    reference: str = "",
) -> ImportOutcome:
    """Import a register file as ``actor``: all rows or, at the first error, none.

    ImportRejected carries every row's error; FileProblem says why the file cannot be read;
    PermissionDenied when the actor may import nowhere. ``reference`` names the import in the
    trace (the upload's id); the file's SHA-256 is recorded with it.
    """
    if not has_permission_anywhere(actor, PERMISSIONS[0]):
        raise PermissionDenied(_("You may not import into the register."))
    # The import's objects live until it ends and form no cycles: the collector would walk the
    # millions of them again and again for nothing (a third of the check pass's time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(actor, path, name, dry_run, progress, reference)
    finally:
        if collecting:
            gc.enable()


def _run(
    actor: Any, path: Path, name: str, dry_run: bool, progress: Progress | None, reference: str
) -> ImportOutcome:
    plan = check_file(actor=actor, path=path, name=name, progress=progress)
    try:
        plan.outcome.dry_run = dry_run
        if dry_run:
            return plan.outcome
        try:
            write_plan(plan, reference=reference, progress=progress)
        except IntegrityError:
            raise import_files.FileProblem(
                _("The register changed while the file was being checked; import it again.")
            ) from None
        return plan.outcome
    finally:
        plan.spool.close()


def template_headers() -> list[str]:
    return [column.headers[0] for column in COLUMNS]


def template_example() -> list[str]:
    return [column.example for column in COLUMNS]
