"""Pages of a household and its operations: create, edit, head, split, merge, transfer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.core.forms import offer_reveal, submit
from cunzhi.core.scoping import get_in_scope
from cunzhi.registry import services
from cunzhi.registry.forms import (
    HouseholdForm,
    HouseholdMergeForm,
    MemberFormSet,
    ResidentForm,
    SetHeadForm,
    SplitForm,
    TransferForm,
    household_options,
    route_register_errors,
    village_options,
)
from cunzhi.registry.models import (
    Household,
    HouseholdStatus,
    ResidentStatus,
)
from cunzhi.registry.panels import household_panels
from cunzhi.registry.reveal import household_reveal
from cunzhi.registry.selectors import (
    group_choices,
    household_choices,
    household_detail,
    keeps_another_village,
    may_reveal,
    member_choices,
    next_household_no,
    target_household,
    target_village,
    village_choices,
)
from cunzhi.registry.views.common import (
    crumbs,
    form_page,
    formset_forms,
    may,
    render_revealed_field,
    village_or_404,
)

# Households


@login_required
def household(request: HttpRequest, pk: int) -> HttpResponse:
    record = household_detail(request.user, pk)
    code = record.region_code
    registered = record.status == HouseholdStatus.ACTIVE
    can_change = registered and may(request, "change_household", code)
    # A new head or a split needs another living member than the head.
    others = any(
        p.pk != record.head_id and p.status == ResidentStatus.LIVING
        for p in record.people  # type: ignore[attr-defined]
    )
    context = {
        "household": record,
        "can_edit": may(request, "change_household", code),
        "can_add_member": may(request, "add_resident", code),
        # 变更户主, 分户, 合户, 迁移: only for a registered household, only for who may.
        "can_set_head": can_change and others,
        "can_split": registered and others and may(request, "add_household", code),
        "can_merge": can_change,
        "can_transfer": can_change and keeps_another_village(request.user, record.region),
        "breadcrumbs": crumbs(record.region, (str(record), None)),
        "nav_active": "registry",
        "panels": household_panels(request.user, record),
    }
    return render(request, "registry/household.html", context)


@login_required
def household_create(request: HttpRequest, code: str) -> HttpResponse:
    """登记: a household with its head and members, registered in one service call."""
    village = village_or_404(request, code)
    if not may(request, "add_household", village.code):
        raise PermissionDenied
    groups = group_choices(request.user, village)
    data = request.POST or None
    household_form = HouseholdForm(data, groups=groups)
    head_form = ResidentForm(data, prefix="head")
    formset = MemberFormSet(data, prefix="members")
    if request.method == "POST" and head_form.is_valid() and formset.is_valid():
        member_forms = formset_forms(formset)

        def save(fields: dict[str, Any]) -> Household:
            try:
                return services.household_register(
                    actor=request.user,
                    village=village,
                    head=head_form.cleaned_data,
                    members=[f.cleaned_data for f in member_forms],
                    **fields,
                )
            except ValidationError as error:
                route_register_errors(error, household_form, head_form, member_forms)
                raise ValidationError({}) from None

        created = submit(household_form, save)
        if created is not None:
            messages.success(request, _("The household was registered."))
            return redirect(created)
    else:
        household_form.is_valid()  # show the household's own errors alongside the others
    return render(
        request,
        "registry/household_form.html",
        {
            "region": village,
            "household_form": household_form,
            "head_form": head_form,
            "formset": formset,
            "breadcrumbs": crumbs(village, (_("Register a household"), None)),
            "nav_active": "registry",
        },
    )


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_in_scope(
        Household.objects.select_related("region", "group"), request.user, "change", pk=pk
    )
    groups = group_choices(request.user, record.region)
    initial = {f: getattr(record, f) for f in ("household_no", "group", "address", "phone")}
    form = HouseholdForm(
        request.POST or None, initial=initial, groups=groups, version=record.version
    )
    if may_reveal(request.user, record.region_code):
        offer_reveal(form, reverse("registry:household_reveal", args=[pk]))
    if request.method == "POST" and submit(
        form,
        lambda data: services.household_update(
            actor=request.user,
            household=record,
            expected_version=data["expected_version"],
            **{name: data[name] for name in form.changed_data if name != "version"},
        ),
    ):
        messages.success(request, _("Saved."))
        return redirect(record)
    return form_page(request, form, _("Edit the household"), record, record.region)


@login_required
@require_POST
def household_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The household's phone in full, from its edit form's button; recorded."""
    record = get_in_scope(Household.objects.select_related("region"), request.user, "view", pk=pk)
    shown = household_reveal(actor=request.user, household=record)
    return render_revealed_field(
        request, record, "phone", shown["phone"], reverse("registry:household_edit", args=[pk])
    )


@login_required
def household_head(request: HttpRequest, pk: int) -> HttpResponse:
    """变更户主: another living member becomes the head."""
    record = get_in_scope(
        Household.objects.select_related("region", "head"), request.user, "change", pk=pk
    )
    form = SetHeadForm(request.POST or None, members=member_choices(request.user, record))
    if request.method == "POST" and submit(
        form,
        lambda data: services.household_set_head(
            actor=request.user,
            household=record,
            resident=data["head"],
            old_head_relation=data["old_head_relation"],
        ),
    ):
        messages.success(
            request,
            _("%(name)s is now the head of the household.") % {"name": form.cleaned_data["head"]},
        )
        return redirect(record)
    return form_page(
        request,
        form,
        _("Change the head of household"),
        record,
        record.region,
        submit_label=_("Change the head"),
    )


@login_required
def household_split(request: HttpRequest, pk: int) -> HttpResponse:
    """分户: the chosen members form a new household of the village, one of them its head."""
    user = request.user
    record = get_in_scope(Household.objects.select_related("region"), user, "view", pk=pk)
    if not may(request, "add_household", record.region_code):
        raise PermissionDenied
    form = SplitForm(
        request.POST or None,
        members=member_choices(user, record),
        initial={"household_no": next_household_no(user, record.region)},
    )
    created = None
    if request.method == "POST":
        created = submit(
            form,
            lambda data: services.household_split(
                actor=user,
                household=record,
                members=list(data["members"]),
                head=data["head"],
                household_no=data["household_no"],
                address=data["address"],
            ),
        )
    if created is not None:
        messages.success(
            request, _("Household %(no)s was split off.") % {"no": created.household_no}
        )
        return redirect(created)
    return form_page(
        request,
        form,
        _("Split off a household"),
        record,
        record.region,
        intro=_("The members you tick leave this household and form a new one."),
        submit_label=_("Split off"),
    )


@login_required
def household_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """合户: every member joins another household of the village; this one stays as merged."""
    user = request.user
    record = get_in_scope(Household.objects.select_related("region"), user, "change", pk=pk)
    form = HouseholdMergeForm(
        request.POST or None,
        households=household_options(household_choices(user, record.region).exclude(pk=record.pk)),
    )

    def save(data: dict[str, Any]) -> Household:
        into = target_household(
            user, "into", village_code=record.region_code, household_no=data["into"]
        )
        return services.household_merge(actor=user, source=record, into=into)

    into = submit(form, save) if request.method == "POST" else None
    if into is not None:
        messages.success(
            request,
            _("Every member of household %(source)s joined household %(into)s.")
            % {"source": record.household_no, "into": into.household_no},
        )
        return redirect(into)
    return form_page(
        request,
        form,
        _("Merge into another household"),
        record,
        record.region,
        intro=_(
            "Every member of this household joins the household you choose, in this village; "
            "this household is kept in the register as merged."
        ),
        submit_label=_("Merge"),
    )


@login_required
def household_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """迁移: the whole household, with its members, moves to another village."""
    user = request.user
    record = get_in_scope(Household.objects.select_related("region"), user, "change", pk=pk)
    village = record.region
    form = TransferForm(
        request.POST or None,
        villages=village_options(v for v in village_choices(user) if v.pk != village.pk),
    )
    if request.method == "POST" and submit(
        form,
        lambda data: services.household_transfer(
            actor=user,
            household=record,
            village=target_village(user, data["village"]),
            household_no=data["household_no"] or None,
        ),
    ):
        messages.success(
            request,
            _("Household %(no)s moved to %(village)s.")
            % {"no": record.household_no, "village": record.region.name},
        )
        if Household.objects.for_user(user, "view").filter(pk=record.pk).exists():
            return redirect(record)
        return redirect("registry:register", village.code)
    return form_page(
        request,
        form,
        _("Move the household to another village"),
        record,
        village,
        intro=_(
            "The household and all its members move to the village you name; it leaves its "
            "villager group and ten-household group here."
        ),
        submit_label=_("Move the household"),
    )
