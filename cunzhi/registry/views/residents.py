"""Pages of a resident: add, see, reveal, edit, tags, status, move."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.core.forms import offer_reveal, submit
from cunzhi.core.scoping import get_in_scope
from cunzhi.registry import services
from cunzhi.registry.forms import (
    MoveForm,
    ResidentForm,
    RevealForm,
    StatusForm,
    TagsForm,
    household_options,
    member_relations,
    resident_initial,
    village_options,
)
from cunzhi.registry.models import (
    Household,
    Relation,
    Resident,
    Tag,
)
from cunzhi.registry.reveal import REVEALED_FIELDS, resident_call, resident_reveal
from cunzhi.registry.selectors import (
    household_choices,
    may_reveal,
    resident_detail,
    resident_get,
    target_household,
    village_choices,
    visible_tags,
)
from cunzhi.registry.views.common import (
    TelRedirect,
    crumbs,
    form_page,
    may,
    renamed,
    render_revealed_field,
)


@login_required
def resident_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_in_scope(Household.objects.select_related("region"), request.user, "view", pk=pk)
    if not may(request, "add_resident", record.region_code):
        raise PermissionDenied
    form = ResidentForm(request.POST or None, relations=member_relations())
    if request.method == "POST" and submit(
        form,
        lambda data: services.resident_add(actor=request.user, household=record, **data),
    ):
        messages.success(request, _("The member was added."))
        return redirect(record)
    return form_page(request, form, _("Add a member"), record, record.region)


# Residents


def _resident_context(request: HttpRequest, resident: Resident) -> dict[str, Any]:
    code = resident.region_code
    can_edit = may(request, "change_resident", code)
    return {
        "resident": resident,
        "household": resident.household,
        "can_edit": can_edit,
        # The head moves out only after another member has become the head.
        "can_move": can_edit and resident.pk != resident.household.head_id,
        "can_reveal": may_reveal(request.user, code),
        "reveal_form": RevealForm(),
        "breadcrumbs": crumbs(
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
    """Show the full numbers once, to someone who may, and leave the trace of it.

    ``?field=id_number`` (or ``phone``) is the edit form's button: that number alone.
    """
    record = resident_get(request.user, pk, "reveal")
    field = request.GET.get("field", "")
    if field in REVEALED_FIELDS:
        numbers = resident_reveal(actor=request.user, resident=record, fields=[field])
        return render_revealed_field(
            request, record, field, numbers[field], reverse("registry:resident_edit", args=[pk])
        )
    form = RevealForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    resident_reveal(actor=request.user, resident=record, reason=reason)
    shown = resident_detail(request.user, pk, revealed=True)
    context = {**_resident_context(request, shown), "revealed": True}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/resident.html#personal-numbers", context)
    return render(request, "registry/resident.html", context)


@login_required
def resident_call_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap to call a person (the key-people page): recorded, then handed to the dialler.

    A link rather than a form: the content security policy's ``form-action 'self'`` would stop
    a form's redirect to ``tel:``. The trace says who was called, not that the call was made.
    """
    record = resident_get(request.user, pk, "reveal")
    if not record.phone:
        messages.error(request, _("No phone number is registered for this person."))
        return redirect("registry:resident", pk=record.pk)
    return TelRedirect(resident_call(actor=request.user, resident=record))


@login_required
def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = resident_get(request.user, pk, "change")
    is_head = record.relation == Relation.HEAD
    form = ResidentForm(
        request.POST or None,
        initial=resident_initial(record),
        relations=None if is_head else member_relations(),
        version=record.version,
    )
    if may_reveal(request.user, record.region_code):
        offer_reveal(form, reverse("registry:resident_reveal", args=[pk]))
    if request.method == "POST" and submit(
        form,
        lambda data: services.resident_update(
            actor=request.user,
            resident=record,
            expected_version=data["expected_version"],
            **{name: data[name] for name in form.changed_data if name != "version"},
        ),
    ):
        messages.success(request, _("Saved."))
        return redirect(record)
    return form_page(request, form, _("Edit the resident"), record, record.region)


@login_required
def resident_tags(request: HttpRequest, pk: int) -> HttpResponse:
    record = resident_get(request.user, pk, "change")
    offered: QuerySet[Tag] = visible_tags(request.user, record.region_code)
    current = list(record.tags.all())
    form = TagsForm(
        request.POST or None,
        initial={"tags": [t for t in current if t in offered]},
        tags=offered,
        version=record.version,
    )
    # Tags the editor may not see stay as they are: not offered is not removed.
    hidden = [t for t in current if t not in offered]
    if request.method == "POST" and submit(
        form,
        lambda data: services.resident_set_tags(
            actor=request.user,
            resident=record,
            expected_version=data["expected_version"],
            tags=[*data["tags"], *hidden],
        ),
    ):
        messages.success(request, _("Saved."))
        return redirect(record)
    return form_page(request, form, _("Set tags"), record, record.region)


@login_required
def resident_status(request: HttpRequest, pk: int) -> HttpResponse:
    record = resident_get(request.user, pk, "change")
    form = StatusForm(
        request.POST or None,
        initial={"status": record.status, "since": record.status_since},
        version=record.version,
    )
    if request.method == "POST" and submit(
        form, lambda data: services.resident_set_status(actor=request.user, resident=record, **data)
    ):
        messages.success(request, _("Saved."))
        return redirect(record)
    return form_page(request, form, _("Moved out, deceased or back"), record, record.region)


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
        find_household=lambda code, number: target_household(
            user, "household_no", village_code=code, household_no=number
        ),
    )

    def save(data: dict[str, Any]) -> Resident:
        assert form.target is not None  # found while the form was cleaned
        try:
            return services.resident_move(
                actor=user, resident=record, to=form.target, relation=data["relation"]
            )
        except ValidationError as error:
            raise renamed(error, {"to": "household_no"}) from None

    if request.method == "POST" and submit(form, save):
        messages.success(
            request,
            _("%(name)s moved to household %(no)s.")
            % {"name": record.name, "no": record.household.household_no},
        )
        return redirect(record)
    return form_page(
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
