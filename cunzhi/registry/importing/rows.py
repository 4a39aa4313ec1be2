"""The first half of the check pass: each row on its own, before the register is asked.

``RowChecker.check_chunk`` reads a chunk of rows and hands on the ones that passed as
``CheckedRow``: the required cells, the ID number (format, birth date, check character, once in
the file), sex and birth date agreeing with it, the words for relation, education and
employment, dates, tags, the villager group and the lengths. ``importing.checking`` matches
what passed with the register.
"""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.core.regioncodes import Level
from cunzhi.regions.models import Region
from cunzhi.registry.identity import parse_id_number
from cunzhi.registry.importing.columns import (
    EDUCATION_WORDS,
    EMPLOYMENT_WORDS,
    KEYS,
    MAX_LENGTH,
    RELATION_WORDS,
    SEX_WORDS,
    TAG_SEPARATORS,
    parse_date,
)
from cunzhi.registry.importing.plan import PERMISSIONS, RowError, VillageInfo
from cunzhi.registry.importing.sheets import NUMBER_MARK
from cunzhi.registry.models import Household, Tag

REQUIRED = ("village_code", "household_no", "name", "id_number", "relation")
LIMITED = tuple(key for key in KEYS if key in MAX_LENGTH)


class CheckedRow(NamedTuple):
    """A row that passed the checks on its own: its values as the register stores them."""

    number: int
    village: VillageInfo
    household_no: str
    name: str
    id_number: str
    birth: datetime.date | None
    sex: str | None
    relation: str
    phone: str
    tags: tuple[int, ...] | None  # None: the tags cell was empty
    group_id: int | None
    address: str
    ethnicity: str
    education: str
    employment: str
    work_place: str
    away: datetime.date | None
    health: str
    disability: str


def id_facts(number: str, today: datetime.date) -> tuple[datetime.date, str] | str:
    """(birth date, sex) of a normalised ID number, or the error (identity.parse_id_number)."""
    try:
        facts = parse_id_number(number, today=today)
    except ValidationError as error:
        return str(error.messages[0])
    return facts.birth_date, facts.sex


class RowChecker:
    """Checks rows one by one, remembering what a later row needs (ID numbers seen, villages)."""

    def __init__(self, actor: Any, today: datetime.date) -> None:
        self.actor = actor
        self.today = today
        self.errors: list[RowError] = []
        self.headers: dict[str, str] = {}  # key -> header as written
        self.villages: dict[str, VillageInfo | str] = {}
        self.failed_households: set[tuple[str, str]] = set()
        # The first 17 digits of an ID number as an int (the 18th follows from them): row.
        self.seen: dict[int, int] = {}
        self.tag_cache: dict[str, tuple[int, ...] | str] = {}
        self.tags = {}
        for tag in Tag.objects.all():
            self.tags[tag.code.lower()] = tag
            self.tags[tag.name.lower()] = tag
        self.tag_codes = {tag.pk: tag.code for tag in self.tags.values()}

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

    def check_chunk(
        self, rows: list[tuple[int, list[str]]], index: dict[str, int]
    ) -> list[CheckedRow]:
        """Check each row on its own; the rows that passed, for the register lookup."""
        positions = [index.get(key, -1) for key in KEYS]
        width = max(index.values()) + 1
        passed: list[CheckedRow] = []
        for number, cells in rows:
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            cells.append("")  # what a column missing from the file reads as (index -1)
            values = dict(zip(KEYS, [cells[i].strip() for i in positions], strict=True))
            row = self.check_row(number, values)
            if row is not None:
                passed.append(row)
        return passed

    def check_row(self, number: int, values: dict[str, str]) -> CheckedRow | None:
        """One row's checks, each step adding its errors; the row when none failed."""
        ok = self._required(number, values)
        village = self._village(number, values["village_code"])
        id_number, birth, sex, id_ok = self._id_number(number, values["id_number"])
        relation, education, employment, away, words_ok = self._words(number, values, birth, sex)
        tags, group_id, links_ok = self._tags_and_group(number, values, village)
        lengths_ok = self._lengths(number, values)
        if not (ok and id_ok and words_ok and links_ok and lengths_ok):
            village = None
        if village is None:
            if values["village_code"] and values["household_no"]:
                # Its head may be the row that failed: no "household without a head" then.
                self.failed_households.add((values["village_code"], values["household_no"]))
            return None
        assert relation is not None  # a required cell, known word: checked above
        return CheckedRow(
            number,
            village,
            values["household_no"],
            values["name"],
            id_number,
            birth,
            sex,
            relation,
            values["phone"],
            tags,
            group_id,
            values["address"],
            values["ethnicity"],
            education,
            employment,
            values["work_place"],
            away,
            values["health"],
            values["disability"],
        )

    def _required(self, number: int, values: dict[str, str]) -> bool:
        ok = True
        for key in REQUIRED:
            if not values[key]:
                self.error(number, key, _("This column is required."))
                ok = False
        return ok

    def _village(self, number: int, code: str) -> VillageInfo | None:
        if not code:
            return None
        village = self.village(code.removeprefix(NUMBER_MARK))
        if isinstance(village, str):
            self.error(number, "village_code", village)
            return None
        return village

    def _id_number(
        self, number: int, written: str
    ) -> tuple[str, datetime.date | None, str | None, bool]:
        """The ID number: format, birth date, check character (identity.parse_id_number's
        rules), and once in the file. (number, birth date, sex, whether it passed)."""
        id_number = written.upper().replace(" ", "")
        if id_number.startswith(NUMBER_MARK.upper()):
            self.error(
                number,
                "id_number",
                _(
                    "The ID number is stored as a number, which loses its last digits: "
                    "format the column as text and type the numbers again."
                ),
            )
            return id_number, None, None, False
        if not id_number:
            return id_number, None, None, True
        facts = id_facts(id_number, self.today)
        if isinstance(facts, str):
            self.error(number, "id_number", facts)
            return id_number, None, None, False
        birth, sex = facts
        id_key = int(id_number[:17])
        first = self.seen.get(id_key)
        if first is None:
            self.seen[id_key] = number
            return id_number, birth, sex, True
        self.error(
            number, "id_number", _("This ID number is also on row %(row)d.") % {"row": first}
        )
        return id_number, birth, sex, False

    def _words(
        self,
        number: int,
        values: dict[str, str],
        birth: datetime.date | None,
        sex: str | None,
    ) -> tuple[str | None, str, str, datetime.date | None, bool]:
        """Relation, sex, birth date, education, employment and the date gone away.

        Sex and birth date are only checked against the ID number; the register takes them
        from it. (relation, education, employment, away since, whether all passed)."""
        error = self.error
        ok = True
        v_relation = values["relation"]
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
        if v_sex := values["sex"]:
            given = SEX_WORDS.get(v_sex.lower())
            if given is None:
                error(number, "sex", _("Write 男 or 女."))
                ok = False
            elif sex is not None and given != sex:
                error(number, "sex", _("The sex does not match the ID number."))
                ok = False
        if v_birth := values["birth_date"]:
            given_birth = parse_date(v_birth)
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
        if v_education := values["education"]:
            education = EDUCATION_WORDS.get(v_education.lower(), "")
            if not education:
                error(
                    number,
                    "education",
                    _("Unknown education “%(value)s”: use 小学, 初中, 高中, 大专 or 文盲.")
                    % {"value": v_education},
                )
                ok = False
        if v_employment := values["employment"]:
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
        if v_away := values["away_since"]:
            away = parse_date(v_away)
            if away is None:
                error(number, "away_since", _("Write a date as 2019-03-01."))
                ok = False
        return relation, education, employment, away, ok

    def _tags_and_group(
        self, number: int, values: dict[str, str], village: VillageInfo | None
    ) -> tuple[tuple[int, ...] | None, int | None, bool]:
        ok = True
        tags: tuple[int, ...] | None = None
        if v_tags := values["tags"]:
            found_tags = self.tag_ids(v_tags)
            if isinstance(found_tags, str):
                self.error(number, "tags", found_tags)
                ok = False
            else:
                tags = found_tags
        group_id = None
        v_group = values["group"]
        if v_group and village is not None:
            group_id = village.groups.get(v_group.removeprefix(NUMBER_MARK))
            if group_id is None:
                self.error(
                    number,
                    "group",
                    _("%(value)s is not a villager group of this village.") % {"value": v_group},
                )
                ok = False
        return tags, group_id, ok

    def _lengths(self, number: int, values: dict[str, str]) -> bool:
        ok = True
        for key in LIMITED:
            if len(values[key]) > MAX_LENGTH[key]:
                self.error(
                    number, key, _("At most %(count)d characters.") % {"count": MAX_LENGTH[key]}
                )
                ok = False
        return ok
