"""The plan's pages: a village's plans, a plan with its objectives, the board (挂图作战), tasks,
the rectification ledger, and the township's and county's view of rectification progress.

Views validate a form and call one service (core.forms.submit); reads go through selectors.
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.core.exports import list_export_view
from cunzhi.core.forms import submit
from cunzhi.core.lists import render_list
from cunzhi.core.scoping import get_in_scope, has_permission_at
from cunzhi.plans import selectors, services
from cunzhi.plans.forms import (
    MilestoneForm,
    MilestoneReachForm,
    ObjectiveForm,
    PlanCreateForm,
    PlanForm,
    ProgressNoteForm,
    RectificationForm,
    TaskForm,
)
from cunzhi.plans.lists import RECTIFICATIONS, TASKS
from cunzhi.plans.models import Milestone, Objective, PlanState, TaskStatus
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_ancestors, region_get

M = TypeVar("M", bound=Model)


def _unbound(obj: M) -> M:
    """A copy for a ModelForm to validate into, so the service still sees what changed."""
    return copy.copy(obj)


def _may(request: HttpRequest, permission: str, region_code: str) -> bool:
    return has_permission_at(request.user, f"plans.{permission}", region_code)


def _region(request: HttpRequest, code: str, permission: str = "view_plan") -> Region:
    region = region_get(request.user, code)
    if not _may(request, permission, region.code):
        raise PermissionDenied
    return region


def _village(request: HttpRequest, code: str, permission: str = "view_plan") -> Region:
    region = _region(request, code, permission)
    if not region.is_village:
        raise Http404("Not a village.")
    return region


def _crumbs(region: Region, *tail: tuple[str, str | None]) -> list[dict[str, Any]]:
    """The region's ancestors (named, not linked: they may be outside the reader's scope), the
    region's plan page, then ``tail``."""
    trail: list[dict[str, Any]] = [{"name": r.name, "url": None} for r in region_ancestors(region)]
    trail.append({"name": region.name, "url": reverse("plans:region", args=[region.code])})
    trail.extend({"name": name, "url": url} for name, url in tail)
    return trail


# A region's plans, or the progress of the villages below it


@login_required
def region_page(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    context: dict[str, Any] = {"region": region, "nav_active": "plans"}
    if region.is_village:
        context.update(
            plans=selectors.plan_list(request.user, region),
            can_add=_may(request, "add_plan", region.code),
            form=PlanCreateForm(),
            breadcrumbs=_crumbs(region),
        )
        return render(request, "plans/village.html", context)
    # ?year=2026 keeps that year's items and tasks; anything else is every year's.
    requested = request.GET.get("year", "")
    year = int(requested) if requested.isascii() and requested.isdigit() else None
    year = year if year is not None and 2000 <= year <= 2100 else None
    context.update(
        rows=selectors.rectification_progress(request.user, region, year=year),
        year=year,
        years=range(timezone.localdate().year, timezone.localdate().year - 4, -1),
        breadcrumbs=_crumbs(region),
    )
    return render(request, "plans/progress.html", context)


@login_required
def plan_create(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code, "add_plan")
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST":
        plan = submit(
            form, lambda data: services.plan_create(actor=request.user, village=village, **data)
        )
        if plan is not None:
            messages.success(request, _("The plan is drawn up. Add its objectives."))
            return redirect(plan)
    context = {
        "title": _("Draw up a work plan"),
        "form": form,
        "back": reverse("plans:region", args=[village.code]),
        "breadcrumbs": _crumbs(village, (_("New plan"), None)),
        "nav_active": "plans",
    }
    return render(request, "plans/form.html", context)


# A plan


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    draft = plan.state == PlanState.DRAFT
    can_change = _may(request, "change_plan", plan.region_code)
    context = {
        "plan": plan,
        "roles": selectors.objectives_by_role(request.user, plan),
        "can_edit": can_change and draft,
        "can_add_task": _may(request, "add_task", plan.region_code),
        "objective_form": ObjectiveForm() if can_change and draft else None,
        "breadcrumbs": _crumbs(plan.region, (str(plan), None)),
        "nav_active": "plans",
    }
    return render(request, "plans/plan.html", context)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    if request.method == "POST" and not _may(request, "change_plan", plan.region_code):
        raise PermissionDenied
    form = PlanForm(request.POST or None, instance=_unbound(plan))
    if request.method == "POST":
        saved = submit(
            form, lambda data: services.plan_update(actor=request.user, plan=plan, **data)
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(saved)
    context = {
        "title": _("Change the plan"),
        "form": form,
        "back": plan.get_absolute_url(),
        "breadcrumbs": _crumbs(plan.region, (str(plan), plan.get_absolute_url())),
        "nav_active": "plans",
    }
    return render(request, "plans/form.html", context)


@login_required
def plan_board(request: HttpRequest, pk: int) -> HttpResponse:
    """挂图作战: the year's tasks as cards by month; on a phone the months stack."""
    plan = selectors.plan_get(request.user, pk)
    status = request.GET.get("status", "")
    if status not in TaskStatus.values:
        status = ""
    board = selectors.plan_board(request.user, plan, status=status)
    context = {
        "plan": plan,
        "board": board,
        "status": status,
        "this_month": timezone.localdate().month
        if timezone.localdate().year == plan.year
        else None,
        "breadcrumbs": _crumbs(
            plan.region, (str(plan), plan.get_absolute_url()), (_("Board"), None)
        ),
        "nav_active": "plans",
    }
    return render(request, "plans/board.html", context)


@login_required
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    if request.method == "POST" and not _may(request, "add_objective", plan.region_code):
        raise PermissionDenied
    form = ObjectiveForm(request.POST or None)
    if request.method == "POST":
        added = submit(
            form, lambda data: services.objective_add(actor=request.user, plan=plan, **data)
        )
        if added is not None:
            messages.success(request, _("Objective added."))
            return redirect(plan)
    context = {
        "title": _("Add an objective"),
        "form": form,
        "back": plan.get_absolute_url(),
        "breadcrumbs": _crumbs(plan.region, (str(plan), plan.get_absolute_url())),
        "nav_active": "plans",
    }
    return render(request, "plans/form.html", context)


def _objective(request: HttpRequest, pk: int) -> Objective:
    return get_in_scope(
        Objective.objects.select_related("plan", "region"), request.user, "view", pk=pk
    )


@login_required
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if request.method == "POST" and not _may(request, "change_objective", objective.region_code):
        raise PermissionDenied
    form = ObjectiveForm(request.POST or None, instance=_unbound(objective))
    if request.method == "POST":
        saved = submit(
            form,
            lambda data: services.objective_update(actor=request.user, objective=objective, **data),
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(objective.plan)
    plan = objective.plan
    context = {
        "title": _("Change the objective"),
        "form": form,
        "back": plan.get_absolute_url(),
        "breadcrumbs": _crumbs(objective.region, (str(plan), plan.get_absolute_url())),
        "nav_active": "plans",
    }
    return render(request, "plans/form.html", context)


# Tasks


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if request.method == "POST" and not _may(request, "add_task", objective.region_code):
        raise PermissionDenied
    form = TaskForm(request.POST or None, village=objective.region)
    if request.method == "POST":
        task = submit(
            form,
            lambda data: services.task_create(actor=request.user, objective=objective, **data),
        )
        if task is not None:
            messages.success(request, _("Task added; its owner has been told."))
            return redirect(task)
    plan = objective.plan
    context = {
        "title": _("Add a task"),
        "subtitle": objective.title,
        "form": form,
        "back": plan.get_absolute_url(),
        "breadcrumbs": _crumbs(objective.region, (str(plan), plan.get_absolute_url())),
        "nav_active": "plans",
    }
    return render(request, "plans/form.html", context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(request.user, pk)
    can_change = _may(request, "change_task", task.region_code)
    context = {
        "task": task,
        "status": TaskStatus(selectors.status_of(task)).label,
        "notes": selectors.task_notes(request.user, task),
        "milestones": selectors.task_milestones(request.user, task),
        "can_change": can_change,
        "note_form": ProgressNoteForm()
        if _may(request, "add_progressnote", task.region_code)
        else None,
        "milestone_form": MilestoneForm()
        if _may(request, "add_milestone", task.region_code)
        else None,
        "breadcrumbs": _crumbs(
            task.region, (str(task.plan), task.plan.get_absolute_url()), (task.title, None)
        ),
        "nav_active": "plans",
    }
    return render(request, "plans/task.html", context)


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(request.user, pk)
    if request.method == "POST" and not _may(request, "change_task", task.region_code):
        raise PermissionDenied
    form = TaskForm(request.POST or None, instance=_unbound(task), village=task.region)
    if request.method == "POST":
        saved = submit(
            form, lambda data: services.task_update(actor=request.user, task=task, **data)
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(saved)
    context = {
        "title": _("Change the task"),
        "form": form,
        "back": task.get_absolute_url(),
        "breadcrumbs": _crumbs(task.region, (task.title, task.get_absolute_url())),
        "nav_active": "plans",
    }
    return render(request, "plans/form.html", context)


@login_required
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(request.user, pk)
    if request.method == "POST" and not _may(request, "add_progressnote", task.region_code):
        raise PermissionDenied
    form = ProgressNoteForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        note = submit(
            form, lambda data: services.progress_note_add(actor=request.user, task=task, **data)
        )
        if note is not None:
            messages.success(request, _("Progress noted."))
            return redirect(task)
    context = {
        "title": _("Note progress"),
        "subtitle": task.title,
        "form": form,
        "multipart": True,
        "back": task.get_absolute_url(),
        "breadcrumbs": _crumbs(task.region, (task.title, task.get_absolute_url())),
        "nav_active": "plans",
    }
    return render(request, "plans/form.html", context)


@login_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(request.user, pk)
    if request.method == "POST" and not _may(request, "add_milestone", task.region_code):
        raise PermissionDenied
    form = MilestoneForm(request.POST or None)
    if request.method == "POST":
        added = submit(
            form, lambda data: services.milestone_add(actor=request.user, task=task, **data)
        )
        if added is not None:
            messages.success(request, _("Milestone added."))
            return redirect(task)
    context = {
        "title": _("Add a milestone"),
        "subtitle": task.title,
        "form": form,
        "back": task.get_absolute_url(),
        "breadcrumbs": _crumbs(task.region, (task.title, task.get_absolute_url())),
        "nav_active": "plans",
    }
    return render(request, "plans/form.html", context)


@login_required
def milestone_reach(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_in_scope(
        Milestone.objects.select_related("task", "region"), request.user, "view", pk=pk
    )
    if request.method == "POST" and not _may(request, "change_milestone", milestone.region_code):
        raise PermissionDenied
    form = MilestoneReachForm(
        request.POST or None,
        version=milestone.version,
        initial={"reached_on": milestone.reached_on or timezone.localdate()},
    )
    if request.method == "POST":
        saved = submit(
            form,
            lambda data: services.milestone_reach(actor=request.user, milestone=milestone, **data),
        )
        if saved is not None:
            messages.success(request, _("Milestone reached."))
            return redirect(milestone.task)
    task = milestone.task
    context = {
        "title": _("Milestone reached"),
        "subtitle": milestone.title,
        "form": form,
        "back": task.get_absolute_url(),
        "breadcrumbs": _crumbs(milestone.region, (task.title, task.get_absolute_url())),
        "nav_active": "plans",
    }
    return render(request, "plans/form.html", context)


# A village's lists


@login_required
def tasks(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code, "view_task")
    context = {
        "region": village,
        "list_export_form": "tasks-export",
        "breadcrumbs": _crumbs(village, (_("Tasks"), None)),
        "nav_active": "plans",
    }
    return render_list(request, TASKS, "plans/tasks.html", context, village=village)


@login_required
@require_POST
def tasks_export(request: HttpRequest, code: str) -> HttpResponseBase:
    """The filtered task list as .xlsx (POST: every export is audited)."""
    village = _village(request, code, "view_task")
    return list_export_view(
        request,
        TASKS,
        obj=village,
        region_code=village.code,
        filename=f"{village.name}-工作任务.xlsx",
        back=reverse("plans:tasks", args=[village.code]),
        village=village,
    )


@login_required
def rectifications(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code, "view_rectification")
    context = {
        "region": village,
        "can_add": _may(request, "add_rectification", village.code),
        "list_export_form": "rectifications-export",
        "breadcrumbs": _crumbs(village, (_("Rectification ledger"), None)),
        "nav_active": "plans",
    }
    return render_list(
        request, RECTIFICATIONS, "plans/rectifications.html", context, village=village
    )


@login_required
@require_POST
def rectifications_export(request: HttpRequest, code: str) -> HttpResponseBase:
    village = _village(request, code, "view_rectification")
    return list_export_view(
        request,
        RECTIFICATIONS,
        obj=village,
        region_code=village.code,
        filename=f"{village.name}-整改台账.xlsx",
        back=reverse("plans:rectifications", args=[village.code]),
        village=village,
    )


# The rectification ledger


@login_required
def rectification_create(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code, "add_rectification")
    form = RectificationForm(request.POST or None, village=village)
    if request.method == "POST":
        item = submit(
            form,
            lambda data: services.rectification_create(actor=request.user, village=village, **data),
        )
        if item is not None:
            messages.success(
                request, _("Entered in the ledger; the person responsible has been told.")
            )
            return redirect(item)
    context = {
        "title": _("Enter a rectification item"),
        "form": form,
        "back": reverse("plans:rectifications", args=[village.code]),
        "breadcrumbs": _crumbs(
            village,
            (_("Rectification ledger"), reverse("plans:rectifications", args=[village.code])),
        ),
        "nav_active": "plans",
    }
    return render(request, "plans/form.html", context)


@login_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.rectification_get(request.user, pk)
    ledger = reverse("plans:rectifications", args=[item.region_code])
    context = {
        "item": item,
        "overdue": selectors.status_of(item) == TaskStatus.OVERDUE,
        "can_edit": _may(request, "change_rectification", item.region_code)
        and item.state != "closed",
        "breadcrumbs": _crumbs(item.region, (_("Rectification ledger"), ledger), (str(item), None)),
        "nav_active": "plans",
    }
    return render(request, "plans/rectification.html", context)


@login_required
def rectification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.rectification_get(request.user, pk)
    if request.method == "POST" and not _may(request, "change_rectification", item.region_code):
        raise PermissionDenied
    form = RectificationForm(request.POST or None, instance=_unbound(item), village=item.region)
    if request.method == "POST":
        saved = submit(
            form,
            lambda data: services.rectification_update(
                actor=request.user, rectification=item, **data
            ),
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(saved)
    context = {
        "title": _("Change the rectification item"),
        "form": form,
        "back": item.get_absolute_url(),
        "breadcrumbs": _crumbs(item.region, (str(item), item.get_absolute_url())),
        "nav_active": "plans",
    }
    return render(request, "plans/form.html", context)
