"""Resident ID numbers and names: what can be checked and derived from them.

ID numbers (GB 11643-1999): 6-digit area code, birth date YYYYMMDD, 3-digit sequence (odd for a
man), ISO 7064 MOD 11-2 check character. The area code is where the number was issued, and codes
are created, merged and abolished over the years, so it is not checked against today's division
list (DOMAIN.md section 9): ``stdnum.cn.ric.validate`` would reject most older villagers' numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin
from stdnum.cn import ric

from cunzhi.core.privacy import mask_id_number, mask_phone

__all__ = ["IdFacts", "mask_id_number", "mask_phone", "name_pinyin", "parse_id_number"]


@dataclass(frozen=True)
class IdFacts:
    number: str
    birth_date: datetime.date
    sex: str  # "male" or "female"


def parse_id_number(raw: str, *, today: datetime.date | None = None) -> IdFacts:
    """Normalise and check an 18-character ID number; ValidationError says what is wrong."""
    number = raw.strip().upper().replace(" ", "")
    if len(number) != 18:
        raise ValidationError(_("An ID number has 18 characters."), code="length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID number has 17 digits and a last digit or X."), code="format")
    try:
        birth = ric.get_birth_date(number)
    except ric.ValidationError:  # an impossible date, such as 19800231
        raise ValidationError(
            _("The birth date in the ID number is not a date."), code="birth"
        ) from None
    if birth > (today or datetime.date.today()):
        raise ValidationError(_("The birth date in the ID number is in the future."), code="birth")
    # stdnum takes the whole number and ignores its last character.
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(
            _("The check character of the ID number is wrong: a digit was probably mistyped."),
            code="checksum",
        )
    sex = "male" if int(number[16]) % 2 else "female"
    return IdFacts(number=number, birth_date=birth, sex=sex)


# Surnames read otherwise than the same character in a word (DOMAIN.md section 9): search must
# find 曾国华 under "zeng", as people say it, not "ceng". Two-character surnames come first.
SURNAME_READINGS: dict[str, list[str]] = {
    "尉迟": ["yu", "chi"],
    "万俟": ["mo", "qi"],
    "长孙": ["zhang", "sun"],
    "曾": ["zeng"],
    "单": ["shan"],
    "解": ["xie"],
    "仇": ["qiu"],
    "区": ["ou"],
    "朴": ["piao"],
    "查": ["zha"],
    "盖": ["ge"],
    "乐": ["yue"],
    "缪": ["miao"],
    "覃": ["qin"],
    "翟": ["zhai"],
    "种": ["chong"],
    "召": ["shao"],
    "秘": ["bi"],
    "员": ["yun"],
    "繁": ["po"],
    "宓": ["fu"],
    "晟": ["cheng"],
    "黑": ["he"],
    "燕": ["yan"],
    "纪": ["ji"],
    "沈": ["shen"],
    "冼": ["xian"],
}


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case, no spaces: 曾国华 -> zengguohua, zgh.

    The surname is read as a surname; other characters as pypinyin reads them in context.
    """
    name = name.strip()
    syllables: list[str] = []
    for surname in sorted(SURNAME_READINGS, key=len, reverse=True):
        if name.startswith(surname) and len(name) > len(surname):
            syllables = list(SURNAME_READINGS[surname])
            name = name[len(surname) :]
            break
    syllables += lazy_pinyin(name, style=Style.NORMAL, errors="ignore")
    syllables = [s.lower() for s in syllables if s.strip()]
    return "".join(syllables), "".join(s[0] for s in syllables if s)
