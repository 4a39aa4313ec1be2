"""The residency records' queryset: scoped by region, and by sending unit for a unit's contact."""

from __future__ import annotations

from typing import Any, Self

from django.db.models import Q

from cunzhi.core.scoping import EVERYWHERE, ScopedQuerySet, code_in_prefixes, permission_name


class ResidencyQuerySet(ScopedQuerySet[Any]):
    """Scoped by region for the county, township and village, by sending unit for its contact.

    ``accounts`` gives a sending unit's contact the villages where the unit's cadres serve, which
    is right for reading a village's profile; here it would show the other units' cadres in the
    same village, so a contact's posts count through ``sending_unit`` instead.
    """

    def for_user(self, user: Any, action: str = "view") -> Self:
        from cunzhi.residency.scoping import residency_scope

        scope = residency_scope(user, permission_name(self.model, action))
        if scope is EVERYWHERE:
            return self.all()
        prefixes, unit_ids = scope  # type: ignore[misc]
        if not prefixes and not unit_ids:
            return self.none()
        condition = code_in_prefixes(self.scope_field, prefixes)
        if unit_ids:
            condition |= Q(sending_unit_id__in=unit_ids)
        return self.filter(condition)
