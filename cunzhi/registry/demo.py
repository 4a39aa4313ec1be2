"""The demo county's households: every village gets a few dozen families shaped like its people.

A resident cadre's register is mostly couples with children, three generations under one roof,
old people on their own whose children work in 昆明 or 广东, a few bachelors and single parents;
some members have died or married out and are still on the books with that status. Surnames
follow the village's clans (regions.demo), Yi villages register Yi families, and a few surnames
read specially as surnames (曾 zeng, 单 shan, 解 xie, 仇 qiu) so pinyin search can be shown.

Families are planned as plain data first (:func:`plan_village`, no database), then written
through ``cunzhi.registry.services`` only. The county's profile counts (hundreds of households a
village) are scaled down to 25–45 registered households a village to keep ``seed_demo`` quick.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cunzhi.core.regioncodes import Level
from cunzhi.regions.demo import TOWNSHIPS, YI_SURNAMES
from cunzhi.regions.models import Clan, Region, VillageProfile
from cunzhi.registry.models import Employment, Relation, ResidentStatus, Sex, Tag
from cunzhi.registry.services import (
    household_register,
    resident_set_status,
    resident_set_tags,
    sync_default_tags,
)
from cunzhi.registry.testing import make_id_number

if TYPE_CHECKING:
    from cunzhi.core.demo import DemoContext

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


def household_count(profile_households: int) -> int:
    low, high = PROFILE_HOUSEHOLDS
    share = (profile_households - low) / (high - low)
    return max(MIN_HOUSEHOLDS, min(MAX_HOUSEHOLDS, round(MIN_HOUSEHOLDS + share * 20)))


def seed(ctx: DemoContext) -> None:
    """Every demo village's households, their members' tags and statuses."""
    sync_default_tags()  # migrate inserts them; a database built otherwise may lack them
    tags = {tag.code: tag for tag in Tag.objects.all()}
    ids = IdNumbers()
    for township in TOWNSHIPS:
        for spec in township.villages:
            village = ctx.regions[spec.key]
            groups = list(village.children.filter(level=Level.GROUP).order_by("code"))
            profile = VillageProfile.objects.get(region=village)
            facts = VillageFacts(
                yi=spec.yi,
                terrain=spec.terrain,
                clans=tuple(
                    (clan.surname, float(clan.share_percent))
                    for clan in Clan.objects.filter(region=village).order_by("-share_percent")
                ),
                groups=len(groups),
                households=household_count(profile.households),
            )
            families = plan_village(facts, ctx.rng, ids)
            _register_village(ctx, village, groups, families, tags)


def _register_village(
    ctx: DemoContext,
    village: Region,
    groups: list[Region],
    families: list[Family],
    tags: dict[str, Tag],
) -> None:
    house_numbers = [0] * len(groups)
    for number, family in enumerate(families, start=1):
        group = groups[family.group]
        house_numbers[family.group] += ctx.rng.randint(1, 3)
        numeral = GROUP_NUMERALS[int(group.code[-3:]) - 1]
        head, *members = family.people
        phone = next((person.phone for person in family.living() if person.phone), "")
        household = household_register(
            actor=ctx.admin,
            village=village,
            household_no=f"{number:04d}",
            group=group,
            address=f"{village.name}{numeral}组{house_numbers[family.group]}号",
            phone=phone,
            head=head.fields(),
            members=[member.fields() for member in members],
        )
        residents = {resident.id_number: resident for resident in household.members.all()}
        for person in family.people:
            resident = residents[person.id_number]
            codes = person.tags | (family.tags if person.living else set())
            if codes:
                resident_set_tags(
                    actor=ctx.admin, resident=resident, tags=[tags[code] for code in sorted(codes)]
                )
            if not person.living:
                assert person.status_since is not None
                resident_set_status(
                    actor=ctx.admin,
                    resident=resident,
                    status=person.status,
                    since=person.status_since,
                )


def plan_village(facts: VillageFacts, rng: random.Random, ids: IdNumbers) -> list[Family]:
    """The village's families, ordered by villager group, with ID numbers and tags."""
    planner = _Planner(facts, rng)
    families = [planner.family(_choice(rng, KINDS)) for _ in range(facts.households)]
    group_weights = [rng.uniform(0.6, 1.4) for _ in range(facts.groups)]
    for family in families:
        family.group = rng.choices(range(facts.groups), group_weights)[0]
    families.sort(key=lambda family: family.group)
    for family in families:
        for person in family.people:
            person.id_number = ids.next(person.birth, person.sex, _issuing_area(rng, person))
    _tag_households(facts, rng, families)
    _tag_key_people(rng, families)
    return families


def _choice(rng: random.Random, weighted: dict[str, int]) -> str:
    return rng.choices(list(weighted), list(weighted.values()))[0]


def _sample(
    rng: random.Random, items: Sequence[Any], weights: Sequence[float], k: int
) -> list[Any]:
    """``k`` distinct items drawn with the weights (random.sample has no weights)."""
    pool, chosen = list(zip(items, weights, strict=True)), []
    for _ in range(min(k, len(pool))):
        index = rng.choices(range(len(pool)), [weight for _item, weight in pool])[0]
        chosen.append(pool.pop(index)[0])
    return chosen


def _count(rng: random.Random, total: int, share: float) -> int:
    """``total * share`` rounded up or down at random, so small villages still get some."""
    return int(total * share + rng.random())


def _issuing_area(rng: random.Random, person: Person) -> str:
    # Older cards were issued under the county's former code, before it was renumbered.
    if person.birth.year < 1990 and rng.random() < 0.7:
        return "530121"
    return "530181" if rng.random() < 0.08 else "530199"


class _Planner:
    """Draws one village's families; the only randomness is the seeded ``rng``."""

    def __init__(self, facts: VillageFacts, rng: random.Random) -> None:
        self.facts, self.rng = facts, rng
        scattered = YI_SCATTERED if facts.yi else SCATTERED
        clan_names = {surname for surname, _share in facts.clans}
        rest = max(100 - sum(share for _surname, share in facts.clans), 5)
        others = [(name, weight) for name, weight in scattered if name not in clan_names]
        total = sum(weight for _name, weight in others)
        self.surnames = [name for name, _share in facts.clans] + [name for name, _w in others]
        self.weights = [share for _name, share in facts.clans] + [
            rest * weight / total for _name, weight in others
        ]
        mountains = facts.terrain in {"mountain", "karst"}
        self.away_rate = (0.5 if mountains else 0.35) * rng.uniform(0.85, 1.15)

    # Names and people

    def given_name(self, birth: datetime.date, sex: str, ethnicity: str) -> str:
        if ethnicity == YI and birth.year < 1950 and self.rng.random() < 0.3:
            return self.rng.choice(YI_OLD_NAMES[sex])
        decade = max(year for year, _sex in GIVEN_NAMES if year <= birth.year)
        return self.rng.choice(GIVEN_NAMES[decade, sex])

    def person(
        self,
        surname: str,
        sex: str,
        age: int,
        relation: str,
        ethnicity: str,
        parents: Sequence[Person] = (),
    ) -> Person:
        birth = DEMO_DATE.replace(year=DEMO_DATE.year - age)
        birth -= datetime.timedelta(days=self.rng.randrange(365))
        name = surname + self.given_name(birth, sex, ethnicity)
        return Person(name, sex, birth, relation, ethnicity, list(parents))

    def village_surname(self) -> tuple[str, str]:
        """A surname of the village's clans, or a scattered one, and the ethnicity it goes with."""
        surname = self.rng.choices(self.surnames, self.weights)[0]
        return surname, YI if self.facts.yi and surname in YI_FAMILY_NAMES else HAN

    def man(self, age: int) -> Person:
        surname, ethnicity = self.village_surname()
        return self.person(surname, Sex.MALE, age, Relation.HEAD, ethnicity)

    def wife(self, husband: Person, age: int, relation: str = Relation.SPOUSE) -> Person:
        """A woman married in: from a family of the village or from outside it."""
        while True:
            if self.rng.random() < 0.6:
                surname, ethnicity = self.village_surname()
            elif self.rng.random() < (0.85 if self.facts.yi else 0.04):
                surname, ethnicity = self.rng.choice(sorted(YI_FAMILY_NAMES)), YI
            else:
                surname, ethnicity = self.rng.choice(OUTSIDE_SURNAMES), HAN
            if surname != husband.surname:
                return self.person(surname, Sex.FEMALE, max(19, age), relation, ethnicity)

    def couple(self, husband_age: int) -> tuple[Person, Person]:
        husband = self.man(husband_age)
        gap = self.rng.choice((-2, -1, 0, 1, 2, 2, 3, 3, 4, 5, 6))
        return husband, self.wife(husband, husband_age - gap)

    def children(
        self, father: Person, mother: Person, son: str, daughter: str, most: int = 4
    ) -> list[Person]:
        """Born from the mother's 19th–27th year, two to six years apart; none yet unborn."""
        # A child of a Yi parent is usually registered Yi (the policy favours it).
        ethnicity = YI if YI in (father.ethnicity, mother.ethnicity) else HAN
        weights = (15, 40, 30, 15) if self.facts.yi else (35, 47, 15, 3)
        count = self.rng.choices((1, 2, 3, 4), weights)[0]
        age = mother.age - self.rng.randint(19, 27)
        kids = []
        for _ in range(min(count, most)):
            if age < 0:
                break
            sex = self.rng.choice((Sex.MALE, Sex.FEMALE))
            relation = son if sex == Sex.MALE else daughter
            kids.append(
                self.person(father.surname, sex, age, relation, ethnicity, (father, mother))
            )
            age -= self.rng.randint(2, 6)
        return kids

    # Households

    def family(self, kind: str) -> Family:
        people, couples = getattr(self, f"_{kind}")()
        for person in people:
            person.parents = [parent for parent in person.parents if parent in people]
        family = Family(kind, people, couples)
        self._occupy(family)
        self._health(family)
        self._phones(family)
        self._left_behind(family)
        return family

    def _family(self) -> tuple[list[Person], list[tuple[Person, Person]]]:
        head, wife = self.couple(self.rng.randint(26, 72))
        people, couples = [head, wife], [(head, wife)]
        for child in self.children(head, wife, Relation.SON, Relation.DAUGHTER):
            if child.age >= 25 and child.sex == Sex.MALE and len(couples) == 1:
                # The eldest grown son stays with his parents and brings his wife home.
                age = child.age - self.rng.randint(-2, 4)
                daughter_in_law = self.wife(child, age, Relation.DAUGHTER_IN_LAW)
                grandchildren = self.children(
                    child, daughter_in_law, Relation.GRANDSON, Relation.GRANDDAUGHTER, most=3
                )
                people += [child, daughter_in_law, *grandchildren]
                couples.append((child, daughter_in_law))
            elif child.age >= 25 and child.sex == Sex.MALE and self.rng.random() < 0.5:
                continue  # a younger grown son who has set up his own household (分户)
            elif child.age >= 21 and child.sex == Sex.FEMALE and self.rng.random() < 0.7:
                # Married out to another village: still on the books, as moved out.
                married_at = child.birth + datetime.timedelta(days=self.rng.randint(20, 24) * 365)
                child.status = ResidentStatus.MOVED_OUT
                child.status_since = min(married_at, DEMO_DATE)
                people.append(child)
            else:
                people.append(child)
        return people, couples

    def _with_parents(self) -> tuple[list[Person], list[tuple[Person, Person]]]:
        head, wife = self.couple(self.rng.randint(30, 52))
        father_age = min(96, head.age + self.rng.randint(22, 32))
        father = self.person(head.surname, Sex.MALE, father_age, Relation.FATHER, head.ethnicity)
        mother_age = max(head.age + 19, father_age - self.rng.randint(-1, 5))
        mother = self.wife(father, mother_age, Relation.MOTHER)
        head.parents = [father, mother]
        people = [head, wife, *self.children(head, wife, Relation.SON, Relation.DAUGHTER, 3)]
        which = self.rng.random()
        if father_age > 88:
            people.append(mother)
            self._died(father, people)
        elif which < 0.5:
            people += [father, mother]
        elif which < 0.75:
            people.append(father)
            self._died(mother, people, chance=0.3)
        else:
            people.append(mother)
            self._died(father, people, chance=0.4)
        return people, [(head, wife)]

    def _elderly_couple(self) -> tuple[list[Person], list[tuple[Person, Person]]]:
        head, wife = self.couple(self.rng.randint(62, 85))
        people = [head, wife]
        self._absent_son(head, wife, people)
        return people, [(head, wife)]

    def _elderly_alone(self) -> tuple[list[Person], list[tuple[Person, Person]]]:
        husband, wife = self.couple(self.rng.randint(66, 90))
        # Women outlive their husbands; the survivor heads the household.
        survivor, late = (wife, husband) if self.rng.random() < 0.65 else (husband, wife)
        survivor.relation, late.relation = Relation.HEAD, Relation.SPOUSE
        people = [survivor]
        self._died(late, people, chance=0.4)
        self._absent_son(husband, wife, people)
        return people, []

    def _bachelor(self) -> tuple[list[Person], list[tuple[Person, Person]]]:
        head = self.man(self.rng.randint(30, 58))
        people = [head]
        if head.age < 50 and self.rng.random() < 0.5:
            mother = self.wife(head, head.age + self.rng.randint(20, 30), Relation.MOTHER)
            head.parents = [mother]
            people.append(mother)
        return people, []

    def _single_parent(self) -> tuple[list[Person], list[tuple[Person, Person]]]:
        father, mother = self.couple(self.rng.randint(28, 48))
        kids = self.children(father, mother, Relation.SON, Relation.DAUGHTER, most=2) or [
            self.person(
                father.surname, Sex.FEMALE, 8, "daughter", father.ethnicity, (father, mother)
            )
        ]
        # Widowed or divorced; a divorced parent's former spouse is no longer on the books.
        head, other = (father, mother) if self.rng.random() < 0.5 else (mother, father)
        head.relation, other.relation = Relation.HEAD, Relation.SPOUSE
        people = [head, *kids]
        if self.rng.random() < 0.4:
            self._died(other, people)
        return people, []

    def _absent_son(self, father: Person, mother: Person, people: list[Person]) -> None:
        """Half of old couples still have an unmarried son registered with them, working away."""
        age = mother.age - self.rng.randint(22, 32)
        if age >= 22 and self.rng.random() < 0.5:
            son = self.person(
                father.surname, Sex.MALE, age, "son", father.ethnicity, (father, mother)
            )
            son.employment, son.education = Employment.AWAY, self._education(son)
            self._send_away(son)
            people.append(son)

    def _died(self, person: Person, people: list[Person], chance: float = 1.0) -> None:
        """Keep a dead member on the books, as deceased, with some ``chance``."""
        if self.rng.random() < chance:
            person.status = ResidentStatus.DECEASED
            person.status_since = DEMO_DATE - datetime.timedelta(days=self.rng.randint(60, 2500))
            people.append(person)

    # What people do

    def _occupy(self, family: Family) -> None:
        paired = {person for couple in family.couples for person in couple}
        for husband, wife in family.couples:
            if not (18 <= husband.age <= 55 and 18 <= wife.age <= 55):
                continue
            roll, rate = self.rng.random(), self.away_rate
            if roll < rate * 0.55:
                self._send_away(husband)
                self._send_away(wife, husband.work_place, husband.away_since)
            elif roll < rate * 1.1:
                self._send_away(husband)
            elif roll < rate * 1.1 + 0.03:
                self._send_away(wife)
        for person in family.people:
            person.education = person.education or self._education(person)
            if person.employment:
                continue
            age = person.age
            if age < 6:
                person.employment = Employment.CHILD
            elif age < 18 or (age <= 22 and self.rng.random() < 0.35):
                person.employment = Employment.STUDENT
                if age >= 18:
                    person.education = self.rng.choice(("senior", "college"))
            elif age < 56 and person not in paired and self.rng.random() < self.away_rate * 1.6:
                self._send_away(person)
            elif age < 60 or (age < 70 and self.rng.random() < 0.6):
                person.employment = Employment.AT_HOME
            else:
                person.employment = Employment.RETIRED

    def _send_away(
        self,
        person: Person,
        place: str = "",
        since: datetime.date | None = None,
    ) -> None:
        person.employment = Employment.AWAY
        person.work_place = place or self.rng.choice(WORK_PLACES)
        if since is None:
            first = max(person.birth.year + 17, 2005)
            since = datetime.date(
                self.rng.randint(first, max(first, 2025)), self.rng.randint(1, 12), 1
            )
        person.away_since = min(since, DEMO_DATE)

    def _education(self, person: Person) -> str:
        age, year = person.age, person.birth.year
        if age < 6:
            return ""
        if age < 12:
            return "primary"
        if age < 15:
            return "junior"
        if age < 18:
            return self.rng.choice(("junior", "senior", "senior"))
        levels = ("none", "primary", "junior", "senior", "college")
        if year < 1950:
            weights = (50, 45, 5, 0, 0) if person.sex == Sex.MALE else (75, 24, 1, 0, 0)
        elif year < 1966:
            weights = (20, 50, 25, 5, 0)
        elif year < 1981:
            weights = (3, 30, 53, 11, 3)
        elif year < 1996:
            weights = (0, 10, 50, 28, 12)
        else:
            weights = (0, 2, 30, 40, 28)
        return self.rng.choices(levels, weights)[0]

    def _health(self, family: Family) -> None:
        for person in family.people:
            age = person.age
            chance = 0.015 if age < 18 else 0.04 if age < 60 else 0.09
            if self.rng.random() < chance:
                person.disability, severe = self.rng.choice(DISABILITIES)
                person.tags.add("disabled")
                if severe and age >= 18:
                    self._keep_home(person)
            if age >= 18 and self.rng.random() < 0.008:
                person.health = self.rng.choice(SERIOUS)
                self._keep_home(person)
            elif age >= 55 and self.rng.random() < 0.35:
                person.health = self.rng.choice(CHRONIC)
            else:
                person.health = "健康"

    @staticmethod
    def _keep_home(person: Person) -> None:
        person.employment, person.work_place, person.away_since = Employment.UNABLE, "", None

    def _phones(self, family: Family) -> None:
        for person in family.people:
            if person.status == ResidentStatus.DECEASED:
                continue
            if person.age >= 18 and self.rng.random() < (0.95 if person.age < 70 else 0.5):
                person.phone = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _left_behind(self, family: Family) -> None:
        living = family.living()
        for person in living:
            parents = [parent for parent in person.parents if parent.living]
            children = [p for p in living if person in p.parents and p.age >= 18]
            if person.age < 16 and parents and all(parent.away for parent in parents):
                person.tags.add("left_behind_child")
            if person.age >= 60 and children and all(child.away for child in children):
                person.tags.add("left_behind_elderly")
        for husband, wife in family.couples:
            if husband.away and wife.living and not wife.away and wife.age < 60:
                wife.tags.add("left_behind_woman")


def _tag_households(facts: VillageFacts, rng: random.Random, families: list[Family]) -> None:
    """低保 ~5%, 特困 ~1%, 脱贫户 ~10% (more in the mountains), 监测户 ~2% of households."""

    def need(family: Family) -> float:
        living = family.living()
        score = 1.0
        score += 4 * any(person.disability for person in living)
        score += 5 * any(person.health in SERIOUS for person in living)
        score += 3 * (family.kind in {"elderly_alone", "elderly_couple", "single_parent"})
        score += 1.5 * (family.kind == "bachelor")
        return score

    total, weights = len(families), [need(family) for family in families]
    poor = facts.terrain in {"mountain", "karst"}
    shares = {"dibao": 0.05, "tuopin": 0.14 if poor else 0.07, "jiance": 0.02}
    for code, share in shares.items():
        for family in _sample(rng, families, weights, _count(rng, total, share)):
            family.tags.add(code)
    # 特困: an old person alone with nobody to support them; the person, not the household.
    alone = [f for f in families if f.kind == "elderly_alone" and len(f.living()) == 1]
    if alone and rng.random() < 0.5:
        rng.choice(alone).head.tags.add("tekun")


def _tag_key_people(rng: random.Random, families: list[Family]) -> None:
    """The people seed 003 tells a resident cadre to meet first, and veterans, returnees."""
    home = [
        person
        for family in families
        for person in family.living()
        if person.employment in {Employment.AT_HOME, Employment.RETIRED} and not person.disability
    ]
    poor = {p for f in families if f.tags & {"dibao", "tekun"} for p in f.people}

    def pick(code: str, k: int, low: int, high: int, women: float = 0.5) -> list[Person]:
        fits = [p for p in home if low <= p.age <= high and p not in poor and not p.tags & KEY_TAGS]
        weights = [women if p.sex == Sex.FEMALE else 1 - women for p in fits]
        chosen: list[Person] = _sample(rng, fits, weights, k)
        for person in chosen:
            person.tags.add(code)
        return chosen

    for doctor in pick("village_doctor", 1, 28, 60):
        doctor.education = "senior"
    for teacher in pick("teacher", rng.randint(1, 2), 25, 55, women=0.6):
        teacher.education = "college"
    for cadre in pick("retired_cadre", rng.randint(0, 2), 60, 80, women=0.2):
        cadre.education = rng.choice(("senior", "college"))
    pick("rich_leader", rng.randint(1, 2), 32, 58, women=0.25)
    pick("old_party_member", rng.randint(2, 4), 65, 95, women=0.3)
    pick("activist", rng.randint(1, 3), 20, 40)
    for student in pick("returning_student", rng.randint(0, 2), 22, 28):
        student.education = "college"
    for person in home:
        at_home = person.employment == Employment.AT_HOME
        if at_home and 22 <= person.age <= 50 and rng.random() < 0.15:
            person.tags.add("returning_worker")
        if person.sex == Sex.MALE and 22 <= person.age <= 75 and rng.random() < 0.03:
            person.tags.add("veteran")
