"""The support ledger (保障台账): what the sending unit provides, what is missing, who sees it."""

from __future__ import annotations

import datetime
import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import (
    County,
    ThreePeople,
    assert_attention_budget,
    assert_three_people_scoping,
    make_user,
)
from cunzhi.audit.labels import action_label
from cunzhi.audit.models import Event
from cunzhi.core.writes import EditConflict
from cunzhi.residency.models import SupportGap, SupportYear, support_gap_conditions
from cunzhi.residency.services import (
    assessment_open,
    diary_entry_write,
    presence_check_in,
    support_meeting_add,
    support_open,
    support_spending_add,
    support_training_add,
    support_update,
)
from cunzhi.residency.testing import cadre_user, make_cadre, make_unit

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def cast(county: County) -> dict:  # type: ignore[type-arg]
    ours = make_cadre(county, "wang", starts_on=D(2026, 1, 5))
    theirs = make_cadre(county, "li", unit=make_unit(county, "县水务局"), role="team_member")
    return {
        "ours": ours,
        "theirs": theirs,
        "contact": make_user(
            county, "unit_contact", Role.SENDING_UNIT_CONTACT, county.county,
            sending_unit=ours.sending_unit,
        ),
        "other_contact": make_user(
            county, "other_contact", Role.SENDING_UNIT_CONTACT, county.county,
            sending_unit=theirs.sending_unit,
        ),
        "township": make_user(county, "township", Role.TOWNSHIP_LEADER, county.township),
        "org": make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county),
    }  # fmt: skip


def full_support(cast: dict, support: SupportYear) -> SupportYear:  # type: ignore[type-arg]
    return support_update(
        actor=cast["contact"],
        support=support,
        changes={
            "medical_check_on": D(2026, 4, 16),
            "medical_check_done": True,
            "insurance_starts_on": D(2026, 1, 1),
            "insurance_ends_on": D(2026, 12, 31),
            "insurance_policy": "中国人寿 2026-0415",
            "living_subsidy_yuan": Decimal("9600.00"),
            "living_subsidy_paid_on": D(2026, 1, 20),
            "work_funds_yuan": Decimal("10000.00"),
            "work_funds_paid_on": D(2026, 3, 2),
            "paired_leader": cast["township"],
        },
        expected_version=support.version,
    )


def test_the_ledger_keeps_the_rules_of_its_year_and_says_what_is_missing(cast) -> None:  # type: ignore[no-untyped-def]
    support = support_open(actor=cast["contact"], dispatch=cast["ours"], year=2026)
    # The national defaults: 10,000 yuan of work funds; the check by 30 September, the funds
    # by 30 June.
    assert support.work_funds_min_yuan == 10000
    assert support.medical_check_due_on == D(2026, 9, 30)
    assert support.work_funds_due_on == D(2026, 6, 30)
    # 1 May: nothing is due yet but the insurance and the pairing.
    assert support.gaps(D(2026, 5, 1)) == [SupportGap.INSURANCE, SupportGap.PAIRING]
    # 1 July: the funds are due and there are none; 1 October: the check too.
    assert SupportGap.FUNDS in support.gaps(D(2026, 7, 1))
    assert SupportGap.MEDICAL not in support.gaps(D(2026, 9, 30))
    assert SupportGap.MEDICAL in support.gaps(D(2026, 10, 1))

    support = full_support(cast, support)
    assert support.gaps(D(2026, 11, 2)) == []
    # 9,999.99 yuan is below the minimum: the funds are missing after 30 June.
    short = support_update(
        actor=cast["org"], support=support, changes={"work_funds_yuan": Decimal("9999.99")},
        expected_version=support.version,
    )  # fmt: skip
    assert short.gaps(D(2026, 6, 30)) == []
    assert short.gaps(D(2026, 7, 1)) == [SupportGap.FUNDS]
    # Insurance that ended on 31 October is not in force on 2 November.
    lapsed = support_update(
        actor=cast["contact"], support=short, changes={"insurance_ends_on": D(2026, 10, 31)},
        expected_version=short.version,
    )  # fmt: skip
    assert lapsed.gaps(D(2026, 10, 31)) == [SupportGap.FUNDS]
    assert lapsed.gaps(D(2026, 11, 2)) == [SupportGap.INSURANCE, SupportGap.FUNDS]
    # The database agrees with the record, gap by gap.
    for gap, condition in support_gap_conditions(D(2026, 11, 2)).items():
        found = SupportYear.objects.filter(condition, pk=lapsed.pk).exists()
        assert found == (gap in lapsed.gaps(D(2026, 11, 2))), gap


def test_a_county_may_set_its_own_minimum_from_a_date(cast, county: County) -> None:  # type: ignore[no-untyped-def]
    from cunzhi.core.models import PolicyParameter

    PolicyParameter.objects.create(
        key="residency.sending_unit_work_funds_min_yuan", region=county.county,
        valid_from=D(2026, 1, 1), value=20000, note="县委组织部文件",
    )  # fmt: skip
    support = support_open(actor=cast["org"], dispatch=cast["ours"], year=2026)
    assert support.work_funds_min_yuan == 20000


def test_writes_are_refused_with_a_reason_and_change_nothing(cast) -> None:  # type: ignore[no-untyped-def]
    support = support_open(actor=cast["contact"], dispatch=cast["ours"], year=2026)
    with pytest.raises(ValidationError, match="open already"):
        support_open(actor=cast["org"], dispatch=cast["ours"], year=2026)
    with pytest.raises(ValidationError, match="did not serve"):
        support_open(actor=cast["org"], dispatch=cast["ours"], year=2025)
    with pytest.raises(ValidationError, match="ends before it starts"):
        support_update(
            actor=cast["contact"], support=support,
            changes={"insurance_starts_on": D(2026, 3, 1), "insurance_ends_on": D(2026, 2, 1)},
            expected_version=support.version,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="leader of the village's township"):
        support_update(
            actor=cast["contact"], support=support, changes={"paired_leader": cast["org"]},
            expected_version=support.version,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="paired with the cadre first"):
        support_meeting_add(
            actor=cast["contact"], support=support, held_on=D(2026, 3, 3), notes="谈心"
        )
    with pytest.raises(ValidationError, match="ledger's year"):
        support_spending_add(
            actor=cast["contact"], support=support, amount_yuan=Decimal(500), purpose="修路",
            spent_on=D(2025, 12, 30),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        support_update(
            actor=cast["other_contact"], support=support, changes={"medical_check_done": False},
            expected_version=support.version,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        support_update(
            actor=cast["township"], support=support, changes={"medical_check_done": False},
            expected_version=support.version,
        )  # fmt: skip
    support_update(
        actor=cast["org"], support=support, changes={"insurance_policy": "平安 001"},
        expected_version=1,
    )  # fmt: skip
    with pytest.raises(EditConflict):
        support_update(
            actor=cast["contact"], support=support, changes={"insurance_policy": "平安 002"},
            expected_version=1,
        )  # fmt: skip
    support.refresh_from_db()
    assert support.insurance_policy == "平安 001" and support.version == 2


def test_every_write_is_audited_with_a_label_in_both_languages(cast) -> None:  # type: ignore[no-untyped-def]
    support = full_support(
        cast, support_open(actor=cast["contact"], dispatch=cast["ours"], year=2026)
    )
    support_spending_add(
        actor=cast["contact"], support=support, amount_yuan=Decimal("3200.50"),
        purpose="村道路灯维修", spent_on=D(2026, 5, 8),
    )  # fmt: skip
    support_meeting_add(
        actor=cast["contact"], support=support, held_on=D(2026, 5, 9), notes="研究产业项目"
    )
    support_training_add(
        actor=cast["org"], support=support, course="第一书记示范培训班", starts_on=D(2026, 6, 8),
        ends_on=D(2026, 6, 12), organiser="县委组织部", hours=Decimal(40),
    )  # fmt: skip
    actions = list(
        Event.objects.filter(object_id=str(support.pk), action__startswith="residency.support")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "residency.support_open",
        "residency.support_update",
        "residency.support_spending_add",
        "residency.support_meeting_add",
        "residency.support_training_add",
    ]
    update = Event.objects.get(action="residency.support_update")
    assert update.data["changes"]["work_funds_yuan"][1] in ("10000.00", 10000, "10000")
    from django.utils import translation

    for action in actions:
        with translation.override("zh-hans"):
            chinese = str(action_label(action))
        assert chinese != action and any("\u4e00" <= ch <= "\u9fff" for ch in chinese), action


def test_a_sending_unit_sees_and_keeps_only_its_own_cadres_ledgers(cast) -> None:  # type: ignore[no-untyped-def]
    support = support_open(actor=cast["contact"], dispatch=cast["ours"], year=2026)
    theirs = support_open(actor=cast["other_contact"], dispatch=cast["theirs"], year=2026)
    # Both units' cadres serve in the same village: each contact sees its own ledger only.
    assert list(SupportYear.objects.for_user(cast["contact"], "view")) == [support]
    assert list(SupportYear.objects.for_user(cast["other_contact"], "view")) == [theirs]
    assert set(SupportYear.objects.for_user(cast["township"], "view")) == {support, theirs}
    people = ThreePeople(
        in_scope=cast["contact"], read_only=cast["township"], outsider=cast["other_contact"]
    )
    assert_three_people_scoping(
        people,
        support,
        page_url=support.get_absolute_url(),
        edit_url=support.get_absolute_url(),
        edit_data={"version": "1", "work_funds_yuan": "12000", "medical_check_done": ""},
        changed=lambda: SupportYear.objects.get(pk=support.pk).work_funds_yuan == 12000,
    )
    other = Client()
    other.force_login(cast["other_contact"])
    listing = other.get(reverse("residency:support_list")).content.decode()
    assert support.get_absolute_url() not in listing
    assert theirs.get_absolute_url() in listing
    assert (
        other.get(reverse("residency:year_report", args=[cast["ours"].pk, 2026])).status_code == 404
    )
    api = other.get(f"/api/v1/residency/support/{support.pk}")
    assert api.status_code == 404


def test_the_pages_and_the_api_write_the_ledger(cast) -> None:  # type: ignore[no-untyped-def]
    contact = Client()
    contact.force_login(cast["contact"])
    dispatch = cast["ours"]
    page = contact.get(dispatch.get_absolute_url()).content.decode()
    assert reverse("residency:support_open", args=[dispatch.pk]) in page
    response = contact.post(reverse("residency:support_open", args=[dispatch.pk]), {"year": "2026"})
    support = SupportYear.objects.get()
    assert response.status_code == 302 and response["Location"] == support.get_absolute_url()
    bad = contact.post(
        reverse("residency:support_item_add", args=[support.pk, "spending"]),
        {"amount_yuan": "-5", "purpose": "修路", "spent_on": "2026-05-08"},
    )
    assert bad.status_code == 422 and not support.spending.exists()
    ok = contact.post(
        reverse("residency:support_item_add", args=[support.pk, "spending"]),
        {"amount_yuan": "2500", "purpose": "购买村委会办公桌椅", "spent_on": "2026-05-08"},
    )
    assert ok.status_code == 302 and support.spending.get().amount_yuan == Decimal(2500)
    assert (
        contact.post(
            reverse("residency:support_item_add", args=[support.pk, "nonsense"]), {}
        ).status_code
        == 404
    )

    token_client = Client()
    token_client.force_login(cast["org"])
    url = f"/api/v1/residency/support/{support.pk}"
    got = token_client.get(url)
    assert got.status_code == 200 and got["ETag"] == '"1"'
    assert set(got.json()["missing"]) >= {"insurance", "pairing"}
    patched = token_client.patch(
        url,
        json.dumps({"insurance_starts_on": "2026-01-01", "insurance_ends_on": "2026-12-31",
                    "paired_leader": "township"}),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )  # fmt: skip
    assert patched.status_code == 200, patched.content
    assert patched.json()["paired_leader"] == "township"
    stale = token_client.patch(
        url, json.dumps({"insurance_policy": "x"}), content_type="application/json",
        headers={"If-Match": '"1"'},
    )  # fmt: skip
    assert stale.status_code in (409, 412)
    nobody = token_client.patch(
        url, json.dumps({"paired_leader": "nobody"}), content_type="application/json",
        headers={"If-Match": '"2"'},
    )  # fmt: skip
    assert nobody.status_code == 422
    meeting = token_client.post(
        f"{url}/meetings", json.dumps({"held_on": "2026-05-09", "notes": "谈心谈话"}),
        content_type="application/json",
    )  # fmt: skip
    assert meeting.status_code == 201
    training = token_client.post(
        f"{url}/training",
        json.dumps({"course": "乡村振兴专题", "starts_on": "2026-06-12", "ends_on": "2026-06-08",
                    "organiser": "省委党校", "hours": "16"}),
        content_type="application/json",
    )  # fmt: skip
    assert training.status_code == 422 and not support.training.exists()
    listed = token_client.get("/api/v1/residency/support?year=2026&missing=medical")
    assert listed.status_code == 200
    assert token_client.get("/api/v1/residency/support?missing=sometimes").status_code == 422


def test_the_list_shows_what_is_missing_in_the_same_number_of_queries(cast, county: County) -> None:  # type: ignore[no-untyped-def]
    org = Client()
    org.force_login(cast["org"])
    url = reverse("residency:support_list") + "?year=2026"
    support_open(actor=cast["org"], dispatch=cast["ours"], year=2026)
    org.get(url)
    with CaptureQueriesContext(connection) as few:
        page = org.get(url)
    assert page.status_code == 200
    assert str(SupportGap.INSURANCE.label) in page.content.decode()
    support_open(actor=cast["org"], dispatch=cast["theirs"], year=2026)
    for name in ("zhao", "qian"):
        support_open(
            actor=cast["org"],
            dispatch=make_cadre(county, name, village=county.neighbour, role="team_member"),
            year=2026,
        )
    with CaptureQueriesContext(connection) as many:
        page = org.get(url)
    assert page.content.decode().count(str(SupportGap.PAIRING.label)) >= 4
    assert len(many) == len(few)
    export = org.post(reverse("residency:support_export"), {"year": "2026"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    b"".join(export.streaming_content)  # type: ignore[attr-defined]
    event = Event.objects.get(action="residency.support_export")
    assert event.data["rows"] == 4 and event.data["filters"] == {"year": "2026"}


def test_missing_support_reaches_the_unit_and_the_county(county: County) -> None:
    today = timezone.localdate()
    start = D(today.year, 1, 1)
    yesterday = max(start, today - datetime.timedelta(days=1))
    supported = make_cadre(county, "wang", starts_on=start)
    lapsed = make_cadre(county, "li", starts_on=start, village=county.neighbour)
    bare = make_cadre(county, "zhao", starts_on=start, role="team_member")
    contact = make_user(
        county, "unit_contact", Role.SENDING_UNIT_CONTACT, county.county,
        sending_unit=supported.sending_unit,
    )  # fmt: skip
    leader = make_user(county, "township", Role.TOWNSHIP_LEADER, county.township)
    org = make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county)
    good = support_open(actor=org, dispatch=supported, year=today.year)
    support_update(
        actor=org, support=good, expected_version=1,
        changes={"insurance_starts_on": start, "insurance_ends_on": D(today.year, 12, 31),
                 "medical_check_on": start, "medical_check_done": True,
                 "work_funds_yuan": Decimal(10000), "paired_leader": leader},
    )  # fmt: skip
    short = support_open(actor=org, dispatch=lapsed, year=today.year)
    support_update(
        actor=org, support=short, expected_version=1,
        changes={"insurance_starts_on": start, "insurance_ends_on": yesterday,
                 "work_funds_yuan": Decimal(4000)},
    )  # fmt: skip
    for user in (org, contact):
        items = assert_attention_budget(
            user, user.posts.select_related("region", "sending_unit").get()
        )
        counts = {str(item.label): item.count for item in items}
        assert counts["Cadres with no support ledger this year"] == 1  # zhao
        assert counts[str(SupportGap.INSURANCE.label)] == 1  # li's lapsed
        assert counts[str(SupportGap.PAIRING.label)] == 1
        funds_due = today > short.work_funds_due_on
        assert counts[str(SupportGap.FUNDS.label)] == (1 if funds_due else 0)
    # The township reads the ledgers but keeps none: no support items on its home page.
    items = assert_attention_budget(
        leader, leader.posts.select_related("region", "sending_unit").get()
    )
    assert not any("support ledger" in str(item.label) for item in items)
    assert bare.pk


def test_the_year_report_is_an_a4_pdf_in_chinese(cast, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "zh-hans"  # the printout is in the site's language
    dispatch = cast["ours"]
    cadre = cadre_user(dispatch)
    for day in (D(2026, 3, 2), D(2026, 3, 3), D(2026, 4, 1)):
        presence_check_in(actor=cadre, today=day)
    diary_entry_write(
        actor=cadre,
        date=D(2026, 3, 2),
        text="走访脱贫户张大爷，了解到饮水困难。",
        today=D(2026, 3, 2),
    )
    diary_entry_write(actor=cadre, date=D(2026, 4, 1), text="召开党员大会", today=D(2026, 4, 1))
    support = full_support(cast, support_open(actor=cast["contact"], dispatch=dispatch, year=2026))
    support_spending_add(
        actor=cast["contact"], support=support, amount_yuan=Decimal("3200.50"),
        purpose="村道路灯维修", spent_on=D(2026, 5, 8),
    )  # fmt: skip
    assessment_open(actor=cast["org"], dispatch=dispatch, year=2026)
    client = Client()
    client.force_login(cast["township"])
    page = client.get(dispatch.get_absolute_url()).content.decode()
    url = reverse("residency:year_report", args=[dispatch.pk, 2026])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-singlefile", pdf, tmp_path / "p"], check=True
    )
    from PIL import Image

    width, height = Image.open(tmp_path / "p.png").size
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = text.replace(" ", "")
    assert "2026年度驻村工作述职报告" in squeezed
    assert "石板村" in squeezed or dispatch.region.name in squeezed
    assert "走访脱贫户张大爷" in squeezed  # a highlight of the diary
    assert "2条" in squeezed or "2篇" in squeezed  # entries in the year
    assert "10,000.00" in squeezed and "3,200.50" in squeezed  # funds given and spent
    assert "尚未评定" in squeezed  # the assessment is open, no grade yet


def test_a_receipt_is_attached_to_the_spending_by_its_unit_only(cast) -> None:  # type: ignore[no-untyped-def]
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from cunzhi.core.attachments.selectors import attachments_of

    support = support_open(actor=cast["contact"], dispatch=cast["ours"], year=2026)
    item = support_spending_add(
        actor=cast["contact"], support=support, amount_yuan=Decimal("3200.50"),
        purpose="村道路灯维修", spent_on=D(2026, 5, 8),
    )  # fmt: skip

    def receipt() -> SimpleUploadedFile:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
        return SimpleUploadedFile("发票.png", buffer.getvalue(), content_type="image/png")

    url = reverse("attachments:add", args=["residency.fundspending", item.pk])
    for user, status in ((cast["other_contact"], 404), (cast["township"], 403)):
        client = Client()
        client.force_login(user)
        assert client.post(url, {"file": receipt()}).status_code == status
    assert not attachments_of(item).exists()
    client = Client()
    client.force_login(cast["contact"])
    assert client.post(url, {"file": receipt(), "purpose": "发票"}).status_code in (200, 302)
    assert attachments_of(item).count() == 1
    page = client.get(support.get_absolute_url()).content.decode()
    assert "发票.png" in page
