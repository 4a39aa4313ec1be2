"""The four discussions and two openings (四议两公开) as a declared workflow.

Each forward step leaves from the one state before it, so no step is skipped or taken out of
order. A forward step needs the meeting of its step passed by the right rule (``meeting_for``),
the supervision committee's opinion on the step, and every precondition another domain
registered (``preconditions``). Publishing the resolution and the result writes the notice on
the village's public board in the same step; carrying out waits for the resolution's
publicity period and for every objection to be answered.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cunzhi.core.workflow import Transition, Workflow, register
from cunzhi.core.workflow.engine import step_day
from cunzhi.decisions import preconditions
from cunzhi.decisions.models import Matter, MeetingKind, MeetingOutcome
from cunzhi.decisions.models import MatterState as S
from cunzhi.openness.models import NoticeCategory
from cunzhi.openness.selectors import publicity_hold

# The meeting each step needs, by the state it leaves from.
STEP_MEETINGS: dict[str, tuple[str, ...]] = {
    S.PROPOSED: (MeetingKind.JOINT,),
    S.CONSULTED: (MeetingKind.PARTY_MEMBERS,),
    # Art. 24 matters end in the villagers' meeting or, by delegation, its representatives.
    S.REVIEWED: (MeetingKind.VILLAGERS, MeetingKind.REPRESENTATIVES),
}


def passed_meeting(matter: Matter) -> Any:
    """The meeting that passed the matter at its current step, since the step began."""
    kinds = STEP_MEETINGS.get(matter.state)
    if not kinds:
        return None
    return (
        matter.meetings.filter(
            kind__in=kinds, outcome=MeetingOutcome.PASSED, created_at__gte=matter.step_started_at
        )
        .order_by("-held_on", "-pk")
        .first()
    )


def _needs_meeting(matter: Matter, actor: Any) -> Any:
    if passed_meeting(matter) is None:
        kinds = STEP_MEETINGS[matter.state]
        names = gettext(" or ").join(str(MeetingKind(k).label) for k in kinds)
        return _("This step needs a %(meeting)s that reached its quorum and passed the matter.") % {
            "meeting": names
        }
    return _needs_opinion(matter, actor)


def _needs_opinion(matter: Matter, actor: Any) -> Any:
    given = matter.opinions.filter(step=matter.state, created_at__gte=matter.step_started_at)
    if not given.exists():
        return _(
            "The village affairs supervision committee has not given its opinion on this step."
        )
    return None


def _forward(name: str, *extra: Any) -> Any:
    """The guard of a forward step: its own checks, then the other domains' preconditions."""

    def guard(matter: Matter, actor: Any) -> Any:
        for check in extra:
            refused = check(matter, actor)
            if refused:
                return refused
        return preconditions.refusal(matter, name)

    return guard


def _publicity(matter: Matter, actor: Any) -> Any:
    return publicity_hold(matter, step_day())


def _new_step(matter: Matter, cleaned: dict[str, Any], actor: Any) -> None:
    matter.step_started_at = timezone.now()


def _vote_line(matter: Matter) -> str:
    meeting = (
        matter.meetings.filter(kind__in=STEP_MEETINGS[S.REVIEWED], outcome=MeetingOutcome.PASSED)
        .order_by("-held_on", "-pk")
        .first()
    )
    if meeting is None:
        return ""
    return gettext(
        "%(meeting)s of %(date)s: %(entitled)s entitled, %(present)s present; "
        "%(for)s for, %(against)s against, %(abstain)s abstaining."
    ) % {
        "meeting": meeting.get_kind_display(),
        "date": meeting.held_on.isoformat(),
        "entitled": meeting.entitled,
        "present": meeting.present,
        "for": meeting.votes_for,
        "against": meeting.votes_against,
        "abstain": meeting.votes_abstain,
    }


def _publish(kind: str) -> Any:
    def effect(matter: Matter, cleaned: dict[str, Any], actor: Any) -> None:
        from cunzhi.openness.services import notice_publish

        _new_step(matter, cleaned, actor)
        # The notice is the village's: written in the site's language, whoever publishes it.
        with translation.override(settings.LANGUAGE_CODE):
            if kind == "resolution":
                title = gettext("Resolution: %(title)s") % {"title": matter.title}
                body = f"{matter.resolution}\n\n{_vote_line(matter)}".strip()
            else:
                title = gettext("Result: %(title)s") % {"title": matter.title}
                body = matter.result
        notice_publish(
            actor=actor,
            village=matter.region,
            category=NoticeCategory.VILLAGE,
            title=title,
            body=body,
            publicity=kind == "resolution",
            source=matter,
        )

    return effect


def _back(name: str, source: str, target: str) -> Transition:
    return Transition(
        name, _("Go back a step"), (source,), target, reason=True, backwards=True, effect=_new_step
    )


MATTER_WORKFLOW = register(
    Workflow(
        model=Matter,
        states=S,
        transitions=[
            Transition("consult", _("Record the two committees' consultation"), (S.PROPOSED,),
                       S.CONSULTED, guard=_forward("consult", _needs_meeting), effect=_new_step),
            Transition("review", _("Record the party members' review"), (S.CONSULTED,),
                       S.REVIEWED, guard=_forward("review", _needs_meeting), effect=_new_step),
            Transition("decide", _("Record the villagers' resolution"), (S.REVIEWED,), S.DECIDED,
                       fields=("resolution",), guard=_forward("decide", _needs_meeting),
                       effect=_new_step),
            Transition("publish_resolution", _("Publish the resolution"), (S.DECIDED,),
                       S.RESOLUTION_PUBLISHED,
                       guard=_forward("publish_resolution", _needs_opinion),
                       effect=_publish("resolution")),
            Transition("implement", _("Start carrying it out"), (S.RESOLUTION_PUBLISHED,),
                       S.IMPLEMENTING, guard=_forward("implement", _publicity, _needs_opinion),
                       effect=_new_step),
            Transition("publish_result", _("Publish the result"), (S.IMPLEMENTING,),
                       S.RESULT_PUBLISHED, fields=("result",),
                       guard=_forward("publish_result", _needs_opinion),
                       effect=_publish("result")),
            _back("back_to_proposed", S.CONSULTED, S.PROPOSED),
            _back("back_to_consulted", S.REVIEWED, S.CONSULTED),
            _back("back_to_reviewed", S.DECIDED, S.REVIEWED),
            Transition("withdraw", _("Withdraw"),
                       (S.PROPOSED, S.CONSULTED, S.REVIEWED, S.DECIDED), S.WITHDRAWN,
                       reason=True, backwards=True),
        ],
    )
)  # fmt: skip
