"""The default tag dictionary (issue: registry): counties add their own and retire these; and the
GB/T 4761-2008 relation codes (家庭关系代码), which ledgers use for the relation to the head."""

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


# GB/T 4761-2008 code -> the Relation value (registry.models.Relation), or (male, female) where
# the code leaves the sex to the person (the ID number tells it). Codes the register does not
# tell apart share a value: birth order (21-26 长子…五子) is in the birth dates, and the rarer
# kin of each decade (59, 65-69, 79, 80-97) are "other" (其他亲属).
GBT_4761: dict[str, str | tuple[str, str]] = {
    "01": "head",  # 本人
    "02": "head",  # 户主
    "10": "spouse",
    "11": "spouse",
    "12": "spouse",
    **{f"{code}": "son" for code in ("20", "21", "22", "23", "24", "25", "26", "29")},
    "27": "adopted_son",
    "28": "son_in_law",
    **{f"{code}": "daughter" for code in ("30", "31", "32", "33", "34", "35", "36", "39")},
    "37": "adopted_daughter",
    "38": "daughter_in_law",
    "40": ("grandson", "granddaughter"),
    "41": "grandson",
    "42": "granddaughter",
    "43": "daughters_son",
    "44": "daughters_daughter",
    "45": "grandchild_spouse",
    "46": "grandchild_spouse",
    "47": "great_grandchild",
    "48": "great_grandchild",
    "49": "other",
    "50": ("father", "mother"),
    "51": "father",
    "52": "mother",
    "53": "father_in_law",  # 公公
    "54": "mother_in_law",  # 婆婆
    "55": "father_in_law",  # 岳父
    "56": "mother_in_law",  # 岳母
    "57": "step_father",
    "58": "step_mother",
    "59": "other",
    "60": ("grandfather", "grandmother"),
    "61": "grandfather",
    "62": "grandmother",
    "63": "maternal_grandfather",
    "64": "maternal_grandmother",
    **{f"{code}": "other" for code in range(65, 70)},
    "70": "sibling",
    "71": "sibling",  # 兄
    "72": "sibling_in_law",  # 嫂
    "73": "sibling",  # 弟
    "74": "sibling_in_law",  # 弟媳
    "75": "sibling",  # 姐姐
    "76": "sibling_in_law",  # 姐夫
    "77": "sibling",  # 妹妹
    "78": "sibling_in_law",  # 妹夫
    "79": "other",
    **{f"{code}": "other" for code in range(80, 98)},
    "99": "non_relative",
}
