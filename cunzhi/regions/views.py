"""Region browsing, the village profile and the contacts directory."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.core.figures import figures_for
from cunzhi.core.forms import submit
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.versions import stored_version
from cunzhi.regions import services
from cunzhi.regions.forms import ClanForm, ContactForm, FacilityForm, VillageProfileForm
from cunzhi.regions.models import Clan, Contact, Facility, Region
from cunzhi.regions.selectors import (
    contact_directory,
    region_ancestors,
    region_get,
    region_list,
    region_roots,
    village_get,
    village_profile,
)


def _crumbs(region: Region, *, link_self: bool = False) -> list[dict[str, Any]]:
    crumbs: list[dict[str, Any]] = [{"name": r.name, "url": None} for r in region_ancestors(region)]
    crumbs.append({"name": region.name, "url": region.get_absolute_url() if link_self else None})
    return crumbs


@login_required
def region_index(request: HttpRequest) -> HttpResponse:
    roots = list(region_roots(request.user))
    if len(roots) == 1:
        return redirect(roots[0])
    return render(request, "regions/index.html", {"roots": roots, "nav_active": "regions"})


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = region_get(request.user, code)
    context = {
        "region": region,
        "children": region_list(request.user, parent=region),
        # The household register's pages (registry app) for those who may read it.
        "can_see_register": has_permission_at(request.user, "registry.view_resident", region.code),
        "breadcrumbs": _crumbs(region),
        "nav_active": "regions",
    }
    return render(request, "regions/detail.html", context)


@login_required
def profile(request: HttpRequest, code: str) -> HttpResponse:
    village = village_get(request.user, code)
    context = {
        **village_profile(request.user, village),
        "region": village,
        "breadcrumbs": _crumbs(village, link_self=True),
        "can_edit": has_permission_at(request.user, "regions.change_villageprofile", village.code),
        "nav_active": "profile",
    }
    # The register's own counts beside the statistical figures someone typed in: both are true,
    # of different things and dates, and a reader must see which is which.
    if has_permission_at(request.user, "registry.view_household", village.code):
        counts = {
            column.key: column.counts.get(village.prefix, 0)
            for column in figures_for(request.user, village, len(village.prefix))
        }
        context["register_households"] = counts.get("households")
        context["register_residents"] = counts.get("residents")
    return render(request, "regions/profile.html", context)


@login_required
def profile_edit(request: HttpRequest, code: str) -> HttpResponse:
    village = village_get(request.user, code)
    if not has_permission_at(request.user, "regions.change_villageprofile", village.code):
        raise PermissionDenied
    current = village_profile(request.user, village)["profile"]
    version = stored_version(current)
    form = VillageProfileForm(request.POST or None, instance=current, version=version)
    if request.method == "POST" and submit(
        form,
        lambda data: services.village_profile_update(actor=request.user, village=village, **data),
    ):
        messages.success(request, _("The village profile was saved."))
        return redirect("regions:profile", code=village.code)
    return render(
        request,
        "regions/form.html",
        {
            "form": form,
            "title": _("Edit the village profile"),
            "region": village,
            "breadcrumbs": _crumbs(village, link_self=True),
            "nav_active": "profile",
        },
    )


M = TypeVar("M", bound=models.Model)


def _unbound(obj: M) -> M:
    """A copy of ``obj`` for a ModelForm to validate into.

    A ModelForm writes the posted values onto its instance while it validates; given the record
    itself, the service would then find nothing changed and leave no trace of the edit (DESIGN
    rule 7). The registry's forms are plain forms for the same reason.
    """
    return copy.copy(obj)


@dataclass(frozen=True)
class VillageRecordViews:
    """Add, edit and delete pages for a record of the village profile (a clan, a facility).

    Each page checks scope through for_user and writes through the app's services, which name the
    record by its model (``clan_update(actor=..., clan=...)``).
    """

    model: type[Clan] | type[Facility]
    form_class: type[forms.ModelForm]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    add_title: str | Promise
    edit_title: str | Promise

    def _page(
        self, request: HttpRequest, village: Region, form: Any, save: Any, title: Any, obj: Any
    ) -> HttpResponse:
        if request.method == "POST" and submit(form, save):
            messages.success(request, _("Saved."))
            return redirect("regions:profile", code=village.code)
        name = self.model._meta.model_name
        can_delete = obj is not None and has_permission_at(
            request.user, f"regions.delete_{name}", obj.region_code
        )
        return render(
            request,
            "regions/form.html",
            {
                "form": form,
                "title": title,
                "region": village,
                "delete_url": reverse(f"regions:{name}_delete", args=[obj.pk])
                if can_delete
                else None,
                "breadcrumbs": _crumbs(village, link_self=True),
                "nav_active": "profile",
            },
        )

    def create_view(self, request: HttpRequest, code: str) -> HttpResponse:
        village = village_get(request.user, code)
        if not has_permission_at(request.user, f"regions.add_{self.model._meta.model_name}", code):
            raise PermissionDenied
        form = self.form_class(request.POST or None)
        save = partial(self.create, actor=request.user, village=village)
        return self._page(request, village, form, lambda data: save(**data), self.add_title, None)

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_in_scope(
            self.model.objects.select_related("region"), request.user, "change", pk=pk
        )
        form = self.form_class(request.POST or None, instance=_unbound(obj))
        save = partial(self.update, actor=request.user, **{str(self.model._meta.model_name): obj})
        return self._page(
            request, obj.region, form, lambda data: save(**data), self.edit_title, obj
        )

    def delete_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_in_scope(self.model.objects.all(), request.user, "delete", pk=pk)
        self.delete(actor=request.user, **{str(self.model._meta.model_name): obj})
        messages.success(request, _("Deleted."))
        return redirect("regions:profile", code=obj.region_code)

    def urls(self, plural: str) -> list[URLPattern]:
        name = self.model._meta.model_name
        login = login_required
        return [
            path(f"<code:code>/{plural}/new/", login(self.create_view), name=f"{name}_create"),
            path(f"{plural}/<int:pk>/", login(self.edit_view), name=f"{name}_edit"),
            path(f"{plural}/<int:pk>/delete/", login(self.delete_view), name=f"{name}_delete"),
        ]


clans = VillageRecordViews(
    model=Clan,
    form_class=ClanForm,
    create=services.clan_create,
    update=services.clan_update,
    delete=services.clan_delete,
    add_title=gettext_lazy("Add a clan"),
    edit_title=gettext_lazy("Edit the clan"),
)
facilities = VillageRecordViews(
    model=Facility,
    form_class=FacilityForm,
    create=services.facility_create,
    update=services.facility_update,
    delete=services.facility_delete,
    add_title=gettext_lazy("Add a facility"),
    edit_title=gettext_lazy("Edit the facility"),
)


@login_required
def contacts(request: HttpRequest, code: str) -> HttpResponse:
    region = region_get(request.user, code)
    query = request.GET.get("q", "").strip()
    can_add = has_permission_at(request.user, "regions.add_contact", region.code)
    form = ContactForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if submit(
            form, lambda data: services.contact_create(actor=request.user, region=region, **data)
        ):
            messages.success(request, _("The contact was added."))
            return redirect("regions:contacts", code=region.code)
    context = {
        "region": region,
        "entries": contact_directory(request.user, region, query),
        # In a village's own directory each entry is that village's: no column for where.
        "show_listed_in": not region.is_village,
        "query": query,
        "form": form if can_add else None,
        "breadcrumbs": _crumbs(region, link_self=True),
        "nav_active": "contacts",
    }
    template = "regions/contacts.html#contact-table" if request.htmx else "regions/contacts.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_in_scope(Contact.objects.select_related("region"), request.user, "view", pk=pk)
    can_edit = has_permission_at(request.user, "regions.change_contact", contact.region_code)
    form = ContactForm(request.POST or None, instance=_unbound(contact))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if submit(
            form, lambda data: services.contact_update(actor=request.user, contact=contact, **data)
        ):
            messages.success(request, _("Saved."))
            return redirect("regions:contacts", code=contact.region_code)
    return render(
        request,
        "regions/contact.html",
        {
            "contact": contact,
            "form": form,
            "can_edit": can_edit,
            "can_delete": has_permission_at(
                request.user, "regions.delete_contact", contact.region_code
            ),
            "breadcrumbs": _crumbs(contact.region, link_self=True),
            "nav_active": "contacts",
        },
    )


@login_required
@require_POST
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_in_scope(Contact.objects.all(), request.user, "delete", pk=pk)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Deleted."))
    return redirect("regions:contacts", code=contact.region_code)
