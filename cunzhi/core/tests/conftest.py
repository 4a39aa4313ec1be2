"""Fixtures of core's tests: the kit's tables and permissions, files in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def kit_tables(django_db_setup: Any, django_db_blocker: Any) -> None:
    from cunzhi.core.tests.kit.models import create_tables

    with django_db_blocker.unblock():
        create_tables()


@pytest.fixture
def kit(
    kit_tables: None, db: Any, monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Any
) -> Iterator[None]:
    """The kit's tables, its permissions granted, uploads stored under a temporary MEDIA_ROOT."""
    from django.contrib.contenttypes.models import ContentType

    from cunzhi.accounts.permissions import ROLE_PERMISSIONS
    from cunzhi.core.tests.kit.models import ensure_content_types, grant

    ensure_content_types()

    for role, permissions in grant().items():
        monkeypatch.setitem(ROLE_PERMISSIONS, role, permissions)
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    # A content type made in this test's transaction is gone with it; forget the cached one.
    ContentType.objects.clear_cache()
