"""A case's history reads in the reader's language: each step by its own name, the state as its
label, what the person gave with it, and the sweep's marks; never an internal code."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.core.workflow.sweep import sweep
from tests.kitdomain.models import Case
from tests.kitdomain.services import case_transition
from tests.kitdomain.tests.factories import make_case

pytestmark = pytest.mark.django_db
D = datetime.date
CODES = ["kitdomain.case", "_transition", "registered", "escalated", "rejected", "reason", "due_on"]


def _history(people: ThreePeople, case: Case, language: str) -> str:
    client = Client()
    client.force_login(people.read_only)
    url = reverse("audit:history", args=["kitdomain.case", case.pk])
    return client.get(url, headers={"accept-language": language}).content.decode()


def test_a_rejected_case_reads_its_step_state_and_reason_in_chinese(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county)
    case_transition(
        actor=people.in_scope, case=case, name="reject", expected_version=1, reason="重复登记",
        today=D(2025, 10, 2),
    )  # fmt: skip
    body = _history(people, case, "zh-hans")

    assert "secretary：不予受理" in body
    assert "状态：已登记 → 不予受理" in body
    assert "理由：重复登记" in body
    for code in CODES:
        assert code not in body


def test_the_sweeps_overdue_mark_and_escalation_read_as_words(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county)
    sweep(today=D(2025, 10, 14))
    body = _history(people, case, "zh-hans")

    assert "系统管理员：案件登记" in body
    assert "系统：已逾期" in body  # the overdue mark, with the date it was due
    assert "到期日：2025-10-13" in body
    assert "系统：上报乡镇" in body and "状态：已登记 → 已上报乡镇" in body
    for code in CODES:
        assert code not in body


def test_the_same_history_reads_in_english(county: County, people: ThreePeople) -> None:
    case = make_case(county)
    case_transition(
        actor=people.in_scope, case=case, name="reject", expected_version=1, reason="duplicate",
        today=D(2025, 10, 2),
    )  # fmt: skip
    body = _history(people, case, "en")

    assert ": Reject" in body
    assert "State: registered → rejected" not in body  # labels, not stored values
    assert "Reason: duplicate" in body
