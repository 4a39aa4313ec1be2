"""A workflow draws itself, and the committed docs/workflows.md is current."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.core.workflow.diagram import markdown, mermaid
from cunzhi.core.workflow.sweep import swept_workflows
from tests.kitdomain.workflows import CASE_WORKFLOW


def test_the_committed_workflow_docs_are_current() -> None:
    # If this fails: make diagrams
    call_command("workflow_diagrams", check=True)
    assert "## Case (`kitdomain.case`)" in markdown()


def test_the_diagram_has_every_step_and_deadline(english: None) -> None:
    text = mermaid(CASE_WORKFLOW)
    assert text.startswith("stateDiagram-v2\n    [*] --> registered")
    assert "    registered --> escalated: Escalate to the township" in text
    assert "    escalated --> accepted: Accept" in text
    assert text.count("note right of") == 3
    assert CASE_WORKFLOW in swept_workflows()


@pytest.mark.django_db
def test_the_rules_page_lists_the_procedure_in_chinese(county: County, people: ThreePeople) -> None:
    html = people.clients()["in_scope"].get("/rules/").content.decode()
    assert "办理流程" in html
    assert "<li>上报乡镇 → 已上报乡镇</li>" in html
