"""The default dictionary of demand categories, from seed 000's list of what villagers raise.

Synced into ``DemandCategory`` after ``migrate`` (missing entries only: an administrator's change
to an entry is never overwritten). The days to resolve each are the policy parameter
``demands.resolution_days`` (``core/policy_defaults.py``).
"""

from __future__ import annotations

# (code, Chinese name): the names villages use in their ledgers.
DEFAULT_CATEGORIES: list[tuple[str, str]] = [
    ("roads", "道路交通"),
    ("drinking_water", "饮水安全"),
    ("housing", "住房安全"),
    ("schooling", "上学教育"),
    ("employment", "就业务工"),
    ("medical", "看病就医"),
    ("social_security", "社会保障"),
    ("environment", "环境卫生"),
    ("land", "土地宅基地"),
    ("disputes", "矛盾纠纷"),
    ("culture", "文化生活"),
    ("other", "其他"),
]
