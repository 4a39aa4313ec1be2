"""A notice as an A4 PDF in Chinese, for the village's physical board (公开栏).

reportlab draws it with the embedded CJK font of ``core.pdf``. The QR code is drawn module by
module from the ``qrcode`` package's matrix, as vectors, so it prints sharp at any size.
"""

from __future__ import annotations

import io

import qrcode
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Paragraph

from cunzhi.core.pdf import escape, font
from cunzhi.openness.masking import mask_personal_numbers
from cunzhi.openness.models import Notice

QR_BORDER = 4  # quiet zone, in modules
QR_SIZE = 36 * mm


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules, with its quiet zone (what the PDF draws, and a test reads back)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QR_BORDER)
    code.add_data(url)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def _draw_qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(url)
    module = size / len(matrix)
    pdf.setFillColorRGB(0, 0, 0)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                pdf.rect(x + col * module, y + size - (row + 1) * module, module, module, 0, 1)


def notice_pdf_bytes(notice: Notice, url: str) -> bytes:
    """The notice on one A4 page (more pages when the text is long), in the site's language."""
    name = font()
    with translation.override(settings.LANGUAGE_CODE):
        return _render(notice, url, name)


def _render(notice: Notice, url: str, name: str) -> bytes:
    buffer = io.BytesIO()
    width, height = A4
    margin = 20 * mm
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(notice.title)
    pdf.setAuthor(notice.region.name)
    village = notice.region.name
    pdf.setFont(name, 14)
    pdf.drawCentredString(
        width / 2, height - margin, _("%(village)s public board") % {"village": village}
    )
    pdf.setFont(name, 11)
    pdf.drawCentredString(width / 2, height - margin - 7 * mm, notice.get_category_display())
    title = ParagraphStyle(
        "title", fontName=name, fontSize=20, leading=26, alignment=1, wordWrap="CJK"
    )
    body = ParagraphStyle(
        "body", fontName=name, fontSize=13, leading=21, wordWrap="CJK", firstLineIndent=26
    )
    dates = [_("Published on %(date)s") % {"date": notice.published_on.strftime("%Y-%m-%d")}]
    if notice.publicity_ends_on:
        dates.append(
            _("Publicity period until %(date)s: objections to the village committee or online.")
            % {"date": notice.publicity_ends_on.strftime("%Y-%m-%d")}
        )
    story = [Paragraph(escape(notice.title), title)]
    story += [
        Paragraph(escape(line) or "&nbsp;", body)
        for line in mask_personal_numbers(notice.body).splitlines()
    ]
    footer_height = QR_SIZE + 12 * mm
    frame = Frame(
        margin, margin + footer_height, width - 2 * margin,
        height - 2 * margin - 14 * mm - footer_height, showBoundary=0,
    )  # fmt: skip
    while story:
        frame.addFromList(story, pdf)
        _footer(pdf, notice, url, name, dates, margin)
        if story:
            pdf.showPage()
            frame = Frame(margin, margin + footer_height, width - 2 * margin,
                          height - 2 * margin - footer_height)  # fmt: skip
    pdf.save()
    return buffer.getvalue()


def _footer(
    pdf: canvas.Canvas, notice: Notice, url: str, name: str, dates: list[str], margin: float
) -> None:
    width, _height = A4
    qr_x = width - margin - QR_SIZE
    _draw_qr(pdf, url, qr_x, margin, QR_SIZE)
    pdf.setFont(name, 11)
    y = margin + QR_SIZE - 4 * mm
    for line in [*dates, _("%(village)s villagers' committee") % {"village": notice.region.name}]:
        pdf.drawString(margin, y, line)
        y -= 6 * mm
    pdf.setFont(name, 7)
    if notice.chain_hash:
        pdf.drawString(
            margin,
            margin + 8 * mm,
            _("County audit chain %(chain)s, event %(seq)s, head:")
            % {"chain": notice.chain, "seq": notice.chain_seq},
        )
        pdf.setFont("Courier", 7)
        pdf.drawString(margin, margin + 4 * mm, notice.chain_hash)
        pdf.setFont(name, 7)
    pdf.drawString(
        margin, margin, _("Scan the code to read this notice online: %(url)s") % {"url": url}
    )
