import pytest


@pytest.fixture(autouse=True)
def _kit_urls(settings):  # type: ignore[no-untyped-def]
    settings.ROOT_URLCONF = "tests.kitdomain.project_urls"


@pytest.fixture(autouse=True)
def _case_attention(monkeypatch):  # type: ignore[no-untyped-def]
    """The case list's attention items on the home page, for the kit's tests only."""
    from cunzhi.core import attention
    from tests.kitdomain.attention_items import cases

    monkeypatch.setattr(attention, "_providers", [*attention.providers()])
    attention.register(cases)
