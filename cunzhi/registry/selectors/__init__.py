"""Reads of the household register, always through for_user, with personal data masked.

Every resident these functions hand to a page carries ``shown_id_number``, ``shown_phone`` and
``shown_tags``: the ID and phone numbers masked and the sensitive tags left out unless the reader
may reveal them (DESIGN rule 7). Pages and the API show those attributes, never the raw fields,
so that forgetting to mask is not possible in a template.

One module a kind of read; every public reader is importable from here.
"""

from cunzhi.registry.selectors.choices import (
    VillagerGroupRow,
    group_choices,
    household_choices,
    keeps_another_village,
    leader_candidates,
    member_choices,
    next_household_no,
    tag_dictionary,
    tag_get,
    target_household,
    target_village,
    ten_group_get,
    ten_groups,
    village_choices,
    villager_groups,
)
from cunzhi.registry.selectors.records import (
    RegisterCounts,
    TagCount,
    household_detail,
    household_list,
    key_people,
    present_households,
    register_counts,
    resident_detail,
    resident_filtered_list,
    resident_get,
    resident_list,
)
from cunzhi.registry.selectors.shown import (
    AGE_BANDS,
    REVEAL,
    age_band_q,
    age_of,
    may_reveal,
    present,
    tag_links,
    visible_tags,
)

__all__ = [
    "AGE_BANDS",
    "REVEAL",
    "RegisterCounts",
    "TagCount",
    "VillagerGroupRow",
    "age_band_q",
    "age_of",
    "group_choices",
    "household_choices",
    "household_detail",
    "household_list",
    "keeps_another_village",
    "key_people",
    "leader_candidates",
    "may_reveal",
    "member_choices",
    "next_household_no",
    "present",
    "present_households",
    "register_counts",
    "resident_detail",
    "resident_filtered_list",
    "resident_get",
    "resident_list",
    "tag_dictionary",
    "tag_get",
    "tag_links",
    "target_household",
    "target_village",
    "ten_group_get",
    "ten_groups",
    "village_choices",
    "villager_groups",
    "visible_tags",
]
