"""Taking a transition: one audited service call, checked like any other write."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.core.workflow import DeadlineStatus, workflow_for
from cunzhi.core.workflow.engine import SYSTEM, available_transitions, transition_options
from cunzhi.core.writes import EditConflict
from tests.kitdomain.models import Case, CaseLevel, CaseState
from tests.kitdomain.services import case_transition
from tests.kitdomain.tests.factories import make_case

pytestmark = pytest.mark.django_db
D = datetime.date


def _transitions(case: Case) -> list[Event]:
    events = Event.objects.filter(object_id=str(case.pk), action="kitdomain.case_transition")
    return list(events.order_by("seq"))


def test_a_transition_moves_the_state_bumps_the_version_and_is_traced_with_its_inputs(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county)
    case_transition(
        actor=people.in_scope, case=case, name="accept", expected_version=1, comment="已受理",
        today=D(2025, 9, 30),
    )  # fmt: skip
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.version) == (CaseState.ACCEPTED, 2)
    (event,) = _transitions(case)
    assert event.actor_id == people.in_scope.pk
    assert event.data["workflow"] == "kitdomain.case"
    assert (event.data["from"], event.data["to"]) == ("registered", "accepted")
    assert event.data["inputs"] == {"comment": "已受理"}
    # The accepted state's 60 calendar days start the day it was entered.
    assert event.data["deadline"] == {"due_on": "2025-11-29", "deadline_status": "due"}
    assert workflow_for(event.data["workflow"]).state_label(event.data["to"]) == "已受理"


def test_a_stale_version_is_refused_and_nothing_changes(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county)
    other = Case.objects.get(pk=case.pk)
    case_transition(actor=people.in_scope, case=other, name="accept", expected_version=1)
    with pytest.raises(EditConflict):
        case_transition(
            actor=people.in_scope, case=case, name="reject", expected_version=1, reason="重复"
        )
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED
    assert len(_transitions(case)) == 1


def test_a_missing_requirement_names_its_field_and_changes_nothing(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county)
    with pytest.raises(ValidationError) as refused:
        case_transition(actor=people.in_scope, case=case, name="reject", expected_version=1)
    assert "reason" in refused.value.message_dict
    case_transition(actor=people.in_scope, case=case, name="accept", expected_version=1)
    with pytest.raises(ValidationError) as refused:
        case_transition(actor=people.in_scope, case=case, name="resolve", expected_version=2)
    assert set(refused.value.message_dict) == {"resolution"}  # satisfaction is optional
    assert Case.objects.get(pk=case.pk).version == 2


def test_a_fields_step_writes_the_fields_and_traces_them_as_changes(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county)
    case_transition(actor=people.in_scope, case=case, name="accept", expected_version=1)
    case_transition(
        actor=people.in_scope, case=case, name="resolve", expected_version=2,
        resolution="已修复", satisfaction="5",
    )  # fmt: skip
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.resolution, stored.satisfaction) == ("resolved", "已修复", 5)
    event = _transitions(case)[-1]
    assert event.data["changes"] == {"resolution": ["", "已修复"], "satisfaction": [None, 5]}


def test_a_step_not_leaving_the_current_state_is_refused(
    county: County, people: ThreePeople, english: None
) -> None:
    case = make_case(county)
    with pytest.raises(ValidationError) as refused:
        case_transition(actor=people.in_scope, case=case, name="close", expected_version=1)
    assert "cannot be taken now" in refused.value.messages[0]
    assert "Registered" in refused.value.messages[0]


def test_a_guard_refuses_with_its_message_and_the_page_says_why(
    county: County, people: ThreePeople, english: None
) -> None:
    case = make_case(county)
    case_transition(actor=people.in_scope, case=case, name="accept", expected_version=1)
    case_transition(
        actor=people.in_scope, case=case, name="resolve", expected_version=2, resolution="已修复"
    )
    (close,) = [o for o in transition_options(people.in_scope, case) if o.step.name == "close"]
    assert "satisfaction" in str(close.blocked)
    assert "close" not in [t.name for t in available_transitions(people.in_scope, case)]
    with pytest.raises(ValidationError) as refused:
        case_transition(actor=people.in_scope, case=case, name="close", expected_version=3)
    assert "satisfaction" in refused.value.messages[0]


def test_the_reader_is_refused_and_the_outsider_does_not_see_the_record(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county)
    with pytest.raises(PermissionDenied):
        case_transition(actor=people.read_only, case=case, name="accept", expected_version=1)
    with pytest.raises(Case.DoesNotExist):
        case_transition(actor=people.outsider, case=case, name="accept", expected_version=1)
    assert available_transitions(people.read_only, case) == []
    assert Case.objects.get(pk=case.pk).version == 1


def test_available_transitions_follow_the_state(county: County, people: ThreePeople) -> None:
    case = make_case(county)
    names = [t.name for t in available_transitions(people.in_scope, case)]
    assert names == ["accept", "reject", "escalate"]
    case_transition(actor=people.in_scope, case=case, name="accept", expected_version=1)
    names = [t.name for t in available_transitions(people.in_scope, case)]
    assert names == ["resolve", "settle"]


def test_an_effect_changes_the_record_with_the_state(county: County) -> None:
    case = make_case(county)
    case_transition(actor=SYSTEM, case=case, name="escalate", expected_version=None)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.level) == (CaseState.ESCALATED, CaseLevel.TOWNSHIP)
    (event,) = _transitions(case)
    assert event.actor_id is None and event.actor_label == "system"
    assert event.data["changes"] == {"level": ["village", "township"]}


def test_leaving_a_state_with_a_deadline_ends_it_met_or_late(
    county: County, people: ThreePeople
) -> None:
    in_time = make_case(county)
    case_transition(
        actor=people.in_scope, case=in_time, name="reject", expected_version=1, reason="重复",
        today=D(2025, 10, 13),
    )  # fmt: skip
    late = make_case(county)
    case_transition(
        actor=people.in_scope, case=late, name="reject", expected_version=1, reason="重复",
        today=D(2025, 10, 14),
    )  # fmt: skip
    assert Case.objects.get(pk=in_time.pk).deadline_status == DeadlineStatus.MET
    assert Case.objects.get(pk=late.pk).deadline_status == DeadlineStatus.LATE
    assert Case.objects.get(pk=late.pk).sweep_on is None
