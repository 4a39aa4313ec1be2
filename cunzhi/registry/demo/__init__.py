"""The demo county's households (``seed`` for ``seed_demo``): planned as data, written by services.

``people`` holds the demo's people as plain data and the odds they are drawn from, ``planner``
plans a village's families without the database, ``seeding`` registers them through the
services.
"""

from cunzhi.registry.demo.people import GROUP_NUMERALS, Family, IdNumbers, Person, VillageFacts
from cunzhi.registry.demo.planner import plan_village
from cunzhi.registry.demo.seeding import household_count, seed


def scale(households: int, *, seed: int = 0) -> str:
    """``seed_demo --scale``: ``households`` more in bulk (registry.scale); what was added."""
    from cunzhi.registry.scale import build_scale

    report = build_scale(households, seed=seed)
    return (
        f"Added {report.households:,} households, {report.residents:,} residents and "
        f"{report.tags:,} tags in {report.villages} villages in {report.seconds:.1f} s."
    )


__all__ = [
    "GROUP_NUMERALS",
    "Family",
    "IdNumbers",
    "Person",
    "VillageFacts",
    "household_count",
    "plan_village",
    "scale",
    "seed",
]
