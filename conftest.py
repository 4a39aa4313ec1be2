"""Fixtures for the whole suite: a small county built through the services, and three people."""

from __future__ import annotations

import pytest

from cunzhi.accounts.testing import County, ThreePeople, build_county, three_people


@pytest.fixture(autouse=True)
def _test_settings(settings):  # type: ignore[no-untyped-def]
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Hashing a password properly takes ~0.3 s by design; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests sign people in with force_login; the two-factor tests turn this on themselves.
    # Axes stays on: its lockouts are part of what the suite checks.
    settings.OTP_REQUIRED = False
    # Whom a deadline is told to is cached for a minute; a test's people are its own.
    from cunzhi.accounts.deadlines import forget_holders

    forget_holders()


@pytest.fixture
def county(db) -> County:  # type: ignore[no-untyped-def]
    return build_county()


@pytest.fixture
def people(county: County) -> ThreePeople:
    return three_people(county)


@pytest.fixture
def english(settings):  # type: ignore[no-untyped-def]
    """Messages in English, for tests that read a message's words (the UI defaults to Chinese)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
