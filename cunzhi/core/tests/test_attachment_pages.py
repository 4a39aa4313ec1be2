"""The attachment pages and API as three people see them: scope, headers, the list, the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.core.attachments.models import Attachment
from cunzhi.core.attachments.services import attachment_add
from cunzhi.core.tests.kit.models import Errand
from cunzhi.core.tests.test_attachments import PDF, phone_photo, upload

pytestmark = pytest.mark.usefixtures("kit")


@pytest.fixture
def errand(county: County) -> Errand:
    return Errand.objects.create(region=county.village, title="修水渠")


@pytest.fixture
def minutes(people: ThreePeople, errand: Errand) -> Attachment:
    return attachment_add(
        actor=people.in_scope,
        obj=errand,
        upload=upload(PDF, "村民会议 记录.pdf"),
        purpose="minutes",
    )


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_url(errand: Errand) -> str:
    return reverse("attachments:add", args=["kit.errand", errand.pk])


class TestThreePeople:
    def test_the_file_is_served_in_scope_and_does_not_exist_outside(
        self, people: ThreePeople, minutes: Attachment
    ) -> None:
        url = reverse("attachments:download", args=[minutes.pk])
        for person in (people.in_scope, people.read_only):
            response = client_of(person).get(url)
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
        assert client_of(people.outsider).get(url).status_code == 404
        for missing in (minutes.pk + 1000, 2**64):
            url = reverse("attachments:download", args=[missing])
            assert client_of(people.in_scope).get(url).status_code == 404

    def test_only_the_cadre_in_scope_may_upload(self, people: ThreePeople, errand: Errand) -> None:
        def post(user: Any) -> int:
            data = {"file": upload(phone_photo(60, 40)), "purpose": "evidence", "next": "/x/"}
            return client_of(user).post(add_url(errand), data).status_code

        assert post(people.outsider) == 404
        assert post(people.read_only) == 403
        assert Attachment.objects.count() == 0
        assert post(people.in_scope) == 302
        assert Attachment.objects.get().purpose == "evidence"

    def test_only_the_cadre_in_scope_may_remove(
        self, people: ThreePeople, minutes: Attachment
    ) -> None:
        url = reverse("attachments:remove", args=[minutes.pk])
        assert client_of(people.outsider).post(url, {"reason": "x"}).status_code == 404
        assert client_of(people.read_only).post(url, {"reason": "x"}).status_code == 403
        assert Attachment.objects.filter(pk=minutes.pk).exists()
        response = client_of(people.in_scope).post(url, {"reason": "传错了", "next": "/x/"})
        assert response.status_code == 302 and not Attachment.objects.exists()


class TestDownload:
    def test_the_file_keeps_its_name_is_not_sniffed_and_not_cached_by_others(
        self, people: ThreePeople, minutes: Attachment
    ) -> None:
        response = client_of(people.read_only).get(
            reverse("attachments:download", args=[minutes.pk])
        )
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''%E6%9D%91%E6%B0%91" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, max-age=3600"

    def test_a_file_missing_from_storage_is_a_404_not_an_error(
        self, people: ThreePeople, minutes: Attachment
    ) -> None:
        minutes.file.storage.delete(str(minutes.file.name))
        url = reverse("attachments:download", args=[minutes.pk])
        assert client_of(people.in_scope).get(url).status_code == 404

    def test_a_photo_opens_in_the_page(self, people: ThreePeople, errand: Errand) -> None:
        photo = attachment_add(
            actor=people.in_scope, obj=errand, upload=upload(phone_photo(60, 40))
        )
        response = client_of(people.in_scope).get(reverse("attachments:download", args=[photo.pk]))
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("inline;")

    def test_the_file_is_never_under_a_public_url(self, minutes: Attachment) -> None:
        name = str(minutes.file.name)
        assert name.startswith("attachments/") and name.endswith(".pdf") and "记录" not in name
        assert Client().get(reverse("attachments:download", args=[minutes.pk])).status_code == 302


class TestTheList:
    def render(self, user: Any, errand: Errand) -> str:
        request = RequestFactory().get("/kit/errands/1/")
        request.user = user
        template = Template("{% load attachments %}{% attachments errand %}")
        return template.render(Context({"errand": errand, "request": request}))

    def test_the_cadre_gets_the_upload_form_that_opens_the_phone_camera(
        self, people: ThreePeople, errand: Errand, minutes: Attachment
    ) -> None:
        html = self.render(people.in_scope, errand)
        assert (
            "村民会议 记录.pdf" in html
            and reverse("attachments:download", args=[minutes.pk]) in html
        )
        assert 'accept="image/*' in html and 'capture="environment"' in html
        assert 'enctype="multipart/form-data"' in html
        assert 'name="keep_position"' in html  # an errand asks for a photo's position

    def test_the_reader_sees_the_files_but_no_form(
        self, people: ThreePeople, errand: Errand, minutes: Attachment
    ) -> None:
        html = self.render(people.read_only, errand)
        assert "村民会议 记录.pdf" in html
        assert 'type="file"' not in html and "删除原因" not in html

    def test_the_list_costs_the_same_queries_for_two_files_as_for_twelve(
        self, people: ThreePeople, errand: Errand, django_assert_num_queries: Any
    ) -> None:
        for _ in range(2):
            attachment_add(actor=people.in_scope, obj=errand, upload=upload(PDF, "a.pdf"))
        self.render(people.in_scope, errand)  # the user's scope, looked up once per request
        with django_assert_num_queries(1) as few:
            self.render(people.in_scope, errand)
        for _ in range(10):
            attachment_add(actor=people.in_scope, obj=errand, upload=upload(PDF, "a.pdf"))
        with django_assert_num_queries(len(few.captured_queries)):
            html = self.render(people.in_scope, errand)
        assert html.count("a.pdf") == 12

    def test_an_htmx_upload_answers_the_list_and_a_refusal_shows_why(
        self, people: ThreePeople, errand: Errand
    ) -> None:
        client = client_of(people.in_scope)
        ok = client.post(
            add_url(errand), {"file": upload(PDF, "m.pdf")}, headers={"HX-Request": "true"}
        )
        assert ok.status_code == 200 and b"m.pdf" in ok.content and b"<html" not in ok.content
        bad = client.post(
            add_url(errand),
            {"file": upload(b"MZ" + b"\x00" * 99, "x.jpg")},
            headers={"HX-Request": "true"},
        )
        assert bad.status_code == 422
        assert "不接受这种文件" in bad.content.decode()
        # Without JavaScript the refusal comes back as a whole page with the same list and form.
        page = client.post(add_url(errand), {"file": upload(b"MZ" + b"\x00" * 99, "x.jpg")})
        assert page.status_code == 422 and b"<html" in page.content
        assert Attachment.objects.count() == 1


class TestApi:
    def test_the_list_the_upload_and_the_removal_for_three_people(
        self, people: ThreePeople, errand: Errand, minutes: Attachment
    ) -> None:
        url = "/api/v1/attachments"
        query = {"object": f"kit.errand:{errand.pk}"}
        listed = client_of(people.read_only).get(url, query)
        assert listed.status_code == 200
        assert [(a["name"], a["purpose"], a["type"]) for a in listed.json()] == [
            ("村民会议 记录.pdf", "minutes", "application/pdf")
        ]
        assert client_of(people.outsider).get(url, query).status_code == 404

        file = client_of(people.read_only).get(listed.json()[0]["url"])
        assert file.status_code == 200 and file["X-Content-Type-Options"] == "nosniff"
        assert client_of(people.outsider).get(listed.json()[0]["url"]).status_code == 404

        def create(user: Any, **extra: Any) -> Any:
            data = {**query, "file": upload(phone_photo(60, 40)), "purpose": "evidence", **extra}
            return client_of(user).post(url, data)

        assert create(people.outsider).status_code == 404
        assert create(people.read_only).status_code == 403
        created = create(people.in_scope, keep_position="true")
        assert created.status_code == 201, created.content
        assert created.json()["latitude"] == "25.041667"
        assert Attachment.objects.count() == 2

        removal = f"{url}/{created.json()['id']}"
        assert client_of(people.read_only).delete(removal + "?reason=x").status_code == 403
        assert client_of(people.in_scope).delete(removal).status_code == 422
        assert client_of(people.in_scope).delete(removal + "?reason=重复").status_code == 204
        assert Attachment.objects.count() == 1
        assert Event.objects.filter(action="core.attachment_remove").count() == 1

    @pytest.mark.parametrize(
        "value",
        [
            "kit.errand",
            "kit.errand:",
            "nope.nothing:1",
            "kit.errand:abc",
            "kit.errand:99999999999999999999",
            "registry.household:1",
        ],
    )
    def test_a_record_that_is_not_one_is_a_clear_refusal(
        self, people: ThreePeople, value: str
    ) -> None:
        response = client_of(people.in_scope).get("/api/v1/attachments", {"object": value})
        assert response.status_code == (422 if value.endswith(("errand", ":")) else 404)
        assert set(response.json()) == {"detail", "errors"}

    def test_a_refused_file_is_a_422_naming_the_file(
        self, people: ThreePeople, errand: Errand
    ) -> None:
        response = client_of(people.in_scope).post(
            "/api/v1/attachments",
            {
                "object": f"kit.errand:{errand.pk}",
                "file": SimpleUploadedFile("a.jpg", b"not a photo"),
            },
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "file"
        assert not Attachment.objects.exists()
