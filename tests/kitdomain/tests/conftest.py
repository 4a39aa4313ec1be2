import pytest


@pytest.fixture(autouse=True)
def _kit_urls(settings):  # type: ignore[no-untyped-def]
    settings.ROOT_URLCONF = "tests.kitdomain.project_urls"
