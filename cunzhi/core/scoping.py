"""Region scoping (DESIGN rules 1 and 2): the one way to read regional records.

Every regional manager has ``for_user(user, action)``. It asks which code prefixes the user's
current posts grant ``<app>.<action>_<model>`` on, and filters the codes to those ranges. Nothing
outside the ranges is returned, so a view that looks an object up through it answers 404 for an
object in another region, exactly as for one that does not exist.

Who holds which post is the accounts app's business, a layer above ``core``: accounts hands its
answer in at start-up (``provide_scopes`` in ``AccountsConfig.ready``), so that ``core`` imports
nothing above it (DESIGN: core → audit → regions → accounts → registry → domains).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

from cunzhi.core.regioncodes import SCOPE_END

M = TypeVar("M", bound=models.Model)


class Everywhere:
    """The scope of a superuser: no filter at all."""

    def __repr__(self) -> str:
        return "EVERYWHERE"


EVERYWHERE = Everywhere()


@dataclass(frozen=True)
class ScopeSource:
    """The answers ``core`` needs about a user's posts, handed in by the accounts app."""

    # (user, permission) -> the code prefixes where the user holds it, or EVERYWHERE
    prefixes: Callable[[Any, str], list[str] | Everywhere]
    # (user, permission, region code) -> whether the user holds it over that region
    permitted_at: Callable[[Any, str, str], bool]
    # (user, permission) -> whether the user holds it over any region
    permitted_anywhere: Callable[[Any, str], bool]


_source: ScopeSource | None = None


def provide_scopes(source: ScopeSource) -> None:
    """Called once at start-up by the app that knows users' posts (accounts)."""
    global _source
    _source = source


def _scopes() -> ScopeSource:
    if _source is None:
        raise ImproperlyConfigured(
            "No scope source: add cunzhi.accounts to INSTALLED_APPS (its ready() provides it)."
        )
    return _source


def scope_prefixes(user: Any, permission: str) -> list[str] | Everywhere:
    """The code prefixes where ``user`` holds ``permission``; EVERYWHERE for a superuser."""
    return _scopes().prefixes(user, permission)


def has_permission_at(user: Any, permission: str, region_code: str) -> bool:
    return _scopes().permitted_at(user, permission, region_code)


def has_permission_anywhere(user: Any, permission: str) -> bool:
    return _scopes().permitted_anywhere(user, permission)


def code_in_prefixes(field: str, prefixes: list[str]) -> Q:
    """A Q that keeps rows whose ``field`` starts with one of ``prefixes`` (an index range each)."""
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + SCOPE_END})
    return condition


def permission_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ScopedQuerySet(models.QuerySet[M]):
    """QuerySet of a regional model; ``scope_field`` holds the denormalised region code."""

    scope_field = "region_code"

    def for_user(self, user: Any, action: str = "view") -> Self:
        prefixes = scope_prefixes(user, permission_name(self.model, action))
        if prefixes is EVERYWHERE:
            return self.all()
        if not prefixes:
            return self.none()
        return self.filter(code_in_prefixes(self.scope_field, prefixes))  # type: ignore[arg-type]

    def in_region(self, code_prefix: str) -> Self:
        return self.filter(code_in_prefixes(self.scope_field, [code_prefix]))


def _cleaned(model: type[models.Model], lookup: dict[str, Any]) -> dict[str, Any]:
    """``lookup`` with each value as its field holds it; a value no record can have is a 404.

    Ids often arrive as text from a URL (``/audit/history/<type>/<id>/`` takes any string): "abc"
    for an integer key made the query itself fail (a 500), and a NUL character fails on
    PostgreSQL. Such a value names nothing, which is what a 404 says.
    """
    from django.core.exceptions import FieldDoesNotExist, ValidationError
    from django.http import Http404

    cleaned = {}
    for key, value in lookup.items():
        try:
            field = model._meta.pk if key == "pk" else model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None  # a lookup across a relation or with a suffix: left to the caller
        if field is not None and field.concrete and not field.is_relation:
            try:
                value = field.to_python(value)
            except ValidationError:
                raise Http404("No such record.") from None
            if isinstance(value, str) and "\x00" in value:
                raise Http404("No such record.")
        cleaned[key] = value
    return cleaned


def get_in_scope(queryset: models.QuerySet[M], user: Any, action: str = "view", **lookup: Any) -> M:
    """The object ``user`` may ``action``: Http404 outside their scope, PermissionDenied inside it.

    An object the user cannot even see is a 404, the same answer as for one that does not exist
    (DESIGN rule 2); one they can see but not change is a 403, which reveals nothing new.
    """
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    scoped: Any = queryset
    obj = scoped.for_user(user, "view").filter(**_cleaned(queryset.model, lookup)).first()
    if obj is None:
        raise Http404("No such record.")
    if action != "view" and not scoped.for_user(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(action)
    return obj  # type: ignore[no-any-return]
