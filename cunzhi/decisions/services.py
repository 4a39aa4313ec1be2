"""Writes of village decisions: the registers, matters and their steps, meetings and votes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.audit import services as audit
from cunzhi.core.regioncodes import Level
from cunzhi.core.workflow import engine
from cunzhi.core.writes import (
    create_audited,
    editable_fields,
    require_permission,
    update_audited,
)
from cunzhi.decisions import quorum, registers
from cunzhi.decisions.models import (
    TWO_COMMITTEES,
    Body,
    Matter,
    Meeting,
    MeetingKind,
    MeetingOutcome,
    Membership,
    SupervisionOpinion,
)
from cunzhi.decisions.quorum import rule
from cunzhi.decisions.workflows import MATTER_WORKFLOW, STEP_MEETINGS
from cunzhi.regions.models import Region
from cunzhi.registry.models import Resident, ResidentStatus


def _require_village(village: Region) -> None:
    if village.level != Level.VILLAGE:
        raise ValidationError(_("Choose a village."))


# Registers


def _overlapping(village: Region, bodies: Iterable[str], starts_on: datetime.date) -> Any:
    """Entries of ``bodies`` still running on or after ``starts_on``."""
    return Membership.objects.filter(region=village, body__in=list(bodies)).exclude(
        ends_on__lt=starts_on
    )


def _check_supervision(village: Region, body: str, resident: Resident, on: datetime.date) -> None:
    """Committee members and their close relatives may not sit on the supervision committee."""
    family = [resident.pk, *registers.close_relatives(resident).values_list("pk", flat=True)]
    if body == Body.SUPERVISION:
        others: tuple[str, ...] = TWO_COMMITTEES
        message = _("%(name)s cannot sit on the supervision committee: %(who)s is on the %(body)s.")
    elif body in TWO_COMMITTEES:
        others = (Body.SUPERVISION,)
        message = _(
            "%(name)s cannot join the %(new)s: %(who)s is on the supervision committee, "
            "and committee members and their close relatives may not supervise them."
        )
    else:
        return
    conflict = (
        _overlapping(village, others, on).filter(resident_id__in=family).select_related("resident")
    ).first()
    if conflict is not None:
        who = (
            _("they themselves")
            if conflict.resident_id == resident.pk
            else _("their close relative %(name)s") % {"name": conflict.resident.name}
        )
        raise ValidationError(
            message
            % {
                "name": resident.name,
                "who": who,
                "body": conflict.get_body_display(),
                "new": Body(body).label,
            }
        )


def membership_appoint(
    *,
    actor: Any,
    village: Region,
    body: str,
    resident: Resident,
    starts_on: datetime.date,
    position: str = "",
) -> Membership:
    """Put a resident of the village on one of its registers from ``starts_on``."""
    _require_village(village)
    require_permission(actor, "decisions.add_membership", village.code)
    if body not in Body.values:
        raise ValidationError({"body": [_("Choose a register.")]})
    if resident.region_id != village.pk:
        raise ValidationError({"resident": [_("Choose a resident of this village.")]})
    if resident.status != ResidentStatus.LIVING:
        raise ValidationError({"resident": [_("This resident no longer lives in the village.")]})
    if not registers.adults_on(village, starts_on).filter(pk=resident.pk).exists():
        raise ValidationError(
            {
                "resident": [
                    _("%(name)s is not an adult on %(date)s.")
                    % {"name": resident.name, "date": starts_on.isoformat()}
                ]
            }
        )
    with transaction.atomic():
        require_permission(actor, "decisions.add_membership", village.code)
        if _overlapping(village, [body], starts_on).filter(resident=resident).exists():
            raise ValidationError(
                {"resident": [_("%(name)s is on this register already.") % {"name": resident.name}]}
            )
        _check_supervision(village, body, resident, starts_on)
        if body == Body.SUPERVISION:
            size = rule(
                "openness.supervision_committee_members", region_code=village.code, on=starts_on
            )
            if _overlapping(village, [body], starts_on).count() >= size["max"]:
                raise ValidationError(
                    _("The supervision committee has %(max)s members already, its most.")
                    % {"max": size["max"]}
                )
        membership = Membership(
            region=village, body=body, resident=resident, position=position, starts_on=starts_on
        )
        return create_audited(actor=actor, obj=membership, action="decisions.membership_appoint")


def membership_end(
    *, actor: Any, membership: Membership, ends_on: datetime.date, expected_version: int | None
) -> Membership:
    """End a term: the entry stays, so that past meetings keep their register."""
    if ends_on < membership.starts_on:
        raise ValidationError({"ends_on": [_("A term cannot end before it starts.")]})
    with transaction.atomic():
        return update_audited(
            actor=actor,
            obj=membership,
            changes={"ends_on": ends_on},
            expected_version=expected_version,
            action="decisions.membership_end",
        )


# Matters


def matter_propose(
    *,
    actor: Any,
    village: Region,
    matter_type: str,
    title: str,
    description: str,
    proposed_on: datetime.date | None = None,
) -> Matter:
    """The village party organisation proposes a matter (党组织提议): the first step."""
    _require_village(village)
    proposed_on = proposed_on or timezone.localdate()
    if proposed_on > timezone.localdate():
        raise ValidationError({"proposed_on": [_("A matter is recorded once it is proposed.")]})
    matter = Matter(
        region=village,
        matter_type=matter_type,
        title=title,
        description=description,
        proposed_on=proposed_on,
        step_started_at=timezone.now(),
    )
    with transaction.atomic():
        return create_audited(actor=actor, obj=matter, action="decisions.matter_propose")


def matter_transition(
    *,
    actor: Any,
    matter: Matter,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> Matter:
    return engine.take(
        workflow=MATTER_WORKFLOW,
        actor=actor,
        obj=matter,
        name=name,
        expected_version=expected_version,
        inputs=inputs,
        today=today,
    )


def opinion_give(
    *, actor: Any, matter: Matter, opinion: str, today: datetime.date | None = None
) -> SupervisionOpinion:
    """The supervision committee's opinion on the matter's current step."""
    if not opinion.strip():
        raise ValidationError({"opinion": [_("Write the opinion.")]})
    record = SupervisionOpinion(
        region=matter.region,
        matter=matter,
        step=matter.state,
        opinion=opinion.strip(),
        given_by=actor,
        given_on=today or timezone.localdate(),
    )
    with transaction.atomic():
        return create_audited(actor=actor, obj=record, action="decisions.opinion_give")


# Meetings


def _check_notice(
    matter: Matter, kind: str, held_on: datetime.date, notice_on: datetime.date
) -> None:
    if notice_on > held_on:
        raise ValidationError({"notice_on": [_("Notice is given before the meeting.")]})
    if kind == MeetingKind.VILLAGERS:
        days = int(
            rule(
                "decisions.villagers_meeting_notice_days",
                region_code=matter.region_code,
                on=held_on,
            )
        )
        if (held_on - notice_on).days < days:
            raise ValidationError(
                {
                    "notice_on": [
                        _(
                            "A villagers' meeting is announced %(days)s days ahead: for a meeting "
                            "on %(held)s, give notice on %(latest)s at the latest."
                        )
                        % {
                            "days": days,
                            "held": held_on.isoformat(),
                            "latest": (held_on - datetime.timedelta(days=days)).isoformat(),
                        }
                    ]
                }
            )


def meeting_convene(
    *,
    actor: Any,
    matter: Matter,
    kind: str,
    held_on: datetime.date,
    notice_on: datetime.date,
    place: str,
    attendees: Iterable[Resident],
    today: datetime.date | None = None,
) -> Meeting:
    """Record a meeting on the matter's step and who attended; the quorum is counted here.

    The attendees must be on the meeting's register on ``held_on``; the quorum is counted from
    that register and stored with the rule's numbers. A meeting without a quorum is kept (its
    sign-in sheet is evidence) and passes nothing.
    """
    require_permission(actor, "decisions.add_meeting", matter.region_code)
    today = today or timezone.localdate()
    kinds = STEP_MEETINGS.get(matter.state)
    if not kinds or kind not in kinds:
        raise ValidationError({"kind": [_("This meeting is not the one the matter's step needs.")]})
    if held_on > today:
        raise ValidationError({"held_on": [_("Record a meeting once it has been held.")]})
    if held_on < matter.proposed_on:
        raise ValidationError({"held_on": [_("The meeting cannot come before the proposal.")]})
    _check_notice(matter, kind, held_on, notice_on)
    village = matter.region
    people = list({resident.pk: resident for resident in attendees}.values())
    entitled = registers.entitled_on(village, kind, held_on)
    entitled_ids = set(entitled.values_list("pk", flat=True))
    strangers = [r.name for r in people if r.pk not in entitled_ids]
    if strangers:
        raise ValidationError(
            {
                "attendees": [
                    _("Not on the meeting's register on %(date)s: %(names)s.")
                    % {"date": held_on.isoformat(), "names": "、".join(strangers)}
                ]
            }
        )
    households_total = households_present = 0
    if kind == MeetingKind.VILLAGERS:
        households_total = registers.households_on(village).count()
        households_present = len({r.household_id for r in people})
    ways = quorum.quorum_ways(
        kind,
        region_code=village.code,
        on=held_on,
        entitled=len(entitled_ids),
        present=len(people),
        households_total=households_total,
        households_present=households_present,
    )
    met = any(way.met for way in ways)
    meeting = Meeting(
        region=village,
        matter=matter,
        kind=kind,
        held_on=held_on,
        notice_on=notice_on,
        place=place,
        entitled=len(entitled_ids),
        present=len(people),
        households_total=households_total,
        households_present=households_present,
        quorum_met=met,
        quorum=quorum.stored(ways),
        outcome=MeetingOutcome.OPEN if met else MeetingOutcome.NO_QUORUM,
    )
    with transaction.atomic():
        require_permission(actor, "decisions.add_meeting", matter.region_code)
        meeting.full_clean()
        meeting.save()
        meeting.attendees.set(people)
        audit.record(
            actor=actor,
            action="decisions.meeting_convene",
            obj=meeting,
            data={
                "fields": audit.snapshot(meeting, editable_fields(meeting)),
                "attendees": sorted(r.pk for r in people),
                "quorum": meeting.quorum,
                "quorum_met": met,
            },
        )
    return meeting


def meeting_vote(
    *,
    actor: Any,
    meeting: Meeting,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    expected_version: int | None,
) -> Meeting:
    """Record the vote; refused when the meeting had no quorum (it passes nothing)."""
    require_permission(actor, "decisions.change_meeting", meeting.region_code)
    if not meeting.quorum_met:
        raise ValidationError(quorum.failure(quorum.ways_of(meeting.quorum)), code="no_quorum")
    if meeting.outcome != MeetingOutcome.OPEN:
        raise ValidationError(_("The vote of this meeting has been recorded already."))
    counts = [votes_for, votes_against, votes_abstain]
    if any(n is None or n < 0 for n in counts):
        raise ValidationError(_("Enter the votes for, against and abstaining."))
    if sum(counts) > meeting.present:
        raise ValidationError(
            _("%(votes)s votes from %(present)s people present.")
            % {"votes": sum(counts), "present": meeting.present}
        )
    needed = quorum.votes_needed(
        meeting.kind,
        region_code=meeting.region_code,
        on=meeting.held_on,
        entitled=meeting.entitled,
        present=meeting.present,
    )
    outcome = MeetingOutcome.PASSED if votes_for >= needed else MeetingOutcome.REJECTED

    def settle(current: Meeting) -> None:
        current.votes_needed = needed
        current.outcome = outcome

    with transaction.atomic():
        return update_audited(
            actor=actor,
            obj=meeting,
            changes={
                "votes_for": votes_for,
                "votes_against": votes_against,
                "votes_abstain": votes_abstain,
                "outcome": outcome,
            },
            expected_version=expected_version,
            action="decisions.meeting_vote",
            prepare=settle,
        )
