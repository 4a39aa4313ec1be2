"""``{% workflow_panel obj %}``: a record's state, deadline and the steps its viewer may take."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from cunzhi.core.workflow.declare import all_workflows
from cunzhi.core.workflow.diagram import rows
from cunzhi.core.workflow.views import PANEL_TEMPLATE, panel_context

register = template.Library()


@register.inclusion_tag(PANEL_TEMPLATE, takes_context=True)
def workflow_panel(context: template.Context, obj: models.Model) -> dict[str, Any]:
    return {**panel_context(context["request"], obj), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("core/workflow/rules.html")
def workflow_rules() -> dict[str, Any]:
    """Every declared workflow as states and steps, for the rules page (no diagram library)."""
    return {
        "workflows": [
            {"title": w.model._meta.verbose_name_plural, "key": w.key, "rows": rows(w)}
            for w in all_workflows()
        ]
    }
