"""The register of a village, its key people, its export, the search, and duplicates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.accounts.scopes import has_permission_anywhere
from cunzhi.core.exports import export_response
from cunzhi.core.lists import render_list
from cunzhi.core.regioncodes import Level
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_ancestors, region_get
from cunzhi.registry.duplicates import LIMIT as DUPLICATES_LIMIT
from cunzhi.registry.duplicates import duplicate_id_numbers, likely_duplicates, resident_merge
from cunzhi.registry.exports import export_filename, register_export
from cunzhi.registry.forms import (
    ExportForm,
    MergeForm,
    RegisterFilterForm,
)
from cunzhi.registry.lists import REGISTER
from cunzhi.registry.search import LIMIT as SEARCH_LIMIT
from cunzhi.registry.search import MAX_LENGTH as SEARCH_MAX_LENGTH
from cunzhi.registry.search import resident_search
from cunzhi.registry.selectors import (
    group_choices,
    key_people,
    may_reveal,
    present,
    register_counts,
    resident_get,
    visible_tags,
)
from cunzhi.registry.views.common import crumbs, may, village_or_404

# The village register


@login_required
def register(request: HttpRequest, code: str) -> HttpResponse:
    village = village_or_404(request, code)
    context: dict[str, Any] = {
        "region": village,
        "can_add": may(request, "add_household", village.code),
        "can_reveal": may_reveal(request.user, village.code),
        "breadcrumbs": crumbs(village),
        "nav_active": "registry",
        "list_export_form": "register-export",
    }
    if not request.htmx:  # type: ignore[attr-defined]
        context["counts"] = register_counts(request.user, village)
    return render_list(request, REGISTER, "registry/register.html", context, village=village)


@login_required
@require_POST
def register_export_view(request: HttpRequest, code: str) -> HttpResponseBase:
    """The filtered register as .xlsx, streamed. POST: every export is audited (exports.py)."""
    village = village_or_404(request, code)
    filter_form = RegisterFilterForm(
        request.POST,
        groups=group_choices(request.user, village),
        tags=visible_tags(request.user, village.code),
    )
    export_form = ExportForm(request.POST)
    if not export_form.is_valid():
        # Full numbers asked without a reason: back to the register, which says what is missing.
        for message in export_form.non_field_errors():
            messages.error(request, str(message))
        return redirect("registry:register", village.code)
    chunks = register_export(
        actor=request.user,
        village=village,
        filters=filter_form.filters(),
        full_numbers=export_form.cleaned_data["full_numbers"],
        reason=export_form.cleaned_data["reason"],
    )
    return export_response(chunks, export_filename(village))


@login_required
def key_people_page(request: HttpRequest, code: str) -> HttpResponse:
    village = village_or_404(request, code)
    context = {
        "region": village,
        "people": key_people(request.user, village),
        # One tap calls a key person, through the recorded call (resident_call_view).
        "can_call": may_reveal(request.user, village.code),
        "breadcrumbs": crumbs(village, (_("Key people"), None)),
        "nav_active": "registry",
    }
    return render(request, "registry/key_people.html", context)


# Search


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """找人: one box over everything the reader may read, or one region's with ``?within=``."""
    if not has_permission_anywhere(request.user, "registry.view_resident"):
        raise PermissionDenied
    code = request.GET.get("within", "")
    within = region_get(request.user, code) if code else None
    result = resident_search(request.user, request.GET.get("q", ""), within=within)
    context = {
        "result": result,
        "within": within,
        "limit": SEARCH_LIMIT,
        "max_length": SEARCH_MAX_LENGTH,
        "breadcrumbs": crumbs(within, (_("Find a person"), None)) if within else [],
        "nav_active": "search",
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/search.html#search-results", context)
    return render(request, "registry/search.html", context)


# Duplicates across villages (township and county)


def _duplicates_region(request: HttpRequest, code: str) -> Region:
    region = region_get(request.user, code)
    if region.level == Level.GROUP:
        raise Http404("Duplicates are listed for a village, a township or a county.")
    if not may(request, "view_resident", region.code):
        raise PermissionDenied
    return region


@login_required
def duplicates_page(request: HttpRequest, code: str) -> HttpResponse:
    """The same ID number in two places, and the same name and birth date, with a merge."""
    region = _duplicates_region(request, code)
    same_id = duplicate_id_numbers(request.user, region)
    likely = likely_duplicates(request.user, region)
    for group in [*same_id, *likely]:
        present(request.user, group.residents)
    context = {
        "region": region,
        "same_id": same_id,
        "likely": likely,
        "limit": DUPLICATES_LIMIT,
        "can_merge": may(request, "change_resident", region.code),
        "breadcrumbs": [
            *({"name": r.name, "url": None} for r in region_ancestors(region)),
            {"name": region.name, "url": region.get_absolute_url()},
            {"name": _("Duplicates"), "url": None},
        ],
        "nav_active": "registry",
    }
    return render(request, "registry/duplicates.html", context)


@login_required
@require_POST
def duplicates_merge(request: HttpRequest, code: str) -> HttpResponse:
    region = _duplicates_region(request, code)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the record to keep and the one to remove."))
        return redirect("registry:duplicates", region.code)
    keep = resident_get(request.user, form.cleaned_data["keep"], "change")
    duplicate = resident_get(request.user, form.cleaned_data["duplicate"], "change")
    try:
        resident_merge(actor=request.user, keep=keep, duplicate=duplicate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is now registered once; the other record is kept in the audit log.")
            % {"name": keep.name},
        )
    return redirect("registry:duplicates", region.code)
