from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cunzhi.registry.identity import mask_id_number, mask_phone, name_pinyin, parse_id_number
from cunzhi.registry.testing import make_id_number


def test_it_reads_birth_date_and_sex_from_the_id_number() -> None:
    facts = parse_id_number("11010519491231002X")  # the standard's own example: a woman
    assert facts.birth_date == datetime.date(1949, 12, 31)
    assert facts.sex == "female"
    man = parse_id_number(make_id_number(datetime.date(1956, 2, 29), sequence=7, male=True))
    assert (man.birth_date, man.sex) == (datetime.date(1956, 2, 29), "male")


def test_a_lower_case_x_and_spaces_are_normalised() -> None:
    assert parse_id_number(" 11010519491231002x ").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "length"),
        ("1101051949123100X2", "format"),
        ("110105194902300021", "birth"),  # 30 February
        ("11010519491231003X", "checksum"),  # one digit mistyped
    ],
)
def test_it_rejects_a_malformed_number_with_the_reason(number: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_id_number(number)
    assert error.value.code == code


def test_a_birth_date_in_the_future_is_refused() -> None:
    number = make_id_number(datetime.date(2030, 1, 1))
    with pytest.raises(ValidationError) as error:
        parse_id_number(number, today=datetime.date(2026, 11, 23))
    assert error.value.code == "birth"


def test_an_old_area_code_missing_from_todays_list_is_accepted() -> None:
    # 532101 (the former 昭通县) was abolished in 2001; people born there keep their numbers.
    facts = parse_id_number(make_id_number(datetime.date(1952, 6, 1), area="532101"))
    assert facts.birth_date.year == 1952


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("曾国华", "zengguohua", "zgh"),
        ("单雄", "shanxiong", "sx"),
        ("解晓东", "xiexiaodong", "xxd"),
        ("仇梅", "qiumei", "qm"),
        ("区志强", "ouzhiqiang", "ozq"),
        ("朴成浩", "piaochenghao", "pch"),
        ("查文", "zhawen", "zw"),
        ("盖丽", "geli", "gl"),
        ("尉迟敬", "yuchijing", "ycj"),
        ("李德福", "lidefu", "ldf"),
    ],
)
def test_surnames_are_read_as_people_say_them(name: str, full: str, initials: str) -> None:
    assert name_pinyin(name) == (full, initials)


def test_numbers_are_masked_to_the_area_and_the_last_four() -> None:
    assert mask_id_number("53010219800101123X") == "530102********123X"
    assert mask_phone("13812345678") == "138****5678"


def _mod_11_2(body: str) -> str:
    """ISO 7064 MOD 11-2 as GB 11643 spells it out, independent of stdnum."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    remainder = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    return "10X98765432"[remainder]


def test_generated_numbers_pass_an_independent_check() -> None:
    assert _mod_11_2("11010519491231002") == "X"  # the standard's own example
    for sequence in range(1, 40):
        number = make_id_number(datetime.date(1980, 1, 1), sequence=sequence, area="530102")
        assert number[17] == _mod_11_2(number[:17]), number
        parse_id_number(number)


def test_the_fast_check_agrees_with_stdnum_over_many_numbers() -> None:
    import random

    from stdnum.cn import ric

    random.seed(7)
    for _ in range(5000):
        body = f"{random.randint(110000, 659999)}{random.randint(19000101, 20251231)}"
        body += f"{random.randint(0, 999):03d}"
        try:
            expected = ric.get_birth_date(body + "0")
        except ric.ValidationError:
            with pytest.raises(ValidationError):
                parse_id_number(body + "0", today=datetime.date(2026, 1, 1))
            continue
        number = body + ric.calc_check_digit(body + "0")
        facts = parse_id_number(number, today=datetime.date(2026, 1, 1))
        assert facts.birth_date == expected
        wrong = "0" if number[17] != "0" else "1"
        with pytest.raises(ValidationError):
            parse_id_number(number[:17] + wrong, today=datetime.date(2026, 1, 1))


def test_names_read_word_by_word_match_pypinyin_reading_the_whole_name() -> None:
    from pypinyin import Style, lazy_pinyin

    from cunzhi.registry.identity import _text_pinyin

    for name in [
        "王朝阳",
        "张长江",
        "李行长",
        "重庆",
        "乐乐",
        "单于",
        "银行家",
        "李·阿卜杜",
        "Anna王",
    ]:
        assert _text_pinyin(name) == lazy_pinyin(name, style=Style.NORMAL, errors="ignore")


@pytest.mark.usefixtures("english")
def test_a_baby_born_today_in_china_is_not_in_the_future_while_utc_is_still_yesterday(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.utils import timezone

    # 20:30 UTC on 23 November is 04:30 on 24 November in Beijing (TIME_ZONE Asia/Shanghai).
    instant = datetime.datetime(2026, 11, 23, 20, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    born = make_id_number(datetime.date(2026, 11, 24), sequence=7)
    assert parse_id_number(born).birth_date == datetime.date(2026, 11, 24)
    tomorrow = make_id_number(datetime.date(2026, 11, 25), sequence=7)
    with pytest.raises(ValidationError, match="in the future"):
        parse_id_number(tomorrow)
