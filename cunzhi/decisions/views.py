"""The decisions pages: a village's matters, a matter with its steps, meetings, registers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.core.exports import list_export_view
from cunzhi.core.forms import submit
from cunzhi.core.lists import render_list
from cunzhi.core.scoping import get_in_scope
from cunzhi.decisions import quorum, selectors, services
from cunzhi.decisions.forms import (
    MatterForm,
    MeetingForm,
    MembershipEndForm,
    MembershipForm,
    OpinionForm,
    RegisterDateForm,
    VoteForm,
)
from cunzhi.decisions.lists import MATTERS
from cunzhi.decisions.models import Matter, Meeting, MeetingOutcome, Membership
from cunzhi.decisions.registers import Warning
from cunzhi.regions.selectors import village_get


@login_required
def matters(request: HttpRequest, code: str) -> HttpResponse:
    village = village_get(request.user, code)
    can_propose = has_permission_at(request.user, "decisions.add_matter", village.code)
    form = MatterForm(request.POST or None) if can_propose else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        matter = submit(
            form,
            lambda data: services.matter_propose(actor=request.user, village=village, **data),
        )
        if matter is not None:
            messages.success(request, _("The matter was proposed."))
            return redirect(matter)
    context = {
        "region": village,
        "form": form,
        "list_export_form": "matters-export",
        "nav_active": "decisions",
    }
    return render_list(request, MATTERS, "decisions/matters.html", context, village=village)


@login_required
@require_POST
def matters_export(request: HttpRequest, code: str) -> HttpResponseBase:
    """The filtered matters as .xlsx (POST: every export is audited)."""
    village = village_get(request.user, code)
    return list_export_view(
        request,
        MATTERS,
        obj=village,
        region_code=village.code,
        filename=f"{village.name}-议事事项.xlsx",
        back=reverse("decisions:matters", args=[village.code]),
        village=village,
    )


@login_required
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_in_scope(Matter.objects.select_related("region"), request.user, "view", pk=pk)
    user = request.user
    context = {
        "matter": matter,
        "region": matter.region,
        "steps": selectors.matter_steps(matter),
        "meetings": selectors.meetings_of(matter),
        "opinions": selectors.opinions_of(matter),
        "notices": selectors.notices_of_matter(matter),
        "can_meet": has_permission_at(user, "decisions.add_meeting", matter.region_code)
        and selectors.meeting_kinds_now(matter),
        "opinion_form": OpinionForm()
        if has_permission_at(user, "decisions.add_supervisionopinion", matter.region_code)
        else None,
        "nav_active": "decisions",
    }
    return render(request, "decisions/matter.html", context)


@login_required
def opinion_give(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_in_scope(Matter.objects.select_related("region"), request.user, "view", pk=pk)
    if not has_permission_at(request.user, "decisions.add_supervisionopinion", matter.region_code):
        raise PermissionDenied
    form = OpinionForm(request.POST or None)
    if request.method == "POST" and submit(
        form, lambda data: services.opinion_give(actor=request.user, matter=matter, **data)
    ):
        messages.success(request, _("The opinion was recorded."))
        return redirect(matter)
    return render(
        request,
        "decisions/form.html",
        {"form": form, "title": _("The supervision committee's opinion"), "back": matter,
         "nav_active": "decisions"},
    )  # fmt: skip


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_in_scope(Matter.objects.select_related("region"), request.user, "view", pk=pk)
    if not has_permission_at(request.user, "decisions.add_meeting", matter.region_code):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, matter=matter)
    if request.method == "POST":
        meeting = submit(
            form,
            lambda data: services.meeting_convene(actor=request.user, matter=matter, **data),
        )
        if meeting is not None:
            return redirect(meeting)
    return render(
        request,
        "decisions/form.html",
        {"form": form, "title": _("Record a meeting"), "back": matter, "nav_active": "decisions"},
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_in_scope(
        Meeting.objects.select_related("matter", "region"), request.user, "view", pk=pk
    )
    can_vote = (
        meeting.outcome == MeetingOutcome.OPEN
        and meeting.quorum_met
        and has_permission_at(request.user, "decisions.change_meeting", meeting.region_code)
    )
    ways = quorum.ways_of(meeting.quorum)
    context = {
        "meeting": meeting,
        "matter": meeting.matter,
        "region": meeting.region,
        "attendees": meeting.attendees.select_related("household").order_by("pk"),
        "quorum_lines": [quorum.describe(way) for way in ways],
        "quorum_failure": None if meeting.quorum_met else quorum.failure(ways),
        "vote_form": VoteForm(version=meeting.version) if can_vote else None,
        "nav_active": "decisions",
    }
    return render(request, "decisions/meeting.html", context)


@login_required
@require_POST
def meeting_vote(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_in_scope(Meeting.objects.select_related("matter"), request.user, "view", pk=pk)
    if not has_permission_at(request.user, "decisions.change_meeting", meeting.region_code):
        raise PermissionDenied
    form = VoteForm(request.POST, version=meeting.version)
    if submit(
        form, lambda data: services.meeting_vote(actor=request.user, meeting=meeting, **data)
    ):
        messages.success(request, _("The vote was recorded."))
    else:
        for error in form.non_field_errors() or [_("Check the votes.")]:
            messages.error(request, str(error))
    return redirect(meeting)


@login_required
def registers(request: HttpRequest, code: str) -> HttpResponse:
    village = village_get(request.user, code)
    if not has_permission_at(request.user, "decisions.view_membership", village.code):
        raise Http404
    can_keep = has_permission_at(request.user, "decisions.add_membership", village.code)
    form = MembershipForm(request.POST or None, village=village) if can_keep else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if submit(
            form,
            lambda data: services.membership_appoint(actor=request.user, village=village, **data),
        ):
            messages.success(request, _("Saved."))
            return redirect("decisions:registers", code=village.code)
    on = RegisterDateForm(request.GET).date()
    try:
        warnings = selectors.warnings(village, on)
    except ValidationError as refused:  # a date before the rules: said, not a server error
        warnings = [Warning("", message) for message in refused.messages]
    context = {
        "region": village,
        "on": on,
        "bodies": selectors.registers_on(request.user, village, on),
        "warnings": warnings,
        "form": form,
        "can_keep": can_keep,
        "nav_active": "decisions",
    }
    return render(request, "decisions/registers.html", context)


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_in_scope(Membership.objects.all(), request.user, "change", pk=pk)
    form = MembershipEndForm(request.POST, version=membership.version)
    if submit(
        form,
        lambda data: services.membership_end(actor=request.user, membership=membership, **data),
    ):
        messages.success(request, _("The term was ended."))
    else:
        errors: list[Any] = [e for errs in form.errors.values() for e in errs]
        for error in errors:
            messages.error(request, error)
    return redirect("decisions:registers", code=membership.region_code)
