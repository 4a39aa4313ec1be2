"""Attachments on a record of the test-only kit: content checks, clean photos, scope, the trace."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.core.attachments.models import Attachment
from cunzhi.core.attachments.selectors import attachments_of
from cunzhi.core.attachments.services import attachment_add, attachment_remove
from cunzhi.core.tests.kit.models import Dossier, Errand

pytestmark = pytest.mark.usefixtures("kit")

CAMERA = "PhoneCam X1"


def phone_photo(width: int = 3000, height: int = 2000, *, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: camera make and model, orientation, GPS position."""
    image = Image.new("RGB", (width, height), (180, 40, 40))
    # A mark in the top-left corner as stored, to see where it lands once turned upright.
    image.paste((0, 0, 255), (0, 0, width // 10, height // 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = CAMERA
    exif[0x0112] = orientation
    # 25°2'30" N, 102°42'36" E: Kunming.
    exif[0x8825] = {1: "N", 2: (25.0, 2.0, 30.0), 3: "E", 4: (102.0, 42.0, 36.0)}
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif, quality=90)
    return output.getvalue()


def upload(data: bytes, name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def office_file(main_part: str, *, macros: bool = False) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 64)
    return output.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def errand(county: County) -> Errand:
    return Errand.objects.create(region=county.village, title="修水渠")


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


class TestPhotos:
    def test_a_phone_photo_is_stored_upright_downscaled_and_without_any_exif(
        self, people: ThreePeople, errand: Errand
    ) -> None:
        original = phone_photo()
        item = attachment_add(
            actor=people.in_scope, obj=errand, upload=upload(original), purpose="evidence"
        )

        with item.file.open("rb") as stored:
            data = stored.read()
        image = Image.open(io.BytesIO(data))
        # Orientation 6: the 3000x2000 sensor image is a portrait photo, 2000 wide, 3000 high;
        # downscaled to 2048 on its longest side.
        assert image.size == (1365, 2048)
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and "xmp" not in image.info
        assert CAMERA.encode() not in data and b"PhoneMaker" not in data and b"Exif" not in data
        # The corner mark stored top-left ends up top-right once the photo is turned upright.
        pixel = image.getpixel((1300, 20))
        assert isinstance(pixel, tuple) and pixel[2] > 200
        assert item.latitude is None and item.longitude is None
        assert item.mime_type == "image/jpeg" and item.size == len(data)
        assert item.original_name == "IMG_0001.jpg" and item.purpose == "evidence"
        assert item.region_code == errand.region_code

    def test_the_gps_position_is_kept_in_the_fields_only_when_asked(
        self, people: ThreePeople, errand: Errand
    ) -> None:
        kept = attachment_add(
            actor=people.in_scope,
            obj=errand,
            upload=upload(phone_photo(600, 400)),
            keep_position=True,
        )
        dropped = attachment_add(
            actor=people.in_scope, obj=errand, upload=upload(phone_photo(600, 400))
        )

        assert (kept.latitude, kept.longitude) == (Decimal("25.041667"), Decimal("102.710000"))
        assert (dropped.latitude, dropped.longitude) == (None, None)
        with kept.file.open("rb") as stored:
            assert len(Image.open(stored).getexif()) == 0

    def test_a_record_that_does_not_ask_for_a_position_refuses_to_keep_one(
        self, people: ThreePeople, county: County, settings: Any
    ) -> None:
        dossier = Dossier.objects.create(region=county.village, title="低保申请")
        with pytest.raises(ValidationError) as refused:
            attachment_add(
                actor=people.in_scope,
                obj=dossier,
                upload=upload(phone_photo(60, 40)),
                keep_position=True,
            )
        assert "keep_position" in refused.value.message_dict
        assert Attachment.objects.count() == 0 and stored_files(settings) == []

    def test_a_small_png_keeps_its_size_and_loses_its_text_chunks(
        self, people: ThreePeople, errand: Errand
    ) -> None:
        from PIL.PngImagePlugin import PngInfo

        meta = PngInfo()
        meta.add_text("Author", "someone's phone")
        output = io.BytesIO()
        Image.new("RGB", (320, 200), "white").save(output, "PNG", pnginfo=meta)
        item = attachment_add(
            actor=people.in_scope, obj=errand, upload=upload(output.getvalue(), "scan.png")
        )
        with item.file.open("rb") as stored:
            data = stored.read()
        assert Image.open(io.BytesIO(data)).size == (320, 200)
        assert b"someone's phone" not in data and item.mime_type == "image/png"


class TestRefused:
    """A refused file leaves nothing behind: no row, no file, no event; the message says why."""

    @pytest.mark.parametrize(
        ("data", "name", "message"),
        [
            (b"MZ\x90\x00" + b"\x00" * 200, "photo.jpg", "不接受这种文件"),
            (b"just some text, renamed", "evidence.pdf", "不接受这种文件"),
            (
                b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
                "IMG.HEIC",
                "HEIC",
            ),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "minutes.doc", ".docx"),
            (PDF.replace(b"%%EOF", b""), "cut.pdf", "不完整"),
            (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "broken.jpg", "无法读取"),
            (b"", "empty.jpg", "空"),
        ],
    )
    def test_a_file_that_is_not_what_we_accept_is_refused_in_chinese(
        self,
        people: ThreePeople,
        errand: Errand,
        settings: Any,
        data: bytes,
        name: str,
        message: str,
    ) -> None:
        events = Event.objects.count()
        with pytest.raises(ValidationError) as refused:
            attachment_add(actor=people.in_scope, obj=errand, upload=upload(data, name))
        assert message in " ".join(refused.value.message_dict["file"])
        assert Attachment.objects.count() == 0
        assert stored_files(settings) == []
        assert Event.objects.count() == events

    def test_an_office_file_with_macros_is_refused(
        self, people: ThreePeople, errand: Errand
    ) -> None:
        with pytest.raises(ValidationError) as refused:
            attachment_add(
                actor=people.in_scope,
                obj=errand,
                upload=upload(office_file("word/document.xml", macros=True), "plan.docx"),
            )
        assert "宏" in refused.value.message_dict["file"][0]

    def test_a_photo_over_the_limit_is_refused_with_both_sizes(
        self, people: ThreePeople, errand: Errand, settings: Any
    ) -> None:
        settings.ATTACHMENT_MAX_PHOTO_BYTES = 1024 * 1024
        data = phone_photo(600, 400) + b"\x00" * (1024 * 1024)  # a JPEG padded past 1 MB
        with pytest.raises(ValidationError) as refused:
            attachment_add(actor=people.in_scope, obj=errand, upload=upload(data))
        assert refused.value.message_dict["file"] == ["照片最大 1 MB，这张有 1 MB。"]
        assert Attachment.objects.count() == 0 and stored_files(settings) == []

    def test_a_document_over_the_limit_is_refused(
        self, people: ThreePeople, errand: Errand, settings: Any
    ) -> None:
        settings.ATTACHMENT_MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
        data = PDF[:-7] + b" " * (3 * 1024 * 1024) + b"%%EOF\n"
        with pytest.raises(ValidationError) as refused:
            attachment_add(actor=people.in_scope, obj=errand, upload=upload(data, "big.pdf"))
        assert (
            "文件太大" in refused.value.message_dict["file"][0]
            or "文件最大" in refused.value.message_dict["file"][0]
        )
        assert Attachment.objects.count() == 0 and stored_files(settings) == []


class TestDocuments:
    def test_a_pdf_and_office_files_are_accepted_as_they_are(
        self, people: ThreePeople, errand: Errand
    ) -> None:
        pdf = attachment_add(actor=people.in_scope, obj=errand, upload=upload(PDF, "会议记录.pdf"))
        docx = attachment_add(
            actor=people.in_scope,
            obj=errand,
            upload=upload(office_file("word/document.xml"), "方案"),
        )
        xlsx = attachment_add(
            actor=people.in_scope,
            obj=errand,
            upload=upload(office_file("xl/workbook.xml"), "签到表.xlsx"),
        )
        assert [pdf.mime_type, str(docx.file.name)[-5:], str(xlsx.file.name)[-5:]] == [
            "application/pdf",
            ".docx",
            ".xlsx",
        ]
        with pdf.file.open("rb") as stored:
            assert stored.read() == PDF
        assert list(attachments_of(errand)) == [pdf, docx, xlsx]


class TestTrace:
    def test_adding_and_removing_are_in_the_records_history(
        self,
        people: ThreePeople,
        errand: Errand,
        settings: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        item = attachment_add(
            actor=people.in_scope, obj=errand, upload=upload(PDF, "minutes.pdf"), purpose="minutes"
        )
        added = Event.objects.get(action="core.attachment_add")
        assert (added.object_type, added.object_id) == ("kit.errand", str(errand.pk))
        assert added.region_code == errand.region_code
        assert added.data["name"] == "minutes.pdf" and added.data["sha256"] == item.sha256
        assert len(stored_files(settings)) == 1

        with pytest.raises(ValidationError):
            attachment_remove(actor=people.in_scope, attachment=item, reason="  ")
        with django_capture_on_commit_callbacks(execute=True):
            attachment_remove(actor=people.in_scope, attachment=item, reason="传错了文件")

        removed = Event.objects.get(action="core.attachment_remove")
        assert removed.object_id == str(errand.pk) and removed.data["reason"] == "传错了文件"
        assert removed.data["sha256"] == item.sha256
        assert Attachment.objects.count() == 0 and stored_files(settings) == []

    def test_a_reader_or_an_outsider_cannot_add_or_remove(
        self, people: ThreePeople, errand: Errand, settings: Any
    ) -> None:
        item = attachment_add(actor=people.in_scope, obj=errand, upload=upload(PDF, "a.pdf"))
        for person in (people.read_only, people.outsider):
            with pytest.raises(PermissionDenied):
                attachment_add(actor=person, obj=errand, upload=upload(PDF, "b.pdf"))
            with pytest.raises(PermissionDenied):
                attachment_remove(actor=person, attachment=item, reason="不要了")
        assert list(attachments_of(errand)) == [item] and len(stored_files(settings)) == 1

    def test_downloading_a_personal_file_is_traced_and_an_evidence_photo_is_not(
        self, people: ThreePeople, county: County, errand: Errand
    ) -> None:
        dossier = Dossier.objects.create(region=county.village, title="低保申请")
        personal = attachment_add(
            actor=people.in_scope, obj=dossier, upload=upload(PDF, "身份证.pdf")
        )
        photo = attachment_add(
            actor=people.in_scope, obj=errand, upload=upload(phone_photo(60, 40))
        )
        client = Client()
        client.force_login(people.read_only)

        assert client.get(reverse("attachments:download", args=[photo.pk])).status_code == 200
        assert not Event.objects.filter(action="core.attachment_download").exists()
        assert client.get(reverse("attachments:download", args=[personal.pk])).status_code == 200
        traced = Event.objects.get(action="core.attachment_download")
        assert traced.actor == people.read_only and traced.object_id == str(dossier.pk)
