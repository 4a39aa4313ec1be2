"""Pages go out compressed; static files carry a hash in their name and are cached for a year."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from cunzhi.accounts.testing import ThreePeople

pytestmark = pytest.mark.django_db
YEAR = 365 * 24 * 60 * 60


def test_a_page_is_sent_gzipped_to_a_browser_that_accepts_it(people: ThreePeople) -> None:
    client = Client(headers={"accept-encoding": "gzip, deflate, br"})
    client.force_login(people.in_scope)
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    page = gzip.decompress(response.content).decode()
    assert "</html>" in page
    # Under half the size even for a small page; Django pads its gzip output with up to 100
    # random bytes against BREACH, so the exact share varies from one response to the next.
    assert len(response.content) * 2 < len(page.encode())


def test_a_hashed_static_file_is_cached_for_a_year_and_immutable(
    settings: Any, tmp_path: Path
) -> None:
    # Only our own static files: enough to see the headers, and quick to collect.
    settings.STATICFILES_DIRS = [django_settings.BASE_DIR / "cunzhi" / "static"]
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.DEBUG = False
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = next(
        p.name for p in (tmp_path / "css").iterdir() if re.fullmatch(r"cunzhi\.\w{12}\.css", p.name)
    )
    client = Client(headers={"accept-encoding": "gzip"})  # a new handler: WhiteNoise scans anew
    response = client.get(f"/static/css/{hashed}")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))  # type: ignore[union-attr]
    assert max_age >= YEAR and "immutable" in cache_control
    assert response["Content-Encoding"] == "gzip"
    # The unhashed name is not cached for long: a new release must reach the browsers.
    plain = client.get("/static/css/cunzhi.css")
    assert "immutable" not in plain.get("Cache-Control", "")
