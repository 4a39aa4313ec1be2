"""Pages of the residency domain, one module per part (presence, dispatch, compliance, leave,
assessment, recall, diary, support, the year report); ``urls.py`` names them from here."""

from __future__ import annotations

from cunzhi.residency.views.assessment import (
    assessment_detail,
    assessment_grade,
    assessment_open,
    assessment_opinion,
)
from cunzhi.residency.views.compliance import (
    compliance,
    compliance_export,
)
from cunzhi.residency.views.diary import (
    diary,
    diaryentry,
)
from cunzhi.residency.views.dispatch import (
    dispatch_create,
    dispatch_detail,
)
from cunzhi.residency.views.leave import (
    leave_create,
    leave_detail,
    leave_list,
)
from cunzhi.residency.views.presence import (
    check_in,
    presence_correct,
    presence_fill,
)
from cunzhi.residency.views.recall import (
    recall_detail,
    recall_start,
)
from cunzhi.residency.views.report import (
    year_report,
    year_report_page,
)
from cunzhi.residency.views.support import (
    support_detail,
    support_export,
    support_item_add,
    support_list,
    support_open,
)

__all__ = [
    "assessment_detail",
    "assessment_grade",
    "assessment_open",
    "assessment_opinion",
    "check_in",
    "compliance",
    "compliance_export",
    "diary",
    "diaryentry",
    "dispatch_create",
    "dispatch_detail",
    "leave_create",
    "leave_detail",
    "leave_list",
    "presence_correct",
    "presence_fill",
    "recall_detail",
    "recall_start",
    "support_detail",
    "support_export",
    "support_item_add",
    "support_list",
    "support_open",
    "year_report",
    "year_report_page",
]
