"""People's mediation (人民调解法; DOMAIN.md section 6): consent first, agreements, escalation,
repeats, risk, the committee's rules, and a petition that becomes a case and comes back."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, assert_attention_budget, make_user
from cunzhi.audit.models import Event
from cunzhi.core.attachments.selectors import attachments_of
from cunzhi.core.workflow import DeadlineStatus
from cunzhi.core.workflow.sweep import sweep
from cunzhi.disputes.models import CaseLevel, CaseState, MediationCase, Petition, PetitionState
from cunzhi.disputes.selectors import committee_warnings, fengqiao
from cunzhi.disputes.services import (
    case_party_consent,
    committee_set,
    mediation_case_set_risk,
    mediation_case_transition,
    petition_transition,
)
from cunzhi.disputes.tests.factories import make_case, make_petition, township_officer
from cunzhi.registry.testing import family

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def consent_all(case: MediationCase, actor, on: datetime.date) -> MediationCase:  # type: ignore[no-untyped-def]
    for party in case.parties.all():
        case_party_consent(actor=actor, party=party, consented_on=on, expected_version=1)
    case.refresh_from_db()
    return case


def step(case: MediationCase, actor, name: str, today: datetime.date, **inputs):  # type: ignore[no-untyped-def]
    return mediation_case_transition(
        actor=actor,
        mediation_case=case,
        name=name,
        expected_version=case.version,
        today=today,
        **inputs,
    )


def settle_orally(case: MediationCase, actor, on: datetime.date) -> MediationCase:  # type: ignore[no-untyped-def]
    case = consent_all(case, actor, on)
    case = step(case, actor, "start", on, started_on=on, mediators="王调解员")
    return step(case, actor, "agree_oral", on, agreement_terms="赔偿500元", agreed_on=on)


def test_mediation_does_not_start_before_both_parties_consent(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county, actor=people.in_scope)
    first = case.parties.get(side="applicant")
    case_party_consent(actor=people.in_scope, party=first, consented_on=D(2025, 9, 2),
                       expected_version=1)  # fmt: skip
    case.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        step(
            case,
            people.in_scope,
            "start",
            D(2025, 9, 3),
            started_on=D(2025, 9, 3),
            mediators="王调解员",
        )
    assert "consent" in str(refused.value).lower() or "同意" in str(refused.value)
    assert MediationCase.objects.get(pk=case.pk).state == CaseState.REGISTERED


def test_a_case_is_settled_within_one_month_with_a_reminder_before(
    county: County, people: ThreePeople
) -> None:
    case = consent_all(make_case(county, actor=people.in_scope), people.in_scope, D(2025, 9, 2))
    case = step(
        case,
        people.in_scope,
        "start",
        D(2025, 9, 3),
        started_on=D(2025, 9, 3),
        mediators="王调解员",
    )
    assert case.due_on == D(2025, 10, 3)  # 1 month, counted as 30 days
    assert case.remind_on == D(2025, 9, 26)
    sweep(today=D(2025, 9, 26))
    assert Event.objects.filter(action="disputes.mediation_case_deadline_reminder").count() == 1


def test_a_written_agreement_needs_the_signatures_and_its_scan_and_starts_the_court_reminder(
    county: County,
    people: ThreePeople,
    settings,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = consent_all(make_case(county, actor=people.in_scope), people.in_scope, D(2025, 9, 2))
    case = step(
        case,
        people.in_scope,
        "start",
        D(2025, 9, 3),
        started_on=D(2025, 9, 3),
        mediators="王调解员",
    )
    scan = SimpleUploadedFile("调解协议书.pdf", PDF, content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        step(case, people.in_scope, "agree_written", D(2025, 9, 10), agreement_terms="界墙后移半米",
             agreed_on=D(2025, 9, 10), signatures_recorded=False, attachment=scan)  # fmt: skip
    assert "signatures_recorded" in refused.value.message_dict
    scan.seek(0)
    case = step(case, people.in_scope, "agree_written", D(2025, 9, 10),
                agreement_terms="界墙后移半米", agreed_on=D(2025, 9, 10),
                signatures_recorded=True, attachment=scan)  # fmt: skip
    assert case.state == CaseState.AGREED
    assert case.closed_level == CaseLevel.VILLAGE
    # The parties may jointly ask a court to confirm it within 30 days: a reminder runs to it.
    assert case.due_on == D(2025, 10, 10)
    assert [a.purpose for a in attachments_of(case)] == ["agreement"]
    case = step(case, people.in_scope, "close_agreement", D(2025, 10, 1),
                court_confirmation_requested=True)  # fmt: skip
    assert case.state == CaseState.SETTLED
    assert case.deadline_status == DeadlineStatus.MET


def test_a_failed_mediation_records_the_routes_told_and_escalates_one_level(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county, actor=people.in_scope)
    with pytest.raises(ValidationError):
        step(case, people.in_scope, "fail", D(2025, 9, 5), routes_told="")
    case = step(case, people.in_scope, "fail", D(2025, 9, 5), routes_told="可申请仲裁或起诉")
    assert case.closed_level == CaseLevel.VILLAGE
    case = step(
        case, people.in_scope, "escalate", D(2025, 9, 6), reason="村级调解不成，申请镇调委会"
    )
    assert (case.level, case.escalated, case.state) == ("township", True, "registered")
    assert case.closed_level == ""
    history = (
        Event.objects.filter(action="disputes.mediation_case_transition").order_by("pk").last()
    )
    assert history is not None and history.data["inputs"]["reason"].startswith("村级")


def test_the_county_is_the_last_level(county: County) -> None:
    case = make_case(county, level=CaseLevel.COUNTY)
    with pytest.raises(ValidationError):
        step(case, county.admin, "escalate", D(2025, 9, 6), reason="再上报")


def test_a_repeat_dispute_between_the_same_parties_is_linked(county: County) -> None:
    first = make_case(county, received_on=D(2025, 3, 1))
    other = make_case(county, received_on=D(2025, 4, 1), parties=("王五", "赵六"))
    again = make_case(county, received_on=D(2025, 9, 1), parties=("李春生", "杨德福"))
    assert again.repeat_of == first
    assert other.repeat_of is None


def test_the_township_sees_the_share_of_disputes_that_stayed_in_the_village(
    county: County, people: ThreePeople
) -> None:
    for number in range(3):
        case = make_case(county, actor=people.in_scope, parties=(f"甲{number}", f"乙{number}"))
        settle_orally(case, people.in_scope, D(2025, 9, 2))
    up = make_case(county, actor=people.in_scope, parties=("丙", "丁"))
    up = step(up, people.in_scope, "escalate", D(2025, 9, 2), reason="涉及跨村土地")
    officer = township_officer(county)
    settle_orally(up, officer, D(2025, 9, 3))
    make_case(county, actor=people.in_scope, parties=("戊", "己"))  # still open: not counted
    share = fengqiao(officer, area=county.township.code[:9])
    assert share.finished == 4
    assert (share.in_village.count, share.in_village.percent) == (3, "75%")
    assert (share.in_township.count, share.in_township.percent) == (4, "100%")
    from django.test import Client

    client = Client()
    client.force_login(officer)
    page = client.get(f"/disputes/{county.township.code}/").content.decode()
    assert "75%" in page


def test_a_risk_flag_raises_priority_and_is_the_townships_attention_item(
    county: County, people: ThreePeople
) -> None:
    quiet = make_case(county, actor=people.in_scope, parties=("甲", "乙"))
    risky = make_case(county, actor=people.in_scope, parties=("丙", "丁"))
    with pytest.raises(ValidationError):
        mediation_case_set_risk(actor=people.in_scope, case=risky, risk_flag=True, risk_note="",
                                expected_version=1)  # fmt: skip
    mediation_case_set_risk(actor=people.in_scope, case=risky, risk_flag=True,
                            risk_note="涉及三十余户，可能集体上访", expected_version=1)  # fmt: skip
    assert list(MediationCase.objects.all()) == [risky, quiet]
    officer = township_officer(county)
    items = assert_attention_budget(officer, officer.posts.get())
    assert any(i.count == 1 and "risk" in i.url for i in items)
    village_items = assert_attention_budget(people.in_scope, people.in_scope.posts.get())
    assert not any("risk" in i.url for i in village_items)


def test_a_petition_becomes_a_mediation_case_and_comes_back_keeping_its_history(
    county: County,
) -> None:
    officer = township_officer(county)
    petition = make_petition(county, actor=officer, received_on=D(2025, 9, 1))
    petition = petition_transition(actor=officer, petition=petition, name="accept",
                                   expected_version=1, accepted_on=D(2025, 9, 2),
                                   today=D(2025, 9, 2))  # fmt: skip
    petition = petition_transition(actor=officer, petition=petition, name="refer",
                                   expected_version=petition.version, dispute_type="land",
                                   level="township", today=D(2025, 9, 3))  # fmt: skip
    assert petition.state == PetitionState.REFERRED
    case = petition.mediation_cases.get()
    assert (case.level, case.dispute_type, case.parties.get().name) == (
        "township",
        "land",
        "杨德福",
    )
    case = step(case, officer, "return_to_petition", D(2025, 9, 20), reason="一方不同意调解")
    petition = Petition.objects.get(pk=petition.pk)
    assert (case.state, petition.state) == (CaseState.RETURNED, PetitionState.ACCEPTED)
    # Handled within 60 days of the first acceptance, not of the return.
    assert petition.handle_by == D(2025, 11, 1)


def test_an_extension_given_before_a_referral_is_kept_when_the_petition_comes_back(
    county: County,
) -> None:
    from cunzhi.disputes.services import petition_extend

    officer = township_officer(county)
    petition = make_petition(county, actor=officer, received_on=D(2025, 9, 1))
    petition = petition_transition(actor=officer, petition=petition, name="accept",
                                   expected_version=1, accepted_on=D(2025, 9, 2),
                                   today=D(2025, 9, 2))  # fmt: skip
    petition = petition_extend(actor=officer, petition=petition, days=20, reason="需勘测",
                               expected_version=petition.version, today=D(2025, 9, 3))  # fmt: skip
    petition = petition_transition(actor=officer, petition=petition, name="refer",
                                   expected_version=petition.version, dispute_type="land",
                                   level="township", today=D(2025, 9, 4))  # fmt: skip
    step(petition.mediation_cases.get(), officer, "return_to_petition", D(2025, 9, 20),
         reason="一方不同意调解")  # fmt: skip
    petition = Petition.objects.get(pk=petition.pk)
    assert petition.handle_by == D(2025, 11, 21)  # 2 Sep + 60 + 20
    assert (petition.deadline_extended_days, petition.deadline_extensions) == (20, 1)
    steps = list(
        Event.objects.filter(object_id=str(petition.pk), action="disputes.petition_transition")
        .order_by("pk")
        .values_list("data__transition", flat=True)
    )
    assert steps == ["accept", "refer", "resume"]


def test_the_village_is_warned_when_its_committee_breaks_the_law(county: County) -> None:
    members = list(family(county, 5).members.all())  # three people, one woman
    men = [m for m in members if m.sex == "male"]
    committee = committee_set(actor=county.admin, village=county.village,
                              term_starts_on=D(2022, 1, 1),
                              members=[(m, "member") for m in men])  # fmt: skip
    warnings = committee_warnings(committee, D(2025, 6, 1))
    assert len(warnings) == 3  # too few, no woman, the term ended on 2025-01-01
    assert committee.term_ends_on == D(2025, 1, 1)
    good = committee_set(actor=county.admin, village=county.village, term_starts_on=D(2025, 1, 1),
                         members=[(m, "member") for m in members])  # fmt: skip
    assert committee_warnings(good, D(2025, 6, 1)) == []
    outsider = family(county, 6, village=county.neighbour).members.all()[0]
    with pytest.raises(ValidationError):
        committee_set(actor=county.admin, village=county.village, term_starts_on=D(2025, 1, 1),
                      members=[(outsider, "member")])  # fmt: skip


def test_a_county_officer_sees_the_same_across_townships(county: County) -> None:
    settle_orally(make_case(county), county.admin, D(2025, 9, 2))
    settle_orally(make_case(county, region=county.far_village, parties=("甲", "乙")),
                  county.admin, D(2025, 9, 2))  # fmt: skip
    from cunzhi.disputes.selectors import fengqiao_by_township

    officer = make_user(county, "county_judicial", Role.COUNTY_ADMIN, county.county)
    rows = fengqiao_by_township(officer)
    assert [(r["name"], r["finished"], r["village_percent"]) for r in rows] == [
        ("青龙镇", 1, "100%"),
        ("白马镇", 1, "100%"),
    ]


def test_the_township_is_told_of_an_escalated_case_and_the_keepers_of_an_overdue_one(
    county: County, people: ThreePeople
) -> None:
    from cunzhi.core.inbox.models import Notification

    officer = township_officer(county)
    case = make_case(county, actor=people.in_scope)
    step(case, people.in_scope, "escalate", D(2025, 9, 6), reason="村级调解不成")
    told = Notification.objects.get(verb="escalated")
    assert told.recipient == officer
    assert "村级调解不成" in told.message
    case = consent_all(MediationCase.objects.get(pk=case.pk), officer, D(2025, 9, 7))
    step(case, officer, "start", D(2025, 9, 8), started_on=D(2025, 9, 8), mediators="镇调委会")
    sweep(today=D(2025, 10, 1))
    sweep(today=D(2025, 10, 9))
    # The case is the township's now: its reminder and overdue mark go there, not to the village.
    assert {n.recipient for n in Notification.objects.filter(verb="reminder")} == {officer}
    assert {n.recipient for n in Notification.objects.filter(verb="overdue")} == {officer}


def test_the_demo_has_cases_at_every_level_and_petitions_near_and_past_each_date(
    county: County,
) -> None:
    from django.utils import timezone

    from cunzhi.core.demo import DemoContext
    from cunzhi.disputes import demo

    for number in range(1, 4):
        family(county, number)
        family(county, 10 + number, village=county.neighbour)
    ctx = DemoContext(admin=county.admin)
    ctx.regions.update(
        shiban=county.village, liuxi=county.neighbour, longtan=county.neighbour,
        qinglong=county.township,
    )  # fmt: skip
    demo.seed(ctx)
    today = timezone.localdate()
    levels = set(MediationCase.objects.values_list("level", flat=True))
    assert levels == {"group", "village", "township", "county"}
    assert MediationCase.objects.filter(risk_flag=True).exists()
    assert MediationCase.objects.filter(repeat_of__isnull=False).exists()
    open_ = Petition.objects.filter(state__in=["registered", "accepted", "under_review"])
    assert open_.filter(due_on__lt=today, state="registered").exists()  # acceptance overdue
    assert open_.filter(due_on__gte=today, remind_on__lte=today, state="registered").exists()
    assert open_.filter(due_on__lt=today, state="accepted").exists()  # handling overdue
    assert open_.filter(due_on__gte=today, remind_on__lte=today, state="accepted").exists()
    assert open_.filter(deadline_extensions=1).exists()
    assert open_.filter(state="under_review", due_on__gte=today).exists()
    assert Petition.objects.filter(state="re_reviewed").count() == 1
    assert Petition.objects.filter(state="redirected").exists()
    assert Petition.objects.filter(state="referred").exists()
