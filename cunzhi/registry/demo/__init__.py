"""The demo county's households (``seed`` for ``seed_demo``): planned as data, written by services.

``people`` holds the demo's people as plain data and the odds they are drawn from, ``planner``
plans a village's families without the database, ``seeding`` registers them through the
services.
"""

from cunzhi.registry.demo.people import GROUP_NUMERALS, Family, IdNumbers, Person, VillageFacts
from cunzhi.registry.demo.planner import plan_village
from cunzhi.registry.demo.seeding import household_count, seed

__all__ = [
    "GROUP_NUMERALS",
    "Family",
    "IdNumbers",
    "Person",
    "VillageFacts",
    "household_count",
    "plan_village",
    "seed",
]
