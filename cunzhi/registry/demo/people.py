"""The demo's people as plain data, and the words and odds they are drawn from."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cunzhi.regions.demo import YI_SURNAMES
from cunzhi.registry.identity import make_id_number
from cunzhi.registry.models import Employment, ResidentStatus, Sex

if TYPE_CHECKING:
    pass


# Ages and dates are counted from this day, not from today, so every run seeds the same people.
DEMO_DATE = datetime.date(2026, 1, 1)


MIN_HOUSEHOLDS, MAX_HOUSEHOLDS = 25, 45


# A village's profile has 250–1,100 households; these map onto MIN…MAX registered ones.
PROFILE_HOUSEHOLDS = (250, 1050)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Given names by the decade people were born in: 德福 and 秀英 are grandparents, 子涵 a child.
GIVEN_NAMES: dict[tuple[int, str], tuple[str, ...]] = {
    (1920, Sex.MALE): _words("德福 永昌 国才 发贵 有才 正华 绍云 开明 朝富 家顺 学礼 福寿 德顺"),
    (1920, Sex.FEMALE): _words("秀英 桂兰 桂芬 玉珍 凤英 兰英 秀珍 翠花 玉兰 金花 会芬 正芬"),
    (1950, Sex.MALE): _words("建国 建华 志刚 国华 卫东 建平 跃进 红军 文斌 明亮 德明 国强 学文"),
    (1950, Sex.FEMALE): _words("春兰 丽萍 红梅 玉梅 丽华 金凤 海燕 秀兰 桂香 琼芬 丽琼 云仙"),
    (1970, Sex.MALE): _words("志强 海涛 建军 俊 伟 勇 磊 斌 云龙 家兴 自强 晓东 文杰 春林"),
    (1970, Sex.FEMALE): _words("丽娟 艳 云芳 晓燕 丽 敏 燕 娟 琴 雪梅 艳芬 春燕 丽芳 红艳"),
    (1990, Sex.MALE): _words("浩 宇航 俊杰 子豪 鑫 涛 家豪 杰 宇 明轩 旭 天佑 文浩 鹏"),
    (1990, Sex.FEMALE): _words("欣怡 雨欣 佳怡 婷 思雨 梦瑶 雨婷 佳欣 诗雨 雅婷 倩 丹"),
    (2005, Sex.MALE): _words("子涵 浩然 宇轩 梓轩 沐阳 一诺 俊熙 睿 子墨 宇辰 皓轩 梓睿"),
    (2005, Sex.FEMALE): _words("子涵 欣怡 梓涵 一诺 雨桐 诗涵 语桐 可馨 芷若 依诺 梓萱 思琪"),
}


# Older Yi villagers often carry a name in the Yi way of calling people.
YI_OLD_NAMES: dict[str, tuple[str, ...]] = {
    Sex.MALE: _words("阿福 福生 者保"),
    Sex.FEMALE: _words("阿芝 阿英 么妹 美芝"),
}


# Surnames outside the village's clans (杂姓), with weights; the first four read specially.
SCATTERED: tuple[tuple[str, int], ...] = (
    *(("曾", 4), ("单", 2), ("解", 2), ("仇", 2), ("黄", 3), ("吴", 3), ("徐", 2)),
    *(("朱", 2), ("胡", 2), ("郭", 1), ("余", 2), ("许", 1), ("苏", 1), ("钱", 1)),
)


YI_SCATTERED = (("起", 3), ("自", 3), ("杞", 2), ("沙", 2), ("张", 2), ("杨", 2), ("曾", 1))


YI_FAMILY_NAMES = frozenset(YI_SURNAMES) | {"起", "自", "杞", "沙"}


OUTSIDE_SURNAMES = "李张王杨赵刘陈段周孙马罗何高黄吴"  # where wives married in from come from


HAN, YI = "汉族", "彝族"


# Where people from here work (昆明 most), repeated by how common each is.
WORK_PLACES = (
    ("昆明市官渡区",) * 4
    + ("昆明",) * 4
    + ("广东东莞",) * 3
    + ("广东深圳", "浙江义乌", "上海") * 2
    + ("浙江宁波", "江苏苏州", "福建晋江", "玉溪", "曲靖")
)


CHRONIC = _words("高血压 糖尿病 慢性支气管炎 风湿性关节炎 脑梗后遗症 慢性胃炎")


SERIOUS = _words("尿毒症（透析） 恶性肿瘤 重度再生障碍性贫血")


# (disability, whether it keeps an adult from working)
DISABILITIES = (
    ("肢体残疾二级", True),
    ("肢体残疾四级", False),
    ("视力残疾三级", False),
    ("听力残疾四级", False),
    ("言语残疾三级", False),
    ("智力残疾二级", True),
    ("精神残疾二级", True),
)


PHONE_PREFIXES = _words("135 137 138 139 150 151 152 157 158 159 182 183 187 188")


GROUP_NUMERALS = "一二三四五六七八九十"


# One key-person tag a person: the village doctor is not also its rich leader.
KEY_TAGS = frozenset(
    _words("village_doctor teacher retired_cadre rich_leader old_party_member activist")
) | {"returning_student"}


# Kinds of household and how often each comes up.
KINDS = {
    "family": 58,  # a couple and their children, the eldest son's family if he is grown up
    "with_parents": 20,  # three generations: the head's father and/or mother live with them
    "elderly_couple": 9,
    "elderly_alone": 7,
    "bachelor": 4,
    "single_parent": 2,
}


@dataclass(eq=False)  # people are compared by identity: two may share every field
class Person:
    """One planned resident; ``fields()`` is what household_register takes for them."""

    name: str
    sex: str
    birth: datetime.date
    relation: str
    ethnicity: str
    parents: list[Person] = field(default_factory=list)
    education: str = ""
    employment: str = ""
    work_place: str = ""
    away_since: datetime.date | None = None
    health: str = ""
    disability: str = ""
    phone: str = ""
    id_number: str = ""
    status: str = ResidentStatus.LIVING
    status_since: datetime.date | None = None
    tags: set[str] = field(default_factory=set)

    @property
    def age(self) -> int:
        before_birthday = (DEMO_DATE.month, DEMO_DATE.day) < (self.birth.month, self.birth.day)
        return DEMO_DATE.year - self.birth.year - before_birthday

    @property
    def surname(self) -> str:
        return self.name[0]

    @property
    def living(self) -> bool:
        return self.status == ResidentStatus.LIVING

    @property
    def away(self) -> bool:
        return self.employment == Employment.AWAY

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id_number": self.id_number,
            "sex": self.sex,
            "birth_date": self.birth,
            "relation": self.relation,
            "ethnicity": self.ethnicity,
            "education": self.education,
            "health": self.health,
            "disability": self.disability,
            "employment": self.employment,
            "work_place": self.work_place,
            "away_since": self.away_since,
            "phone": self.phone,
        }


@dataclass(eq=False)
class Family:
    kind: str
    people: list[Person]  # the head first
    couples: list[tuple[Person, Person]]  # (husband, wife), who decide together to work away
    group: int = 0  # index into the village's villager groups
    tags: set[str] = field(default_factory=set)  # household tags, put on every living member

    @property
    def head(self) -> Person:
        return self.people[0]

    def living(self) -> list[Person]:
        return [person for person in self.people if person.living]


@dataclass(frozen=True)
class VillageFacts:
    """What the plan needs to know of a village; plain data, so a plan needs no database."""

    yi: bool
    terrain: str
    clans: tuple[tuple[str, float], ...]  # (surname, share of households in percent)
    groups: int
    households: int


class IdNumbers:
    """Valid ID numbers, unique across the demo: one sequence counter for everybody."""

    def __init__(self) -> None:
        self.sequence = 0
        self.issued: set[str] = set()

    def next(self, birth: datetime.date, sex: str, area: str) -> str:
        while True:
            self.sequence += 1
            number = make_id_number(
                birth, sequence=self.sequence % 500, male=sex == Sex.MALE, area=area
            )
            if number not in self.issued:
                self.issued.add(number)
                return number


def choice(rng: random.Random, weighted: dict[str, int]) -> str:
    return rng.choices(list(weighted), list(weighted.values()))[0]


def sample(rng: random.Random, items: Sequence[Any], weights: Sequence[float], k: int) -> list[Any]:
    """``k`` distinct items drawn with the weights (random.sample has no weights)."""
    pool, chosen = list(zip(items, weights, strict=True)), []
    for _ in range(min(k, len(pool))):
        index = rng.choices(range(len(pool)), [weight for _item, weight in pool])[0]
        chosen.append(pool.pop(index)[0])
    return chosen


def share_count(rng: random.Random, total: int, share: float) -> int:
    """``total * share`` rounded up or down at random, so small villages still get some."""
    return int(total * share + rng.random())


def issuing_area(rng: random.Random, person: Person) -> str:
    # Older cards were issued under the county's former code, before it was renumbered.
    if person.birth.year < 1990 and rng.random() < 0.7:
        return "530121"
    return "530181" if rng.random() < 0.08 else "530199"
