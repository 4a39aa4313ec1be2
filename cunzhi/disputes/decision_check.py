"""A decision that needs a social-stability risk assessment (稳评) waits for an approved one.

The decision procedure (``cunzhi.decisions``) asks every registered precondition before each
forward step (``decisions.preconditions``); this one holds the publication of a resolution whose
matter type the dated policy parameter ``disputes.stability_assessment_matter_types`` lists,
until an assessment of that matter (``subject_type="decisions.matter"``, its id) is approved.
Registered from ``DisputesConfig.ready``; decisions never imports disputes.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.disputes.selectors import assessment_required, has_approved_assessment

STEP = "publish_resolution"


def stability_assessed(matter: Any, step: str) -> Any:
    if step != STEP:
        return None
    if not assessment_required(matter.matter_type, matter.region_code, timezone.localdate()):
        return None
    if has_approved_assessment(matter):
        return None
    return _(
        "A matter of this type needs an approved social-stability risk assessment before its "
        "resolution is published: record one for this matter under “Mediation and petitions”."
    )
