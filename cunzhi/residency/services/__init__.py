"""Writes of the residency domain: dispatch, presence, leave, assessment, recall, the diary and
the support ledger (DESIGN rule 3), one module each.

Every function here runs in one transaction, re-checks the actor's scope, validates, writes,
keeps the presence rollup (``rollup``) and records its audit event last.
"""

from __future__ import annotations

from cunzhi.residency.services.assessment import (
    OPINION_FIELDS,
    assessment_grade,
    assessment_open,
    assessment_opinion_give,
    grade_cap,
    unexplained_absences,
    verbose_name_of,
)
from cunzhi.residency.services.diary import (
    diary_entry_update,
    diary_entry_write,
)
from cunzhi.residency.services.dispatch import (
    cadre_register,
    dispatch_create,
    dispatch_end,
    planned_end_of,
    serving_dispatch,
)
from cunzhi.residency.services.leave import (
    compliance_export,
    leave_request_create,
    leave_request_transition,
)
from cunzhi.residency.services.presence import (
    FILLABLE,
    distance_m,
    presence_check_in,
    presence_correct,
    presence_fill,
    presence_record_leave,
    village_position,
)
from cunzhi.residency.services.recall import (
    cadre_dispatch,
    recall_start,
    recall_transition,
)
from cunzhi.residency.services.support import (
    SUPPORT_FIELDS,
    support_meeting_add,
    support_open,
    support_spending_add,
    support_training_add,
    support_update,
    township_leaders,
)

__all__ = [
    "FILLABLE",
    "OPINION_FIELDS",
    "SUPPORT_FIELDS",
    "assessment_grade",
    "assessment_open",
    "assessment_opinion_give",
    "cadre_dispatch",
    "cadre_register",
    "compliance_export",
    "diary_entry_update",
    "diary_entry_write",
    "dispatch_create",
    "dispatch_end",
    "distance_m",
    "grade_cap",
    "leave_request_create",
    "leave_request_transition",
    "planned_end_of",
    "presence_check_in",
    "presence_correct",
    "presence_fill",
    "presence_record_leave",
    "recall_start",
    "recall_transition",
    "serving_dispatch",
    "support_meeting_add",
    "support_open",
    "support_spending_add",
    "support_training_add",
    "support_update",
    "township_leaders",
    "unexplained_absences",
    "verbose_name_of",
    "village_position",
]
