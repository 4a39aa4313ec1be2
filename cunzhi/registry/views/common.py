"""What the register's pages share: breadcrumbs, the village of a URL, a form page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_ancestors, region_get

PAGE_SIZE = 50


def crumbs(region: Region, *extra: tuple[str, str | None]) -> list[dict[str, Any]]:
    crumbs: list[dict[str, Any]] = [{"name": r.name, "url": None} for r in region_ancestors(region)]
    crumbs.append({"name": region.name, "url": reverse("registry:register", args=[region.code])})
    crumbs.extend({"name": name, "url": url} for name, url in extra)
    return crumbs


def village_or_404(request: HttpRequest, code: str) -> Region:
    """The village in the reader's scope whose register they may read; 404 or 403 otherwise."""
    village = region_get(request.user, code)
    if not village.is_village:
        raise Http404("Not a village.")
    if not has_permission_at(request.user, "registry.view_household", village.code):
        raise PermissionDenied
    return village


def may(request: HttpRequest, permission: str, region_code: str) -> bool:
    return has_permission_at(request.user, f"registry.{permission}", region_code)


def formset_forms(formset: Any) -> list[forms.Form]:
    """The member forms someone filled in, in order: the members the service is given."""
    return [f for f in formset.forms if f.has_changed() and f.is_valid() and f.cleaned_data]


def form_page(
    request: HttpRequest,
    form: forms.Form,
    title: str,
    record: Any,
    village: Region,
    back_url: str | None = None,
    **extra: Any,
) -> HttpResponse:
    """``extra``: ``intro``, a sentence above the form; ``submit_label`` for the button."""
    back_url = back_url or record.get_absolute_url()
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "title": title,
            "record": record,
            "back_url": back_url,
            "region": village,
            "breadcrumbs": crumbs(village, (str(record), back_url)),
            "nav_active": "registry",
            **extra,
        },
    )


# Changes of households: head, moves, split, merge, transfer (变更户主, 迁户, 分户, 合户, 迁移)


def renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """The service's error with its keys renamed to the form's fields (``to`` → the number)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(k, k): v for k, v in error.message_dict.items()})
