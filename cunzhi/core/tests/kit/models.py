"""Errands (a record with a status, a deadline state and an assignee) and dossiers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection, models

from cunzhi.core.attachments.models import Attachable
from cunzhi.core.models import RegionalModel
from cunzhi.core.scoping import ScopedQuerySet


def region_field() -> models.ForeignKey[Any, Any]:
    # No constraint in the database: a transactional test's flush truncates the installed
    # apps' tables (regions, users), and PostgreSQL refuses to truncate a table another names.
    return models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )


class ErrandQuerySet(ScopedQuerySet["Errand"]):
    pass


class DossierQuerySet(ScopedQuerySet["Dossier"]):
    pass


class Errand(RegionalModel):
    """Stands for a demand, a petition, a leave request: open, waiting for a decision, done."""

    class Status(models.TextChoices):
        OPEN = "open", "open"
        WAITING = "waiting", "waiting for a decision"
        DONE = "done", "done"

    class DueState(models.TextChoices):
        # As the deadline sweep keeps it on each record, so a count is an index range.
        NONE = "", "-"
        SOON = "soon", "due soon"
        OVERDUE = "overdue", "overdue"

    region = region_field()
    title = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    due_state = models.CharField(max_length=10, choices=DueState.choices, blank=True, default="")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )

    objects = ErrandQuerySet.as_manager()

    attachments = Attachable(position=True)

    class Meta:
        app_label = "kit"
        indexes = [
            models.Index(fields=["due_state", "region_code"], name="kit_errand_due"),
            models.Index(fields=["assignee", "status"], name="kit_errand_assignee"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/kit/errands/{self.pk}/"


class Dossier(RegionalModel):
    """Stands for an assistance application: its files are personal, their downloads traced."""

    region = region_field()
    title = models.CharField(max_length=100)

    objects = DossierQuerySet.as_manager()

    attachments = Attachable(audit_downloads=True)

    class Meta:
        app_label = "kit"

    def __str__(self) -> str:
        return self.title


KIT_MODELS: list[type[models.Model]] = [Errand, Dossier]


def create_tables() -> None:
    """Create the kit's tables and content types in the current database, outside a transaction.

    The content types are made here, committed, as ``migrate`` makes an installed model's: made
    inside a test's transaction, the cached one would outlive the rolled-back row.
    """
    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in KIT_MODELS:
            if model._meta.db_table not in existing:
                editor.create_model(model)
    ensure_content_types()


def ensure_content_types() -> None:
    """The kit's content types, made again if a transactional test's flush removed them."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*KIT_MODELS, for_concrete_models=False)


def grant() -> dict[str, frozenset[str]]:
    """The role → permission rows that let the three people and a county admin use the kit."""
    from cunzhi.accounts.models import Role
    from cunzhi.accounts.permissions import ROLE_PERMISSIONS

    keep = {"kit.view_errand", "kit.change_errand", "kit.view_dossier", "kit.change_dossier"}
    see = {"kit.view_errand", "kit.view_dossier"}
    extra = {
        Role.VILLAGE_PARTY_SECRETARY: keep,
        Role.COUNTY_ADMIN: keep,
        Role.TOWNSHIP_LEADER: keep,
        Role.SUPERVISION_MEMBER: see,
    }
    return {role: ROLE_PERMISSIONS[role] | permissions for role, permissions in extra.items()}
