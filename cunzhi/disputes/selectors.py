"""Reads of petitions, mediation and assessments: every one starts from ``for_user`` (rule 2).

Deadline statuses come from the stored dates in SQL (``deadline_status_now``), never from a
count per row in Python; the shares of the 枫桥 measure are one aggregate.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from cunzhi.core import policy
from cunzhi.core.workflow import deadline_q, deadline_status_now
from cunzhi.disputes.models import (
    CASE_OPEN,
    PETITION_OPEN,
    AssessmentState,
    CaseLevel,
    MediationCase,
    MediationCommittee,
    Petition,
    StabilityAssessment,
)
from cunzhi.registry.models import Resident, ResidentStatus, Sex

# --- petitions ------------------------------------------------------------------------


def _in(queryset: Any, area: str) -> Any:
    """Only the rows of the region whose code prefix is ``area`` (all in scope when empty)."""
    return queryset.in_region(area) if area else queryset


def petition_queue(
    user: Any, *, today: datetime.date, status: str = "", area: str = ""
) -> QuerySet[Petition]:
    """The reception centre's queue: open petitions, nearest deadline first, each with its
    deadline status as of ``today`` computed by the database (one query whatever the count)."""
    petitions = (
        _in(Petition.objects.for_user(user, "view"), area)
        .filter(state__in=PETITION_OPEN)
        .select_related("region")
        .annotate(deadline_now=deadline_status_now(today))
    )
    if status:
        petitions = petitions.filter(deadline_q(status, today))
    return petitions.order_by("due_on", "pk")


def petition_list(user: Any, *, today: datetime.date, area: str = "") -> QuerySet[Petition]:
    """Every petition of the area in scope (the list page filters and sorts it)."""
    return (
        _in(Petition.objects.for_user(user, "view"), area)
        .select_related("region")
        .annotate(deadline_now=deadline_status_now(today))
    )


def petition_deadline_counts(user: Any, *, today: datetime.date, area: str = "") -> dict[str, int]:
    """How many open petitions are overdue, due soon and running, in one aggregate."""
    open_ = _in(Petition.objects.for_user(user, "view"), area).filter(state__in=PETITION_OPEN)
    counts: dict[str, int] = open_.aggregate(
        overdue=Count("pk", filter=deadline_q("overdue", today)),
        soon=Count("pk", filter=deadline_q("soon", today)),
        due=Count("pk", filter=deadline_q("due", today)),
    )
    return counts


def petition_detail(user: Any, pk: int) -> Petition:
    from cunzhi.core.scoping import get_in_scope

    return get_in_scope(
        Petition.objects.select_related("region", "petitioner", "same_matter_as"),
        user,
        "view",
        pk=pk,
    )


# --- mediation ------------------------------------------------------------------------


def committee_of(user: Any, village_code: str) -> MediationCommittee | None:
    """The village's committee of the latest term, with its members and their residents."""
    return (
        MediationCommittee.objects.for_user(user, "view")
        .filter(region_code=village_code)
        .prefetch_related("members__resident")
        .order_by("-term_starts_on")
        .first()
    )


def committee_candidates(user: Any, village_code: str) -> QuerySet[Resident]:
    """The village's living residents, by name, for the committee's form."""
    return (
        Resident.objects.for_user(user, "view")
        .filter(region_code=village_code, status=ResidentStatus.LIVING)
        .order_by("name_pinyin", "pk")
    )


def committee_warnings(committee: MediationCommittee | None, on: datetime.date) -> list[str]:
    """What breaks the law's rules for the committee (人民调解法 Art. 8, 9), as sentences."""
    if committee is None:
        return [_("This village has no people's mediation committee on record.")]
    warnings = []
    size = policy.get(
        "disputes.mediation_committee_members", region_code=committee.region_code, on=on
    )
    members = list(committee.members.all())
    if not size["min"] <= len(members) <= size["max"]:
        warnings.append(
            _("The committee has %(count)s members; the law asks for %(min)s to %(max)s.")
            % {"count": len(members), "min": size["min"], "max": size["max"]}
        )
    if not any(m.resident.sex == Sex.FEMALE for m in members):
        warnings.append(_("The committee has no woman member; the law asks for women on it."))
    if committee.term_ends_on < on:
        warnings.append(
            _("The committee's term ended on %(date)s; elect or appoint a new one.")
            % {"date": committee.term_ends_on}
        )
    return warnings


def case_list(
    user: Any, *, today: datetime.date, area: str = "", open_only: bool = True, **filters: Any
) -> QuerySet[MediationCase]:
    cases = (
        _in(MediationCase.objects.for_user(user, "view"), area)
        .select_related("region")
        .annotate(deadline_now=deadline_status_now(today), party_count=Count("parties"))
        .filter(**filters)
    )
    if open_only:
        cases = cases.filter(state__in=CASE_OPEN)
    return cases.order_by("-risk_flag", "due_on", "-received_on", "pk")


def case_detail(user: Any, pk: int) -> MediationCase:
    from cunzhi.core.scoping import get_in_scope

    return get_in_scope(
        MediationCase.objects.select_related("region", "petition", "repeat_of").prefetch_related(
            "parties__resident", "sessions"
        ),
        user,
        "view",
        pk=pk,
    )


@dataclass(frozen=True)
class LevelShare:
    level: str
    label: str
    count: int
    share: Fraction | None

    @property
    def percent(self) -> str:
        return "-" if self.share is None else f"{float(self.share) * 100:.0f}%"


@dataclass(frozen=True)
class Fengqiao:
    """枫桥经验 measured: of the cases finished, how many at each level."""

    finished: int
    levels: list[LevelShare]
    in_village: (
        LevelShare  # the villager group and the village: "small matters stay in the village"
    )
    in_township: LevelShare  # up to the township: "big matters stay in the township"


def fengqiao(user: Any, *, area: str = "", since: datetime.date | None = None) -> Fengqiao:
    """The share of finished cases closed at each level (of the cases of the region whose code
    prefix is ``area``), in one aggregate query."""
    finished = _in(MediationCase.objects.for_user(user, "view"), area).exclude(closed_level="")
    if since is not None:
        finished = finished.filter(received_on__gte=since)
    counts = finished.aggregate(
        **{level.value: Count("pk", filter=Q(closed_level=level.value)) for level in CaseLevel}
    )
    total = sum(counts.values())

    def share(count: int) -> Fraction | None:
        return Fraction(count, total) if total else None

    levels = [
        LevelShare(level.value, str(level.label), counts[level.value], share(counts[level.value]))
        for level in CaseLevel
    ]
    village = counts[CaseLevel.GROUP] + counts[CaseLevel.VILLAGE]
    township = village + counts[CaseLevel.TOWNSHIP]
    return Fengqiao(
        finished=total,
        levels=levels,
        in_village=LevelShare("village", _("Stayed in the village"), village, share(village)),
        in_township=LevelShare("township", _("Stayed in the township"), township, share(township)),
    )


def fengqiao_by_township(user: Any) -> list[dict[str, Any]]:
    """The county's view: each township's finished cases and the share closed in the village,
    in one grouped query (the township is the first 9 digits of the region code)."""
    from django.db.models.functions import Substr

    from cunzhi.regions.models import Region

    grouped = (
        MediationCase.objects.for_user(user, "view")
        .exclude(closed_level="")
        .annotate(township=Substr("region_code", 1, 9))
        .values("township")
        .annotate(
            finished=Count("pk"),
            in_village=Count("pk", filter=Q(closed_level__in=[CaseLevel.GROUP, CaseLevel.VILLAGE])),
            in_township=Count(
                "pk",
                filter=Q(closed_level__in=[CaseLevel.GROUP, CaseLevel.VILLAGE, CaseLevel.TOWNSHIP]),
            ),
        )
        .order_by("township")
    )
    rows: list[dict[str, Any]] = [dict(row) for row in grouped]
    names = dict(
        Region.objects.filter(code__in=[r["township"] + "000" for r in rows]).values_list(
            "code", "name"
        )
    )
    for row in rows:
        row["name"] = names.get(row["township"] + "000", row["township"])
        row["village_share"] = Fraction(row["in_village"], row["finished"])
        row["village_percent"] = f"{float(row['village_share']) * 100:.0f}%"
    return rows


def escalated_cases(user: Any, *, today: datetime.date, area: str = "") -> QuerySet[MediationCase]:
    return case_list(user, today=today, area=area, escalated=True)


def repeat_and_risk_cases(
    user: Any, *, today: datetime.date, area: str = ""
) -> QuerySet[MediationCase]:
    return case_list(user, today=today, area=area).filter(
        Q(risk_flag=True) | Q(repeat_of__isnull=False)
    )


# --- social-stability risk assessment -------------------------------------------------


def assessment_required(matter_type: str, region_code: str, on: datetime.date) -> bool:
    """Does a decision of ``matter_type`` in the region need an approved stability assessment
    on ``on``? The list is the dated policy parameter
    ``disputes.stability_assessment_matter_types`` (a county may override it)."""
    types = policy.get("disputes.stability_assessment_matter_types", region_code=region_code, on=on)
    return matter_type in types


def has_approved_assessment(obj: models.Model) -> bool:
    """Is there an approved assessment of the record ``obj`` (a decision, a project)?

    Called by the decision procedure before it publishes a resolution; the record is named by its
    label (``decisions.decision``) and id, so neither app imports the other's models.
    """
    return StabilityAssessment.objects.filter(
        subject_type=obj._meta.label_lower,
        subject_id=obj.pk,
        state=AssessmentState.APPROVED,
    ).exists()


def assessment_list(user: Any, area: str = "") -> QuerySet[StabilityAssessment]:
    return (
        _in(StabilityAssessment.objects.for_user(user, "view"), area)
        .select_related("region", "approver")
        .order_by("-pk")
    )
