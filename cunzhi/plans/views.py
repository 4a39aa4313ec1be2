"""The plan pages: the village's plans, a plan's board by month and status, a task with its
progress and evidence, the rectification ledger and one item with its workflow panel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.core.forms import submit
from cunzhi.core.scoping import get_in_scope, has_permission_at
from cunzhi.demands.selectors import cadres_for
from cunzhi.plans import selectors, services
from cunzhi.plans.forms import LedgerItemForm, ObjectiveForm, PlanForm, ProgressForm, TaskForm
from cunzhi.plans.models import LedgerItem, Plan, Task, TaskStatus
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_get


def _village(request: HttpRequest, code: str) -> Region:
    village = region_get(request.user, code)
    if not village.is_village or not has_permission_at(
        request.user, "plans.view_plan", village.code
    ):
        raise Http404
    return village


def _may(request: HttpRequest, permission: str, region_code: str) -> bool:
    return has_permission_at(request.user, permission, region_code)


@login_required
def plans(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code)
    can_add = _may(request, "plans.add_plan", village.code)
    year = timezone.localdate().year
    form = PlanForm(
        request.POST or None, initial={"year": year, "title": f"{year}年度驻村工作计划"}
    )
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        plan = submit(
            form, lambda data: services.plan_create(actor=request.user, village=village, **data)
        )
        if plan is not None:
            return redirect(plan)
    return render(
        request,
        "plans/plans.html",
        {
            "region": village,
            "plans": Plan.objects.for_user(request.user, "view").filter(region=village),
            "form": form if can_add else None,
            "nav_active": "plans",
        },
    )


@login_required
def plan_board(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_in_scope(Plan.objects.select_related("region"), request.user, "view", pk=pk)
    can_change = _may(request, "plans.add_task", plan.region_code)
    people = cadres_for(plan.region)
    objective_form = ObjectiveForm(prefix="objective")
    task_form = TaskForm(prefix="task", plan=plan, people=people)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if "objective-title" in request.POST:
            objective_form = ObjectiveForm(request.POST, prefix="objective")
            saved = submit(
                objective_form,
                lambda data: services.objective_add(actor=request.user, plan=plan, **data),
            )
        else:
            task_form = TaskForm(request.POST, prefix="task", plan=plan, people=people)
            saved = submit(
                task_form, lambda data: services.task_create(actor=request.user, plan=plan, **data)
            )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(plan)
    return render(
        request,
        "plans/board.html",
        {
            "plan": plan,
            "months": selectors.board(request.user, plan),
            "statuses": TaskStatus.choices,
            "objectives": list(plan.objectives.all()),
            "objective_form": objective_form if can_change else None,
            "task_form": task_form if can_change else None,
            "today": timezone.localdate(),
            "nav_active": "plans",
        },
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_in_scope(
        Task.objects.select_related("plan", "owner", "objective", "region"),
        request.user,
        "view",
        pk=pk,
    )
    can_change = _may(request, "plans.change_task", task.region_code)
    form = ProgressForm(request.POST or None, request.FILES or None, instance=_fresh(task))
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied

        def save(data: dict[str, Any]) -> Task:
            return services.task_progress(actor=request.user, task=task, **data)

        if submit(form, save):
            messages.success(request, _("Progress recorded."))
            return redirect(task)
    return render(
        request,
        "plans/task.html",
        {"task": task, "form": form if can_change else None, "nav_active": "plans"},
    )


def _fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


@login_required
def ledger(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code)
    can_add = _may(request, "plans.add_ledgeritem", village.code)
    form = LedgerItemForm(request.POST or None, people=cadres_for(village))
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        item = submit(
            form,
            lambda data: services.ledgeritem_create(actor=request.user, village=village, **data),
        )
        if item is not None:
            return redirect(item)
    return render(
        request,
        "plans/ledger.html",
        {
            "region": village,
            "items": selectors.ledger(request.user, village),
            "form": form if can_add else None,
            "today": timezone.localdate(),
            "nav_active": "plans",
        },
    )


@login_required
def ledger_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_in_scope(
        LedgerItem.objects.select_related("region", "responsible"), request.user, "view", pk=pk
    )
    return render(request, "plans/ledgeritem.html", {"item": item, "nav_active": "plans"})
