"""The documented production environment passes `check --deploy`; HTTPS, HSTS and sessions.

Settings are read from the environment when they are imported, so the environments are tried in
a fresh Python process each.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

BASE_DIR = Path(django_settings.BASE_DIR)
DEPLOY_DOC = BASE_DIR / "docs" / "deploy.md"


def documented_production_environment() -> dict[str, str]:
    """The variables of the first ```sh block under "## Production environment"."""
    text = DEPLOY_DOC.read_text()
    section = text.split("## Production environment", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "docs/deploy.md lost its production environment block"
    pairs = (line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def run(
    args: list[str], environment: dict[str, str], var_dir: Path
) -> subprocess.CompletedProcess[str]:
    """`python ARGS` in a fresh process with only the given environment (and PATH)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "CUNZHI_VAR_DIR": str(var_dir), **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


CHECK_DEPLOY = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]


def test_check_deploy_finds_no_issue_in_the_documented_production_environment(
    tmp_path: Path,
) -> None:
    environment = documented_production_environment()
    assert environment["DEBUG"] == "0" and environment["SECURE_SSL_REDIRECT"] == "1"
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    result = run(CHECK_DEPLOY, environment, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_about_the_embedded_defaults(tmp_path: Path) -> None:
    # The test above can fail: without the production variables the same check complains.
    result = run(CHECK_DEPLOY, {"DEBUG": "1"}, tmp_path)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W018"):
        assert warning in result.stderr, warning


def test_the_embedded_default_serves_plain_http_and_a_sign_in_lasts_eight_hours(
    tmp_path: Path,
) -> None:
    code = (
        "import json, cunzhi.settings as s; print(json.dumps([s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_AGE, hasattr(s, 'SECURE_PROXY_SSL_HEADER')]))"
    )
    result = run(["-c", code], {"DEBUG": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, 0, 8 * 60 * 60, False]


@pytest.fixture
def behind_a_tls_proxy(settings):  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    settings.ALLOWED_HOSTS = ["cunzhi.example.gov.cn"]


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_except_the_health_probe(
    behind_a_tls_proxy: None,
) -> None:
    client = Client(HTTP_HOST="cunzhi.example.gov.cn")
    response = client.get("/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://cunzhi.example.gov.cn/login/"
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_over_https_the_page_answers_and_tells_browsers_to_stay_on_https(
    behind_a_tls_proxy: None,
) -> None:
    client = Client(HTTP_HOST="cunzhi.example.gov.cn", HTTP_X_FORWARDED_PROTO="https")
    response = client.get("/login/")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=3600"
