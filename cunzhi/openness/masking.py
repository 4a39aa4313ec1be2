"""Personal numbers masked in text shown to the public (a notice's body, its printed copy).

A cadre writes a notice by hand and may paste a list with ID and phone numbers in it; the public
board and the printed notice show them masked as lists do (DESIGN rule 7).
"""

from __future__ import annotations

import re

from cunzhi.core.privacy import mask_id_number, mask_phone

ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def mask_personal_numbers(text: str) -> str:
    text = ID_NUMBER.sub(lambda m: mask_id_number(m[0]), text)
    return MOBILE.sub(lambda m: mask_phone(m[0]), text)
