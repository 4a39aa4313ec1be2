"""Every write leaves its audit event, from every door: each page URL and each API operation.

The doors are discovered, not listed: the page URLs from the project's URL resolver, the API's
writes (POST, PUT, PATCH, DELETE) from its OpenAPI description. Every door must have an entry in
``PAGE_DOORS`` or ``API_DOORS`` below, so a new URL or operation fails this test until someone
says what it writes and which events it leaves. A write door is then performed as a person would
(a page's form is read from the page itself, hidden version included, and posted back with the
changes) and must leave exactly the declared events, with the declared diff.

This test found the three untraced page edits (contacts, clans, facilities) on the code before
``update_audited`` read the stored row for its before-state.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cunzhi.accounts.models import Role, User
from cunzhi.accounts.services import api_token_create
from cunzhi.accounts.testing import PASSWORD, County, ThreePeople, make_user
from cunzhi.audit.models import Event
from cunzhi.disputes.services import assessment_create, petition_transition
from cunzhi.disputes.tests.factories import make_case, make_petition
from cunzhi.regions.models import Clan, Contact, Facility, VillageProfile
from cunzhi.regions.services import (
    clan_create,
    contact_create,
    facility_create,
    village_profile_update,
)
from cunzhi.registry.models import Tag
from cunzhi.registry.services import resident_add, ten_group_save
from cunzhi.registry.testing import (
    family,
    head_of,
    make_id_number,
    member,
    registered_before_the_rule,
)

pytestmark = pytest.mark.django_db

# URL namespaces that are not the project's pages: the admin, and the API (found in its schema).
OTHER_DOORS = {"admin", "api"}


@dataclass
class World:
    """The county of the suite with one record of each kind a door writes to."""

    county: County
    people: ThreePeople
    county_admin: User
    profile: VillageProfile
    contact: Contact
    clan: Clan
    facility: Facility
    extra: dict[str, Any] = field(default_factory=dict)  # what an app's examples add


def build_world(county: County, people: ThreePeople) -> World:
    admin = make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county)
    world = World(
        county=county,
        people=people,
        county_admin=admin,
        profile=village_profile_update(
            actor=admin, village=county.village, expected_version=0, population=1200
        ),
        contact=contact_create(
            actor=admin,
            region=county.village,
            name="李医生",
            organisation="石板村卫生室",
            level="village",
            phone="13870001111",
        ),
        clan=clan_create(
            actor=admin, village=county.village, surname="杨", households=120, share_percent=31
        ),
        facility=facility_create(
            actor=admin, village=county.village, kind="school", name="石板小学"
        ),
    )
    world.extra["token"], _raw = api_token_create(actor=people.in_scope, name="旧手机")
    _add_register(world)
    _add_plans(world)
    return world


def _add_register(world: World) -> None:
    """Two households of 石板村, a ten-household group, and one person registered twice."""
    county, admin = world.county, world.county.admin
    first, second = family(county, 1), family(county, 2)
    twice = make_id_number(datetime.date(2001, 7, 1), sequence=60)
    elsewhere = family(county, 3, village=county.neighbour)
    keep = resident_add(
        actor=admin, household=first, name="杨建国", id_number=twice, relation="son"
    )
    with registered_before_the_rule():  # old data: the duplicate the merge door resolves
        duplicate = resident_add(
            actor=admin, household=elsewhere, name="杨建国", id_number=twice, relation="other"
        )
    world.extra.update(
        household=first,
        other_household=second,
        head=head_of(first),
        daughter=member(first, "daughter"),
        spouse=member(first, "spouse"),
        ten_group=ten_group_save(
            expected_version=None,
            actor=admin,
            village=county.village,
            name="第一联户组",
            households=[first],
            lead_household=first,
        ),
        veteran=Tag.objects.get(code="veteran"),
        keep=keep,
        duplicate=duplicate,
    )


def _add_plans(world: World) -> None:
    """石板村's 2026 plan with an objective, a task, a milestone and a ledger item whose
    responsible person is a committee member (so the secretary may sign it off)."""
    from cunzhi.plans import services as plans

    county, admin = world.county, world.county.admin
    member = make_user(county, "committee", Role.VILLAGE_COMMITTEE_MEMBER, county.village)
    plan = plans.plan_create(actor=admin, village=county.village, year=2026)
    objective = plans.objective_add(
        actor=admin, plan=plan, role="economic_guide", duty="prosperity", title="发展村集体经济"
    )
    task = plans.task_create(
        actor=admin,
        objective=objective,
        title="建设蓝莓示范基地",
        owner=member,
        planned_start=datetime.date(2026, 3, 1),
        planned_end=datetime.date(2026, 6, 30),
    )
    plan.refresh_from_db()
    world.extra.update(
        plan=plan,
        objective=objective,
        task=task,
        milestone=plans.milestone_add(
            actor=admin, task=task, title="完成土地流转", due_on=datetime.date(2026, 4, 15)
        ),
        rectification=plans.rectification_create(
            actor=admin,
            village=county.village,
            problem="村务公开栏未按季度更新",
            source="inspection",
            measure="每季度更新",
            responsible=member,
            deadline_on=datetime.date(2026, 9, 30),
        ),
        committee_member=member,
    )


@dataclass(frozen=True)
class Door:
    """One write through one door, and the events it must leave.

    ``events`` gives each expected event's action and a subset of its data that must match (a
    "changes" entry is compared whole: the diff must be exactly right); a list where one action
    leaves several events. ``form`` (pages) is the
    form the page shows, read from the page and posted back with ``data`` over it; without it
    ``data`` is posted as it is. ``body`` (API) is sent as JSON.
    """

    url: str
    events: dict[str, dict[str, Any]] | list[tuple[str, dict[str, Any]]]
    data: dict[str, Any] = field(default_factory=dict)
    form: str | None = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    user: str = "cadre"  # or "county_admin", or "root" (the system administrator)


# Why a door writes nothing that the audit must show.
READS = "reads only"
SIGN_IN = "sign-in steps (password, second factor): their events are tested by the sign-in work"
SESSION = "changes only the person's own session or language cookie, no record"
PERSONAL = "marks the person's own notifications read: their inbox, nobody else's record"
# Doors whose events are asserted where the record kind that uses them is tested.
ATTACHMENTS = "audited on the record's history: core/tests/test_attachments.py, tests/kitdomain"


def _as_posted(value: Any) -> Any:
    """A bound field's value as a browser would post it."""
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        return [_as_posted(v) for v in value]
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


def _form_data(form: Any, changes: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for bound in form:
        value = _as_posted(bound.value())
        if value is not None:
            data[bound.html_name] = value
    data.update({form.add_prefix(k): v for k, v in changes.items()})
    return {k: v for k, v in data.items() if v is not None}


REGISTER_CSV = (
    "村代码,户编号,姓名,身份证号,与户主关系\n"
    f"530199100201,021,曾国华,{make_id_number(datetime.date(1968, 5, 12), sequence=90)},户主\n"
).encode("utf-8-sig")

REGISTRY_PAGE_DOORS: dict[str, str | Callable[[World], Door]] = {
    "registry:register": READS,
    "registry:key_people": READS,
    "registry:search": READS,
    "registry:household": READS,
    "registry:resident": READS,
    "registry:groups": READS,
    "registry:tags": READS,
    "registry:duplicates": READS,
    "registry:import_job": READS,
    "registry:import_errors": READS,
    "registry:import_template": READS,
    "registry:import": lambda w: Door(
        reverse("registry:import"),
        files={"file": ("register.csv", REGISTER_CSV)},
        events=[
            ("registry.importjob_create", {}),
            ("registry.registry_import", {"households_created": 1}),
        ],
    ),
    "registry:register_export": lambda w: Door(
        reverse("registry:register_export", args=[w.county.village.code]),
        data={"reason": ""},
        events={"registry.register_export": {"full_numbers": False}},
    ),
    "registry:household_create": lambda w: Door(
        reverse("registry:household_create", args=[w.county.village.code]),
        data={
            "household_no": "009",
            "head-name": "李国强",
            "head-id_number": make_id_number(datetime.date(1975, 6, 1), sequence=7),
            "head-ethnicity": "汉族",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
        },
        events={"registry.household_register": {"household_no": "009"}},
    ),
    "registry:household_edit": lambda w: Door(
        reverse("registry:household_edit", args=[w.extra["household"].pk]),
        form="form",
        data={"address": "石板村上寨3号"},
        events={"registry.household_update": {"changes": {"address": ["", "石板村上寨3号"]}}},
    ),
    "registry:resident_add": lambda w: Door(
        reverse("registry:resident_add", args=[w.extra["household"].pk]),
        form="form",
        data={
            "name": "杨小军",
            "id_number": make_id_number(datetime.date(2012, 4, 5), sequence=30),
            "relation": "son",
        },
        events={"registry.resident_add": {"fields": {"name": "杨小军", "relation": "son"}}},
    ),
    "registry:resident_edit": lambda w: Door(
        reverse("registry:resident_edit", args=[w.extra["head"].pk]),
        form="form",
        data={"work_place": "昆明"},
        events={"registry.resident_update": {"changes": {"work_place": ["", "昆明"]}}},
    ),
    "registry:resident_tags": lambda w: Door(
        reverse("registry:resident_tags", args=[w.extra["head"].pk]),
        form="form",
        data={"tags": [w.extra["veteran"].pk]},
        events={"registry.resident_set_tags": {"added": ["veteran"], "removed": []}},
    ),
    "registry:resident_status": lambda w: Door(
        reverse("registry:resident_status", args=[w.extra["daughter"].pk]),
        form="form",
        data={"status": "moved_out", "since": "2026-01-03"},
        events={
            "registry.resident_update": {
                "changes": {
                    "status": ["living", "moved_out"],
                    "status_since": [None, "2026-01-03"],
                }
            }
        },
    ),
    "registry:resident_reveal": lambda w: Door(
        reverse("registry:resident_reveal", args=[w.extra["head"].pk]),
        data={"reason": "低保复核"},
        events={"registry.resident_reveal": {"reason": "低保复核"}},
    ),
    "registry:resident_move": lambda w: Door(
        reverse("registry:resident_move", args=[w.extra["daughter"].pk]),
        form="form",
        data={"household_no": "002", "relation": "other"},
        events=[
            ("registry.resident_move", {"to": ["530199100201", "002"]}),
            ("registry.resident_move", {"resident": "杨小梅"}),
            ("registry.resident_move", {"resident": "杨小梅"}),
        ],
    ),
    "registry:household_head": lambda w: Door(
        reverse("registry:household_head", args=[w.extra["household"].pk]),
        form="form",
        data={"head": w.extra["spouse"].pk, "old_head_relation": "spouse"},
        events={"registry.household_set_head": {}},
    ),
    "registry:household_split": lambda w: Door(
        reverse("registry:household_split", args=[w.extra["household"].pk]),
        form="form",
        data={
            "members": [w.extra["daughter"].pk],
            "head": w.extra["daughter"].pk,
            "household_no": "031",
        },
        events=[("registry.household_split", {}), ("registry.household_split", {})],
    ),
    "registry:household_merge": lambda w: Door(
        reverse("registry:household_merge", args=[w.extra["other_household"].pk]),
        form="form",
        data={"into": "001"},
        events=[("registry.household_merge", {}), ("registry.household_merge", {})],
    ),
    "registry:household_transfer": lambda w: Door(
        reverse("registry:household_transfer", args=[w.extra["other_household"].pk]),
        form="form",
        user="county_admin",
        data={"village": w.county.far_village.code},
        events={"registry.household_transfer": {}},
    ),
    "registry:group_leader": lambda w: Door(
        reverse("registry:group_leader", args=["530199100201001"]),
        form="form",
        data={"resident": w.extra["head"].pk, "starts_on": "2026-01-05"},
        events={"registry.group_leader_set": {"starts_on": "2026-01-05"}},
    ),
    "registry:ten_group_create": lambda w: Door(
        reverse("registry:ten_group_create", args=[w.county.village.code]),
        form="form",
        data={
            "name": "第二联户组",
            "households": [w.extra["other_household"].pk],
            "lead_household": w.extra["other_household"].pk,
        },
        events={"registry.ten_group_save": {"name": "第二联户组"}},
    ),
    "registry:ten_group_edit": lambda w: Door(
        reverse("registry:ten_group_edit", args=[w.extra["ten_group"].pk]),
        form="form",
        data={"name": "上寨联户组"},
        events={"registry.ten_group_save": {"changes": {"name": ["第一联户组", "上寨联户组"]}}},
    ),
    "registry:duplicates_merge": lambda w: Door(
        reverse("registry:duplicates_merge", args=[w.county.county.code]),
        user="county_admin",
        data={"keep": w.extra["keep"].pk, "duplicate": w.extra["duplicate"].pk},
        events={"registry.resident_merge": {}},
    ),
    "registry:tag_create": lambda w: Door(
        reverse("registry:tag_create"),
        form="form",
        user="root",
        data={"code": "flood", "name": "受灾户", "order": "5"},
        events={"registry.tag_save": {}},
    ),
    "registry:tag_edit": lambda w: Door(
        reverse("registry:tag_edit", args=[w.extra["veteran"].pk]),
        form="form",
        user="root",
        data={"order": "7"},
        events={"registry.tag_save": {}},
    ),
}


PDF_EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _step(w: World, record: str, url_name: str, name: str, **inputs: Any) -> dict[str, Any]:
    obj = w.extra[record]
    return {"expected_version": str(obj.version), **{f"{name}-{k}": v for k, v in inputs.items()}}


PLANS_PAGE_DOORS: dict[str, str | Callable[[World], Door]] = {
    "plans:region": READS,
    "plans:plan": READS,
    "plans:board": READS,
    "plans:task": READS,
    "plans:tasks": READS,
    "plans:rectifications": READS,
    "plans:rectification": READS,
    "plans:plan_create": lambda w: Door(
        reverse("plans:plan_create", args=[w.county.village.code]),
        data={"year": "2027", "title": "石板村2027年工作计划"},
        events={"plans.plan_create": {"fields": {"year": 2027}}},
    ),
    "plans:plan_edit": lambda w: Door(
        reverse("plans:plan_edit", args=[w.extra["plan"].pk]),
        form="form",
        data={"title": "石板村2026年工作计划"},
        events={"plans.plan_update": {"changes": {"title": ["", "石板村2026年工作计划"]}}},
    ),
    "plans:objective_add": lambda w: Door(
        reverse("plans:objective_add", args=[w.extra["plan"].pk]),
        data={"role": "party_building", "duty": "strengthen_party", "title": "规范三会一课"},
        events={"plans.objective_add": {"fields": {"title": "规范三会一课"}}},
    ),
    "plans:objective_edit": lambda w: Door(
        reverse("plans:objective_edit", args=[w.extra["objective"].pk]),
        form="form",
        data={"target": "经营性收入10万元"},
        events={"plans.objective_update": {"changes": {"target": ["", "经营性收入10万元"]}}},
    ),
    "plans:task_create": lambda w: Door(
        reverse("plans:task_create", args=[w.extra["objective"].pk]),
        data={
            "title": "申报冷库项目",
            "owner": w.extra["committee_member"].pk,
            "planned_start": "2026-04-01",
            "planned_end": "2026-05-31",
        },
        events={"plans.task_create": {"fields": {"title": "申报冷库项目"}}},
    ),
    "plans:task_edit": lambda w: Door(
        reverse("plans:task_edit", args=[w.extra["task"].pk]),
        form="form",
        data={"planned_end": "2026-07-31"},
        events={"plans.task_update": {"changes": {"planned_end": ["2026-06-30", "2026-07-31"]}}},
    ),
    "plans:note_add": lambda w: Door(
        reverse("plans:note_add", args=[w.extra["task"].pk]),
        data={"text": "已流转土地32亩"},
        files={"evidence": ("流转合同.pdf", PDF_EVIDENCE)},
        events=[("plans.progress_note_add", {}), ("core.attachment_add", {})],
    ),
    "plans:milestone_add": lambda w: Door(
        reverse("plans:milestone_add", args=[w.extra["task"].pk]),
        data={"title": "苗木到位", "due_on": "2026-05-10"},
        events={"plans.milestone_add": {"fields": {"title": "苗木到位"}}},
    ),
    "plans:milestone_reach": lambda w: Door(
        reverse("plans:milestone_reach", args=[w.extra["milestone"].pk]),
        form="form",
        data={"reached_on": "2026-04-10"},
        events={"plans.milestone_reach": {"changes": {"reached_on": [None, "2026-04-10"]}}},
    ),
    "plans:tasks_export": lambda w: Door(
        reverse("plans:tasks_export", args=[w.county.village.code]),
        data={"reason": ""},
        events={"plans.tasks_export": {"full_numbers": False}},
    ),
    "plans:rectifications_export": lambda w: Door(
        reverse("plans:rectifications_export", args=[w.county.village.code]),
        data={"reason": ""},
        events={"plans.rectifications_export": {"full_numbers": False}},
    ),
    "plans:rectification_create": lambda w: Door(
        reverse("plans:rectification_create", args=[w.county.village.code]),
        data={
            "problem": "党员活动室漏雨",
            "source": "self_check",
            "measure": "维修屋顶",
            "responsible": w.extra["committee_member"].pk,
            "deadline_on": "2026-12-31",
        },
        events={"plans.rectification_create": {"fields": {"problem": "党员活动室漏雨"}}},
    ),
    "plans:rectification_edit": lambda w: Door(
        reverse("plans:rectification_edit", args=[w.extra["rectification"].pk]),
        form="form",
        data={"measure": "每季度首月更新"},
        events={
            "plans.rectification_update": {"changes": {"measure": ["每季度更新", "每季度首月更新"]}}
        },
    ),
    "plans:plan_transition": lambda w: Door(
        reverse("plans:plan_transition", args=[w.extra["plan"].pk, "submit"]),
        data=_step(w, "plan", "plan", "submit", comment="请镇党委审核"),
        events={"plans.plan_transition": {"transition": "submit", "to": "submitted"}},
    ),
    "plans:task_transition": lambda w: Door(
        reverse("plans:task_transition", args=[w.extra["task"].pk, "start"]),
        data=_step(w, "task", "task", "start"),
        events={"plans.task_transition": {"transition": "start", "to": "in_progress"}},
    ),
    "plans:rectification_transition": lambda w: Door(
        reverse("plans:rectification_transition", args=[w.extra["rectification"].pk, "close_off"]),
        data=_step(w, "rectification", "rectification", "close_off", result="公开栏已更新"),
        files={"close_off-attachment": ("整改照片.pdf", PDF_EVIDENCE)},
        events=[
            ("plans.rectification_transition", {"transition": "close_off", "to": "closed"}),
            ("core.attachment_add", {}),
        ],
    ),
}


def _household_api(w: World) -> str:
    return f"/api/v1/households/{w.extra['household'].pk}"


def _resident_api(w: World, who: str = "head") -> str:
    return f"/api/v1/residents/{w.extra[who].pk}"


REGISTRY_API_DOORS: dict[str, str | Callable[[World], Door]] = {
    "POST /api/v1/attachments": ATTACHMENTS,
    "DELETE /api/v1/attachments/{attachment_id}": ATTACHMENTS,
    "POST /api/v1/villages/{code}/households": lambda w: Door(
        f"/api/v1/villages/{w.county.village.code}/households",
        body={
            "household_no": "009",
            "head": {
                "name": "李国强",
                "id_number": make_id_number(datetime.date(1975, 6, 1), sequence=7),
            },
        },
        events={"registry.household_register": {"household_no": "009"}},
    ),
    "PATCH /api/v1/households/{household_id}": lambda w: Door(
        _household_api(w),
        body={"phone": "0871-1234567"},
        headers={"If-Match": f'"{w.extra["household"].version}"'},
        events={"registry.household_update": {"changes": {"phone": ["", "0871-1234567"]}}},
    ),
    "POST /api/v1/households/{household_id}/members": lambda w: Door(
        f"{_household_api(w)}/members",
        body={
            "name": "杨小军",
            "id_number": make_id_number(datetime.date(2012, 4, 5), sequence=30),
            "relation": "son",
        },
        events={"registry.resident_add": {"fields": {"name": "杨小军"}}},
    ),
    "PATCH /api/v1/residents/{resident_id}": lambda w: Door(
        _resident_api(w),
        body={"health": "高血压", "version": w.extra["head"].version},
        events={"registry.resident_update": {"changes": {"health": ["", "高血压"]}}},
    ),
    "PUT /api/v1/residents/{resident_id}/tags": lambda w: Door(
        f"{_resident_api(w)}/tags",
        body={"tags": ["veteran"], "version": w.extra["head"].version},
        events={"registry.resident_set_tags": {"added": ["veteran"], "removed": []}},
    ),
    "POST /api/v1/residents/{resident_id}/status": lambda w: Door(
        f"{_resident_api(w, 'daughter')}/status",
        body={"status": "deceased", "since": "2026-01-03"},
        headers={"If-Match": f'"{w.extra["daughter"].version}"'},
        events={
            "registry.resident_update": {
                "changes": {
                    "status": ["living", "deceased"],
                    "status_since": [None, "2026-01-03"],
                }
            }
        },
    ),
    "POST /api/v1/residents/{resident_id}/reveal": lambda w: Door(
        f"{_resident_api(w)}/reveal",
        body={"reason": "低保复核"},
        events={"registry.resident_reveal": {"reason": "低保复核"}},
    ),
    "POST /api/v1/residents/{resident_id}/move": lambda w: Door(
        f"{_resident_api(w, 'daughter')}/move",
        body={"to": w.extra["other_household"].pk, "relation": "other"},
        events=[
            ("registry.resident_move", {"to": ["530199100201", "002"]}),
            ("registry.resident_move", {"resident": "杨小梅"}),
            ("registry.resident_move", {"resident": "杨小梅"}),
        ],
    ),
    "POST /api/v1/households/{household_id}/head": lambda w: Door(
        f"{_household_api(w)}/head",
        body={"head": w.extra["spouse"].pk, "old_head_relation": "spouse"},
        events={"registry.household_set_head": {}},
    ),
    "POST /api/v1/households/{household_id}/split": lambda w: Door(
        f"{_household_api(w)}/split",
        body={
            "members": [w.extra["daughter"].pk],
            "head": w.extra["daughter"].pk,
            "household_no": "031",
        },
        events=[("registry.household_split", {}), ("registry.household_split", {})],
    ),
    "POST /api/v1/households/{household_id}/merge": lambda w: Door(
        f"/api/v1/households/{w.extra['other_household'].pk}/merge",
        body={"into": w.extra["household"].pk},
        events=[("registry.household_merge", {}), ("registry.household_merge", {})],
    ),
    "POST /api/v1/households/{household_id}/transfer": lambda w: Door(
        f"/api/v1/households/{w.extra['other_household'].pk}/transfer",
        user="county_admin",
        body={"village": w.county.far_village.code},
        events={"registry.household_transfer": {}},
    ),
}


def _demand(w: World, **extra: Any) -> Any:
    """A road demand of 石板村, registered by the county administrator (issue 11)."""
    from cunzhi.demands.testing import make_demand

    return make_demand(w.county.admin, w.county.village, **extra)


def _resolved_demand(w: World) -> Any:
    from cunzhi.demands.services import demand_transition
    from cunzhi.demands.testing import photo

    demand = _demand(w)
    for step in ("accept", "start"):
        demand_transition(actor=w.county.admin, demand=demand, name=step, expected_version=None)
    demand_transition(
        actor=w.county.admin,
        demand=demand,
        name="resolve",
        expected_version=None,
        resolution="已修复",
        attachment=photo(),
    )
    return demand


DEMANDS_PAGE_DOORS: dict[str, str | Callable[[World], Door]] = {
    "demands:mine": READS,
    "demands:escalated": READS,
    "demands:list": READS,
    "demands:statistics": READS,
    "demands:demand": READS,
    "demands:public_lookup": READS,
    "demands:export": lambda w: (
        (_demand(w) and None)
        or Door(
            reverse("demands:export", args=[w.county.village.code]),
            data={"category": "roads"},
            events={"demands.demand_export": {"rows": 1, "full_numbers": False}},
        )
    ),
    "demands:create": lambda w: Door(
        reverse("demands:create", args=[w.county.village.code]),
        data={
            "source": "visit",
            "category": _category_id("drinking_water"),
            "title": "自来水停水三天",
            "description": "下寨自来水停水三天，老人挑水困难。",
            "priority": "high",
        },
        events={"demands.demand_create": {"fields": {"title": "自来水停水三天"}}},
    ),
    "demands:edit": lambda w: (
        (d := _demand(w))
        and Door(
            reverse("demands:edit", args=[d.pk]),
            form="form",
            data={"priority": "urgent"},
            events={
                "demands.demand_update": {
                    "changes": {"priority": ["normal", "urgent"]},
                    "version": 2,
                }
            },
        )
    ),
    "demands:assign": lambda w: (
        (d := _demand(w))
        and Door(
            reverse("demands:assign", args=[d.pk]),
            data={"assignee": w.people.in_scope.pk, "version": 1},
            events={
                "demands.demand_assign": {"changes": {"assignee_id": [None, w.people.in_scope.pk]}}
            },
        )
    ),
    "demands:merge": lambda w: (
        (d := _demand(w))
        and Door(
            reverse("demands:merge", args=[d.pk]),
            data={"into": _demand(w, title="路断了").code, "version": 1},
            events=[("demands.demand_merge", {}), ("demands.demand_merge", {"kept": True})],
        )
    ),
    "demands:demand_transition": lambda w: (
        (d := _demand(w))
        and Door(
            reverse("demands:demand_transition", args=[d.pk, "accept"]),
            data={"expected_version": 1, "accept-comment": "已受理"},
            events={"demands.demand_transition": {"transition": "accept", "to": "accepted"}},
        )
    ),
    "demands:demand_extension": "demands' time limits are not extended: an escalation gives "
    "the next level its own period (demands/workflows.py)",
    "demands:public": lambda w: (
        (d := _resolved_demand(w))
        and Door(
            reverse("demands:public", args=[d.code]),
            data={"name": "confirm", "satisfaction": "4"},
            events={"demands.demand_transition": {"transition": "confirm", "to": "confirmed"}},
        )
    ),
}


def _category_id(code: str) -> int:
    from cunzhi.demands.models import DemandCategory

    return DemandCategory.objects.get(code=code).pk


DEMANDS_API_DOORS: dict[str, str | Callable[[World], Door]] = {
    "POST /api/v1/villages/{code}/demands": lambda w: Door(
        f"/api/v1/villages/{w.county.village.code}/demands",
        body={
            "category": "roads",
            "title": "村道塌方",
            "description": "上寨村道塌方",
            "source": "phone",
        },
        events={"demands.demand_create": {"fields": {"source": "phone"}}},
    ),
    "PATCH /api/v1/demands/{demand_id}": lambda w: (
        (d := _demand(w))
        and Door(
            f"/api/v1/demands/{d.pk}",
            body={"version": 1, "cause_objective": "连日暴雨"},
            events={"demands.demand_update": {"changes": {"cause_objective": ["", "连日暴雨"]}}},
        )
    ),
    "POST /api/v1/demands/{demand_id}/assign": lambda w: (
        (d := _demand(w))
        and Door(
            f"/api/v1/demands/{d.pk}/assign",
            body={"version": 1, "assignee": w.people.in_scope.username},
            events={"demands.demand_assign": {}},
        )
    ),
    "POST /api/v1/demands/{demand_id}/merge": lambda w: (
        (d := _demand(w))
        and Door(
            f"/api/v1/demands/{d.pk}/merge",
            body={"version": 1, "into": _demand(w, title="路断了").code},
            events=[("demands.demand_merge", {}), ("demands.demand_merge", {"kept": True})],
        )
    ),
    "POST /api/v1/demands/{id}/transitions/{name}": lambda w: (
        (d := _demand(w))
        and Door(
            f"/api/v1/demands/{d.pk}/transitions/reject",
            body={"expected_version": 1, "reason": "重复反映"},
            events={"demands.demand_transition": {"transition": "reject"}},
        )
    ),
    "POST /api/v1/demands/{id}/deadline/extension": "refused for demands (no extension): "
    "demands/workflows.py",
    "POST /api/v1/public/demands/{code}/reply": "the villager's reply by follow-up code: "
    "cunzhi/demands/tests/test_demands.py (it needs a resolved demand with its evidence photo)",
}


def _visit(w: World) -> Any:
    """A visit of the secretary to household 001 of 石板村 (issue 11)."""
    from cunzhi.visits.testing import make_visit

    return make_visit(w.people.in_scope, w.extra["household"])


VISITS_PAGE_DOORS: dict[str, str | Callable[[World], Door]] = {
    "visits:today": READS,
    "visits:list": READS,
    "visits:coverage": READS,
    "visits:visit": READS,
    "visits:create": lambda w: Door(
        reverse("visits:create", args=[w.county.village.code]),
        data={
            "household": w.extra["household"].pk,
            "visited_on": "2026-03-02",
            "cadres": [w.people.in_scope.pk],
            "purpose": "policy",
            "findings": "宣讲了医保缴费政策。",
        },
        events={"visits.visit_record": {"fields": {"purpose": "policy"}}},
    ),
    "visits:edit": lambda w: (
        (v := _visit(w))
        and Door(
            reverse("visits:edit", args=[v.pk]),
            form="form",
            data={"others_met": "邻居王大妈"},
            events={"visits.visit_update": {"changes": {"others_met": ["", "邻居王大妈"]}}},
        )
    ),
    "visits:need": lambda w: (
        (v := _visit(w))
        and Door(
            reverse("visits:need", args=[v.pk]),
            data={
                "need_category": _category_id("roads"),
                "need_title": "入户路泥泞",
                "need_description": "雨天入户路泥泞难走。",
                "need_priority": "normal",
            },
            events=[("demands.demand_create", {}), ("visits.visit_need_to_demand", {})],
        )
    ),
}

VISITS_API_DOORS: dict[str, str | Callable[[World], Door]] = {
    "POST /api/v1/villages/{code}/visits": lambda w: Door(
        f"/api/v1/villages/{w.county.village.code}/visits",
        body={
            "household": w.extra["household"].pk,
            "visited_on": "2026-03-02",
            "cadres": [w.people.in_scope.username],
            "purpose": "survey",
            "findings": "家里一切正常",
            "need": {"category": "medical", "title": "看病远", "description": "卫生室缺药"},
        },
        events=[
            ("visits.visit_record", {}),
            ("demands.demand_create", {"fields": {"source": "visit"}}),
            ("visits.visit_need_to_demand", {"title": "看病远"}),
        ],
    ),
    "PATCH /api/v1/visits/{visit_id}": lambda w: (
        (v := _visit(w))
        and Door(
            f"/api/v1/visits/{v.pk}",
            body={"version": 1, "purpose": "follow_up"},
            events={"visits.visit_update": {"changes": {"purpose": ["survey", "follow_up"]}}},
        )
    ),
    "POST /api/v1/visits/{visit_id}/demands": lambda w: (
        (v := _visit(w))
        and Door(
            f"/api/v1/visits/{v.pk}/demands",
            body={"category": "housing", "title": "危房", "description": "墙体开裂"},
            events=[("demands.demand_create", {}), ("visits.visit_need_to_demand", {})],
        )
    ),
}
# Residency's writes need a dispatched cadre, which this world does not have: their events are
# asserted in the app's own tests.
RESIDENCY = "audited: the tests in cunzhi/residency/tests follow each write to its event"
NO_DEADLINE = "the leave and recall workflows have no deadline: an extension is refused"
RESIDENCY_PAGE_DOORS: dict[str, str | Callable[[World], Door]] = {
    "residency:compliance": READS,
    "residency:dispatch": READS,
    "residency:leaves": READS,
    "residency:leaverequest": READS,
    "residency:check_in": RESIDENCY,
    "residency:presence_fill": RESIDENCY,
    "residency:presence_correct": RESIDENCY,
    "residency:leave_create": RESIDENCY,
    "residency:leaverequest_transition": RESIDENCY,
    "residency:leaverequest_extension": NO_DEADLINE,
    "residency:assessment": READS,
    "residency:assessment_open": RESIDENCY,
    "residency:assessment_opinion": RESIDENCY,
    "residency:assessment_grade": RESIDENCY,
    "residency:recall": READS,
    "residency:dispatch_create": RESIDENCY,
    "residency:diary": RESIDENCY,
    "residency:diaryentry": RESIDENCY,
    "residency:recall_start": RESIDENCY,
    "residency:recall_transition": RESIDENCY,
    "residency:recall_extension": NO_DEADLINE,
    "residency:compliance_export": lambda w: Door(
        reverse("residency:compliance_export"),
        user="county_admin",
        data={"year": "2026"},
        events={"residency.compliance_export": {"year": 2026, "rows": 0}},
    ),
    "residency:support_list": READS,
    "residency:support": RESIDENCY,
    "residency:support_open": RESIDENCY,
    "residency:support_item_add": RESIDENCY,
    "residency:year_report": READS,
    "residency:support_export": lambda w: Door(
        reverse("residency:support_export"),
        user="county_admin",
        data={"year": "2026"},
        events={"residency.support_export": {"format": "xlsx", "rows": 0}},
    ),
    "residency:year_report_page": READS,
}
RESIDENCY_API_DOORS: dict[str, str | Callable[[World], Door]] = {
    "POST /api/v1/residency/presence": RESIDENCY,
    "POST /api/v1/residency/leave-requests": RESIDENCY,
    "POST /api/v1/residency/leave-requests/{id}/transitions/{name}": RESIDENCY,
    "POST /api/v1/residency/leave-requests/{id}/deadline/extension": NO_DEADLINE,
    "POST /api/v1/residency/recalls/{id}/transitions/{name}": RESIDENCY,
    "POST /api/v1/residency/diary": RESIDENCY,
    "POST /api/v1/residency/recalls/{id}/deadline/extension": NO_DEADLINE,
    "POST /api/v1/residency/dispatches/{dispatch_id}/support": RESIDENCY,
    "PATCH /api/v1/residency/support/{supportyear_id}": RESIDENCY,
    "POST /api/v1/residency/support/{supportyear_id}/spending": RESIDENCY,
    "POST /api/v1/residency/support/{supportyear_id}/meetings": RESIDENCY,
    "POST /api/v1/residency/support/{supportyear_id}/training": RESIDENCY,
    "POST /api/v1/residency/dispatches/{dispatch_id}/assessments": RESIDENCY,
    "POST /api/v1/residency/assessments/{assessment_id}/opinion": RESIDENCY,
    "POST /api/v1/residency/assessments/{assessment_id}/grade": RESIDENCY,
    "POST /api/v1/residency/dispatches/{dispatch_id}/recalls": RESIDENCY,
}


# --- disputes: petitions, mediation, stability assessments --------------------------------------
def _petition(w: World, *, accepted: bool = False) -> Any:
    petition = make_petition(w.county, region=w.county.village)
    if accepted:
        petition = petition_transition(
            actor=w.county.admin,
            petition=petition,
            name="accept",
            expected_version=petition.version,
            accepted_on=datetime.date(2025, 10, 10),
        )
    return petition


def _assessment(w: World) -> Any:
    return assessment_create(
        actor=w.county.admin,
        region=w.county.village,
        subject="石板村土地流转项目",
        matter_type="collective_land_contract",
        risk_points="部分农户不同意流转价格",
        level="medium",
        measures="逐户走访",
    )


def _consent_door(party: Any) -> Door:
    return Door(
        reverse("disputes:party_consent", args=[party.pk]),
        data={f"party{party.pk}-consented_on": "2025-09-02", f"party{party.pk}-version": "1"},
        events={"disputes.case_party_consent": {"changes": {"consented_on": [None, "2025-09-02"]}}},
    )


NO_EXTENSION = "refused: this record's time limits take no extension (cunzhi/disputes/tests)"
PETITION_FORM = {
    "kind": "complaint",
    "channel": "visit",
    "petitioner_name": "王五",
    "petitioner_count": "1",
    "content": "反映低保评定不公",
    "receiving_organ": "石板村委会",
    "received_on": "2025-09-30",
}
DISPUTES_PAGE_DOORS: dict[str, str | Callable[[World], Door]] = {
    "disputes:overview": READS,
    "disputes:petitions": READS,
    "disputes:petitions_export": lambda w: Door(
        reverse("disputes:petitions_export", args=[w.county.village.code]),
        data={"state": "open"},
        events={"disputes.petitions_export": {"filters": {"state": "open"}}},
    ),
    "disputes:petition": READS,
    "disputes:cases": READS,
    "disputes:case": READS,
    "disputes:committee": READS,
    "disputes:committee_create": lambda w: Door(
        reverse("disputes:committee_create", args=[w.county.village.code]),
        data={
            "term_starts_on": "2025-01-01",
            "chair": w.extra["spouse"].pk,
            "members": [w.extra["head"].pk, w.extra["daughter"].pk],
        },
        events={"disputes.committee_set": {"term_starts_on": "2025-01-01"}},
    ),
    "disputes:assessment": READS,
    "disputes:petition_create": lambda w: Door(
        reverse("disputes:petition_create", args=[w.county.village.code]),
        data=PETITION_FORM,
        events={"disputes.petition_register": {"fields": {"petitioner_name": "王五"}}},
    ),
    "disputes:case_create": lambda w: Door(
        reverse("disputes:case_create", args=[w.county.village.code]),
        data={
            "title": "耕地灌溉用水纠纷",
            "dispute_type": "neighbours",
            "facts": "上下游用水争执",
            "received_on": "2025-09-01",
            "level": "village",
            "applicant": "杨德福",
            "respondent": "李春生",
        },
        events=[
            ("disputes.mediation_case_create", {"fields": {"title": "耕地灌溉用水纠纷"}}),
            ("disputes.case_party_add", {"name": "杨德福"}),
            ("disputes.case_party_add", {"name": "李春生"}),
        ],
    ),
    "disputes:party_add": lambda w: Door(
        reverse("disputes:party_add", args=[make_case(w.county).pk]),
        data={"side": "respondent", "name": "赵六"},
        events={"disputes.case_party_add": {"name": "赵六", "side": "respondent"}},
    ),
    "disputes:party_consent": lambda w: _consent_door(make_case(w.county).parties.all()[0]),
    "disputes:session_add": lambda w: Door(
        reverse("disputes:session_add", args=[make_case(w.county).pk]),
        data={"held_on": "2025-09-05", "notes": "双方到场，陈述各自意见"},
        events={"disputes.mediation_session_add": {"fields": {"notes": "双方到场，陈述各自意见"}}},
    ),
    "disputes:case_risk": lambda w: Door(
        reverse("disputes:case_risk", args=[make_case(w.county).pk]),
        data={"risk_flag": "on", "risk_note": "涉及三十余户", "version": "1"},
        events={
            "disputes.mediation_case_set_risk": {
                "changes": {"risk_flag": [False, True], "risk_note": ["", "涉及三十余户"]}
            }
        },
    ),
    "disputes:assessments": lambda w: Door(
        reverse("disputes:assessments", args=[w.county.village.code]),
        data={
            "subject": "村道拓宽征地",
            "matter_type": "land_requisition",
            "risk_points": "两户不同意",
            "level": "high",
            "measures": "县镇联合调解",
        },
        events={"disputes.assessment_create": {"fields": {"subject": "村道拓宽征地"}}},
    ),
    "disputes:petition_transition": lambda w: Door(
        reverse("disputes:petition_transition", args=[_petition(w).pk, "accept"]),
        data={"accept-accepted_on": "2025-10-10", "expected_version": "1"},
        events={"disputes.petition_transition": {"transition": "accept", "to": "accepted"}},
    ),
    "disputes:petition_extension": lambda w: Door(
        reverse("disputes:petition_extension", args=[_petition(w, accepted=True).pk]),
        data={"extension-days": "30", "extension-reason": "需现场勘测", "expected_version": "2"},
        events={"disputes.petition_deadline_extend": {"days": 30}},
    ),
    "disputes:mediationcase_transition": lambda w: Door(
        reverse("disputes:mediationcase_transition", args=[make_case(w.county).pk, "fail"]),
        data={"fail-routes_told": "可向法院起诉", "expected_version": "1"},
        events={"disputes.mediation_case_transition": {"transition": "fail", "to": "failed"}},
    ),
    "disputes:mediationcase_extension": NO_EXTENSION,
    "disputes:stabilityassessment_transition": lambda w: Door(
        reverse("disputes:stabilityassessment_transition", args=[_assessment(w).pk, "approve"]),
        user="county_admin",
        data={
            "approve-conclusion": "风险可控，可以实施",
            "approve-approved_on": "2025-10-20",
            "expected_version": "1",
        },
        events={"disputes.assessment_transition": {"transition": "approve", "to": "approved"}},
    ),
    "disputes:stabilityassessment_extension": NO_EXTENSION,
}
DISPUTES_API_DOORS: dict[str, str | Callable[[World], Door]] = {
    "POST /api/v1/petitions": lambda w: Door(
        "/api/v1/petitions",
        body={**PETITION_FORM, "petitioner_count": 1, "region": w.county.village.code},
        events={"disputes.petition_register": {"fields": {"petitioner_name": "王五"}}},
    ),
    "POST /api/v1/petitions/{id}/transitions/{name}": lambda w: Door(
        f"/api/v1/petitions/{_petition(w).pk}/transitions/refuse",
        body={"expected_version": 1, "reason": "已经司法程序处理"},
        events={"disputes.petition_transition": {"transition": "refuse", "to": "refused"}},
    ),
    "POST /api/v1/petitions/{id}/deadline/extension": lambda w: Door(
        f"/api/v1/petitions/{_petition(w, accepted=True).pk}/deadline/extension",
        body={"expected_version": 2, "days": 15, "reason": "需现场勘测"},
        events={"disputes.petition_deadline_extend": {"days": 15}},
    ),
    "POST /api/v1/mediation-cases": lambda w: Door(
        "/api/v1/mediation-cases",
        body={
            "village": w.county.village.code,
            "title": "欠薪纠纷",
            "dispute_type": "wages",
            "facts": "包工头拖欠工资",
            "received_on": "2025-09-01",
            "parties": [
                {"side": "applicant", "name": "杨建国"},
                {"side": "respondent", "name": "外地包工头张某"},
            ],
        },
        events=[
            ("disputes.mediation_case_create", {"fields": {"title": "欠薪纠纷"}}),
            ("disputes.case_party_add", {"name": "杨建国"}),
            ("disputes.case_party_add", {"name": "外地包工头张某"}),
        ],
    ),
    "POST /api/v1/mediation-cases/{mediationcase_id}/sessions": lambda w: Door(
        f"/api/v1/mediation-cases/{make_case(w.county).pk}/sessions",
        body={"held_on": "2025-09-05", "notes": "第一次调解"},
        events={"disputes.mediation_session_add": {"fields": {"notes": "第一次调解"}}},
    ),
    "POST /api/v1/case-parties/{caseparty_id}/consent": lambda w: Door(
        f"/api/v1/case-parties/{make_case(w.county).parties.all()[0].pk}/consent",
        body={"consented_on": "2025-09-02", "version": 1},
        events={"disputes.case_party_consent": {"changes": {"consented_on": [None, "2025-09-02"]}}},
    ),
    "POST /api/v1/mediation-cases/{id}/transitions/{name}": lambda w: Door(
        f"/api/v1/mediation-cases/{make_case(w.county).pk}/transitions/escalate",
        body={"expected_version": 1, "reason": "村级调解两次未果"},
        events={
            "disputes.mediation_case_transition": {
                "transition": "escalate",
                "changes": {"level": ["village", "township"], "escalated": [False, True]},
            }
        },
    ),
    "POST /api/v1/mediation-cases/{id}/deadline/extension": NO_EXTENSION,
    "POST /api/v1/assessments": lambda w: Door(
        "/api/v1/assessments",
        body={
            "region": w.county.village.code,
            "subject": "村道拓宽征地",
            "matter_type": "land_requisition",
            "risk_points": "两户不同意",
            "level": "high",
            "measures": "县镇联合调解",
        },
        events={"disputes.assessment_create": {"fields": {"subject": "村道拓宽征地"}}},
    ),
    "POST /api/v1/assessments/{id}/transitions/{name}": lambda w: Door(
        f"/api/v1/assessments/{_assessment(w).pk}/transitions/approve",
        user="county_admin",
        body={"expected_version": 1, "conclusion": "风险可控", "approved_on": "2025-10-20"},
        events={"disputes.assessment_transition": {"transition": "approve"}},
    ),
    "POST /api/v1/assessments/{id}/deadline/extension": NO_EXTENSION,
}


# The kit adds an extension door to every workflow; no plan time limit may be extended (a task's
# planned end or an item's time limit is edited instead, audited), so each answers 422.
PLANS_NO_EXTENSION = "refuses: the plan's time limits are changed by editing, not extended"

PLANS_API_DOORS: dict[str, str | Callable[[World], Door]] = {
    "POST /api/v1/plans/{id}/deadline/extension": PLANS_NO_EXTENSION,
    "POST /api/v1/tasks/{id}/deadline/extension": PLANS_NO_EXTENSION,
    "POST /api/v1/rectifications/{id}/deadline/extension": PLANS_NO_EXTENSION,
    "POST /api/v1/villages/{code}/plans": lambda w: Door(
        f"/api/v1/villages/{w.county.village.code}/plans",
        body={"year": 2027},
        events={"plans.plan_create": {"fields": {"year": 2027}}},
    ),
    "PATCH /api/v1/plans/{plan_id}": lambda w: Door(
        f"/api/v1/plans/{w.extra['plan'].pk}",
        body={"summary": "围绕五大员职责", "version": w.extra["plan"].version},
        events={"plans.plan_update": {"changes": {"summary": ["", "围绕五大员职责"]}}},
    ),
    "POST /api/v1/plans/{plan_id}/objectives": lambda w: Door(
        f"/api/v1/plans/{w.extra['plan'].pk}/objectives",
        body={"role": "farmer_educator", "duty": "serve_people", "title": "开展技能培训"},
        events={"plans.objective_add": {"fields": {"title": "开展技能培训"}}},
    ),
    "PATCH /api/v1/objectives/{objective_id}": lambda w: Door(
        f"/api/v1/objectives/{w.extra['objective'].pk}",
        body={"title": "壮大村集体经济"},
        headers={"If-Match": f'"{w.extra["objective"].version}"'},
        events={
            "plans.objective_update": {"changes": {"title": ["发展村集体经济", "壮大村集体经济"]}}
        },
    ),
    "POST /api/v1/objectives/{objective_id}/tasks": lambda w: Door(
        f"/api/v1/objectives/{w.extra['objective'].pk}/tasks",
        body={
            "title": "申报冷库项目",
            "owner": w.extra["committee_member"].pk,
            "planned_start": "2026-04-01",
            "planned_end": "2026-05-31",
        },
        events={"plans.task_create": {"fields": {"title": "申报冷库项目"}}},
    ),
    "PATCH /api/v1/tasks/{task_id}": lambda w: Door(
        f"/api/v1/tasks/{w.extra['task'].pk}",
        body={"description": "与合作社共建", "version": w.extra["task"].version},
        events={"plans.task_update": {"changes": {"description": ["", "与合作社共建"]}}},
    ),
    "POST /api/v1/tasks/{task_id}/notes": lambda w: Door(
        f"/api/v1/tasks/{w.extra['task'].pk}/notes",
        body={"text": "已流转土地32亩"},
        events={"plans.progress_note_add": {"fields": {"text": "已流转土地32亩"}}},
    ),
    "POST /api/v1/tasks/{task_id}/milestones": lambda w: Door(
        f"/api/v1/tasks/{w.extra['task'].pk}/milestones",
        body={"title": "苗木到位", "due_on": "2026-05-10"},
        events={"plans.milestone_add": {"fields": {"title": "苗木到位"}}},
    ),
    "POST /api/v1/milestones/{milestone_id}/reach": lambda w: Door(
        f"/api/v1/milestones/{w.extra['milestone'].pk}/reach",
        body={"reached_on": "2026-04-10", "version": w.extra["milestone"].version},
        events={"plans.milestone_reach": {"changes": {"reached_on": [None, "2026-04-10"]}}},
    ),
    "POST /api/v1/villages/{code}/rectifications": lambda w: Door(
        f"/api/v1/villages/{w.county.village.code}/rectifications",
        body={
            "problem": "党员活动室漏雨",
            "source": "self_check",
            "measure": "维修屋顶",
            "responsible": w.extra["committee_member"].pk,
            "deadline_on": "2026-12-31",
        },
        events={"plans.rectification_create": {"fields": {"problem": "党员活动室漏雨"}}},
    ),
    "PATCH /api/v1/rectifications/{rectification_id}": lambda w: Door(
        f"/api/v1/rectifications/{w.extra['rectification'].pk}",
        body={"source": "supervision", "version": w.extra["rectification"].version},
        events={
            "plans.rectification_update": {"changes": {"source": ["inspection", "supervision"]}}
        },
    ),
    "POST /api/v1/plans/{id}/transitions/{name}": lambda w: Door(
        f"/api/v1/plans/{w.extra['plan'].pk}/transitions/submit",
        body={"expected_version": w.extra["plan"].version},
        events={"plans.plan_transition": {"transition": "submit"}},
    ),
    "POST /api/v1/tasks/{id}/transitions/{name}": lambda w: Door(
        f"/api/v1/tasks/{w.extra['task'].pk}/transitions/start",
        body={"expected_version": w.extra["task"].version, "comment": "苗木已订购"},
        events={"plans.task_transition": {"transition": "start"}},
    ),
    "POST /api/v1/rectifications/{id}/transitions/{name}": lambda w: Door(
        f"/api/v1/rectifications/{w.extra['rectification'].pk}/transitions/start",
        body={"expected_version": w.extra["rectification"].version},
        events={"plans.rectification_transition": {"transition": "start"}},
    ),
}


# Village decisions and the public board (issue 12): the records each door needs are made by the
# door itself, through the apps' own test helpers.
def _decisions_village(w: World) -> Any:
    from cunzhi.decisions.testing import build_village

    return build_village(w.county, households=3, start=40)


def _matter(w: World) -> Any:
    from cunzhi.decisions.testing import propose

    return propose(w.county)


def _open_meeting(w: World) -> Any:
    from cunzhi.decisions.models import MeetingKind
    from cunzhi.decisions.testing import hold

    built = _decisions_village(w)
    return hold(w.county, _matter(w), MeetingKind.JOINT, built.committees)


def _notice(w: World) -> Any:
    from cunzhi.openness.testing import publish_list

    return publish_list(w.county)


def _objection(w: World) -> Any:
    from cunzhi.openness.services import objection_raise, sender_of

    return objection_raise(
        notice=_notice(w), phone="13987654321", text="名单有误", sender=sender_of("x")
    )


def _membership(w: World) -> Any:
    return _decisions_village(w).households[0].head.memberships.order_by("pk").first()


def _meeting_form_door(w: World) -> Door:
    built = _decisions_village(w)
    matter = _matter(w)
    today = datetime.date.today()
    return Door(
        reverse("decisions:meeting_create", args=[matter.pk]),
        data={
            "kind": "joint",
            "held_on": str(today),
            "notice_on": str(today - datetime.timedelta(days=3)),
            "place": "村委会",
            "attendees": [r.pk for r in built.committees],
        },
        events={"decisions.meeting_convene": {"quorum_met": True}},
    )


PUBLISHED: list[tuple[str, dict[str, Any]]] = [("openness.notice_publish", {})]
DECISIONS_PAGE_DOORS: dict[str, str | Callable[[World], Door]] = {
    "decisions:matter": READS,
    "decisions:meeting": READS,
    "decisions:matter_extension": "matters have no time limit: the door refuses (no deadline)",
    "decisions:matters": lambda w: Door(
        reverse("decisions:matters", args=[w.county.village.code]),
        data={
            "matter_type": "public_welfare",
            "title": "村道硬化",
            "description": "硬化1.2公里",
            "proposed_on": "2026-11-02",
        },
        events={"decisions.matter_propose": {"fields": {"title": "村道硬化"}}},
    ),
    "decisions:registers": lambda w: Door(
        reverse("decisions:registers", args=[w.county.village.code]),
        data={
            "body": "representatives",
            "resident": w.extra["spouse"].pk,
            "starts_on": "2026-01-05",
        },
        events={"decisions.membership_appoint": {"fields": {"body": "representatives"}}},
    ),
    "decisions:matter_transition": lambda w: (
        lambda matter: Door(
            reverse("decisions:matter_transition", args=[matter.pk, "withdraw"]),
            data={"withdraw-reason": "上级已立项", "expected_version": matter.version},
            events={"decisions.matter_transition": {"transition": "withdraw"}},
        )
    )(_matter(w)),
    "decisions:meeting_create": _meeting_form_door,
    "decisions:meeting_vote": lambda w: (
        lambda meeting: Door(
            reverse("decisions:meeting_vote", args=[meeting.pk]),
            data={
                "votes_for": "3",
                "votes_against": "0",
                "votes_abstain": "0",
                "version": meeting.version,
            },
            events={
                "decisions.meeting_vote": {
                    "changes": {
                        "votes_for": [None, 3],
                        "votes_against": [None, 0],
                        "votes_abstain": [None, 0],
                        "outcome": ["open", "passed"],
                    }
                }
            },
        )
    )(_open_meeting(w)),
    "decisions:membership_end": lambda w: (
        lambda entry: Door(
            reverse("decisions:membership_end", args=[entry.pk]),
            data={"ends_on": "2026-06-30", "version": entry.version},
            events={"decisions.membership_end": {"changes": {"ends_on": [None, "2026-06-30"]}}},
        )
    )(_membership(w)),
    "decisions:opinion": lambda w: Door(
        reverse("decisions:opinion", args=[_matter(w).pk]),
        form="form",
        user="root",
        data={"opinion": "程序合规"},
        events={"decisions.opinion_give": {"fields": {"opinion": "程序合规"}}},
    ),
    "openness:board": READS,
    "openness:compliance": READS,
    "openness:notice": READS,
    "openness:notice_pdf": READS,
    "openness:notices": lambda w: Door(
        reverse("openness:notices", args=[w.county.village.code]),
        data={"category": "finance", "title": "10月财务收支", "body": "收入1200元"},
        events=PUBLISHED,
    ),
    "openness:objection": lambda w: (
        lambda objection: Door(
            reverse("openness:objection", args=[objection.pk]),
            form="form",
            data={"answer": "已核实"},
            events={"openness.objection_answer": {"changes": {"answer": ["", "已核实"]}}},
        )
    )(_objection(w)),
    "openness:public_notice": lambda w: Door(
        reverse("openness:public_notice", args=[_notice(w).pk]),
        data={"phone": "13987654321", "text": "名单有误"},
        events={"openness.objection_raise": {"phone": "139****4321"}},
    ),
    "decisions:matters_export": lambda w: Door(
        reverse("decisions:matters_export", args=[w.county.village.code]),
        data={"reason": ""},
        events={"decisions.matters_export": {"full_numbers": False}},
    ),
    "openness:notices_export": lambda w: Door(
        reverse("openness:notices_export", args=[w.county.village.code]),
        data={"reason": ""},
        events={"openness.notices_export": {"full_numbers": False}},
    ),
}


DECISIONS_API_DOORS: dict[str, str | Callable[[World], Door]] = {
    "POST /api/v1/matters/{id}/deadline/extension": "matters have no time limit: refused",
    "POST /api/v1/villages/{code}/matters": lambda w: Door(
        f"/api/v1/villages/{w.county.village.code}/matters",
        body={"matter_type": "homestead", "title": "宅基地规划", "description": "第一组"},
        events={"decisions.matter_propose": {"fields": {"title": "宅基地规划"}}},
    ),
    "POST /api/v1/matters/{id}/transitions/{name}": lambda w: (
        lambda matter: Door(
            f"/api/v1/matters/{matter.pk}/transitions/withdraw",
            body={"reason": "上级已立项", "expected_version": matter.version},
            events={"decisions.matter_transition": {"transition": "withdraw"}},
        )
    )(_matter(w)),
    "POST /api/v1/matters/{matter_id}/meetings": lambda w: (
        lambda built, matter: Door(
            f"/api/v1/matters/{matter.pk}/meetings",
            body={
                "kind": "joint",
                "held_on": str(datetime.date.today()),
                "notice_on": str(datetime.date.today()),
                "place": "村委会",
                "attendees": [r.pk for r in built.committees[:1]],
            },
            events={"decisions.meeting_convene": {"quorum_met": False}},
        )
    )(_decisions_village(w), _matter(w)),
    "POST /api/v1/matters/{matter_id}/opinions": lambda w: Door(
        f"/api/v1/matters/{_matter(w).pk}/opinions",
        user="root",
        body={"opinion": "同意"},
        events={"decisions.opinion_give": {}},
    ),
    "POST /api/v1/meetings/{meeting_id}/votes": lambda w: (
        lambda meeting: Door(
            f"/api/v1/meetings/{meeting.pk}/votes",
            body={
                "votes_for": 2,
                "votes_against": 1,
                "votes_abstain": 0,
                "version": meeting.version,
            },
            events={"decisions.meeting_vote": {}},
        )
    )(_open_meeting(w)),
    "POST /api/v1/villages/{code}/registers": lambda w: Door(
        f"/api/v1/villages/{w.county.village.code}/registers",
        body={"body": "party_members", "resident": w.extra["spouse"].pk, "starts_on": "2026-01-05"},
        events={"decisions.membership_appoint": {}},
    ),
    "POST /api/v1/villages/{code}/notices": lambda w: Door(
        f"/api/v1/villages/{w.county.village.code}/notices",
        body={"category": "benefits", "title": "临时救助公示", "body": "杨德福", "publicity": True},
        events=PUBLISHED,
    ),
    "POST /api/v1/objections/{objection_id}/answer": lambda w: (
        lambda objection: Door(
            f"/api/v1/objections/{objection.pk}/answer",
            body={"answer": "已核实", "version": objection.version},
            events={"openness.objection_answer": {}},
        )
    )(_objection(w)),
    "POST /api/v1/public/notices/{notice_id}/objections": lambda w: Door(
        f"/api/v1/public/notices/{_notice(w).pk}/objections",
        body={"phone": "13987654321", "text": "名单有误"},
        events={"openness.objection_raise": {"named": False}},
    ),
}


PAGE_DOORS: dict[str, str | Callable[[World], Door]] = {
    "login": SIGN_IN,
    "logout": SIGN_IN,
    "set_language": SESSION,
    "accounts:switch_post": SESSION,
    "accounts:password_change": lambda w: Door(
        reverse("accounts:password_change"),
        data={
            "old_password": PASSWORD,
            "new_password1": "a-new-village-road-2027",
            "new_password2": "a-new-village-road-2027",
        },
        events={"accounts.password_change": {}},
    ),
    "accounts:two_factor": SIGN_IN,
    "accounts:two_factor_verify": SIGN_IN,
    "accounts:person_unlock": lambda w: Door(
        reverse("accounts:person_unlock", args=[w.people.in_scope.username]),
        user="county_admin",
        events={"accounts.sign_in_unlock": {}},
    ),
    "accounts:person_two_factor_reset": lambda w: Door(
        reverse("accounts:person_two_factor_reset", args=[w.people.in_scope.username]),
        user="county_admin",
        events={"accounts.two_factor_reset": {"username": "secretary"}},
    ),
    "core:home": READS,
    "core:attention": READS,
    "inbox:list": READS,
    "inbox:read": PERSONAL,
    "inbox:read_all": PERSONAL,
    "attachments:add": ATTACHMENTS,
    "attachments:download": ATTACHMENTS,
    "attachments:remove": ATTACHMENTS,
    "registry:resident_call": "an audited reveal: registry/tests/test_privacy.py",
    "registry:household_reveal": "an audited reveal: registry/tests/test_privacy.py",
    "core:healthz": READS,
    "core:rules": lambda w: Door(
        reverse("core:rules"),
        form="form",
        user="county_admin",
        data={"key": "openness.publicity_days", "valid_from": "2027-01-01", "value": "10"},
        events={
            "core.policy_override_set": {
                "key": "openness.publicity_days",
                "value": 10,
                "valid_from": "2027-01-01",
            }
        },
    ),
    "audit:list": READS,
    "audit:history": READS,
    "regions:list": READS,
    "regions:detail": READS,
    "regions:profile": READS,
    "regions:profile_edit": lambda w: Door(
        reverse("regions:profile_edit", args=[w.county.village.code]),
        form="form",
        data={"population": "1300"},
        events={
            "regions.village_profile_update": {
                "changes": {"population": [1200, 1300]},
                "version": 2,
            }
        },
    ),
    "regions:contacts": lambda w: Door(
        reverse("regions:contacts", args=[w.county.village.code]),
        data={"name": "王芳", "organisation": "青龙镇卫生院", "level": "township"},
        events={"regions.contact_create": {"fields": {"name": "王芳"}}},
    ),
    "regions:contact_edit": lambda w: Door(
        reverse("regions:contact_edit", args=[w.contact.pk]),
        form="form",
        data={"phone": "13870002222"},
        events={
            "regions.contact_update": {
                "changes": {"phone": ["13870001111", "13870002222"]},
                "version": 2,
            }
        },
    ),
    "regions:contact_delete": lambda w: Door(
        reverse("regions:contact_delete", args=[w.contact.pk]),
        events={"regions.contact_delete": {"fields": {"name": "李医生"}}},
    ),
    "regions:clan_create": lambda w: Door(
        reverse("regions:clan_create", args=[w.county.village.code]),
        form="form",
        data={"surname": "李", "households": "40", "share_percent": "10"},
        events={"regions.clan_create": {"fields": {"surname": "李", "households": 40}}},
    ),
    "regions:clan_edit": lambda w: Door(
        reverse("regions:clan_edit", args=[w.clan.pk]),
        form="form",
        data={"households": "125"},
        events={"regions.clan_update": {"changes": {"households": [120, 125]}, "version": 2}},
    ),
    "regions:clan_delete": lambda w: Door(
        reverse("regions:clan_delete", args=[w.clan.pk]),
        events={"regions.clan_delete": {"fields": {"surname": "杨"}}},
    ),
    "regions:facility_create": lambda w: Door(
        reverse("regions:facility_create", args=[w.county.village.code]),
        form="form",
        data={"kind": "clinic", "name": "石板村卫生室"},
        events={"regions.facility_create": {"fields": {"kind": "clinic"}}},
    ),
    "regions:facility_edit": lambda w: Door(
        reverse("regions:facility_edit", args=[w.facility.pk]),
        form="form",
        data={"name": "石板完小"},
        events={
            "regions.facility_update": {"changes": {"name": ["石板小学", "石板完小"]}, "version": 2}
        },
    ),
    "regions:facility_delete": lambda w: Door(
        reverse("regions:facility_delete", args=[w.facility.pk]),
        events={"regions.facility_delete": {"fields": {"name": "石板小学"}}},
    ),
    "accounts:people": READS,
    "accounts:person_create": lambda w: Door(
        reverse("accounts:person_create"),
        form="form",
        user="county_admin",
        data={
            "username": "newcadre",
            "full_name": "新干部",
            "password": "long-enough-password-2026",
            "role": Role.VILLAGE_COMMITTEE_MEMBER,
            "region": w.county.village.pk,
        },
        events={
            "accounts.user_create": {"username": "newcadre"},
            "accounts.post_assign": {"user": "newcadre", "region": w.county.village.code},
        },
    ),
    "accounts:person": lambda w: Door(
        reverse("accounts:person", args=[w.people.in_scope.username]),
        form="form",
        user="county_admin",
        data={"role": Role.WORK_TEAM_MEMBER, "region": w.county.village.pk},
        events={"accounts.post_assign": {"user": "secretary", "role": "work_team_member"}},
    ),
    "accounts:post_end": lambda w: Door(
        reverse("accounts:post_end", args=[w.people.read_only.posts.get().pk]),
        user="county_admin",
        data={"ends_on": "2030-01-31", "version": "1"},
        events={"accounts.post_end": {"changes": {"ends_on": [None, "2030-01-31"]}, "version": 2}},
    ),
    "accounts:tokens": lambda w: Door(
        reverse("accounts:tokens"),
        data={"name": "办公室电脑"},
        events={"accounts.api_token_create": {"name": "办公室电脑"}},
    ),
    "accounts:token_revoke": lambda w: Door(
        reverse("accounts:token_revoke", args=[w.extra["token"].pk]),
        events={"accounts.api_token_revoke": {"prefix": w.extra["token"].prefix}},
    ),
    **REGISTRY_PAGE_DOORS,
    **DEMANDS_PAGE_DOORS,
    **VISITS_PAGE_DOORS,
    **RESIDENCY_PAGE_DOORS,
    **DISPUTES_PAGE_DOORS,
    **PLANS_PAGE_DOORS,
    **DECISIONS_PAGE_DOORS,
}


API_DOORS: dict[str, str | Callable[[World], Door]] = {
    "POST /api/v1/auth/token": SIGN_IN,
    "DELETE /api/v1/auth/tokens/{token_id}": lambda w: Door(
        f"/api/v1/auth/tokens/{w.extra['token'].pk}",
        events={"accounts.api_token_revoke": {"prefix": w.extra["token"].prefix}},
    ),
    "PATCH /api/v1/villages/{code}/profile": lambda w: Door(
        f"/api/v1/villages/{w.county.village.code}/profile",
        body={"households": 402, "version": 1},
        events={"regions.village_profile_update": {"changes": {"households": [0, 402]}}},
    ),
    "POST /api/v1/villages/{code}/facilities": lambda w: Door(
        f"/api/v1/villages/{w.county.village.code}/facilities",
        body={"kind": "water_source", "name": "老井"},
        events={"regions.facility_create": {"fields": {"name": "老井"}}},
    ),
    "PATCH /api/v1/facilities/{facility_id}": lambda w: Door(
        f"/api/v1/facilities/{w.facility.pk}",
        body={"notes": "2019年翻修"},
        headers={"If-Match": '"1"'},
        events={"regions.facility_update": {"changes": {"notes": ["", "2019年翻修"]}}},
    ),
    "DELETE /api/v1/facilities/{facility_id}": lambda w: Door(
        f"/api/v1/facilities/{w.facility.pk}",
        events={"regions.facility_delete": {"fields": {"name": "石板小学"}}},
    ),
    "POST /api/v1/regions/{code}/contacts": lambda w: Door(
        f"/api/v1/regions/{w.county.village.code}/contacts",
        body={"name": "赵强", "organisation": "县水务局", "level": "county"},
        events={"regions.contact_create": {"fields": {"name": "赵强"}}},
    ),
    "PATCH /api/v1/contacts/{contact_id}": lambda w: Door(
        f"/api/v1/contacts/{w.contact.pk}",
        body={"position": "村医", "version": 1},
        events={"regions.contact_update": {"changes": {"position": ["", "村医"]}}},
    ),
    "DELETE /api/v1/contacts/{contact_id}": lambda w: Door(
        f"/api/v1/contacts/{w.contact.pk}",
        events={"regions.contact_delete": {"fields": {"name": "李医生"}}},
    ),
    **REGISTRY_API_DOORS,
    **DEMANDS_API_DOORS,
    **VISITS_API_DOORS,
    **RESIDENCY_API_DOORS,
    **DISPUTES_API_DOORS,
    **PLANS_API_DOORS,
    **DECISIONS_API_DOORS,
}


def page_doors() -> set[str]:
    """The name of every page URL of the project (namespace:name), from the resolver."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in OTHER_DOORS:
                    continue
                inner = pattern.namespace or ""
                prefix = f"{namespace}:{inner}" if namespace and inner else namespace or inner
                walk(pattern.url_patterns, prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def api_doors(client: Client) -> set[str]:
    """Every API operation that may write, from the OpenAPI description."""
    schema = client.get("/api/v1/openapi.json").json()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    }


def test_every_page_url_says_what_it_writes(db: None) -> None:
    found = page_doors()
    missing = sorted(found - PAGE_DOORS.keys())
    assert not missing, f"page URLs with no entry in PAGE_DOORS: {missing}"
    gone = sorted(PAGE_DOORS.keys() - found)
    assert not gone, f"PAGE_DOORS entries for URLs that no longer exist: {gone}"


def test_every_api_write_says_what_it_writes(db: None) -> None:
    found = api_doors(Client())
    missing = sorted(found - API_DOORS.keys())
    assert not missing, f"API operations with no entry in API_DOORS: {missing}"
    gone = sorted(API_DOORS.keys() - found)
    assert not gone, f"API_DOORS entries for operations that no longer exist: {gone}"


def _matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(k in actual and _matches(v, actual[k]) for k, v in expected.items())
    return bool(expected == actual)


def _check_events(before: int, door: Door) -> None:
    expected = list(door.events.items()) if isinstance(door.events, dict) else door.events
    events = list(Event.objects.filter(pk__gt=before).order_by("pk"))
    actions = sorted(e.action for e in events)
    assert actions == sorted(a for a, _ in expected), f"{door.url}: events {actions}"
    for event in events:
        candidates = [subset for action, subset in expected if action == event.action]
        assert any(
            _matches(subset, event.data)
            and ("changes" not in subset or event.data.get("changes") == subset["changes"])
            for subset in candidates
        ), f"{event.action}: {event.data} is none of {candidates}"


def _user(world: World, door: Door) -> User:
    users = {"county_admin": world.county_admin, "root": world.county.admin}
    return users.get(door.user, world.people.in_scope)


@pytest.mark.parametrize("name", sorted(n for n, d in PAGE_DOORS.items() if callable(d)), ids=str)
def test_a_page_write_leaves_its_audit_event(
    name: str, county: County, people: ThreePeople, settings: Any, tmp_path: Any
) -> None:
    # An upload is stored and its import run at once, so that its writes are seen here.
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    world = build_world(county, people)
    make_door = PAGE_DOORS[name]
    assert callable(make_door)
    door = make_door(world)
    client = Client()
    client.force_login(_user(world, door))
    data = dict(door.data)
    if door.form:
        page = client.get(door.url)
        assert page.status_code == 200, f"{name}: GET {page.status_code}"
        data = _form_data(page.context[door.form], door.data)
    before = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for name_, (file_name, content) in door.files.items():
        data[name_] = SimpleUploadedFile(file_name, content)
    response = client.post(door.url, data)
    form = response.context.get(door.form or "form") if response.context else None
    assert response.status_code in (200, 302), f"{name}: {response.status_code}"
    assert not (form is not None and form.errors), f"{name}: {form.errors}"
    _check_events(before, door)


@pytest.mark.parametrize("name", sorted(n for n, d in API_DOORS.items() if callable(d)), ids=str)
def test_an_api_write_leaves_its_audit_event(
    name: str, county: County, people: ThreePeople
) -> None:
    world = build_world(county, people)
    make_door = API_DOORS[name]
    assert callable(make_door)
    door = make_door(world)
    method = name.split(" ", 1)[0].lower()
    client = Client()
    client.force_login(_user(world, door))
    before = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    body = json.dumps(door.body) if door.body is not None else None
    response = getattr(client, method)(
        door.url, body, content_type="application/json", headers=door.headers
    )
    assert response.status_code in (200, 201, 204), f"{name}: {response.content!r}"
    _check_events(before, door)
