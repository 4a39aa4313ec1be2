"""The petition, mediation-case and assessment workflows (DESIGN rule 6; DOMAIN.md sections 5, 6).

How each period is counted (信访工作条例; DOMAIN.md section 5): the decision to accept within 15
days of receipt, in calendar days; the objection that a matter is not this organ's within 5
*working* days; handling within 60 days of acceptance, extendable once by at most 30; a review
requested within 30 days of the reply and answered within 30; a re-review the same. The first day
is never counted (core.workflow.deadlines.due_date).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cunzhi.core.regioncodes import Level, level_of, prefix_of
from cunzhi.core.workflow import DayUnit, Deadline, Transition, Workflow, register
from cunzhi.core.workflow.deadlines import due_date
from cunzhi.demands.models import OPEN_STATES as DEMAND_OPEN
from cunzhi.demands.models import Demand, DemandCategory, DemandSource
from cunzhi.demands.services import demand_create
from cunzhi.disputes.models import (
    LEVEL_ORDER,
    AgreementKind,
    AssessmentState,
    CaseLevel,
    CaseState,
    DisputeType,
    MediationCase,
    Petition,
    PetitionState,
    StabilityAssessment,
)
from cunzhi.disputes.notifications import case_recipients
from cunzhi.regions.models import Region

P = PetitionState
C = CaseState

# The second date of a registered petition, beside its acceptance deadline (the state's own).
REDIRECT_DEADLINE = Deadline(
    "disputes.petition_not_own_matter_objection_working_days", unit=DayUnit.WORKING
)
REVIEW_REQUEST = Deadline("disputes.petition_review_request_days")
RE_REVIEW_REQUEST = Deadline("disputes.petition_re_review_request_days")


def _window_closes(petition: Petition, window: Deadline, start: Any) -> Any:
    return due_date(window, start, region_code=petition.region_code)


def _after_reply(petition: Petition, cleaned: dict[str, Any], actor: Any) -> None:
    petition.review_request_by = _window_closes(petition, REVIEW_REQUEST, petition.replied_on)


def _check_review_request(petition: Petition, cleaned: dict[str, Any], actor: Any) -> None:
    requested, closes = petition.review_requested_on, petition.review_request_by
    if requested is not None and closes is not None and requested > closes:
        raise ValidationError(
            {
                "review_requested_on": _(
                    "The time to request a review ended on %(date)s: a review is requested "
                    "within 30 days of the reply."
                )
                % {"date": petition.review_request_by}
            }
        )


def _after_review(petition: Petition, cleaned: dict[str, Any], actor: Any) -> None:
    petition.re_review_request_by = _window_closes(
        petition, RE_REVIEW_REQUEST, petition.review_answered_on
    )


def _check_re_review_request(petition: Petition, cleaned: dict[str, Any], actor: Any) -> None:
    requested, closes = petition.re_review_requested_on, petition.re_review_request_by
    if requested is not None and closes is not None and requested > closes:
        raise ValidationError(
            {
                "re_review_requested_on": _(
                    "The time to request a re-review ended on %(date)s: a re-review is "
                    "requested within 30 days of the review answer."
                )
                % {"date": petition.re_review_request_by}
            }
        )


class ReferForm(forms.Form):
    """Referring an accepted petition to people's mediation: the case it becomes (made by
    ``services.petition_transition`` in the same transaction)."""

    dispute_type = forms.ChoiceField(label=_("Type of dispute"), choices=DisputeType.choices)
    level = forms.ChoiceField(
        label=_("Level"), choices=CaseLevel.choices, initial=CaseLevel.TOWNSHIP
    )


# How a demand names the petition it came from (``Demand.source_ref``).
PETITION_REF = "disputes.petition:"


class DemandTransferForm(forms.Form):
    """Passing an accepted petition to a village as a villagers' demand (民情诉求): the village
    under the petition's area and the demand's category; the demand is made in the same step."""

    takes_record = True
    village = forms.ModelChoiceField(label=_("Village"), queryset=Region.objects.none())
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=DemandCategory.objects.filter(active=True).order_by("order")
    )

    def __init__(self, *args: Any, record: Petition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = Region.objects.filter(
            code__startswith=prefix_of(record.region_code), level=Level.VILLAGE
        ).order_by("code")
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        if level_of(record.region_code) == Level.VILLAGE:
            self.fields["village"].initial = record.region_id


def _to_demand(petition: Petition, cleaned: dict[str, Any], actor: Any) -> None:
    """The demand the petition becomes, registered through the demands app's own service (its
    deadline, its audit event, its notice to the village); it names the petition it came from."""
    village = cleaned["village"]
    petitioner = petition.petitioner
    in_village = petitioner is not None and petitioner.region_id == village.pk
    demand_create(
        actor=actor,
        village=village,
        category=cleaned["category"],
        title=petition.content[:100],
        description=petition.content,
        source=DemandSource.PETITION,
        source_ref=f"{PETITION_REF}{petition.pk}",
        resident=petitioner if in_village else None,
        household=petitioner.household if in_village and petitioner else None,
    )


def _no_open_demand(petition: Petition, actor: Any) -> Any:
    ref = f"{PETITION_REF}{petition.pk}"
    if Demand.objects.filter(source_ref=ref, state__in=DEMAND_OPEN).exists():
        return _("The demand made from this petition is still open in the village.")
    return None


def _no_open_case(petition: Petition, actor: Any) -> Any:
    if petition.mediation_cases.filter(state__in=(C.REGISTERED, C.MEDIATING)).exists():
        return _("The mediation case made from this petition is still open.")
    return None


PETITION_WORKFLOW = register(
    Workflow(
        model=Petition,
        states=P,
        transitions=[
            Transition("accept", _("Accept"), (P.REGISTERED,), P.ACCEPTED,
                       fields=("accepted_on",), comment=True),
            Transition("redirect", _("Object: not this organ's matter"), (P.REGISTERED,),
                       P.REDIRECTED, fields=("redirected_to",), reason=True),
            Transition("refuse", _("Do not accept"), (P.REGISTERED,), P.REFUSED, reason=True,
                       backwards=True),
            Transition("refer", _("Refer to people's mediation"), (P.ACCEPTED,), P.REFERRED,
                       form=ReferForm),
            Transition("resume", _("Take back from mediation"), (P.REFERRED,), P.ACCEPTED,
                       reason=True, guard=_no_open_case),
            Transition("to_demand", _("Pass to the village as a demand"), (P.ACCEPTED,),
                       P.TRANSFERRED, form=DemandTransferForm, effect=_to_demand),
            Transition("take_back", _("Take back from the village"), (P.TRANSFERRED,),
                       P.ACCEPTED, reason=True, guard=_no_open_demand),
            Transition("reply", _("Reply in writing"), (P.ACCEPTED,), P.REPLIED,
                       fields=("reply", "replied_on", "satisfaction"),
                       optional_fields=("satisfaction",), effect=_after_reply),
            Transition("request_review", _("Record a request for review"), (P.REPLIED,),
                       P.UNDER_REVIEW, fields=("review_requested_on",),
                       effect=_check_review_request),
            Transition("answer_review", _("Answer the review"), (P.UNDER_REVIEW,), P.REVIEWED,
                       fields=("review_answer", "review_answered_on", "satisfaction"),
                       optional_fields=("satisfaction",), effect=_after_review),
            Transition("request_re_review", _("Record a request for re-review"),
                       (P.REVIEWED,), P.UNDER_RE_REVIEW, fields=("re_review_requested_on",),
                       effect=_check_re_review_request),
            Transition("answer_re_review", _("Answer the re-review"), (P.UNDER_RE_REVIEW,),
                       P.RE_REVIEWED,
                       fields=("re_review_answer", "re_review_answered_on", "satisfaction"),
                       optional_fields=("satisfaction",)),
            Transition("close", _("Close"), (P.REPLIED, P.REVIEWED), P.CLOSED, comment=True),
        ],
        deadlines={
            # Whether and how it accepts: 15 days from receipt.
            P.REGISTERED: Deadline("disputes.petition_acceptance_reply_days",
                                   starts="received_on"),
            P.ACCEPTED: Deadline("disputes.petition_handling_days", starts="accepted_on",
                                 remind_days=7,
                                 extension_cap="disputes.petition_extension_max_days",
                                 max_extensions=1),
            P.UNDER_REVIEW: Deadline("disputes.petition_review_answer_days",
                                     starts="review_requested_on", remind_days=5),
            P.UNDER_RE_REVIEW: Deadline("disputes.petition_re_review_answer_days",
                                        starts="re_review_requested_on", remind_days=5),
        },
    )
)  # fmt: skip


# --- mediation cases ------------------------------------------------------------------


def _parties_consented(case: MediationCase, actor: Any) -> Any:
    parties = list(case.parties.all())
    sides = {p.side for p in parties}
    if len(sides) < 2:
        return _("Record both parties to the dispute first.")
    if any(p.consented_on is None for p in parties):
        return _("Record every party's consent to mediation before it starts.")
    return None


def _close_here(case: MediationCase) -> None:
    case.closed_level = case.level


def _written(case: MediationCase, cleaned: dict[str, Any], actor: Any) -> None:
    case.agreement_kind = AgreementKind.WRITTEN
    _close_here(case)


def _oral(case: MediationCase, cleaned: dict[str, Any], actor: Any) -> None:
    case.agreement_kind = AgreementKind.ORAL
    _close_here(case)


def _failed(case: MediationCase, cleaned: dict[str, Any], actor: Any) -> None:
    _close_here(case)


def _can_escalate(case: MediationCase, actor: Any) -> Any:
    if case.level == CaseLevel.COUNTY:
        return _("The case is already at the county.")
    return None


def _escalate(case: MediationCase, cleaned: dict[str, Any], actor: Any) -> None:
    case.level = LEVEL_ORDER[LEVEL_ORDER.index(CaseLevel(case.level)) + 1]
    case.escalated = True
    case.closed_level = ""
    case.started_on = None


def _not_closed_here(case: MediationCase, cleaned: dict[str, Any], actor: Any) -> None:
    case.closed_level = ""


def _from_petition(case: MediationCase, actor: Any) -> Any:
    if case.petition_id is None:
        return _("This case did not come from a petition.")
    return None


CASE_WORKFLOW = register(
    Workflow(
        model=MediationCase,
        states=C,
        transitions=[
            Transition("start", _("Start mediation"), (C.REGISTERED,), C.MEDIATING,
                       fields=("started_on", "mediators"), guard=_parties_consented),
            Transition("agree_written", _("Record a written agreement"), (C.MEDIATING,),
                       C.AGREED, fields=("agreement_terms", "agreed_on", "signatures_recorded"),
                       attachment="agreement", effect=_written),
            Transition("agree_oral", _("Record an oral agreement"), (C.MEDIATING,), C.SETTLED,
                       fields=("agreement_terms", "agreed_on"), effect=_oral),
            Transition("close_agreement", _("Close the written agreement"), (C.AGREED,),
                       C.SETTLED, fields=("court_confirmation_requested",),
                       optional_fields=("court_confirmation_requested",)),
            Transition("fail", _("Mediation failed"), (C.REGISTERED, C.MEDIATING), C.FAILED,
                       fields=("routes_told",), effect=_failed, backwards=True),
            Transition("escalate", _("Escalate one level up"),
                       (C.REGISTERED, C.MEDIATING, C.FAILED), C.REGISTERED, reason=True,
                       guard=_can_escalate, effect=_escalate),
            Transition("return_to_petition", _("Return to the petition"),
                       (C.REGISTERED, C.MEDIATING, C.FAILED), C.RETURNED, reason=True,
                       guard=_from_petition, effect=_not_closed_here,
                       backwards=True),
        ],
        deadlines={
            C.MEDIATING: Deadline("disputes.mediation_settle_days", starts="started_on",
                                  remind_days=7),
            # A reminder that the parties may ask a court to confirm it within 30 days.
            C.AGREED: Deadline("disputes.mediation_court_confirmation_days", starts="agreed_on",
                               remind_days=7),
        },
        entity="mediation_case",
        recipients=case_recipients,
    )
)  # fmt: skip


# --- stability risk assessments -------------------------------------------------------


def _approved_by(assessment: StabilityAssessment, cleaned: dict[str, Any], actor: Any) -> None:
    assessment.approver = actor


A = AssessmentState
ASSESSMENT_WORKFLOW = register(
    Workflow(
        model=StabilityAssessment,
        states=A,
        transitions=[
            Transition("approve", _("Approve"), (A.DRAFT,), A.APPROVED,
                       fields=("conclusion", "approved_on"),
                       permission="disputes.approve_stabilityassessment", effect=_approved_by),
            Transition("reopen", _("Reopen"), (A.APPROVED,), A.DRAFT, reason=True,
                       permission="disputes.approve_stabilityassessment", backwards=True),
        ],
        entity="assessment",
    )
)  # fmt: skip
