"""Residency (驻村): dispatched cadres, their daily presence, leave and the presence rollup.

A first secretary (第一书记) or work-team member is a user with a ``Cadre`` record, sent by a
sending unit (派出单位, ``accounts.SendingUnit``) to one village at a time (``Dispatch``). Each
day they are in the village, on leave, in training, on an official trip or absent
(``PresenceDay``). ``PresenceMonth`` is the rollup the compliance table reads: the working days
of each kind per dispatch and month, kept in the same transaction as every presence write, so no
page counts raw presence rows (DESIGN, "Scale").

Every record carries the sending unit of its cadre: a sending unit's contact sees its own cadres
and nobody else's, even in a village where two units' cadres serve (``ResidencyQuerySet``).
"""

from __future__ import annotations

from cunzhi.residency.models.assessment import (
    GRADE_ORDER,
    Assessment,
    Grade,
)
from cunzhi.residency.models.dispatch import (
    Cadre,
    Dispatch,
    DispatchRole,
    DispatchStatus,
)
from cunzhi.residency.models.leave import (
    LeaveRequest,
    LeaveState,
    LeaveType,
)
from cunzhi.residency.models.presence import (
    PresenceDay,
    PresenceKind,
    PresenceMonth,
    PresenceSource,
)
from cunzhi.residency.models.recall import (
    DiaryEntry,
    Recall,
    RecallState,
)
from cunzhi.residency.models.scope import (
    ResidencyQuerySet,
)
from cunzhi.residency.models.support import (
    FundSpending,
    PairingMeeting,
    SupportGap,
    SupportYear,
    TrainingRecord,
    support_gap_conditions,
)

__all__ = [
    "GRADE_ORDER",
    "Assessment",
    "Cadre",
    "DiaryEntry",
    "Dispatch",
    "DispatchRole",
    "DispatchStatus",
    "FundSpending",
    "Grade",
    "LeaveRequest",
    "LeaveState",
    "LeaveType",
    "PairingMeeting",
    "PresenceDay",
    "PresenceKind",
    "PresenceMonth",
    "PresenceSource",
    "Recall",
    "RecallState",
    "ResidencyQuerySet",
    "SupportGap",
    "SupportYear",
    "TrainingRecord",
    "support_gap_conditions",
]
