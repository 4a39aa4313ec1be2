"""The demo's decisions: a matter at every step, one stopped for lack of quorum, one held."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone

from cunzhi.core.demo import seed_demo
from cunzhi.decisions.models import Matter, MatterState, MeetingOutcome
from cunzhi.decisions.registers import register_warnings
from cunzhi.openness.selectors import publicity_hold

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
@pytest.mark.usefixtures("english")
def test_the_demo_has_a_matter_at_every_step() -> None:
    seed_demo()
    states = set(Matter.objects.values_list("state", flat=True))
    assert states == set(MatterState.values)
    stopped = Matter.objects.get(title="村集体仓库出租方案")
    assert stopped.meetings.get(kind="party_members").outcome == MeetingOutcome.NO_QUORUM
    held = Matter.objects.get(title="征地补偿款分配方案")
    assert held.state == MatterState.RESOLUTION_PUBLISHED
    assert "unanswered" in (publicity_hold(held, timezone.localdate()) or "")
    assert register_warnings(held.region, timezone.localdate()) == []
