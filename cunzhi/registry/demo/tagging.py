"""Tags on the demo's families: vulnerable households and key people, by the village's odds."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from cunzhi.registry.models import Employment, Sex

if TYPE_CHECKING:
    pass
from cunzhi.registry.demo.people import (
    KEY_TAGS,
    SERIOUS,
    Family,
    Person,
    VillageFacts,
    sample,
    share_count,
)


def tag_households(facts: VillageFacts, rng: random.Random, families: list[Family]) -> None:
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
        for family in sample(rng, families, weights, share_count(rng, total, share)):
            family.tags.add(code)
    # 特困: an old person alone with nobody to support them; the person, not the household.
    alone = [f for f in families if f.kind == "elderly_alone" and len(f.living()) == 1]
    if alone and rng.random() < 0.5:
        rng.choice(alone).head.tags.add("tekun")


def tag_key_people(rng: random.Random, families: list[Family]) -> None:
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
        chosen: list[Person] = sample(rng, fits, weights, k)
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
