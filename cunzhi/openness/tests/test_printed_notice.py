"""The printed notice: an A4 PDF in Chinese, checked as a picture (pdftoppm) and as text."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from cunzhi.accounts.testing import County
from cunzhi.audit import services as audit
from cunzhi.audit.models import Event
from cunzhi.openness.models import Notice
from cunzhi.openness.pdf import QR_SIZE, qr_matrix
from cunzhi.openness.testing import publish_list
from cunzhi.regions.services import contact_create

pytestmark = [
    pytest.mark.django_db,
    # CI installs poppler-utils (.ci/run); elsewhere the test says what it needs.
    pytest.mark.skipif(
        not shutil.which("pdftoppm") and not os.environ.get("CI"),
        reason="poppler-utils is not installed (apt-get install poppler-utils)",
    ),
]
DPI = 200
MM = DPI / 25.4  # pixels per millimetre


def _dark(pixel: Any) -> bool:
    return bool(pixel < 128)


def printed(county: County, tmp_path: Path) -> tuple[Path, str, Notice]:
    notice = publish_list(county)
    response = Client().get(reverse("openness:notice_pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(response.content)
    return pdf, f"http://testserver{notice.public_url()}", notice


def test_the_printed_notice_is_one_a4_page_in_chinese_with_an_embedded_font(
    county: County, tmp_path: Path
) -> None:
    pdf, _url, notice = printed(county, tmp_path)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "-singlefile", pdf, tmp_path / "page"], check=True
    )
    image = Image.open(tmp_path / "page.png").convert("L")
    assert image.size == (round(210 * MM), round(297 * MM))  # A4 portrait
    # The title, 20 pt and centred under the header: dark strokes where its glyphs are drawn.
    title_band = image.crop((int(20 * MM), int(30 * MM), int(190 * MM), int(45 * MM)))
    darkest: Any = title_band.getextrema()[0]
    assert darkest < 64
    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "石板村" in text and "2026年低保拟保对象公示" in text
    assert (
        f"{notice.published_on:%Y-%m-%d}" in text and f"{notice.publicity_ends_on:%Y-%m-%d}" in text
    )
    assert notice.chain_hash in text.replace(" ", "")
    assert "530102196805120015" not in text and "530102********0015" in text
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts and " yes " in fonts  # embedded, so any printer shows Chinese


def test_the_qr_code_on_the_page_is_the_notices_address(county: County, tmp_path: Path) -> None:
    pdf, url, _notice = printed(county, tmp_path)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "-singlefile", pdf, tmp_path / "page"], check=True
    )
    image = Image.open(tmp_path / "page.png").convert("L")
    matrix = qr_matrix(url)
    size_px = QR_SIZE / 72 * DPI  # reportlab's units are points
    left = image.size[0] - 20 * MM - size_px
    top = image.size[1] - 20 * MM - size_px
    module = size_px / len(matrix)
    read = [
        [
            _dark(image.getpixel((left + (col + 0.5) * module, top + (row + 0.5) * module)))
            for col in range(len(matrix))
        ]
        for row in range(len(matrix))
    ]
    assert read == matrix


def test_a_chain_rewritten_after_the_notice_was_printed_is_exposed_by_its_head(
    county: County, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf, _url, notice = printed(county, tmp_path)
    text = subprocess.run(
        ["pdftotext", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    head = next(word for word in text.split() if len(word) == 64)  # read off the paper
    contact_create(
        actor=county.admin,
        region=county.village,
        name="王芳",
        organisation="镇政府",
        level="township",
    )
    call_command("audit_verify", head=head)
    assert "still contains head" in capsys.readouterr().out
    # Someone with the database rewrites the notice's publication and recomputes the chain.
    chain, seq = notice.chain, notice.chain_seq
    assert seq is not None
    events = list(Event.objects.filter(chain=chain, seq__gte=seq - 1).order_by("seq"))
    before = Event.objects.filter(chain=chain, seq=events[0].seq - 1).first()
    prev = before.hash if before else audit.GENESIS
    with connection.cursor() as cursor:
        for event in events:
            if event is events[0]:
                event.object_label = "另一份公示"
            event.prev_hash, event.hash = prev, ""
            event.hash = audit.event_digest(event)
            cursor.execute(
                "UPDATE audit_event SET object_label = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [event.object_label, event.prev_hash, event.hash, event.pk],
            )
            prev = event.hash
        cursor.execute("UPDATE audit_chainhead SET last_hash = %s WHERE chain = %s", [prev, chain])
    call_command("audit_verify")  # the rewritten chain verifies on its own
    with pytest.raises(SystemExit):
        call_command("audit_verify", head=head)
    assert "NOT FOUND" in capsys.readouterr().err
