"""The pages' door to a workflow: the panel on a record's page and one view that takes a step.

A domain's record page includes ``{% load workflow_tags %}{% workflow_panel obj %}``: the state,
the deadline, and the steps the viewer may take now, each a form in a ``<details>`` (no script
needed; with htmx the panel replaces itself). Its ``urls.py`` adds ``transition_urls(Model,
service)``, which serves ``<pk>/transitions/<name>/``: GET shows the step's form on a page of its
own, POST takes the step through the domain's service and returns to the record (or, for htmx,
the new panel).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.core.forms import submit
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.workflow import forms as step_forms
from cunzhi.core.workflow.deadlines import can_extend, deadline_extend, status_on
from cunzhi.core.workflow.declare import Transition, Workflow, workflow_for
from cunzhi.core.workflow.engine import transition_options
from cunzhi.core.workflow.fields import RUNNING, DeadlineStatus
from cunzhi.core.writes import EditConflict, require_permission

PANEL_TEMPLATE = "core/workflow/panel.html"
EXTENSION = "extension"  # the extension form's prefix, beside the steps' names


def url_name(workflow: Workflow) -> str:
    return f"{workflow.model._meta.app_label}:{workflow.model._meta.model_name}_transition"


def extension_url_name(workflow: Workflow) -> str:
    return f"{workflow.model._meta.app_label}:{workflow.model._meta.model_name}_extension"


def step_url(workflow: Workflow, obj: models.Model, step: Transition) -> str:
    return reverse(url_name(workflow), args=[obj.pk, step.name])


def deadline_context(obj: models.Model) -> dict[str, Any]:
    """The record's deadline as of today, for one record's page (lists use SQL instead)."""
    if not hasattr(obj, "deadline_status"):
        return {}
    status = status_on(obj, timezone.localdate())
    return {
        "due_on": obj.due_on if status in RUNNING else None,  # type: ignore[attr-defined]
        "deadline_status": status,
        "deadline_label": DeadlineStatus(status).label,
    }


def panel_context(
    request: HttpRequest,
    obj: models.Model,
    *,
    failed: tuple[str, forms.Form] | None = None,
) -> dict[str, Any]:
    """What ``panel.html`` shows; ``failed`` is a step whose form came back with errors."""
    workflow = workflow_for(obj)
    options = []
    for option in transition_options(request.user, obj):
        step = option.step
        if failed and failed[0] == step.name:
            form = failed[1]
        else:
            form = step_forms.bind(workflow, step, obj, prefix=step.name)
        options.append(
            {
                "step": step,
                "blocked": option.blocked,
                "form": form,
                "url": step_url(workflow, obj, step),
                "open": bool(failed and failed[0] == step.name),
                "multipart": bool(step.attachment),
            }
        )
    extension = None
    if can_extend(request.user, obj):
        failed_extension = failed[1] if failed and failed[0] == EXTENSION else None
        extension = {
            "form": failed_extension or step_forms.ExtensionForm(prefix=EXTENSION),
            "url": reverse(extension_url_name(workflow), args=[obj.pk]),
            "open": failed_extension is not None,
        }
    return {
        "obj": obj,
        "extension": extension,
        "panel_id": f"workflow-{workflow.model._meta.model_name}-{obj.pk}",
        "state_label": workflow.state_label(workflow.state_of(obj)),
        "options": options,
        **deadline_context(obj),
    }


def transition_view(
    model: type[models.Model], service: Callable[..., Any], *, entity_arg: str | None = None
) -> Callable[..., HttpResponse]:
    """A view that takes one step of ``model``'s workflow through the domain's ``service``.

    ``service`` is the domain's ``<entity>_transition(*, actor, <entity>, name,
    expected_version, **inputs)``; ``entity_arg`` names its record argument (the model's name by
    default).
    """
    argument = entity_arg or model._meta.model_name or "obj"

    @login_required
    def view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
        obj = get_in_scope(model._default_manager.all(), request.user, "view", pk=pk)
        workflow = workflow_for(model)
        step = workflow.transition(name)
        if step is None or step.system_only:
            raise Http404("No such step.")
        require_permission(request.user, workflow.permission_of(step), obj.region_code)  # type: ignore[attr-defined]
        if request.method != "POST":
            form = step_forms.bind(workflow, step, obj, prefix=name)
            return _step_page(request, obj, step, form)
        form = step_forms.bind(workflow, step, obj, request.POST, request.FILES, prefix=name)
        version = _int_or_none(request.POST.get("expected_version"))

        conflicts: list[EditConflict] = []

        def save(cleaned: dict[str, Any]) -> Any:
            try:
                return service(
                    actor=request.user,
                    **{argument: obj},
                    name=name,
                    expected_version=version,
                    **cleaned,
                )
            except EditConflict as conflict:
                conflicts.append(conflict)
                raise

        taken = submit(form, save)
        if taken is None:
            # Drawn from the record as it is now: its new version goes into the form again.
            current = conflicts[0].current if conflicts else obj
            if getattr(request, "htmx", False):
                context = panel_context(request, current, failed=(name, form))
                return render(request, PANEL_TEMPLATE, context)
            return _step_page(request, current, step, form, status=409 if conflicts else 422)
        messages.success(
            request,
            _("Done: %(step)s. The record is now “%(state)s”.")
            % {"step": step.label, "state": workflow.state_label(workflow.state_of(taken))},
        )
        if getattr(request, "htmx", False):
            return render(request, PANEL_TEMPLATE, panel_context(request, taken))
        return redirect(taken.get_absolute_url())

    return view


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _step_page(
    request: HttpRequest,
    obj: models.Model,
    step: Transition,
    form: forms.Form,
    status: int = 200,
) -> HttpResponse:
    workflow = workflow_for(obj)
    return form_page(
        request,
        obj,
        title=step.label,
        form=form,
        url=step_url(workflow, obj, step),
        multipart=bool(step.attachment),
        status=status,
    )


def form_page(
    request: HttpRequest,
    obj: models.Model,
    *,
    title: Any,
    form: forms.Form,
    url: str,
    multipart: bool = False,
    status: int = 200,
) -> HttpResponse:
    """One form on a page of its own: the door without script, and where refusals are shown."""
    workflow = workflow_for(obj)
    context = {
        "obj": obj,
        "title": title,
        "form": form,
        "url": url,
        "state_label": workflow.state_label(workflow.state_of(obj)),
        "multipart": multipart,
        **deadline_context(obj),
    }
    return render(request, "core/workflow/transition.html", context, status=status)


def extension_view(model: type[models.Model]) -> Callable[..., HttpResponse]:
    """A view that extends the running deadline of a ``model`` record with a reason (POST)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_in_scope(model._default_manager.all(), request.user, "view", pk=pk)
        workflow = workflow_for(model)
        require_permission(request.user, workflow.default_permission, obj.region_code)  # type: ignore[attr-defined]
        form = step_forms.ExtensionForm(request.POST, prefix=EXTENSION)
        version = _int_or_none(request.POST.get("expected_version"))
        extended = submit(
            form,
            lambda cleaned: deadline_extend(
                actor=request.user, obj=obj, expected_version=version, **cleaned
            ),
        )
        if extended is None:
            if _htmx(request):
                context = panel_context(request, obj, failed=(EXTENSION, form))
                return render(request, PANEL_TEMPLATE, context)
            url = reverse(extension_url_name(workflow), args=[obj.pk])
            title = _("Extend the time limit")
            return form_page(request, obj, title=title, form=form, url=url, status=422)
        messages.success(
            request, _("The time limit now ends on %(date)s.") % {"date": extended.due_on}
        )
        if _htmx(request):
            return render(request, PANEL_TEMPLATE, panel_context(request, extended))
        return redirect(extended.get_absolute_url())

    return view


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def transition_urls(
    model: type[models.Model], service: Callable[..., Any], *, entity_arg: str | None = None
) -> list[URLPattern]:
    """The URLs of ``model``'s steps and of its deadline's extension, for ``urlpatterns``."""
    return [
        path(
            f"{model._meta.model_name}s/<int:pk>/transitions/<slug:name>/",
            transition_view(model, service, entity_arg=entity_arg),
            name=f"{model._meta.model_name}_transition",
        ),
        path(
            f"{model._meta.model_name}s/<int:pk>/deadline/extension/",
            extension_view(model),
            name=f"{model._meta.model_name}_extension",
        ),
    ]
