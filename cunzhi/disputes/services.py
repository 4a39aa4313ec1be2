"""Writes of petitions, mediation and stability assessments (DESIGN rule 3): scoped, audited.

Every service is ``<entity>_<verb>(*, actor, ...)``, runs in one transaction, re-checks the
actor's permission in the record's region and records its event; workflow steps go through
``core.workflow.engine.take`` (one ``<entity>_transition`` service per workflow).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.audit import services as audit
from cunzhi.core import policy
from cunzhi.core.regioncodes import prefix_of
from cunzhi.core.scoping import permission_name
from cunzhi.core.workflow import deadlines, engine
from cunzhi.core.writes import create_audited, require_permission, update_audited
from cunzhi.disputes import notifications
from cunzhi.disputes.models import (
    CaseLevel,
    CaseParty,
    CommitteeMember,
    CommitteeRole,
    MediationCase,
    MediationCommittee,
    MediationSession,
    PartySide,
    Petition,
    PetitionState,
    StabilityAssessment,
)
from cunzhi.disputes.workflows import (
    ASSESSMENT_WORKFLOW,
    CASE_WORKFLOW,
    PETITION_WORKFLOW,
    REDIRECT_DEADLINE,
)
from cunzhi.regions.models import Region
from cunzhi.registry.models import Resident


def _visible(actor: Any, obj: Any) -> None:
    """A record the actor names (a resident, an earlier petition) must be one they can see."""
    model = type(obj)
    if not model.objects.for_user(actor, "view").filter(pk=obj.pk).exists():
        raise ValidationError(_("%(record)s is not in your area.") % {"record": obj})


# --- petitions (信访) -------------------------------------------------------------------


def final_petition_of(petition: Petition) -> Petition | None:
    """The re-reviewed petition of the same matter, following ``same_matter_as`` back."""
    seen: set[int] = set()
    current: Petition | None = petition
    while current is not None and current.pk not in seen:
        if current.state == PetitionState.RE_REVIEWED:
            return current
        seen.add(current.pk)
        current = current.same_matter_as
    return None


def petition_register(
    *,
    actor: Any,
    region: Region,
    kind: str,
    channel: str,
    petitioner_name: str,
    content: str,
    receiving_organ: str,
    received_on: datetime.date,
    petitioner: Resident | None = None,
    petitioner_count: int = 1,
    same_matter_as: Petition | None = None,
    today: datetime.date | None = None,
) -> Petition:
    """Register a petition received on ``received_on``: its acceptance deadline (15 days) and
    the last day to object that it is not this organ's matter (5 working days) are fixed now.

    A matter already re-reviewed (复核) is not accepted again: the registration is refused,
    naming the petition in which it was.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        require_permission(actor, permission_name(Petition, "add"), region.code)
        errors: dict[str, Any] = {}
        if received_on > today:
            errors["received_on"] = _("The day received cannot be in the future.")
        if petitioner is not None:
            _visible(actor, petitioner)
        if same_matter_as is not None:
            _visible(actor, same_matter_as)
            final = final_petition_of(same_matter_as)
            if final is not None:
                errors["same_matter_as"] = _(
                    "This matter was re-reviewed in petition %(number)s on %(date)s; after a "
                    "re-review the same matter is not accepted again."
                ) % {"number": final.number, "date": final.re_review_answered_on}
        if errors:
            raise ValidationError(errors)
        petition = Petition(
            region=region,
            kind=kind,
            channel=channel,
            petitioner_name=petitioner_name,
            petitioner=petitioner,
            petitioner_count=petitioner_count,
            content=content,
            receiving_organ=receiving_organ,
            received_on=received_on,
            same_matter_as=same_matter_as,
        )
        petition.redirect_by = deadlines.due_date(
            REDIRECT_DEADLINE, received_on, region_code=region.code
        )
        deadlines.start_deadline(PETITION_WORKFLOW, petition, today)
        petition.accept_by = petition.due_on
        return create_audited(actor=actor, obj=petition, action="disputes.petition_register")


def petition_transition(
    *,
    actor: Any,
    petition: Petition,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> Petition:
    """Take a step of the petition's workflow; referring it to mediation makes the case too.

    Taking it back from mediation counts its handling time again from its acceptance, and an
    extension it had been given before the referral is given again (audited as an extension).
    """
    with transaction.atomic():
        extended = 0
        if name == "resume":
            stored = Petition.objects.filter(pk=petition.pk, state=PetitionState.REFERRED)
            extended = stored.values_list("deadline_extended_days", flat=True).first() or 0
        taken = engine.take(
            workflow=PETITION_WORKFLOW,
            actor=actor,
            obj=petition,
            name=name,
            expected_version=expected_version,
            inputs=inputs,
            today=today,
        )
        if name == "refer":
            mediation_case_from_petition(
                actor=actor,
                petition=taken,
                dispute_type=inputs["dispute_type"],
                level=inputs["level"],
                today=today,
            )
        if extended:
            taken = petition_extend(
                actor=actor,
                petition=taken,
                days=extended,
                reason=_("The extension given before the referral to mediation, kept."),
                expected_version=taken.version,
                today=today,
            )
    return taken


def petition_extend(
    *,
    actor: Any,
    petition: Petition,
    days: int,
    reason: str,
    expected_version: int | None,
    today: datetime.date | None = None,
) -> Petition:
    """Extend the handling time once, by at most 30 days, with a reason (the kit's extension,
    which the petition's page and ``POST /api/v1/petitions/{id}/deadline/extension`` use too)."""
    extended = deadlines.deadline_extend(
        actor=actor,
        obj=petition,
        days=days,
        reason=reason,
        expected_version=expected_version,
        today=today,
    )
    assert isinstance(extended, Petition)
    return extended


def petitions_export(
    *,
    actor: Any,
    region: Region,
    params: Mapping[str, Any],
    full_numbers: bool = False,
    reason: str = "",
) -> Iterator[bytes]:
    """The area's petition ledger (信访台账) as filtered on its list page, as .xlsx, streamed;
    checked and recorded as every list's export is (``core.exports.list_export``)."""
    from cunzhi.core.exports import list_export
    from cunzhi.disputes.lists import PETITIONS

    return list_export(
        actor=actor,
        spec=PETITIONS,
        obj=region,
        region_code=region.code,
        params=params,
        full_numbers=full_numbers,
        reason=reason,
        region=region,
    )


# --- mediation committees -------------------------------------------------------------


def committee_set(
    *,
    actor: Any,
    village: Region,
    term_starts_on: datetime.date,
    members: list[tuple[Resident, str]],
) -> MediationCommittee:
    """Record a village's mediation committee for a term starting on ``term_starts_on``.

    The members are residents of the village. A committee that breaks a rule of the law (3 to 9
    members, women included) is still recorded, as villages are; the village's page warns
    (``selectors.committee_warnings``).
    """
    with transaction.atomic():
        require_permission(actor, permission_name(MediationCommittee, "add"), village.code)
        if not village.is_village:
            raise ValidationError(_("A mediation committee belongs to a village."))
        residents = [resident for resident, _role in members]
        if len({r.pk for r in residents}) != len(residents):
            raise ValidationError({"members": _("A person is named twice.")})
        for resident in residents:
            if resident.region_code != village.code:
                raise ValidationError(
                    {
                        "members": _("%(name)s is not registered in this village.")
                        % {"name": resident}
                    }
                )
        years = int(
            policy.get(
                "disputes.mediation_committee_term_years",
                region_code=village.code,
                on=term_starts_on,
            )
        )
        try:
            ends = term_starts_on.replace(year=term_starts_on.year + years)
        except ValueError:  # 29 February
            ends = term_starts_on.replace(year=term_starts_on.year + years, day=28)
        committee = MediationCommittee(
            region=village, term_starts_on=term_starts_on, term_ends_on=ends
        )
        committee.full_clean()
        committee.save()
        for resident, role in members:
            member = CommitteeMember(
                region=village, committee=committee, resident=resident, role=role
            )
            member.full_clean()
            member.save()
        audit.record(
            actor=actor,
            action="disputes.committee_set",
            obj=committee,
            data={
                "term_starts_on": term_starts_on.isoformat(),
                "term_ends_on": ends.isoformat(),
                "members": [
                    {"resident": r.pk, "name": r.name, "role": str(CommitteeRole(role).label)}
                    for r, role in members
                ],
            },
        )
    return committee


# --- mediation cases (人民调解) -----------------------------------------------------------


def _identity(resident_id: int | None, name: str) -> str:
    return f"r{resident_id}" if resident_id else f"n{name.strip()}"


def _earlier_case_between(region_code: str, parties: list[dict[str, Any]]) -> MediationCase | None:
    """The latest earlier case of the same village between the same people (a repeat dispute).

    Same people: every party of the new case was a party of the earlier one. One query for the
    candidates' parties, bounded by the village and by the people's names.
    """
    mine = {_identity(getattr(p.get("resident"), "pk", None), p["name"]) for p in parties}
    earlier = CaseParty.objects.filter(
        region_code=region_code, name__in={p["name"].strip() for p in parties}
    ).values_list("case_id", "resident_id", "name")
    by_case: dict[int, set[str]] = {}
    for case_id, resident_id, name in earlier:
        by_case.setdefault(case_id, set()).add(_identity(resident_id, name))
    matches = [case_id for case_id, theirs in by_case.items() if mine <= theirs]
    return MediationCase.objects.get(pk=max(matches)) if matches else None


def mediation_case_create(
    *,
    actor: Any,
    region: Region,
    title: str,
    dispute_type: str,
    facts: str,
    received_on: datetime.date,
    parties: list[dict[str, Any]],
    level: str = CaseLevel.VILLAGE,
    risk_flag: bool = False,
    risk_note: str = "",
    petition: Petition | None = None,
    today: datetime.date | None = None,
) -> MediationCase:
    """Register a dispute with its parties (``{"side", "name", "resident"}``; a resident of the
    register or a person from elsewhere by name). A dispute between the same people as an
    earlier case of the village is linked to it as a repeat."""
    today = today or timezone.localdate()
    with transaction.atomic():
        require_permission(actor, permission_name(MediationCase, "add"), region.code)
        if received_on > today:
            raise ValidationError({"received_on": _("The day received cannot be in the future.")})
        for party in parties:
            if party.get("resident") is not None:
                party["name"] = party.get("name") or party["resident"].name
            if not party.get("name"):
                raise ValidationError({"parties": _("Name each party, or choose a resident.")})
        case = MediationCase(
            region=region,
            title=title,
            dispute_type=dispute_type,
            facts=facts,
            received_on=received_on,
            level=level,
            risk_flag=risk_flag,
            risk_note=risk_note,
            petition=petition,
            repeat_of=_earlier_case_between(region.code, parties) if parties else None,
        )
        case = create_audited(actor=actor, obj=case, action="disputes.mediation_case_create")
        for party in parties:
            _party(actor, case, **party)
    return case


def _party(
    actor: Any, case: MediationCase, *, side: str, name: str = "", resident: Resident | None = None
) -> CaseParty:
    if resident is not None:
        _visible(actor, resident)
        name = name or resident.name
    party = CaseParty(region=case.region, case=case, side=side, resident=resident, name=name)
    party.full_clean()
    party.save()
    audit.record(
        actor=actor,
        action="disputes.case_party_add",
        obj=case,
        data={"side": side, "name": name, "resident": resident.pk if resident else None},
    )
    return party


def case_party_add(
    *,
    actor: Any,
    case: MediationCase,
    side: str,
    name: str = "",
    resident: Resident | None = None,
) -> CaseParty:
    with transaction.atomic():
        require_permission(actor, permission_name(MediationCase, "change"), case.region_code)
        if not name and resident is None:
            raise ValidationError({"name": _("Name the party, or choose a resident.")})
        return _party(actor, case, side=side, name=name, resident=resident)


def case_party_consent(
    *,
    actor: Any,
    party: CaseParty,
    consented_on: datetime.date,
    expected_version: int | None,
) -> CaseParty:
    """Record that a party agreed to mediation (人民调解法 Art. 17: both parties' consent)."""
    with transaction.atomic():
        require_permission(actor, permission_name(MediationCase, "change"), party.region_code)
        if consented_on < party.case.received_on:
            raise ValidationError(
                {"consented_on": _("This date is before the dispute was received.")}
            )
        return update_audited(
            actor=actor,
            obj=party,
            changes={"consented_on": consented_on},
            expected_version=expected_version,
            action="disputes.case_party_consent",
        )


def mediation_session_add(
    *, actor: Any, case: MediationCase, held_on: datetime.date, notes: str
) -> MediationSession:
    """A mediation session with its notes (调解笔录)."""
    with transaction.atomic():
        require_permission(actor, permission_name(MediationCase, "change"), case.region_code)
        if held_on < case.received_on:
            raise ValidationError({"held_on": _("This date is before the dispute was received.")})
        session = MediationSession(region=case.region, case=case, held_on=held_on, notes=notes)
        return create_audited(actor=actor, obj=session, action="disputes.mediation_session_add")


def mediation_case_set_risk(
    *,
    actor: Any,
    case: MediationCase,
    risk_flag: bool,
    risk_note: str,
    expected_version: int | None,
) -> MediationCase:
    """Flag (or unflag) a case that could become a collective incident: it goes to the top of
    every list and onto the township's attention items."""
    with transaction.atomic():
        if risk_flag and not risk_note.strip():
            raise ValidationError({"risk_note": _("Say what the risk is.")})
        return update_audited(
            actor=actor,
            obj=case,
            changes={"risk_flag": risk_flag, "risk_note": risk_note},
            expected_version=expected_version,
            action="disputes.mediation_case_set_risk",
        )


def mediation_case_from_petition(
    *,
    actor: Any,
    petition: Petition,
    dispute_type: str,
    level: str,
    today: datetime.date | None = None,
) -> MediationCase:
    """The mediation case an accepted petition becomes (its history stays on the petition)."""
    return mediation_case_create(
        actor=actor,
        region=petition.region,
        title=petition.content[:100],
        dispute_type=dispute_type,
        facts=petition.content,
        received_on=petition.received_on,
        level=level,
        parties=[
            {
                "side": PartySide.APPLICANT,
                "name": petition.petitioner_name,
                "resident": petition.petitioner,
            }
        ],
        petition=petition,
        today=today,
    )


def mediation_case_transition(
    *,
    actor: Any,
    mediation_case: MediationCase,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> MediationCase:
    """Take a step of the case's workflow; returning it to its petition takes the petition back
    (on the petition's own history) in the same transaction."""
    with transaction.atomic():
        taken = engine.take(
            workflow=CASE_WORKFLOW,
            actor=actor,
            obj=mediation_case,
            name=name,
            expected_version=expected_version,
            inputs=inputs,
            today=today,
        )
        if name == "escalate":
            notifications.escalated(taken, reason=inputs.get("reason", ""))
        if name == "return_to_petition" and taken.petition is not None:
            # The person confirmed the case's step; the petition's version is not asked again.
            petition_transition(
                actor=actor,
                petition=taken.petition,
                name="resume",
                expected_version=None,
                reason=inputs.get("reason", ""),
                today=today,
            )
    return taken


# --- social-stability risk assessments (稳评) -------------------------------------------


def _check_subject(actor: Any, subject_type: str, subject_id: int | None, region: Region) -> None:
    """The record assessed exists, the actor may see it, and it is of the assessment's area."""
    try:
        model = apps.get_model(subject_type)
    except (LookupError, ValueError):
        raise ValidationError({"subject_type": [_("No such kind of record.")]}) from None
    manager: Any = model._default_manager
    if not hasattr(manager, "for_user"):
        raise ValidationError({"subject_type": [_("No such kind of record.")]})
    subject = manager.for_user(actor, "view").filter(pk=subject_id).first()
    if subject is None:
        raise ValidationError({"subject_id": [_("No such record.")]})
    if not subject.region_code.startswith(prefix_of(region.code)):
        raise ValidationError({"subject_id": [_("The record assessed is not in this area.")]})


def assessment_create(
    *,
    actor: Any,
    region: Region,
    subject: str,
    matter_type: str,
    risk_points: str,
    level: str,
    measures: str,
    subject_type: str = "",
    subject_id: int | None = None,
) -> StabilityAssessment:
    with transaction.atomic():
        if bool(subject_type) != (subject_id is not None):
            raise ValidationError(_("Name the record assessed by its type and its id, or neither."))
        if subject_type:
            _check_subject(actor, subject_type, subject_id, region)
        assessment = StabilityAssessment(
            region=region,
            subject=subject,
            matter_type=matter_type,
            risk_points=risk_points,
            level=level,
            measures=measures,
            subject_type=subject_type,
            subject_id=subject_id,
        )
        return create_audited(actor=actor, obj=assessment, action="disputes.assessment_create")


def assessment_transition(
    *,
    actor: Any,
    assessment: StabilityAssessment,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> StabilityAssessment:
    if getattr(actor, "pk", None) is None and name == "approve":
        raise PermissionDenied("An assessment is approved by a person.")
    return engine.take(
        workflow=ASSESSMENT_WORKFLOW,
        actor=actor,
        obj=assessment,
        name=name,
        expected_version=expected_version,
        inputs=inputs,
        today=today,
    )
