"""Planning a village's families (no database): couples, generations, the old, tags."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cunzhi.registry.models import Employment, Relation, ResidentStatus, Sex

if TYPE_CHECKING:
    pass
from cunzhi.registry.demo.people import (
    CHRONIC,
    DEMO_DATE,
    DISABILITIES,
    GIVEN_NAMES,
    HAN,
    KINDS,
    OUTSIDE_SURNAMES,
    PHONE_PREFIXES,
    SCATTERED,
    SERIOUS,
    WORK_PLACES,
    YI,
    YI_FAMILY_NAMES,
    YI_OLD_NAMES,
    YI_SCATTERED,
    Family,
    IdNumbers,
    Person,
    VillageFacts,
    choice,
    issuing_area,
)
from cunzhi.registry.demo.tagging import tag_households, tag_key_people


def plan_village(facts: VillageFacts, rng: random.Random, ids: IdNumbers) -> list[Family]:
    """The village's families, ordered by villager group, with ID numbers and tags."""
    planner = _Planner(facts, rng)
    families = [planner.family(choice(rng, KINDS)) for _ in range(facts.households)]
    group_weights = [rng.uniform(0.6, 1.4) for _ in range(facts.groups)]
    for family in families:
        family.group = rng.choices(range(facts.groups), group_weights)[0]
    families.sort(key=lambda family: family.group)
    for family in families:
        for person in family.people:
            person.id_number = ids.next(person.birth, person.sex, issuing_area(rng, person))
    tag_households(facts, rng, families)
    tag_key_people(rng, families)
    return families


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
