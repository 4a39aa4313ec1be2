"""The village register to Excel: one row per resident, streamed, with personal numbers masked.

The export takes the register page's filters and keeps the households the page shows, with every
member of each (living, moved out or deceased: the status column says which), head first. It
reads through ``for_user`` like the page, and in constant memory: residents come from one query
read in chunks (``iterator(chunk_size=...)``), their tags from one query per chunk, and the
workbook is zipped as it goes (``cunzhi.core.xlsx``), so a village's register and a
million-row benchmark take the same memory (benchmarks/bench_registry_export.py).

ID and phone numbers are masked unless the exporter may reveal them *and* asks for the full
numbers; sensitive tags show only to those who may reveal them, as on the pages (DESIGN rule 7).
Every export is audited, masked or not, and full numbers need a reason, as every list's export
(``core.exports``): the event is written and committed before the first byte is streamed, so
that an export cut off halfway still left its trace; the row count it records is counted then.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Field, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

from cunzhi.core.exports import batches, export_audited
from cunzhi.core.xlsx import Cell, xlsx_stream
from cunzhi.regions.models import Region
from cunzhi.registry.identity import mask_id_number, mask_phone
from cunzhi.registry.models import (
    Education,
    Employment,
    Household,
    Relation,
    Resident,
    ResidentStatus,
    ResidentTag,
    Sex,
)
from cunzhi.registry.selectors import REVEAL, age_of, household_list, visible_tags

CHUNK_SIZE = 2000
EXPORT_ACTION = "registry.register_export"

# The columns of a resident row, as read from the database (the resident's pk comes first).
_FIELDS = (
    "pk",
    "household__household_no",
    "household__group__name",
    "name",
    "sex",
    "birth_date",
    "relation",
    "id_number",
    "phone",
    "ethnicity",
    "education",
    "employment",
    "work_place",
    "status",
)
_WIDTHS = (10, 18, 10, 6, 12, 6, 12, 20, 14, 8, 16, 16, 18, 10, 24)


def _title(model: type[Household | Resident], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return str(capfirst(field.verbose_name))


def _header() -> list[str]:
    """The column titles in the active language: the models' own field names where they fit."""
    return [
        _title(Household, "household_no"),
        gettext("Villager group"),
        pgettext("person", "Name"),
        _title(Resident, "sex"),
        _title(Resident, "birth_date"),
        gettext("Age"),
        _title(Resident, "relation"),
        _title(Resident, "id_number"),
        _title(Resident, "phone"),
        _title(Resident, "ethnicity"),
        _title(Resident, "education"),
        _title(Resident, "employment"),
        _title(Resident, "work_place"),
        _title(Resident, "status"),
        gettext("Tags"),
    ]


@dataclass(frozen=True)
class _Labels:
    """Everything translated, taken once while the request's language is active: the rows are
    written later, as the response streams, when it may no longer be."""

    header: list[str]
    sheet: str
    choices: dict[str, dict[str, str]]
    tags: dict[int, tuple[int, str]]  # visible tag pk -> (position in the tags' order, name)


def _labels(user: Any, village: Region) -> _Labels:
    choices = {
        name: {value: str(label) for value, label in kind.choices}
        for name, kind in (
            ("sex", Sex),
            ("relation", Relation),
            ("education", Education),
            ("employment", Employment),
            ("status", ResidentStatus),
        )
    }
    tags = {tag.pk: (rank, tag.name) for rank, tag in enumerate(visible_tags(user, village.code))}
    return _Labels(
        header=_header(), sheet=gettext("Household register"), choices=choices, tags=tags
    )


def register_residents(user: Any, village: Region, **filters: Any) -> QuerySet[Resident]:
    """The residents of the households the register shows for these filters, head first."""
    households = household_list(user, village, counted=False, **filters)
    head_first = Case(
        When(relation=Relation.HEAD, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        Resident.objects.for_user(user, "view")
        .in_region(village.prefix)
        .filter(household__in=households.values("pk"))
        .order_by(
            "household__household_no",
            "household_id",
            head_first,
            "pk",
        )
    )


def filters_for_trace(filters: dict[str, Any]) -> dict[str, str]:
    """The filters as the audit event keeps them: codes and values, the unset ones left out."""
    kept = {
        "group": getattr(filters.get("group"), "code", ""),
        "tag": getattr(filters.get("tag"), "code", ""),
        "status": filters.get("status") or "",
        "age_band": filters.get("age_band") or "",
        "query": filters.get("query") or "",
    }
    return {name: value for name, value in kept.items() if value}


def register_export(
    *,
    actor: Any,
    village: Region,
    filters: dict[str, Any],
    full_numbers: bool = False,
    reason: str = "",
) -> Iterator[bytes]:
    """Check, record and start an export of the village register; the .xlsx bytes, streamed.

    ``filters`` are ``household_list``'s keyword arguments (the register form's ``filters()``).
    The check and the trace are every list's (``core.exports.export_audited``): full numbers need
    the reveal permission (PermissionDenied otherwise, not a quietly masked file) and a reason
    (ValidationError without one), which goes into the trace with them, as a reveal's does.
    The rows are written here, from values rather than model instances, for a county's size.
    """
    residents = register_residents(actor, village, **filters)
    labels = _labels(actor, village)
    # Counted before the transaction: on SQLite it holds the write lock, and the audit event
    # holds the county's chain head until it commits.
    export_audited(
        actor=actor,
        action=EXPORT_ACTION,
        obj=village,
        region_code=village.code,
        permission="registry.view_resident",
        reveal_permission=REVEAL,
        full_numbers=full_numbers,
        reason=reason,
        filters=filters_for_trace(filters),
        rows=residents.count(),
    )
    sheet_rows = _rows(actor, residents, labels, full_numbers=full_numbers)
    return xlsx_stream(labels.header, sheet_rows, sheet_name=labels.sheet, widths=_WIDTHS)


def _rows(
    user: Any,
    residents: QuerySet[Resident],
    labels: _Labels,
    *,
    full_numbers: bool,
) -> Iterator[list[list[Cell]]]:
    """The sheet's rows, one list per chunk of residents, their tags read once per chunk."""
    today = timezone.localdate()
    sex, relation, education, employment, status = (
        labels.choices[name] for name in ("sex", "relation", "education", "employment", "status")
    )
    id_shown = (lambda number: number) if full_numbers else mask_id_number
    phone_shown = (lambda number: number) if full_numbers else mask_phone
    stream = residents.values_list(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for chunk in batches(stream, CHUNK_SIZE):
        tag_names = _tag_names(user, [row[0] for row in chunk], labels) if labels.tags else {}
        yield [
            [
                household_no,
                group,
                name,
                sex.get(sex_value, sex_value),
                birth_date,
                age_of(birth_date, today),
                relation.get(relation_value, relation_value),
                id_shown(id_number),
                phone_shown(phone),
                ethnicity,
                education.get(education_value, education_value),
                employment.get(employment_value, employment_value),
                work_place,
                status.get(status_value, status_value),
                tag_names.get(pk, ""),
            ]
            for (
                pk,
                household_no,
                group,
                name,
                sex_value,
                birth_date,
                relation_value,
                id_number,
                phone,
                ethnicity,
                education_value,
                employment_value,
                work_place,
                status_value,
            ) in chunk
        ]


def _tag_names(user: Any, resident_ids: list[int], labels: _Labels) -> dict[int, str]:
    """Each resident's visible tags, in the tags' order, joined by 、 (one query)."""
    links = (
        ResidentTag.objects.for_user(user, "view")
        .filter(resident_id__in=resident_ids, tag_id__in=list(labels.tags))
        .values_list("resident_id", "tag_id")
    )
    by_resident: dict[int, list[tuple[int, str]]] = {}
    for resident_id, tag_id in links:
        by_resident.setdefault(resident_id, []).append(labels.tags[tag_id])
    return {pk: "、".join(name for _, name in sorted(found)) for pk, found in by_resident.items()}


def export_filename(village: Region, day: datetime.date | None = None) -> str:
    day = day or timezone.localdate()
    return gettext("%(village)s household register %(date)s.xlsx") % {
        "village": village.name,
        "date": day.isoformat(),
    }
