"""Resident ID numbers and names: what can be checked and derived from them.

ID numbers (GB 11643-1999): 6-digit area code, birth date YYYYMMDD, 3-digit sequence (odd for a
man), ISO 7064 MOD 11-2 check character. The area code is where the number was issued, and codes
are created, merged and abolished over the years, so it is not checked against today's division
list (DOMAIN.md section 9): ``stdnum.cn.ric.validate`` would reject most older villagers' numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypinyin import Style
from pypinyin.converter import UltimateConverter
from pypinyin.core import Pinyin
from stdnum.cn import ric

from cunzhi.core.privacy import mask_id_number, mask_phone

__all__ = [
    "IdFacts",
    "SearchKeys",
    "mask_id_number",
    "mask_phone",
    "name_pinyin",
    "parse_id_number",
    "search_keys",
]


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
    # What ric.get_birth_date and ric.calc_check_digit compute, without their re-normalising:
    # an import checks a million numbers (tests compare the two over many numbers).
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:  # an impossible date, such as 19800231
        raise ValidationError(
            _("The birth date in the ID number is not a date."), code="birth"
        ) from None
    if birth > (today or timezone.localdate()):
        raise ValidationError(_("The birth date in the ID number is in the future."), code="birth")
    if _check_character(number) != number[17]:
        raise ValidationError(
            _("The check character of the ID number is wrong: a digit was probably mistyped."),
            code="checksum",
        )
    sex = "male" if int(number[16]) % 2 else "female"
    return IdFacts(number=number, birth_date=birth, sex=sex)


def _check_character(number: str) -> str:
    """ISO 7064 MOD 11-2 over the first 17 digits, as stdnum computes it (base 13 is 2 mod 11)."""
    check = (1 - 2 * int(number[:17], 13)) % 11
    return "X" if check == 10 else str(check)


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


_SURNAME_LENGTHS = sorted({len(surname) for surname in SURNAME_READINGS}, reverse=True)

# What ``pypinyin.lazy_pinyin(text, style=Style.NORMAL, errors="ignore")`` does, in its two steps:
# cut the text into words (phrases of its dictionary, or single characters), then read each word
# on its own. Reading a word depends on the word alone, so it is cached: a million distinct names
# are made of a few thousand words, and an import reads them in microseconds instead of ~50 us.
_PINYIN = Pinyin(UltimateConverter(v_to_u=False, neutral_tone_with_five=False, tone_sandhi=False))


@lru_cache(maxsize=65536)
def _word_pinyin(word: str) -> list[str]:
    readings = _PINYIN._converter.convert(word, Style.NORMAL, False, "ignore", strict=True)
    return [reading for syllable in readings for reading in syllable]


def _text_pinyin(text: str) -> list[str]:
    return [reading for word in _PINYIN.seg(text) for reading in _word_pinyin(word)]


@lru_cache(maxsize=131072)  # names repeat: a village has many 杨德福; an import reads a county
def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case, no spaces: 曾国华 -> zengguohua, zgh.

    The surname is read as a surname; other characters as pypinyin reads them in context.
    """
    name = name.strip()
    syllables: list[str] = []
    for length in _SURNAME_LENGTHS:  # the longest surname that starts the name wins
        surname = name[:length]
        if len(name) > length and surname in SURNAME_READINGS:
            syllables = list(SURNAME_READINGS[surname])
            name = name[length:]
            break
    syllables += _text_pinyin(name)
    syllables = [s.lower() for s in syllables if s.strip()]
    return "".join(syllables), "".join(s[0] for s in syllables if s)


@dataclass(frozen=True)
class SearchKeys:
    """What a resident is found by, besides the name itself (``selectors.resident_search``).

    Each is a prefix of something people type, so one b-tree index serves it: the given name is
    the end of the name, and "the last digits" of an ID or phone number are the start of the
    number written backwards.
    """

    name_pinyin: str
    name_initials: str
    name_reversed: str
    id_reversed: str
    phone_reversed: str


def search_keys(name: str, id_number: str, phone: str) -> SearchKeys:
    """The search keys of a resident whose name, ID and phone numbers are already normalised."""
    pinyin, initials = name_pinyin(name)
    return SearchKeys(
        name_pinyin=pinyin,
        name_initials=initials,
        name_reversed=name[::-1],
        id_reversed=id_number[::-1],
        phone_reversed=phone_digits(phone)[::-1],
    )


def phone_digits(phone: str) -> str:
    """The digits of a phone number as people type them: no spaces, dashes or +86."""
    if not phone or (phone.isascii() and phone.isdigit()):  # the usual cases: nothing to drop
        digits = phone
    else:
        digits = "".join(char for char in phone if char.isascii() and char.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def make_id_number(
    birth: datetime.date, *, sequence: int = 1, male: bool = True, area: str = "530199"
) -> str:
    """A valid 18-character ID number (for the demo, the scale builder and tests): the
    sequence's last digit is odd for a man."""
    seq = sequence * 2 + (1 if male else 0)
    body = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character
