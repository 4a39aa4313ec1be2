"""The default tag dictionary (issue: registry): counties add their own and retire these."""

from __future__ import annotations

from typing import Any

# code, name (Chinese: the dictionary is data, shown as entered), colour, sensitive, key person.
_ROWS = [
    ("dibao", "低保", "#b45309", True, False),
    ("tekun", "特困", "#b91c1c", True, False),
    ("tuopin", "脱贫户", "#15803d", True, False),
    ("jiance", "监测户", "#c2410c", True, False),
    ("disabled", "残疾人", "#7c3aed", True, False),
    ("left_behind_elderly", "留守老人", "#0369a1", False, False),
    ("left_behind_child", "留守儿童", "#0284c7", False, False),
    ("left_behind_woman", "留守妇女", "#0891b2", False, False),
    ("returning_worker", "返乡务工人员", "#4d7c0f", False, True),
    ("veteran", "退役军人", "#1d4ed8", False, False),
    ("returning_student", "返乡大学生", "#047857", False, True),
    ("rich_leader", "致富带头人", "#a16207", False, True),
    ("retired_cadre", "退休干部", "#6d28d9", False, True),
    ("village_doctor", "乡村医生", "#be123c", False, True),
    ("teacher", "教师", "#9333ea", False, True),
    ("activist", "积极分子", "#0f766e", False, True),
    ("old_party_member", "老党员", "#dc2626", False, True),
]

DEFAULT_TAGS: list[dict[str, Any]] = [
    {
        "code": code,
        "name": name,
        "colour": colour,
        "sensitive": sensitive,
        "key_person": key,
        "order": index,
    }
    for index, (code, name, colour, sensitive, key) in enumerate(_ROWS)
]
