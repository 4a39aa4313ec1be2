"""What a file is, judged by its bytes, and a phone photo made small and anonymous.

The name a person's phone gives a file says nothing about what it holds: the type is read from the
content (``filetype``: the magic bytes), then checked further by opening it (Pillow decodes an
image; an Office file must be the zip it claims to be, without macros). Photos are decoded,
turned upright (EXIF Orientation), downscaled and written again without any metadata: no EXIF,
no XMP, no ICC profile, so no camera model, no time and no position leaves with the file. The
position is read before and handed back only when the caller asks for it.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
# Output format and file extension of each accepted image type.
IMAGE_FORMATS = {
    "image/jpeg": ("JPEG", "jpg"),
    "image/png": ("PNG", "png"),
    "image/webp": ("WEBP", "webp"),
}
PDF = "application/pdf"
# The main part each Office Open XML document must have, by the type filetype reads.
OOXML = "application/vnd.openxmlformats-officedocument."
OFFICE_PARTS = {
    OOXML + "wordprocessingml.document": ("word/document.xml", "docx"),
    OOXML + "spreadsheetml.sheet": ("xl/workbook.xml", "xlsx"),
    OOXML + "presentationml.presentation": ("ppt/presentation.xml", "pptx"),
}
LEGACY_OFFICE = {"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"}
# Every old binary Office file is an OLE compound file; filetype names only some of them.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
GPS_IFD = 0x8825


@dataclass
class CleanFile:
    """What is stored: the bytes, their type, the extension, and the position when kept."""

    data: bytes
    mime_type: str
    extension: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def max_upload_bytes() -> int:
    return max(settings.ATTACHMENT_MAX_PHOTO_BYTES, settings.ATTACHMENT_MAX_DOCUMENT_BYTES)


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f}"


def clean_upload(data: bytes, *, keep_position: bool) -> CleanFile:
    """The file to store, or a ValidationError saying in the person's language what is wrong."""
    if not data:
        raise refuse(_("The file is empty."))
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else ""
    if mime in IMAGE_FORMATS:
        if len(data) > settings.ATTACHMENT_MAX_PHOTO_BYTES:
            raise refuse(
                _("A photo may be at most %(limit)s MB; this one is %(size)s MB.")
                % {
                    "limit": _megabytes(settings.ATTACHMENT_MAX_PHOTO_BYTES),
                    "size": _megabytes(len(data)),
                }
            )
        return clean_photo(data, mime, keep_position=keep_position)
    if mime in {"image/heic", "image/avif"}:
        raise refuse(
            _(
                "HEIC photos cannot be read here. Set the phone's camera to save JPEG "
                "('Most Compatible'), or send the photo as JPEG."
            )
        )
    if len(data) > settings.ATTACHMENT_MAX_DOCUMENT_BYTES:
        raise refuse(
            _("A document may be at most %(limit)s MB; this one is %(size)s MB.")
            % {
                "limit": _megabytes(settings.ATTACHMENT_MAX_DOCUMENT_BYTES),
                "size": _megabytes(len(data)),
            }
        )
    if mime == PDF:
        return clean_pdf(data)
    if mime in OFFICE_PARTS:
        return clean_office(data, mime)
    if mime in LEGACY_OFFICE or data.startswith(OLE_MAGIC):
        raise refuse(
            _(
                "Old Word, Excel and PowerPoint files (.doc, .xls, .ppt) are not accepted. "
                "Save it as .docx, .xlsx or .pptx, or as PDF."
            )
        )
    raise refuse(
        _(
            "This kind of file is not accepted. Attach a photo (JPEG, PNG, WebP), a PDF, "
            "or a Word, Excel or PowerPoint file."
        )
    )


def clean_pdf(data: bytes) -> CleanFile:
    # A PDF ends with its trailer; a file cut short in transfer does not open for the reader.
    if b"%%EOF" not in data[-2048:]:
        raise refuse(_("This PDF is incomplete or damaged. Save or scan it again."))
    return CleanFile(data=data, mime_type=PDF, extension="pdf")


def clean_office(data: bytes, mime: str) -> CleanFile:
    main_part, extension = OFFICE_PARTS[mime]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        names = set()
    if "[Content_Types].xml" not in names or main_part not in names:
        raise refuse(_("This Office file is damaged. Save it again."))
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise refuse(
            _("Files with macros are not accepted. Save it without macros (.docx, .xlsx, .pptx).")
        )
    return CleanFile(data=data, mime_type=mime, extension=extension)


def clean_photo(data: bytes, mime: str, *, keep_position: bool) -> CleanFile:
    """Upright, at most ``ATTACHMENT_PHOTO_MAX_SIDE`` on its longest side, without metadata."""
    max_side = settings.ATTACHMENT_PHOTO_MAX_SIDE
    damaged = refuse(_("This photo cannot be read; it may be damaged. Take or save it again."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            if image.width * image.height > settings.ATTACHMENT_MAX_PIXELS:
                raise refuse(_("This photo has too many pixels to be read here."))
            latitude, longitude = gps_position(image) if keep_position else (None, None)
            # JPEG can decode at 1/2, 1/4 or 1/8 scale directly: far faster for a 12 MP photo.
            image.draft("RGB", (max_side, max_side))
            image = ImageOps.exif_transpose(image)
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as exc:
        raise damaged from exc
    image_format, extension = IMAGE_FORMATS[mime]
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # Nothing of the original's metadata is written: save() only writes what it is handed.
    image.info = {}
    output = io.BytesIO()
    options: dict[str, Any] = {"optimize": True}
    if image_format in ("JPEG", "WEBP"):
        options["quality"] = 85
    image.save(output, format=image_format, **options)
    return CleanFile(
        data=output.getvalue(),
        mime_type=mime,
        extension=extension,
        latitude=latitude,
        longitude=longitude,
    )


def gps_position(image: Image.Image) -> tuple[Decimal | None, Decimal | None]:
    """The photo's GPS position in decimal degrees, or (None, None) when it has none."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
        latitude = _degrees(gps.get(2), gps.get(1), "S", 90)
        longitude = _degrees(gps.get(4), gps.get(3), "W", 180)
    except (TypeError, ValueError, ZeroDivisionError, KeyError, AttributeError):
        return None, None
    if latitude is None or longitude is None:
        return None, None
    return latitude, longitude


def _degrees(value: Any, reference: Any, negative: str, limit: int) -> Decimal | None:
    if not value or len(value) != 3:
        return None
    degrees, minutes, seconds = (float(part) for part in value)
    decimal = degrees + minutes / 60 + seconds / 3600
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "replace")
    if str(reference).strip().upper() == negative:
        decimal = -decimal
    if not -limit <= decimal <= limit:
        return None
    return Decimal(str(decimal)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)
