"""``{% attachments obj %}``: a record's files with the upload form, on any record page.

    {% load attachments %}
    {% attachments household %}

One query for the list; the form shows only to a person who may change the record, and works
without JavaScript (a plain multipart form); with htmx it swaps the list in place.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.urls import reverse

from cunzhi.core.scoping import permission_name

register = template.Library()


def may_change(user: Any, obj: models.Model) -> bool:
    from cunzhi.core.writes import require_permission

    try:
        require_permission(user, permission_name(type(obj), "change"), obj.region_code)  # type: ignore[attr-defined]
    except PermissionDenied:
        return False
    return True


def list_context(request: HttpRequest, obj: models.Model) -> dict[str, Any]:
    from cunzhi.core.attachments.forms import AttachmentForm
    from cunzhi.core.attachments.models import attachable_rules
    from cunzhi.core.attachments.selectors import attachments_of

    rules = attachable_rules(type(obj))
    position = bool(rules and rules.position)
    can_add = may_change(request.user, obj)
    return {
        "request": request,
        "record": obj,
        "attachments": list(attachments_of(obj).select_related("uploaded_by")),
        "can_add": can_add,
        "form": AttachmentForm(position=position) if can_add else None,
        "add_url": reverse("attachments:add", args=[obj._meta.label_lower, obj.pk]),
        "next": request.get_full_path(),
    }


@register.inclusion_tag("core/attachments/list.html", takes_context=True)
def attachments(context: template.Context, obj: models.Model) -> dict[str, Any]:
    return list_context(context["request"], obj)
