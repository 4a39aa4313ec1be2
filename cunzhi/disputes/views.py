"""The disputes pages: the area's overview, petitions, mediation cases, committees, assessments.

Views validate a form and call one service (``core.forms.submit``); reads go through the
selectors, which start from ``for_user``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.core.exports import ExportForm, export_response
from cunzhi.core.forms import submit
from cunzhi.core.lists import render_list
from cunzhi.core.regioncodes import Level, prefix_of
from cunzhi.core.scoping import get_in_scope
from cunzhi.disputes import selectors, services
from cunzhi.disputes.forms import (
    AssessmentForm,
    CaseForm,
    CommitteeForm,
    ConsentForm,
    PartyForm,
    PetitionForm,
    RiskForm,
    SessionForm,
)
from cunzhi.disputes.lists import CASES, PETITIONS
from cunzhi.disputes.models import CaseParty, MediationCommittee, Petition, StabilityAssessment
from cunzhi.regions.selectors import region_get

NAV = "disputes"


def _may(request: HttpRequest, permission: str, code: str) -> bool:
    return has_permission_at(request.user, f"disputes.{permission}", code)


def _area_region(request: HttpRequest, code: str) -> Any:
    region = region_get(request.user, code)
    if region.level not in (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY):
        raise Http404("No disputes page for this level.")
    return region


@login_required
def overview(request: HttpRequest, code: str) -> HttpResponse:
    """An area's disputes: a village's open cases and committee; a township's reception queue,
    escalated, repeat and high-risk cases and the 枫桥 measure; a county's, across townships."""
    region = _area_region(request, code)
    today = timezone.localdate()
    user = request.user
    context: dict[str, Any] = {
        "region": region,
        "today": today,
        "nav_active": NAV,
        "may_register": _may(request, "add_petition", region.code),
        "may_add_case": _may(request, "add_mediationcase", region.code),
        "may_set_committee": region.level == Level.VILLAGE
        and _may(request, "add_mediationcommittee", region.code),
    }
    area = prefix_of(region.code)
    if region.level == Level.VILLAGE:
        committee = selectors.committee_of(user, region.code)
        context.update(
            committee=committee,
            warnings=selectors.committee_warnings(committee, today),
            cases=list(selectors.case_list(user, today=today, area=area)[:50]),
            fengqiao=selectors.fengqiao(user, area=area),
        )
    else:
        context.update(
            queue=list(selectors.petition_queue(user, today=today, area=area)[:50]),
            counts=selectors.petition_deadline_counts(user, today=today, area=area),
            escalated=list(selectors.escalated_cases(user, today=today, area=area)[:50]),
            watch=list(selectors.repeat_and_risk_cases(user, today=today, area=area)[:50]),
            fengqiao=selectors.fengqiao(user, area=area),
        )
        if region.level == Level.COUNTY:
            context["townships"] = selectors.fengqiao_by_township(user)
    return render(request, "disputes/overview.html", context)


# --- petitions ------------------------------------------------------------------------


@login_required
def petitions(request: HttpRequest, code: str) -> HttpResponse:
    """The area's petitions (the reception centre's queue and ledger), nearest deadline first."""
    region = _area_region(request, code)
    context = {
        "region": region,
        "nav_active": NAV,
        "list_export_form": "petitions-export",
        "counts": selectors.petition_deadline_counts(
            request.user, today=timezone.localdate(), area=prefix_of(region.code)
        ),
    }
    return render_list(request, PETITIONS, "disputes/petitions.html", context, region=region)


@login_required
@require_POST
def petitions_export(request: HttpRequest, code: str) -> HttpResponseBase:
    """The filtered petition ledger as .xlsx. POST: every export is audited."""
    region = _area_region(request, code)
    form = ExportForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors():
            messages.error(request, str(message))
        return redirect("disputes:petitions", region.code)
    chunks = services.petitions_export(
        actor=request.user,
        region=region,
        params=request.POST,
        full_numbers=form.cleaned_data["full_numbers"],
        reason=form.cleaned_data["reason"],
    )
    return export_response(chunks, f"petitions-{region.code}.xlsx")


@login_required
def petition_create(request: HttpRequest, code: str) -> HttpResponse:
    region = region_get(request.user, code)
    if not _may(request, "add_petition", region.code):
        raise PermissionDenied
    form = PetitionForm(request.POST or None)
    if request.method == "POST":

        def save(data: dict[str, Any]) -> Petition:
            earlier_id = data.pop("same_matter_as")
            earlier = None
            if earlier_id:
                earlier = (
                    Petition.objects.for_user(request.user, "view").filter(pk=earlier_id).first()
                )
                if earlier is None:
                    raise ValidationError({"same_matter_as": _("No such petition in your area.")})
            return services.petition_register(
                actor=request.user, region=region, same_matter_as=earlier, **data
            )

        petition = submit(form, save)
        if petition is not None:
            messages.success(request, _("Petition registered."))
            return redirect(petition)
    context = {"form": form, "region": region, "nav_active": NAV}
    return render(
        request, "disputes/petition_form.html", context, status=422 if form.errors else 200
    )


@login_required
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = selectors.petition_detail(request.user, pk)
    context = {
        "petition": petition,
        "cases": list(petition.mediation_cases.all()),
        "nav_active": NAV,
    }
    return render(request, "disputes/petition.html", context)


# --- mediation ------------------------------------------------------------------------


@login_required
def cases(request: HttpRequest, code: str) -> HttpResponse:
    region = _area_region(request, code)
    context = {"region": region, "nav_active": NAV}
    return render_list(request, CASES, "disputes/cases.html", context, region=region)


@login_required
def case_create(request: HttpRequest, code: str) -> HttpResponse:
    region = region_get(request.user, code)
    if not _may(request, "add_mediationcase", region.code):
        raise PermissionDenied
    form = CaseForm(request.POST or None)
    if request.method == "POST":

        def save(data: dict[str, Any]) -> Any:
            parties = form.parties()
            data.pop("applicant")
            data.pop("respondent")
            return services.mediation_case_create(
                actor=request.user, region=region, parties=parties, **data
            )

        case = submit(form, save)
        if case is not None:
            messages.success(request, _("Dispute registered."))
            return redirect(case)
    context = {"form": form, "region": region, "nav_active": NAV}
    return render(request, "disputes/case_form.html", context, status=422 if form.errors else 200)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_detail(request.user, pk)
    may_change = _may(request, "change_mediationcase", case.region_code)
    parties = list(case.parties.all())
    context = {
        "case": case,
        "parties": [
            (party, ConsentForm(instance=party, prefix=f"party{party.pk}") if may_change else None)
            for party in parties
        ],
        "sessions": list(case.sessions.all()),
        "may_change": may_change,
        "party_form": PartyForm() if may_change else None,
        "session_form": SessionForm() if may_change else None,
        "risk_form": RiskForm(instance=case) if may_change else None,
        "nav_active": NAV,
    }
    return render(request, "disputes/case.html", context)


def _case_for_change(request: HttpRequest, pk: int) -> Any:
    case = selectors.case_detail(request.user, pk)
    if not _may(request, "change_mediationcase", case.region_code):
        raise PermissionDenied
    return case


def _back(request: HttpRequest, case: Any, form: Any, done: Any) -> HttpResponse:
    if done is None:
        for error in [*form.non_field_errors(), *[e for f in form for e in f.errors]]:
            messages.error(request, error)
    return redirect(case)


@login_required
@require_POST
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = PartyForm(request.POST)
    done = submit(form, lambda data: services.case_party_add(actor=request.user, case=case, **data))
    return _back(request, case, form, done)


@login_required
@require_POST
def party_consent(request: HttpRequest, pk: int) -> HttpResponse:
    party = get_in_scope(CaseParty.objects.select_related("case"), request.user, "view", pk=pk)
    case = _case_for_change(request, party.case_id)
    form = ConsentForm(request.POST, instance=party, prefix=f"party{party.pk}")
    done = submit(
        form, lambda data: services.case_party_consent(actor=request.user, party=party, **data)
    )
    return _back(request, case, form, done)


@login_required
@require_POST
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = SessionForm(request.POST)
    done = submit(
        form, lambda data: services.mediation_session_add(actor=request.user, case=case, **data)
    )
    return _back(request, case, form, done)


@login_required
@require_POST
def case_risk(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = RiskForm(request.POST, instance=case)
    done = submit(
        form, lambda data: services.mediation_case_set_risk(actor=request.user, case=case, **data)
    )
    return _back(request, case, form, done)


@login_required
def committee_create(request: HttpRequest, code: str) -> HttpResponse:
    village = _area_region(request, code)
    if village.level != Level.VILLAGE:
        raise Http404("A committee belongs to a village.")
    if not _may(request, "add_mediationcommittee", village.code):
        raise PermissionDenied
    residents = selectors.committee_candidates(request.user, village.code)
    form = CommitteeForm(request.POST or None, residents=residents)
    if request.method == "POST":
        committee = submit(
            form,
            lambda data: services.committee_set(
                actor=request.user,
                village=village,
                term_starts_on=data["term_starts_on"],
                members=form.seats(),
            ),
        )
        if committee is not None:
            messages.success(request, _("Mediation committee recorded."))
            return redirect(committee)
    context = {"form": form, "region": village, "nav_active": NAV}
    status = 422 if form.errors else 200
    return render(request, "disputes/committee_form.html", context, status=status)


@login_required
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_in_scope(
        MediationCommittee.objects.select_related("region").prefetch_related("members__resident"),
        request.user,
        "view",
        pk=pk,
    )
    context = {
        "committee": committee,
        "warnings": selectors.committee_warnings(committee, timezone.localdate()),
        "nav_active": NAV,
    }
    return render(request, "disputes/committee.html", context)


# --- stability risk assessments -------------------------------------------------------


@login_required
def assessments(request: HttpRequest, code: str) -> HttpResponse:
    region = region_get(request.user, code)
    may_add = _may(request, "add_stabilityassessment", region.code)
    form = AssessmentForm(request.POST or None) if may_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = submit(
            form,
            lambda data: services.assessment_create(actor=request.user, region=region, **data),
        )
        if done is not None:
            messages.success(request, _("Assessment drafted."))
            return redirect(done)
    context = {
        "region": region,
        "assessments": list(selectors.assessment_list(request.user, prefix_of(region.code))[:200]),
        "form": form,
        "nav_active": NAV,
    }
    return render(
        request, "disputes/assessments.html", context, status=422 if form and form.errors else 200
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_in_scope(
        StabilityAssessment.objects.select_related("region", "approver"),
        request.user,
        "view",
        pk=pk,
    )
    return render(
        request, "disputes/assessment.html", {"assessment": assessment, "nav_active": NAV}
    )
