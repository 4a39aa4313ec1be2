"""Lists: one declaration per list, read the same way by its page, its API and its export.

A list is declared once (``ListSpec``): the scoped selector that gives its rows (it takes the user
and reads through ``for_user``), a django-filter ``FilterSet`` for its filters, the sort keys it
allows (each names the index that serves it, and ``core/tests/test_lists.py`` checks that every
declared list's index exists), its page size, and its columns: a label, how to read the value,
and whether the value is a personal number to mask (DESIGN rule 7). The HTML table, the phone
cards (``data-label`` on every cell, ``core/list_table.html``), the API's rows and the .xlsx
export (``core.exports``) are all drawn from those columns, so a column added once shows
everywhere and is masked everywhere.

Invalid filter values on a page are dropped (a stale bookmark still opens the list); the API
answers them with a 422 naming the field, as every other invalid input.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import django_filters
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import override
from pydantic import Field, create_model

from cunzhi.core.api import InputSchema
from cunzhi.core.privacy import MASKED_FIELDS

SORT_PARAM = "sort"
TABLE_TEMPLATE = "core/list_table.html"


@dataclass(frozen=True)
class Column:
    """One column of a list: its label, how to read it, whether to mask it.

    ``value`` is an attribute path (``"household.head.name"``; a method such as
    ``"get_level_display"`` is called) or a function of the row. ``personal`` names the kind of
    personal number the value is (a key of ``core.privacy.MASKED_FIELDS``: ``"id_number"``,
    ``"phone"``); it is masked on the page, in the API and in the export unless a full export was
    asked for and allowed. ``link`` gives the cell's URL on the page; ``title`` makes the cell
    the card's title on a phone; ``sort`` names the list's sort key the header sorts by.
    """

    label: Promise | str
    value: str | Callable[[Any], Any]
    personal: str = ""
    link: Callable[[Any], str] | None = None
    title: bool = False
    sort: str = ""
    width: int = 14
    name: str = ""

    def __post_init__(self) -> None:
        if self.personal and self.personal not in MASKED_FIELDS:
            raise ValueError(f"no mask for personal data of kind {self.personal!r}")

    @property
    def key(self) -> str:
        """The column's name in the API's rows."""
        if self.name:
            return self.name
        if isinstance(self.value, str):
            return self.value.replace(".", "_").removeprefix("get_").removesuffix("_display")
        raise ValueError("a column read by a function needs a name")

    def raw(self, row: Any) -> Any:
        if not isinstance(self.value, str):
            return self.value(row)
        value: Any = row
        for part in self.value.split("."):
            if value is None:
                return None
            value = getattr(value, part)
        return value() if callable(value) else value

    def read(self, row: Any, *, full_numbers: bool = False) -> Any:
        """The value as shown: a personal number masked unless ``full_numbers``."""
        value = self.raw(row)
        if self.personal and not full_numbers and isinstance(value, str) and value:
            return MASKED_FIELDS[self.personal](value)
        return value


@dataclass(frozen=True)
class SortKey:
    """An order a list may be sorted in: the ``order_by`` fields (ending in a unique one, so pages
    never repeat or skip a row) and the name of the index that serves it, so that sorting a
    county's list reads an index rather than sorting every row."""

    label: Promise | str
    order: tuple[str, ...]
    index: str


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet that knows its reader and the list's selector arguments (the village of a
    register), for filters whose choices depend on them (the village's groups, the tags the
    reader may see)."""

    def __init__(self, data: Any = None, queryset: Any = None, *, user: Any, **context: Any):
        self.user = user
        self.context = context
        super().__init__(data, queryset=queryset)


@dataclass(frozen=True)
class ListSpec:
    """The declaration of one list (see the module's docstring)."""

    name: str
    model: type[Model]
    selector: Callable[..., QuerySet[Any]]
    filterset: type[django_filters.FilterSet]
    columns: tuple[Column, ...]
    sorts: Mapping[str, SortKey]
    default_sort: str
    page_size: int = 50
    empty_text: Promise | str = ""
    sheet_name: Promise | str = ""
    # The export's audit action and the permission that lets an export carry full numbers.
    export_action: str = ""
    reveal_permission: str = ""
    present: Callable[[Any, list[Any]], list[Any]] | None = None

    def __post_init__(self) -> None:
        if self.default_sort not in self.sorts:
            raise ValueError(f"{self.name}: the default sort {self.default_sort!r} is undeclared")
        for column in self.columns:
            if column.sort and column.sort not in self.sorts:
                raise ValueError(f"{self.name}: column sorts by undeclared {column.sort!r}")


@dataclass(frozen=True)
class ShownCell:
    label: str
    value: Any
    url: str = ""
    title: bool = False


@dataclass(frozen=True)
class ShownColumn:
    label: str
    sort_url: str = ""  # the list sorted by this column (the other way when it is already)
    sorted: Literal["", "up", "down"] = ""


@dataclass
class ListPage:
    """What a list page renders: the filters, the sort, the page and its rows as cells."""

    spec: ListSpec
    filterset: django_filters.FilterSet
    sort: str
    page: Page[Any]
    columns: list[ShownColumn] = field(default_factory=list)
    rows: list[list[ShownCell]] = field(default_factory=list)

    @property
    def filters(self) -> list[tuple[str, str]]:
        """The valid filters that are set, as (name, value) to send again (a record by the
        field the filter reads it by). Invalid ones are left out, so a link or an export never
        carries back a value the list ignored, nor says whether it named anything."""
        if not self.filterset.is_bound:
            return []
        self.filterset.is_valid()  # the valid fields are cleaned even when another is not
        pairs = []
        for name, value in getattr(self.filterset.form, "cleaned_data", {}).items():
            if value in (None, "", []):
                continue
            if isinstance(value, Model):
                field = self.filterset.form.fields[name]
                value = getattr(value, getattr(field, "to_field_name", None) or "pk")
            pairs.append((name, str(value)))
        return pairs

    @property
    def applied(self) -> list[tuple[str, str]]:
        """The filters and the sort in force, for the export form's hidden fields."""
        return [*self.filters, (SORT_PARAM, self.sort)]

    def url(self, *, sort: str | None = None, page: int | None = None) -> str:
        pairs = [*self.filters, (SORT_PARAM, sort or self.sort)]
        if page and page > 1:
            pairs.append(("page", str(page)))
        return "?" + urlencode(pairs)

    @property
    def previous_url(self) -> str:
        return self.url(page=self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.url(page=self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def empty_text(self) -> str:
        return str(self.spec.empty_text or _("Nothing matches."))


def sort_of(spec: ListSpec, requested: str | None) -> tuple[str, tuple[str, ...]]:
    """The sort parameter in force and its ``order_by``; an undeclared one gives the default."""
    requested = requested or ""
    key = requested.removeprefix("-")
    if key not in spec.sorts:
        requested, key = spec.default_sort, spec.default_sort
    order = spec.sorts[key].order
    if requested.startswith("-"):
        order = tuple(name[1:] if name.startswith("-") else f"-{name}" for name in order)
    return requested, order


def list_rows(
    spec: ListSpec, user: Any, params: Mapping[str, Any] | None, **selector_args: Any
) -> tuple[django_filters.FilterSet, str, QuerySet[Any]]:
    """The filtered, sorted rows the reader may see; invalid filters are left out."""
    queryset = spec.selector(user, **selector_args)
    data = params if params else None
    if issubclass(spec.filterset, ScopedFilterSet):
        filterset = spec.filterset(data, queryset=queryset, user=user, **selector_args)
    else:
        filterset = spec.filterset(data, queryset=queryset)
    sort, order = sort_of(spec, (params or {}).get(SORT_PARAM))
    return filterset, sort, filterset.qs.order_by(*order)


def _display(value: Any) -> Any:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def list_page(
    request: HttpRequest, spec: ListSpec, params: QueryDict | None = None, **selector_args: Any
) -> ListPage:
    """One page of a list for ``request.user`` (two queries: the count and the page)."""
    params = request.GET if params is None else params
    filterset, sort, rows = list_rows(spec, request.user, params, **selector_args)
    page = Paginator(rows, spec.page_size).get_page(params.get("page"))
    objects = list(page.object_list)
    if spec.present is not None:
        objects = spec.present(request.user, objects)
    page.object_list = objects
    shown = ListPage(spec=spec, filterset=filterset, sort=sort, page=page)
    for column in spec.columns:
        state: Literal["", "up", "down"] = ""
        if column.sort and sort.removeprefix("-") == column.sort:
            state = "down" if sort.startswith("-") else "up"
        shown.columns.append(
            ShownColumn(
                label=str(column.label),
                sort_url=shown.url(sort=f"-{column.sort}" if state == "up" else column.sort)
                if column.sort
                else "",
                sorted=state,
            )
        )
    shown.rows = [
        [
            ShownCell(
                label=str(column.label),
                value=_display(column.read(row)),
                url=column.link(row) if column.link else "",
                title=column.title,
            )
            for column in spec.columns
        ]
        for row in objects
    ]
    return shown


def render_list(
    request: HttpRequest,
    spec: ListSpec,
    template: str,
    context: dict[str, Any],
    **selector_args: Any,
) -> HttpResponse:
    """The list's page, or only its table for an HTMX request (a filter or a sort changed)."""
    context = {**context, "list": list_page(request, spec, **selector_args)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, TABLE_TEMPLATE, context)
    return render(request, template, context)


# The API


def filter_schema(spec: ListSpec) -> type[InputSchema]:
    """The API's query parameters for a list: one optional text parameter per filter of the
    FilterSet (validated by the FilterSet itself, as on the page) and the sort keys."""
    with override("en"):  # the OpenAPI description is read by developers, in English
        fields: dict[str, Any] = {
            name: (str | None, Field(None, max_length=100, description=str(f.label or name)))
            for name, f in spec.filterset.base_filters.items()
        }
    sorts = sorted([*spec.sorts, *(f"-{key}" for key in spec.sorts)])
    fields[SORT_PARAM] = (
        Literal[tuple(sorts)] | None,  # type: ignore[valid-type]
        Field(None, description="Sort by one of: " + ", ".join(sorts)),
    )
    name = "".join(part.title() for part in spec.name.replace(".", "_").split("_")) + "Filter"
    return create_model(name, __base__=InputSchema, **fields)


def api_rows(
    spec: ListSpec, user: Any, filters: InputSchema, **selector_args: Any
) -> QuerySet[Any]:
    """The rows of an API list request, filtered and sorted as the page does; a filter value the
    FilterSet refuses is a ValidationError on that field (a 422)."""
    params = {k: v for k, v in filters.model_dump().items() if v not in (None, "")}
    filterset, _sort, rows = list_rows(spec, user, params, **selector_args)
    if filterset.is_bound and not filterset.is_valid():
        raise ValidationError(
            {name: [str(m) for m in errors] for name, errors in filterset.errors.items()}
        )
    return rows


def api_item(spec: ListSpec, row: Any) -> dict[str, Any]:
    """One row as the API sends it: the columns by key, personal numbers masked."""
    item: dict[str, Any] = {"id": row.pk}
    for column in spec.columns:
        value = column.read(row)
        item[column.key] = value.isoformat() if isinstance(value, datetime.date) else value
    return item


def api_items(spec: ListSpec, user: Any, rows: Iterable[Any]) -> list[dict[str, Any]]:
    objects = list(rows)
    if spec.present is not None:
        objects = spec.present(user, objects)
    return [api_item(spec, row) for row in objects]
