"""Pages of villager groups, ten-household groups (十户联户) and the tag dictionary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.accounts.scopes import has_permission_anywhere, has_permission_at
from cunzhi.core.forms import submit
from cunzhi.core.regioncodes import Level
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_get
from cunzhi.registry import services
from cunzhi.registry.forms import (
    GroupLeaderForm,
    TagForm,
    TenGroupForm,
)
from cunzhi.registry.models import (
    TenHouseholdGroup,
)
from cunzhi.registry.selectors import (
    household_choices,
    leader_candidates,
    tag_dictionary,
    tag_get,
    ten_group_get,
    ten_groups,
    villager_groups,
)
from cunzhi.registry.views.common import crumbs, form_page, may, village_or_404

# Villager groups (村民小组) and ten-household groups (十户联户)


@login_required
def groups_page(request: HttpRequest, code: str) -> HttpResponse:
    village = village_or_404(request, code)
    context = {
        "region": village,
        "groups": villager_groups(request.user, village),
        "ten_groups": ten_groups(request.user, village),
        "can_set_leader": may(request, "add_groupleader", village.code),
        "can_add_ten_group": may(request, "add_tenhouseholdgroup", village.code),
        "can_change_ten_group": may(request, "change_tenhouseholdgroup", village.code),
        "breadcrumbs": crumbs(village, (_("Groups"), None)),
        "nav_active": "registry",
    }
    return render(request, "registry/groups.html", context)


@login_required
def group_leader(request: HttpRequest, code: str) -> HttpResponse:
    """Set a villager group's leader (组长); the one in office leaves that day."""
    group = region_get(request.user, code)
    if group.level != Level.GROUP:
        raise Http404("Not a villager group.")
    if not may(request, "add_groupleader", group.code):
        raise PermissionDenied
    village = region_get(request.user, group.parent_code or "")
    form = GroupLeaderForm(
        request.POST or None,
        residents=leader_candidates(request.user, village),
        initial={"starts_on": timezone.localdate()},
    )
    back = reverse("registry:groups", args=[village.code])
    if request.method == "POST" and submit(
        form,
        lambda data: services.group_leader_set(actor=request.user, group=group, **data),
    ):
        messages.success(request, _("Saved."))
        return redirect(back)
    return form_page(request, form, _("Set the group leader"), group, village, back)


@login_required
def ten_group_create(request: HttpRequest, code: str) -> HttpResponse:
    village = village_or_404(request, code)
    if not may(request, "add_tenhouseholdgroup", village.code):
        raise PermissionDenied
    return _ten_group_form(request, village, None)


@login_required
def ten_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = ten_group_get(request.user, pk, "change")
    return _ten_group_form(request, record.region, record)


def _ten_group_form(
    request: HttpRequest, village: Region, record: TenHouseholdGroup | None
) -> HttpResponse:
    initial: dict[str, Any] = {}
    if record is not None:
        initial = {
            "name": record.name,
            "lead_household": record.lead_household_id,
            "households": list(record.households.values_list("pk", flat=True)),
        }
    form = TenGroupForm(
        request.POST or None, initial=initial, households=household_choices(request.user, village)
    )
    back = reverse("registry:groups", args=[village.code])
    if request.method == "POST" and submit(
        form,
        lambda data: services.ten_group_save(
            actor=request.user,
            village=village,
            name=data["name"],
            households=list(data["households"]),
            lead_household=data["lead_household"],
            ten_group=record,
        ),
    ):
        messages.success(request, _("Saved."))
        return redirect(back)
    title = _("New ten-household group") if record is None else _("Edit the ten-household group")
    return form_page(request, form, title, record or village, village, back)


# The tag dictionary


@login_required
def tags_page(request: HttpRequest) -> HttpResponse:
    """The tag dictionary: who sees which tags, and which mark key people."""
    if not has_permission_anywhere(request.user, "registry.view_resident"):
        raise PermissionDenied
    context = {
        "tags": tag_dictionary(),
        "can_edit": has_permission_at(request.user, "registry.change_tag", ""),
        "nav_active": "registry",
    }
    return render(request, "registry/tags.html", context)


@login_required
def tag_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    record = None if pk is None else tag_get(pk)
    if not has_permission_at(request.user, f"registry.{'add' if pk is None else 'change'}_tag", ""):
        raise PermissionDenied
    initial = {"colour": "#6b7280", "active": True, "order": 100}
    if record is not None:
        initial = {name: getattr(record, name) for name in services.TAG_FIELDS}
    form = TagForm(request.POST or None, initial=initial)
    back = reverse("registry:tags")
    if request.method == "POST" and submit(
        form,
        lambda data: services.tag_save(
            actor=request.user,
            tag=record,
            **({**data} if record is None else {n: data[n] for n in form.changed_data}),
        ),
    ):
        messages.success(request, _("Saved."))
        return redirect(back)
    title = _("New tag") if record is None else _("Edit the tag")
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": title, "record": record or "", "back_url": back},
    )
