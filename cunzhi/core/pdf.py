"""Printable A4 PDFs in Chinese (reportlab): the embedded CJK font, shared by every printout.

reportlab embeds a TrueType CJK font (only the glyphs used), so a printout reads the same on any
machine, and needs no system libraries (weasyprint needs Cairo and Pango). The font is WenQuanYi
Micro Hei (``fonts-wqy-microhei``, which CI installs for the browser test) or the file
``NOTICE_FONT`` names. Used by openness (the printed notice) and residency (the year report).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "NoticeCJK"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


class NoChineseFont(RuntimeError):
    pass


@functools.cache
def font() -> str:
    """Register the CJK font once per process and return its name."""
    configured = os.environ.get("NOTICE_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).exists():
            pdfmetrics.registerFont(TTFont(FONT_NAME, candidate, subfontIndex=0))
            return FONT_NAME
    raise NoChineseFont(
        "No Chinese font for printed notices: install fonts-wqy-microhei "
        "(apt-get install fonts-wqy-microhei) or set NOTICE_FONT to a TrueType font file."
    )


def escape(text: str) -> str:
    """Text for a reportlab ``Paragraph`` (which reads a little markup)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
