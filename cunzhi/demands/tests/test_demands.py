"""Demands end to end: the issue's "done when", deadlines counted the Chinese way, escalation by
the sweep, the villager's follow-up code, duplicates, scoping and the figures."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import Role, User
from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping, make_user
from cunzhi.audit.models import Event
from cunzhi.core.inbox.models import Notification
from cunzhi.core.workflow.sweep import sweep
from cunzhi.demands.models import Demand, DemandLevel, DemandRollup, DemandState
from cunzhi.demands.selectors import demand_statistics, median_of_histogram
from cunzhi.demands.services import (
    demand_merge,
    demand_reply_by_code,
    demand_transition,
    rollup_rebuild,
)
from cunzhi.demands.testing import make_demand, photo
from cunzhi.registry.testing import family, head_of

pytestmark = pytest.mark.django_db


def _committee_member(county: County) -> User:
    return make_user(county, "committee", Role.VILLAGE_COMMITTEE_MEMBER, county.village)


def _post_step(client: Client, demand: Demand, name: str, **data: Any) -> Any:
    demand.refresh_from_db()
    fields = {f"{name}-{key}": value for key, value in data.items()}
    url = reverse("demands:demand_transition", args=[demand.pk, name])
    return client.post(url, {"expected_version": demand.version, **fields})


def _events(demand: Demand) -> list[str]:
    return list(
        Event.objects.filter(object_type="demands.demand", object_id=str(demand.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# The deadline: the category's days, counted the Chinese way


def test_drinking_water_gets_seven_days_and_a_deadline_on_national_day_moves_past_it(
    county: County,
) -> None:
    # Wednesday 2025-09-24 + 7 days = 2025-10-01, National Day; the holiday runs to 10-08.
    demand = make_demand(
        county.admin,
        county.village,
        category="drinking_water",
        registered_on=datetime.date(2025, 9, 24),
        today=datetime.date(2025, 9, 24),
    )
    assert demand.resolve_by == datetime.date(2025, 10, 9)
    assert demand.due_on == datetime.date(2025, 10, 9)
    assert demand.deadline_status == "due"


def test_a_road_gets_thirty_days_and_accepting_does_not_restart_the_clock(
    county: County, people: ThreePeople
) -> None:
    registered = datetime.date(2026, 3, 2)  # Monday; + 30 = Wednesday 2026-04-01
    demand = make_demand(county.admin, county.village, registered_on=registered, today=registered)
    assert demand.resolve_by == datetime.date(2026, 4, 1)
    demand_transition(
        actor=people.in_scope,
        demand=demand,
        name="accept",
        expected_version=demand.version,
        today=datetime.date(2026, 3, 20),
    )
    assert demand.due_on == datetime.date(2026, 4, 1)


# Done when: resolve with evidence, the villager confirms by code, all audited


def test_a_committee_member_cannot_resolve_without_evidence_then_resolves_with_a_photo(
    county: County,
) -> None:
    member = _committee_member(county)
    client = Client()
    client.force_login(member)
    household = family(county, 1)
    demand = make_demand(member, county.village, household=household)
    for step in ("accept", "start"):
        assert _post_step(client, demand, step).status_code == 302
    refused = _post_step(client, demand, "resolve", resolution="已组织修复村道")
    assert refused.status_code == 422
    demand.refresh_from_db()
    assert demand.state == DemandState.IN_PROGRESS
    assert demand.attachments_count() == 0 if hasattr(demand, "attachments_count") else True
    resolved = _post_step(
        client, demand, "resolve", resolution="已组织修复村道", attachment=photo()
    )
    assert resolved.status_code == 302
    demand.refresh_from_db()
    assert demand.state == DemandState.RESOLVED
    assert demand.resolved_on is not None
    from cunzhi.core.attachments.selectors import attachments_of

    [evidence] = attachments_of(demand)
    assert evidence.purpose == "evidence" and evidence.mime_type == "image/jpeg"
    assert _events(demand) == [
        "demands.demand_create",
        "demands.demand_transition",
        "demands.demand_transition",
        "core.attachment_add",
        "demands.demand_transition",
    ]


def test_the_villager_confirms_by_code_from_a_phone_without_signing_in(
    county: County, people: ThreePeople
) -> None:
    demand = _resolved(county, people)
    villager = Client()  # nobody signed in
    page = villager.get(reverse("demands:public", args=[demand.code]))
    assert page.status_code == 200
    text = page.content.decode()
    assert demand.title in text and "杨德福" not in text  # no personal data
    answer = villager.post(
        reverse("demands:public", args=[demand.code]), {"name": "confirm", "satisfaction": "5"}
    )
    assert answer.status_code == 302
    demand.refresh_from_db()
    assert demand.state == DemandState.CONFIRMED and demand.satisfaction == 5
    event = Event.objects.filter(action="demands.demand_transition").order_by("-pk").first()
    assert event is not None and event.actor is None
    assert event.actor_label == "villager (follow-up code)"
    assert event.data["transition"] == "confirm"


def test_the_public_api_answers_the_status_and_takes_the_reply_with_no_personal_data(
    county: County, people: ThreePeople
) -> None:
    demand = _resolved(county, people)
    client = Client()
    url = f"/api/v1/public/demands/{demand.code.lower()}"
    answer = client.get(url)
    assert answer.status_code == 200
    body = answer.json()
    assert body["state"] == "resolved" and body["can_reply"] is True
    assert not {"household_id", "resident_id", "assignee", "description"} & set(body)
    reopened = client.post(
        f"{url}/reply", json.dumps({"name": "reopen", "reason": "路面又塌了"}), "application/json"
    )
    assert reopened.status_code == 200, reopened.content
    demand.refresh_from_db()
    assert demand.state == DemandState.IN_PROGRESS and demand.times_reopened == 1
    assert client.get("/api/v1/public/demands/NOSUCHCD").status_code == 404
    # A reply to a demand that is not resolved changes nothing.
    again = client.post(
        f"{url}/reply", json.dumps({"name": "confirm", "satisfaction": 3}), "application/json"
    )
    assert again.status_code == 422
    demand.refresh_from_db()
    assert demand.state == DemandState.IN_PROGRESS


def test_the_public_page_is_rate_limited(
    county: County, people: ThreePeople, settings: Any
) -> None:
    settings.DEMAND_PUBLIC_RATE = 3
    demand = make_demand(county.admin, county.village)
    client = Client()
    answers = [client.get(f"/api/v1/public/demands/{demand.code}") for _ in range(5)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429, 429]
    assert answers[-1].json()["detail"] == "查询过于频繁，请稍等一分钟再试。"
    assert client.get(reverse("demands:public", args=[demand.code])).status_code == 429
    assert (
        Client(REMOTE_ADDR="10.9.9.9")
        .get(reverse("demands:public", args=[demand.code]))
        .status_code
        == 200
    )


def _resolved(county: County, people: ThreePeople) -> Demand:
    household = family(county, 1)
    demand = make_demand(county.admin, county.village, resident=head_of(household))
    for step in ("accept", "start"):
        demand_transition(
            actor=people.in_scope, demand=demand, name=step, expected_version=demand.version
        )
    demand_transition(
        actor=people.in_scope,
        demand=demand,
        name="resolve",
        expected_version=demand.version,
        resolution="已修复",
        attachment=photo(),
    )
    return demand


# Escalation: by hand and by the sweep


def test_an_overdue_demand_escalates_itself_to_the_township_and_on_to_the_county(
    county: County, people: ThreePeople
) -> None:
    township = make_user(county, "township_staff", Role.TOWNSHIP_STAFF, county.township)
    county_admin = make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county)
    registered = datetime.date(2025, 9, 24)
    demand = make_demand(
        people.in_scope,
        county.village,
        category="drinking_water",
        registered_on=registered,
        today=registered,
    )
    member = _committee_member(county)
    from cunzhi.demands.services import demand_assign

    demand_assign(
        actor=people.in_scope, demand=demand, assignee=member, expected_version=demand.version
    )
    assert sweep(today=datetime.date(2025, 10, 9)).escalated == 0  # due that day: not yet
    # The assignee was reminded: the deadline was three days off or less.
    assert Notification.objects.filter(recipient=member).exclude(verb="assigned").count() == 1
    report = sweep(today=datetime.date(2025, 10, 10))
    assert report.escalated == 1
    # ...and told when it fell overdue, before the escalation took it away from them.
    assert Notification.objects.filter(recipient=member).exclude(verb="assigned").count() == 2
    demand.refresh_from_db()
    assert demand.state == DemandState.ESCALATED and demand.level == DemandLevel.TOWNSHIP
    assert demand.assignee is None
    # The township's 15 days count from the sweep's day, not the clock's: 10 October 2025 + 15
    # is Saturday the 25th, a rest day, so Monday the 27th.
    assert demand.resolve_by == datetime.date(2025, 10, 27)
    assert _overdue_figure() == 0  # marked overdue, then a new period at the township
    told = Notification.objects.get(recipient=township, verb="escalated")
    assert demand.code in told.message
    actions = _events(demand)
    assert actions[-2:] == ["demands.demand_deadline_overdue", "demands.demand_transition"]
    # The township's own period passes too: on to the county, and no further.
    later = demand.resolve_by + datetime.timedelta(days=1)
    assert sweep(today=later).escalated == 1
    demand.refresh_from_db()
    assert demand.level == DemandLevel.COUNTY
    assert Notification.objects.filter(recipient=county_admin, verb="escalated").exists()
    last = sweep(today=demand.resolve_by + datetime.timedelta(days=1))
    assert last.escalated == 0 and len(last.refused) == 1
    demand.refresh_from_db()
    assert demand.level == DemandLevel.COUNTY and demand.deadline_status == "overdue"
    assert _overdue_figure() == 1  # the county's statistics show it overdue
    demand_transition(
        actor=county_admin, demand=demand, name="take_over", expected_version=demand.version
    )
    demand_transition(
        actor=county_admin,
        demand=demand,
        name="resolve",
        expected_version=demand.version,
        resolution="县水务局已修复管道",
        attachment=photo(),
    )
    assert _overdue_figure() == 0


def _overdue_figure() -> int:
    return sum(DemandRollup.objects.values_list("overdue", flat=True))


def test_the_township_takes_over_an_escalated_demand_and_the_village_may_not(
    county: County, people: ThreePeople
) -> None:
    township = make_user(county, "township_staff", Role.TOWNSHIP_STAFF, county.township)
    demand = make_demand(people.in_scope, county.village)
    demand_transition(
        actor=people.in_scope,
        demand=demand,
        name="escalate",
        expected_version=demand.version,
        comment="涉及跨村道路",
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        demand_transition(
            actor=people.in_scope, demand=demand, name="take_over", expected_version=demand.version
        )
    demand_transition(
        actor=township, demand=demand, name="take_over", expected_version=demand.version
    )
    assert demand.state == DemandState.IN_PROGRESS and demand.level == DemandLevel.TOWNSHIP
    queue = Client()
    queue.force_login(township)
    assert queue.get(reverse("demands:escalated")).status_code == 200


# Rules of the record


def test_a_rejection_needs_a_reason_and_changes_nothing_without_one(
    county: County, people: ThreePeople
) -> None:
    demand = make_demand(people.in_scope, county.village)
    with pytest.raises(ValidationError):
        demand_transition(
            actor=people.in_scope, demand=demand, name="reject", expected_version=demand.version
        )
    demand.refresh_from_db()
    assert demand.state == DemandState.REGISTERED and demand.version == 1
    demand_transition(
        actor=people.in_scope,
        demand=demand,
        name="reject",
        expected_version=demand.version,
        reason="属个人合同纠纷，已告知走司法途径",
    )
    assert demand.state == DemandState.REJECTED and demand.deadline_status == "met"


def test_a_transferred_petition_becomes_a_demand_with_a_link_back(
    county: County, people: ThreePeople
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_demand(people.in_scope, county.village, source="petition")
    assert "source_ref" in refused.value.message_dict
    demand = make_demand(
        people.in_scope, county.village, source="petition", source_ref="disputes.petition:7"
    )
    assert demand.source_ref == "disputes.petition:7"


def test_an_anonymous_demand_names_nobody_and_a_villager_of_another_village_is_refused(
    county: County, people: ThreePeople
) -> None:
    elsewhere = family(county, 2, village=county.neighbour)
    with pytest.raises(ValidationError) as refused:
        make_demand(people.in_scope, county.village, household=elsewhere)
    assert "household" in refused.value.message_dict
    with pytest.raises(ValidationError):
        make_demand(people.in_scope, county.village, anonymous=True, resident=head_of(elsewhere))
    assert Demand.objects.count() == 0


def test_a_duplicate_is_merged_into_the_demand_that_goes_on_and_both_histories_say_so(
    county: County, people: ThreePeople
) -> None:
    kept = make_demand(people.in_scope, county.village, title="村道塌方")
    duplicate = make_demand(people.in_scope, county.village, title="上寨路断了")
    elsewhere = make_demand(county.admin, county.neighbour)
    with pytest.raises(ValidationError):
        demand_merge(
            actor=people.in_scope,
            demand=duplicate,
            into=elsewhere,
            expected_version=duplicate.version,
        )
    demand_merge(
        actor=people.in_scope, demand=duplicate, into=kept, expected_version=duplicate.version
    )
    duplicate.refresh_from_db()
    assert duplicate.state == DemandState.MERGED and duplicate.merged_into == kept
    assert duplicate.sweep_on is None
    assert _events(duplicate)[-1] == "demands.demand_merge"
    assert _events(kept)[-1] == "demands.demand_merge"  # the one kept says what it absorbed
    with pytest.raises(ValidationError):  # no merging twice
        demand_merge(
            actor=people.in_scope, demand=duplicate, into=kept, expected_version=duplicate.version
        )


def test_assigning_tells_the_assignee_in_their_inbox(county: County, people: ThreePeople) -> None:
    member = _committee_member(county)
    demand = make_demand(people.in_scope, county.village, assignee=member)
    [note] = Notification.objects.filter(recipient=member)
    assert note.verb == "assigned" and demand.code in note.message
    with pytest.raises(ValidationError):  # the neighbour's secretary handles another village
        make_demand(people.in_scope, county.village, assignee=people.outsider)


# Scoping and the pages


def test_three_people_see_and_edit_a_demand_as_their_posts_allow(
    county: County, people: ThreePeople
) -> None:
    demand = make_demand(county.admin, county.village)
    assert_three_people_scoping(
        people,
        demand,
        page_url=demand.get_absolute_url(),
        edit_url=reverse("demands:edit", args=[demand.pk]),
        edit_data={
            "category": demand.category_id,
            "title": "村道塌方（上寨段）",
            "description": demand.description,
            "priority": "high",
            "version": 1,
        },
        changed=lambda: Demand.objects.get(pk=demand.pk).priority == "high",
    )


def test_the_demand_list_takes_the_same_queries_for_few_and_many_rows(
    county: County, people: ThreePeople, django_assert_num_queries: Any
) -> None:
    client = Client()
    client.force_login(people.in_scope)
    url = reverse("demands:list", args=[county.village.code]) + "?open=open&deadline="
    make_demand(county.admin, county.village)
    response = client.get(url)
    assert response.status_code == 200
    queries = _count_queries(client, url)
    for index in range(12):
        make_demand(
            county.admin,
            county.village,
            category="medical",
            title=f"看病难 {index}",
            assignee=people.in_scope,
        )
    assert _count_queries(client, url) == queries
    filtered = client.get(reverse("demands:list", args=[county.village.code]) + "?category=medical")
    assert filtered.context["list"].page.paginator.count == 12
    api = client.get("/api/v1/demands?category=medical&mine=true&sort=resolve_by")
    assert api.status_code == 200 and len(api.json()["items"]) == 12
    assert client.get("/api/v1/demands?state=nonsense").status_code == 422


def test_the_export_is_the_filtered_list_and_is_audited(
    county: County, people: ThreePeople
) -> None:
    make_demand(county.admin, county.village)
    make_demand(county.admin, county.village, category="medical", title="看病难")
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(
        reverse("demands:export", args=[county.village.code]), {"category": "medical"}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert content[:2] == b"PK"
    event = Event.objects.get(action="demands.demand_export")
    assert event.data["rows"] == 1 and event.data["filters"]["category"]


def _count_queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_read_in_chinese_at_a_phone_s_width(county: County, people: ThreePeople) -> None:
    demand = make_demand(county.admin, county.village)
    client = Client()
    client.force_login(people.in_scope)
    for url in (
        reverse("demands:list", args=[county.village.code]),
        reverse("demands:create", args=[county.village.code]),
        demand.get_absolute_url(),
        reverse("demands:mine"),
        reverse("demands:statistics", args=[county.village.code]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert 'style="' not in page.content.decode()
    assert "诉求" in client.get(demand.get_absolute_url()).content.decode()


def test_registering_from_the_page_gives_the_follow_up_code(
    county: County, people: ThreePeople
) -> None:
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(
        reverse("demands:create", args=[county.village.code]),
        {
            "source": "visit",
            "category": _category_pk("housing"),
            "title": "危房漏雨",
            "description": "老屋屋顶漏雨，雨季有垮塌风险。",
            "priority": "urgent",
            "cause_objective": "房屋建于七十年代，土木结构",
        },
    )
    assert response.status_code == 302
    demand = Demand.objects.get()
    assert demand.priority == "urgent" and len(demand.code) == 8
    bad = client.post(reverse("demands:create", args=[county.village.code]), {"title": "x" * 500})
    assert bad.status_code == 200 and Demand.objects.count() == 1


def _category_pk(code: str) -> int:
    from cunzhi.demands.models import DemandCategory

    return DemandCategory.objects.get(code=code).pk


# The figures


def test_statistics_come_from_the_rollups_and_agree_with_a_recount(
    county: County, people: ThreePeople
) -> None:
    start = datetime.date(2026, 3, 2)
    for days, satisfaction in ((3, 5), (5, 4), (10, None)):
        demand = make_demand(people.in_scope, county.village, registered_on=start, today=start)
        for step in ("accept", "start"):
            demand_transition(
                actor=people.in_scope,
                demand=demand,
                name=step,
                expected_version=demand.version,
                today=start,
            )
        demand_transition(
            actor=people.in_scope,
            demand=demand,
            name="resolve",
            expected_version=demand.version,
            resolution="已解决",
            attachment=photo(),
            today=start + datetime.timedelta(days=days),
        )
        if satisfaction:
            demand_reply_by_code(code=demand.code, name="confirm", satisfaction=satisfaction)
    rejected = make_demand(people.in_scope, county.village, registered_on=start, today=start)
    demand_transition(
        actor=people.in_scope,
        demand=rejected,
        name="reject",
        expected_version=1,
        reason="重复反映",
        today=start,
    )
    make_demand(
        people.in_scope, county.village, category="medical", registered_on=start, today=start
    )
    stats = demand_statistics(people.in_scope, county.township, 2026)
    assert stats.total.registered == 5
    assert stats.total.resolved == 3
    assert stats.total.resolution_rate == pytest.approx(3 / 4)
    assert stats.total.median_days == 5
    assert stats.total.satisfaction == pytest.approx(4.5)
    assert [f.label for f in stats.by_category] == ["道路交通", "看病就医"]
    before = sorted(DemandRollup.objects.values_list("registered", "resolved", "resolve_days"))
    rollup_rebuild(actor=county.admin, region_code=county.village.code)
    after = sorted(DemandRollup.objects.values_list("registered", "resolved", "resolve_days"))
    assert before == after
    # The neighbour's secretary sees none of it.
    assert demand_statistics(people.outsider, county.township, 2026).total.registered == 0


def test_the_median_of_a_histogram_is_the_median_of_its_days() -> None:
    assert median_of_histogram({}) is None
    assert median_of_histogram({3: 1, 5: 1, 10: 1}) == 5
    assert median_of_histogram({3: 2, 10: 2}) == 6.5


def test_the_attention_block_counts_overdue_and_mine_in_one_query(
    county: County, people: ThreePeople
) -> None:
    from cunzhi.accounts.testing import assert_attention_budget

    post = people.in_scope.posts.select_related("region").get()  # as the site reads it
    make_demand(county.admin, county.village, assignee=people.in_scope)
    few = assert_attention_budget(people.in_scope, post)
    for _ in range(5):
        make_demand(
            county.admin,
            county.village,
            assignee=people.in_scope,
            registered_on=datetime.date(2025, 1, 6),
            today=datetime.date(2025, 1, 6),
        )
    many = assert_attention_budget(people.in_scope, post)
    counts = {
        ("overdue" if "deadline=overdue" in item.url else "mine"): item.count
        for item in many
        if item.url.startswith("/demands/")
    }
    assert counts["mine"] == 6  # all six assigned to the secretary
    assert counts["overdue"] == 5  # the five registered in January 2025 (30 days for a road)
    # The item's link opens the list filtered to exactly those.
    [overdue] = [i for i in many if i.url.startswith("/demands/") and "deadline=" in i.url]
    client = Client()
    client.force_login(people.in_scope)
    assert client.get(overdue.url).context["list"].page.paginator.count == 5
    assert {item.url for item in few} <= {item.url for item in many}


def test_the_demo_has_demands_in_every_state_some_escalated_and_some_reopened(
    settings: Any,
) -> None:
    from cunzhi.core.demo import seed_demo

    seed_demo()
    states = set(Demand.objects.values_list("state", flat=True))
    assert states == {s.value for s in DemandState}
    assert Demand.objects.filter(level=DemandLevel.TOWNSHIP).exists()
    assert Demand.objects.filter(times_reopened__gt=0).exists()
    from django.utils import timezone

    from cunzhi.core.workflow import deadline_q

    overdue = deadline_q("overdue", timezone.localdate())
    assert Demand.objects.filter(overdue, state__in=["accepted", "in_progress"]).exists()
