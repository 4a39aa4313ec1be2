"""The work diary (民情日记): the cadre writes, adds photos, and the month sums itself up."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping
from cunzhi.audit.models import Event
from cunzhi.core.attachments.services import attachment_add
from cunzhi.residency.models import DiaryEntry
from cunzhi.residency.selectors import diary_month
from cunzhi.residency.services import diary_entry_update, diary_entry_write, presence_check_in
from cunzhi.residency.testing import cadre_user, make_cadre

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def png() -> SimpleUploadedFile:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return SimpleUploadedFile("走访.png", buffer.getvalue(), content_type="image/png")


def test_a_month_of_the_diary_sums_up_entries_photos_and_days(
    county: County, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    dispatch = make_cadre(county, "wang")
    user = cadre_user(dispatch)
    for day in (D(2026, 11, 2), D(2026, 11, 3)):
        presence_check_in(actor=user, today=day)
    first = diary_entry_write(actor=user, date=D(2026, 11, 2), text="走访了杨家三户，了解饮水问题")
    diary_entry_write(actor=user, date=D(2026, 11, 2), text="晚上召开村民小组会")
    diary_entry_write(actor=user, date=D(2026, 11, 3), text="到镇上对接修路项目")
    attachment_add(actor=user, obj=first, upload=png(), purpose="photo")
    month = diary_month(dispatch, D(2026, 11, 1))
    assert (len(month.entries), month.days_written, month.photos) == (3, 2, 1)
    assert month.presence.in_village == 2
    assert (month.previous, month.next) == ("2026-10", "2026-12")
    with pytest.raises(ValidationError, match="a day that has come"):
        diary_entry_write(actor=user, date=D(2027, 1, 4), text="x", today=D(2026, 12, 1))


def test_only_the_author_corrects_an_entry(county: County, people: ThreePeople) -> None:
    dispatch = make_cadre(county, "wang")
    entry = diary_entry_write(actor=cadre_user(dispatch), date=D(2026, 11, 2), text="走访")
    with pytest.raises(PermissionDenied):
        diary_entry_update(actor=people.in_scope, entry=entry, text="改", expected_version=1)
    diary_entry_update(actor=cadre_user(dispatch), entry=entry, text="走访五户", expected_version=1)
    assert Event.objects.get(action="residency.diary_entry_update").data["changes"] == {
        "text": ["走访", "走访五户"]
    }
    assert_three_people_scoping(people, entry, page_url=entry.get_absolute_url())


def test_the_cadre_writes_from_the_page_and_the_api(county: County) -> None:
    dispatch = make_cadre(county, "wang")
    client = Client()
    client.force_login(cadre_user(dispatch))
    url = reverse("residency:diary", args=[dispatch.pk])
    assert client.get(url).context["form"] is not None
    response = client.post(url, {"date": "2026-11-02", "text": "走访了三户"})
    entry = DiaryEntry.objects.get()
    assert response["Location"] == entry.get_absolute_url()
    created = client.post(
        "/api/v1/residency/diary",
        json.dumps({"date": "2026-11-03", "text": "召开党员大会"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    month = client.get(f"/api/v1/residency/dispatches/{dispatch.pk}/diary?month=2026-11").json()
    assert [e["text"] for e in month["entries"]] == ["召开党员大会", "走访了三户"]
    assert (
        client.get(f"/api/v1/residency/dispatches/{dispatch.pk}/diary?month=13").status_code == 422
    )
