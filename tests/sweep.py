"""What the tests that sweep every URL share: which record a URL names, and valid requests.

``accounts.testing`` holds the three people, the record factories each app registers and the page
patterns; this module knows the project as a whole (its API), which core may not import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import schemathesis
from django.apps import apps
from django.core.wsgi import get_wsgi_application
from django.db import models
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import APIOperation

from cunzhi.accounts.testing import page_patterns
from cunzhi.api import api

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
SCHEMA.app = get_wsgi_application()  # before the operations: each keeps the app it was made with
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
FUZZ_SETTINGS = settings(
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    # No shrinking: a failure is reported as found, which keeps a failing run bounded in time.
    phases=[Phase.explicit, Phase.generate],
)


def valid_case(operation: APIOperation) -> schemathesis.Case:
    """The first valid request Hypothesis draws for ``operation`` (the same on every run)."""
    drawn: list[schemathesis.Case] = []

    @given(case=operation.as_strategy())
    @settings(FUZZ_SETTINGS, max_examples=1, phases=[Phase.generate])
    def draw(case: schemathesis.Case) -> None:
        drawn.append(case)

    draw()
    return drawn[0]


# Parameters that say by their name alone what they name.
KIND_OF_PARAMETER = {"code": "regions.region", "username": "accounts.user"}
# Where a URL's parameters do not say which kind of record it names.
RECORD_OF_URL = {
    "accounts:token_revoke": "accounts.apitoken",
    "registry:ten_group_edit": "registry.tenhouseholdgroup",
    "registry:import_job": "registry.importjob",
    "registry:import_errors": "registry.importjob",
    "audit:history": "registry.household",  # any record's history: a household's here
    "DELETE /api/v1/auth/tokens/{token_id}": "accounts.apitoken",
    "demands:demand_transition": "demands.demand",
    "GET /api/v1/demands/{id}/transitions": "demands.demand",
    "POST /api/v1/demands/{id}/transitions/{name}": "demands.demand",
    "POST /api/v1/demands/{id}/deadline/extension": "demands.demand",
    "decisions:matter_transition": "decisions.matter",
    "decisions:matter_extension": "decisions.matter",
    "GET /api/v1/matters/{id}/transitions": "decisions.matter",
    "POST /api/v1/matters/{id}/transitions/{name}": "decisions.matter",
    "POST /api/v1/matters/{id}/deadline/extension": "decisions.matter",
    "residency:dispatch": "residency.dispatch",
    "residency:presence_correct": "residency.dispatch",
    "residency:leaverequest_transition": "residency.leaverequest",
    "residency:assessment_open": "residency.dispatch",
    "residency:recall_start": "residency.dispatch",
    "residency:diary": "residency.dispatch",
    "residency:support": "residency.supportyear",
    "residency:support_open": "residency.dispatch",
    "residency:support_item_add": "residency.supportyear",
    "residency:year_report": "residency.dispatch",
    "residency:recall_transition": "residency.recall",
    "GET /api/v1/residency/recalls/{id}/transitions": "residency.recall",
    "POST /api/v1/residency/recalls/{id}/transitions/{name}": "residency.recall",
    "POST /api/v1/residency/recalls/{id}/deadline/extension": "residency.recall",
    "residency:assessment_opinion": "residency.assessment",
    "GET /api/v1/residency/leave-requests/{id}/transitions": "residency.leaverequest",
    "POST /api/v1/residency/leave-requests/{id}/transitions/{name}": "residency.leaverequest",
    "POST /api/v1/residency/leave-requests/{id}/deadline/extension": "residency.leaverequest",
    "disputes:petition_transition": "disputes.petition",
    "disputes:petition_extension": "disputes.petition",
    "disputes:mediationcase_transition": "disputes.mediationcase",
    "disputes:mediationcase_extension": "disputes.mediationcase",
    "disputes:stabilityassessment_transition": "disputes.stabilityassessment",
    "disputes:stabilityassessment_extension": "disputes.stabilityassessment",
    **{
        f"{method} /api/v1/{prefix}/{{id}}/{rest}": kind
        for prefix, kind in (
            ("petitions", "disputes.petition"),
            ("mediation-cases", "disputes.mediationcase"),
            ("assessments", "disputes.stabilityassessment"),
        )
        for method, rest in (
            ("GET", "transitions"),
            ("POST", "transitions/{name}"),
            ("POST", "deadline/extension"),
        )
    },
    "plans:plan_transition": "plans.plan",
    "plans:task_transition": "plans.task",
    "plans:rectification_transition": "plans.rectification",
    **{
        f"{method} /api/v1/{things}/{{id}}/{tail}": f"plans.{things[:-1]}"
        for things in ("plans", "tasks", "rectifications")
        for method, tail in (
            ("GET", "transitions"),
            ("POST", "transitions/{name}"),
            ("POST", "deadline/extension"),
        )
    },
    "residency:year_report_page": "residency.dispatch",
}
# Where a parameter's value is not the record's id or code.
VALUES_OF_URL: dict[str, Callable[[Any], dict[str, Any]]] = {
    "audit:history": lambda obj: {"object_type": obj._meta.label_lower, "object_id": obj.pk},
    # A villager group's leader: the group of village A.
    "registry:group_leader": lambda village: {"code": village.code + "001"},
    "demands:demand_transition": lambda demand: {"pk": demand.pk, "name": "accept"},
    "GET /api/v1/demands/{id}/transitions": lambda demand: {"id": demand.pk},
    "POST /api/v1/demands/{id}/transitions/{name}": lambda d: {"id": d.pk, "name": "accept"},
    "POST /api/v1/demands/{id}/deadline/extension": lambda demand: {"id": demand.pk},
    "decisions:matter_transition": lambda matter: {"pk": matter.pk, "name": "withdraw"},
    "POST /api/v1/matters/{id}/transitions/{name}": lambda m: {"id": m.pk, "name": "withdraw"},
    # An assessment's opinion: the village's (the in-scope secretary's own).
    "residency:assessment_opinion": lambda item: {"pk": item.pk, "party": "village"},
    # A recall's step: the county's cancellation.
    "residency:recall_transition": lambda recall: {"pk": recall.pk, "name": "cancel"},
    "POST /api/v1/residency/recalls/{id}/transitions/{name}": lambda recall: {
        "id": recall.pk,
        "name": "cancel",
    },
    # A support ledger's item: a training record; a dispatch's year report: 2026's.
    "residency:support_item_add": lambda support: {"pk": support.pk, "kind": "training"},
    "residency:year_report": lambda dispatch: {"pk": dispatch.pk, "year": 2026},
    # A leave request's step: the township's approval.
    "residency:leaverequest_transition": lambda leave: {"pk": leave.pk, "name": "approve_township"},
    "POST /api/v1/residency/leave-requests/{id}/transitions/{name}": lambda leave: {
        "id": leave.pk,
        "name": "approve_township",
    },
    **{
        f"disputes:{model}_transition": lambda obj, step=step: {"pk": obj.pk, "name": step}
        for model, step in (
            ("petition", "accept"),
            ("mediationcase", "fail"),
            ("stabilityassessment", "approve"),
        )
    },
    # A workflow's step: the record and a step its first state allows.
    "plans:plan_transition": lambda plan: {"pk": plan.pk, "name": "submit"},
    "plans:task_transition": lambda task: {"pk": task.pk, "name": "start"},
    "plans:rectification_transition": lambda item: {"pk": item.pk, "name": "start"},
    **{
        f"POST /api/v1/{things}/{{id}}/transitions/{{name}}": (
            lambda obj, step=step: {"id": obj.pk, "name": step}
        )
        for things, step in (("plans", "submit"), ("tasks", "start"), ("rectifications", "start"))
    },
    "residency:year_report_page": lambda dispatch: {"pk": dispatch.pk, "year": 2026},
}
# URLs with parameters that name no record.
NO_RECORD = {
    "registry:import_template",  # import/template.<kind>: a file type
    # <label>/<object_id>: any record that takes files; the three people are tested on it in
    # cunzhi/core/tests/test_attachment_pages.py.
    "attachments:add",
    # The villager's follow-up page is public by design: the code is the only key, nothing
    # personal shows, and it is rate-limited (cunzhi/demands/tests/test_demands.py).
    "demands:public",
    "GET /api/v1/public/demands/{code}",
    "POST /api/v1/public/demands/{code}/reply",
    # The public board: anyone may read it and object, without an account (openness/tests).
    "openness:board",
    "openness:public_notice",
    "openness:notice_pdf",
    "GET /api/v1/public/villages/{code}/notices",
    "POST /api/v1/public/notices/{notice_id}/objections",
}
# The supervision committee's own writes: its opinion on each step of a village decision. The
# sweep's reader is a supervision committee member, who may write these and nothing else.
SUPERVISION_WRITES = {"decisions:opinion", "POST /api/v1/matters/{matter_id}/opinions"}
# POSTs that are reads a reader may make: an export is recorded in the trace (DESIGN rule 7).
READS_BY_POST = {
    "registry:register_export",
    "disputes:petitions_export",
    "plans:tasks_export",
    "plans:rectifications_export",
    "demands:export",
    "decisions:matters_export",
    "openness:notices_export",
}
MISSING_ID = 2**62  # an id no record has
MISSING_CODE = "530199100299"  # a well-formed village code of no village


@dataclass(frozen=True)
class Target:
    """A URL that names one record: how to fill it for that record and for none."""

    label: str  # "registry:household" or "GET /api/v1/households/{household_id}"
    url: Callable[[dict[str, Any]], str]
    params: dict[str, str]  # parameter name -> what it holds
    kind: str  # "registry.household"
    methods: tuple[str, ...]

    def values(self, obj: models.Model | None) -> dict[str, Any]:
        if obj is not None and self.label in VALUES_OF_URL:
            return VALUES_OF_URL[self.label](obj)
        values = {}
        for name, holds in self.params.items():
            if holds == "code":
                values[name] = obj.code if obj is not None else MISSING_CODE  # type: ignore[attr-defined]
            elif holds == "username":
                values[name] = obj.username if obj is not None else "nobody-here"  # type: ignore[attr-defined]
            elif holds == "object_type":
                values[name] = self.kind
            else:
                values[name] = obj.pk if obj is not None else MISSING_ID
        return values


def _kind_of(name: str, route: str, params: dict[str, str], app_label: str | None) -> str | None:
    """The kind of record a URL names, from its parameters; None when they do not say."""
    if name in RECORD_OF_URL:
        return RECORD_OF_URL[name]
    [param] = params if len(params) == 1 else [None]
    if param in KIND_OF_PARAMETER:
        return KIND_OF_PARAMETER[param]
    if param is None:
        return None
    if param.endswith("_id"):  # the API: household_id, resident_id, ...
        wanted = param.removesuffix("_id")
        matches = [m._meta.label_lower for m in apps.get_models() if m._meta.model_name == wanted]
        return matches[0] if len(matches) == 1 else None
    # A page: the plural before <int:pk>, "households/<int:pk>/" -> registry.household.
    before = re.search(r"([a-z-]+)/<[^>]*" + param + ">", route)
    if before is None or app_label is None:
        return None
    plural = before[1].replace("-", "")
    singular = plural[:-3] + "y" if plural.endswith("ies") else plural.removesuffix("s")
    try:
        return apps.get_model(app_label, singular)._meta.label_lower
    except LookupError:
        return None


def page_targets() -> list[Target | str]:
    found: list[Target | str] = []
    for pattern in page_patterns():
        if not pattern.params or pattern.name in NO_RECORD:
            continue
        app_label = pattern.name.partition(":")[0] if ":" in pattern.name else None
        kind = _kind_of(pattern.name, pattern.route, pattern.params, app_label)
        if kind is None:
            found.append(pattern.name)
            continue
        holds = {n: ("code" if c == "code" else n) for n, c in pattern.params.items()}
        found.append(
            Target(
                label=pattern.name,
                url=lambda values, p=pattern: p.url(**values),  # type: ignore[misc]
                params=holds,
                kind=kind,
                methods=("GET", "POST"),
            )
        )
    return found


def api_targets() -> list[Target | str]:
    found: list[Target | str] = []
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, operations in schema["paths"].items():
        params = re.findall(r"{([^}]+)}", path)
        if not params:
            continue
        for method in operations:
            label = f"{method.upper()} {path}"
            if label in NO_RECORD:
                continue
            kind = _kind_of(label, path, dict.fromkeys(params, ""), None)
            if kind is None:
                found.append(label)
                continue
            found.append(
                Target(
                    label=label,
                    url=lambda values, p=path: re.sub(r"{([^}]+)}", lambda m: str(values[m[1]]), p),
                    params={p: p for p in params},
                    kind=kind,
                    methods=(method.upper(),),
                )
            )
    return found


class _FormFields(HTMLParser):
    """The names and values a page's forms would send: what a write the sweep tries carries."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag in {"input", "select", "textarea"} and name and name != "csrfmiddlewaretoken":
            value = attributes.get("value") or ""
            if attributes.get("type") in {None, "text", "search"} or tag == "textarea":
                value += "改"  # a change, if the write were let through
            self.data.setdefault(name, value)


def form_data(client: Client, url: str) -> dict[str, str]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    parser = _FormFields()
    parser.feed(response.content.decode())
    return parser.data
