from __future__ import annotations

from django import template
from django.db import models
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("audit/history_slot.html")
def audit_history(obj: models.Model) -> dict[str, str]:
    """A record page's history section, loaded when scrolled into view (it is rarely read)."""
    return {"url": reverse("audit:history", args=[obj._meta.label_lower, obj.pk])}
