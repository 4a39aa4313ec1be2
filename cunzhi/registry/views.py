"""The household register's pages: the village register, households, residents, key people.

Reads go through ``cunzhi.registry.selectors`` (scoped, personal numbers masked); each form
page validates a form and calls one service. Outside the reader's scope a record is a 404;
inside it, an action the reader may not take is a 403 (DESIGN rule 2).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.accounts.scopes import has_permission_anywhere, has_permission_at
from cunzhi.core.forms import submit
from cunzhi.core.regioncodes import Level
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_ancestors, region_get
from cunzhi.registry import services
from cunzhi.registry.duplicates import LIMIT as DUPLICATES_LIMIT
from cunzhi.registry.duplicates import duplicate_id_numbers, likely_duplicates, resident_merge
from cunzhi.registry.exports import export_filename, register_export
from cunzhi.registry.forms import (
    REASON_LENGTH,
    ExportForm,
    GroupLeaderForm,
    HouseholdForm,
    HouseholdMergeForm,
    MemberFormSet,
    MergeForm,
    MoveForm,
    RegisterFilterForm,
    ResidentForm,
    RevealForm,
    SetHeadForm,
    SplitForm,
    StatusForm,
    TagForm,
    TagsForm,
    TenGroupForm,
    TransferForm,
    household_options,
    member_relations,
    resident_initial,
    route_register_errors,
    village_options,
)
from cunzhi.registry.models import (
    Household,
    HouseholdStatus,
    Relation,
    Resident,
    ResidentStatus,
    Tag,
    TenHouseholdGroup,
)
from cunzhi.registry.reveal import resident_reveal
from cunzhi.registry.search import LIMIT as SEARCH_LIMIT
from cunzhi.registry.search import MAX_LENGTH as SEARCH_MAX_LENGTH
from cunzhi.registry.search import resident_search
from cunzhi.registry.selectors import (
    group_choices,
    household_choices,
    household_detail,
    household_list,
    keeps_another_village,
    key_people,
    leader_candidates,
    may_reveal,
    member_choices,
    next_household_no,
    present,
    present_households,
    register_counts,
    resident_detail,
    resident_get,
    tag_dictionary,
    tag_get,
    target_household,
    target_village,
    ten_group_get,
    ten_groups,
    village_choices,
    villager_groups,
    visible_tags,
)

PAGE_SIZE = 50


def _crumbs(region: Region, *extra: tuple[str, str | None]) -> list[dict[str, Any]]:
    crumbs: list[dict[str, Any]] = [{"name": r.name, "url": None} for r in region_ancestors(region)]
    crumbs.append({"name": region.name, "url": reverse("registry:register", args=[region.code])})
    crumbs.extend({"name": name, "url": url} for name, url in extra)
    return crumbs


def _village(request: HttpRequest, code: str) -> Region:
    """The village in the reader's scope whose register they may read; 404 or 403 otherwise."""
    village = region_get(request.user, code)
    if not village.is_village:
        raise Http404("Not a village.")
    if not has_permission_at(request.user, "registry.view_household", village.code):
        raise PermissionDenied
    return village


def _may(request: HttpRequest, permission: str, region_code: str) -> bool:
    return has_permission_at(request.user, f"registry.{permission}", region_code)


# The village register


@login_required
def register(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code)
    groups = group_choices(request.user, village)
    tags = visible_tags(request.user, village.code)
    filter_form = RegisterFilterForm(request.GET or None, groups=groups, tags=tags)
    households = household_list(request.user, village, **filter_form.filters())
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = present_households(page.object_list)
    context = {
        "region": village,
        "page": page,
        "filter_form": filter_form,
        "can_add": _may(request, "add_household", village.code),
        "can_reveal": may_reveal(request.user, village.code),
        "breadcrumbs": _crumbs(village),
        "nav_active": "registry",
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/register.html#register-table", context)
    context["counts"] = register_counts(request.user, village)
    return render(request, "registry/register.html", context)


@login_required
@require_POST
def register_export_view(request: HttpRequest, code: str) -> StreamingHttpResponse:
    """The filtered register as .xlsx, streamed. POST: every export is audited (exports.py)."""
    village = _village(request, code)
    filter_form = RegisterFilterForm(
        request.POST,
        groups=group_choices(request.user, village),
        tags=visible_tags(request.user, village.code),
    )
    data = request.POST.copy()
    # A long reason is cut to what the form takes, and the export goes on.
    data["reason"] = data.get("reason", "")[:REASON_LENGTH]
    export_form = ExportForm(data)
    valid = export_form.is_valid()
    full_numbers = valid and export_form.cleaned_data["full_numbers"]
    reason = export_form.cleaned_data["reason"] if valid else ""
    chunks = register_export(
        actor=request.user,
        village=village,
        filters=filter_form.filters(),
        full_numbers=full_numbers,
        reason=reason,
    )
    response = StreamingHttpResponse(chunks, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export_filename(village)
    )
    add_never_cache_headers(response)  # personal data: no copy in a shared cache
    return response


@login_required
def key_people_page(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code)
    context = {
        "region": village,
        "people": key_people(request.user, village),
        "can_call": may_reveal(request.user, village.code),
        "breadcrumbs": _crumbs(village, (_("Key people"), None)),
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
        "breadcrumbs": _crumbs(within, (_("Find a person"), None)) if within else [],
        "nav_active": "search",
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/search.html#search-results", context)
    return render(request, "registry/search.html", context)


# Households


@login_required
def household(request: HttpRequest, pk: int) -> HttpResponse:
    record = household_detail(request.user, pk)
    code = record.region_code
    registered = record.status == HouseholdStatus.ACTIVE
    can_change = registered and _may(request, "change_household", code)
    # A new head or a split needs another living member than the head.
    others = any(
        p.pk != record.head_id and p.status == ResidentStatus.LIVING
        for p in record.people  # type: ignore[attr-defined]
    )
    context = {
        "household": record,
        "can_edit": _may(request, "change_household", code),
        "can_add_member": _may(request, "add_resident", code),
        # 变更户主, 分户, 合户, 迁移: only for a registered household, only for who may.
        "can_set_head": can_change and others,
        "can_split": registered and others and _may(request, "add_household", code),
        "can_merge": can_change,
        "can_transfer": can_change and keeps_another_village(request.user, record.region),
        "breadcrumbs": _crumbs(record.region, (str(record), None)),
        "nav_active": "registry",
    }
    return render(request, "registry/household.html", context)


def _member_forms(formset: Any) -> list[forms.Form]:
    """The member forms someone filled in, in order: the members the service is given."""
    return [f for f in formset.forms if f.has_changed() and f.is_valid() and f.cleaned_data]


@login_required
def household_create(request: HttpRequest, code: str) -> HttpResponse:
    """登记: a household with its head and members, registered in one service call."""
    village = _village(request, code)
    if not _may(request, "add_household", village.code):
        raise PermissionDenied
    groups = group_choices(request.user, village)
    data = request.POST or None
    household_form = HouseholdForm(data, groups=groups)
    head_form = ResidentForm(data, prefix="head")
    formset = MemberFormSet(data, prefix="members")
    if request.method == "POST" and head_form.is_valid() and formset.is_valid():
        member_forms = _member_forms(formset)

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
            "breadcrumbs": _crumbs(village, (_("Register a household"), None)),
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
    form = HouseholdForm(request.POST or None, initial=initial, groups=groups)
    if request.method == "POST" and submit(
        form,
        lambda data: services.household_update(
            actor=request.user,
            household=record,
            **{name: data[name] for name in form.changed_data},
        ),
    ):
        messages.success(request, _("Saved."))
        return redirect(record)
    return _form_page(request, form, _("Edit the household"), record, record.region)


@login_required
def resident_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_in_scope(Household.objects.select_related("region"), request.user, "view", pk=pk)
    if not _may(request, "add_resident", record.region_code):
        raise PermissionDenied
    form = ResidentForm(request.POST or None, relations=member_relations())
    if request.method == "POST" and submit(
        form,
        lambda data: services.resident_add(actor=request.user, household=record, **data),
    ):
        messages.success(request, _("The member was added."))
        return redirect(record)
    return _form_page(request, form, _("Add a member"), record, record.region)


# Residents


def _resident_context(request: HttpRequest, resident: Resident) -> dict[str, Any]:
    code = resident.region_code
    can_edit = _may(request, "change_resident", code)
    return {
        "resident": resident,
        "household": resident.household,
        "can_edit": can_edit,
        # The head moves out only after another member has become the head.
        "can_move": can_edit and resident.pk != resident.household.head_id,
        "can_reveal": may_reveal(request.user, code),
        "reveal_form": RevealForm(),
        "breadcrumbs": _crumbs(
            resident.region,
            (str(resident.household), resident.household.get_absolute_url()),
            (resident.name, None),
        ),
        "nav_active": "registry",
    }


@login_required
def resident(request: HttpRequest, pk: int) -> HttpResponse:
    record = resident_detail(request.user, pk)
    return render(request, "registry/resident.html", _resident_context(request, record))


@login_required
@require_POST
def resident_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full numbers once, to someone who may, and leave the trace of it."""
    record = resident_get(request.user, pk, "reveal")
    form = RevealForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    resident_reveal(actor=request.user, resident=record, reason=reason)
    shown = resident_detail(request.user, pk, revealed=True)
    context = {**_resident_context(request, shown), "revealed": True}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/resident.html#personal-numbers", context)
    return render(request, "registry/resident.html", context)


@login_required
def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = resident_get(request.user, pk, "change")
    is_head = record.relation == Relation.HEAD
    form = ResidentForm(
        request.POST or None,
        initial=resident_initial(record),
        relations=None if is_head else member_relations(),
    )
    if request.method == "POST" and submit(
        form,
        lambda data: services.resident_update(
            actor=request.user,
            resident=record,
            **{name: data[name] for name in form.changed_data},
        ),
    ):
        messages.success(request, _("Saved."))
        return redirect(record)
    return _form_page(request, form, _("Edit the resident"), record, record.region)


@login_required
def resident_tags(request: HttpRequest, pk: int) -> HttpResponse:
    record = resident_get(request.user, pk, "change")
    offered: QuerySet[Tag] = visible_tags(request.user, record.region_code)
    current = list(record.tags.all())
    form = TagsForm(
        request.POST or None,
        initial={"tags": [t for t in current if t in offered]},
        tags=offered,
    )
    # Tags the editor may not see stay as they are: not offered is not removed.
    hidden = [t for t in current if t not in offered]
    if request.method == "POST" and submit(
        form,
        lambda data: services.resident_set_tags(
            actor=request.user, resident=record, tags=[*data["tags"], *hidden]
        ),
    ):
        messages.success(request, _("Saved."))
        return redirect(record)
    return _form_page(request, form, _("Set tags"), record, record.region)


@login_required
def resident_status(request: HttpRequest, pk: int) -> HttpResponse:
    record = resident_get(request.user, pk, "change")
    form = StatusForm(
        request.POST or None, initial={"status": record.status, "since": record.status_since}
    )
    if request.method == "POST" and submit(
        form,
        lambda data: services.resident_set_status(
            actor=request.user, resident=record, status=data["status"], since=data["since"]
        ),
    ):
        messages.success(request, _("Saved."))
        return redirect(record)
    return _form_page(request, form, _("Moved out, deceased or back"), record, record.region)


def _form_page(
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
            "breadcrumbs": _crumbs(village, (str(record), back_url)),
            "nav_active": "registry",
            **extra,
        },
    )


# Changes of households: head, moves, split, merge, transfer (变更户主, 迁户, 分户, 合户, 迁移)


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """The service's error with its keys renamed to the form's fields (``to`` → the number)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(k, k): v for k, v in error.message_dict.items()})


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
    return _form_page(
        request,
        form,
        _("Change the head of household"),
        record,
        record.region,
        submit_label=_("Change the head"),
    )


@login_required
def resident_move(request: HttpRequest, pk: int) -> HttpResponse:
    """迁户: the person joins another household, of this village or, by its code, another."""
    user = request.user
    record = resident_get(user, pk, "change")
    village = record.region
    form = MoveForm(
        request.POST or None,
        initial={"village": village.code},
        villages=village_options(village_choices(user)),
        households=household_options(
            household_choices(user, village).exclude(pk=record.household_id)
        ),
    )

    def save(data: dict[str, Any]) -> Resident:
        try:
            target = target_household(
                user,
                "household_no",
                village_code=data["village"],
                household_no=data["household_no"],
            )
            return services.resident_move(
                actor=user, resident=record, to=target, relation=data["relation"]
            )
        except ValidationError as error:
            raise _renamed(error, {"to": "household_no"}) from None

    if request.method == "POST" and submit(form, save):
        messages.success(
            request,
            _("%(name)s moved to household %(no)s.")
            % {"name": record.name, "no": record.household.household_no},
        )
        return redirect(record)
    return _form_page(
        request,
        form,
        _("Move to another household"),
        record,
        village,
        intro=_(
            "Type the number of the household this person joins, or pick it from the list; "
            "for a household of another village, change the village code first."
        ),
        submit_label=_("Move"),
    )


@login_required
def household_split(request: HttpRequest, pk: int) -> HttpResponse:
    """分户: the chosen members form a new household of the village, one of them its head."""
    user = request.user
    record = get_in_scope(Household.objects.select_related("region"), user, "view", pk=pk)
    if not _may(request, "add_household", record.region_code):
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
    return _form_page(
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
    return _form_page(
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
    return _form_page(
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


# Villager groups (村民小组) and ten-household groups (十户联户)


@login_required
def groups_page(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code)
    context = {
        "region": village,
        "groups": villager_groups(request.user, village),
        "ten_groups": ten_groups(request.user, village),
        "can_set_leader": _may(request, "add_groupleader", village.code),
        "can_add_ten_group": _may(request, "add_tenhouseholdgroup", village.code),
        "can_change_ten_group": _may(request, "change_tenhouseholdgroup", village.code),
        "breadcrumbs": _crumbs(village, (_("Groups"), None)),
        "nav_active": "registry",
    }
    return render(request, "registry/groups.html", context)


@login_required
def group_leader(request: HttpRequest, code: str) -> HttpResponse:
    """Set a villager group's leader (组长); the one in office leaves that day."""
    group = region_get(request.user, code)
    if group.level != Level.GROUP:
        raise Http404("Not a villager group.")
    if not _may(request, "add_groupleader", group.code):
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
    return _form_page(request, form, _("Set the group leader"), group, village, back)


@login_required
def ten_group_create(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code)
    if not _may(request, "add_tenhouseholdgroup", village.code):
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
    return _form_page(request, form, title, record or village, village, back)


# Duplicates across villages (township and county)


def _duplicates_region(request: HttpRequest, code: str) -> Region:
    region = region_get(request.user, code)
    if region.level == Level.GROUP:
        raise Http404("Duplicates are listed for a village, a township or a county.")
    if not _may(request, "view_resident", region.code):
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
        "can_merge": _may(request, "change_resident", region.code),
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
