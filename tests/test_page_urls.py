"""Every page URL, with ids that are missing, malformed or too large: never a server error.

The patterns come from the URL resolver (``accounts.testing.page_patterns``), so a page a new app
adds is walked the day it is added. A refusal of any kind (404, 400, 403, a redirect) is fine;
a 500 is not. ``99999999999999999999`` is what an ``<int:pk>`` converter once let through to
SQLite's driver, which cannot bind it (OverflowError).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import (
    County,
    PagePattern,
    ThreePeople,
    make_user,
    page_patterns,
    record_kinds,
)
from tests.sweep import Target, form_data, page_targets

BAD_VALUES = [
    "abc",
    "-1",
    "0",
    "99999999999999999999",
    "9223372036854775808",
    "1234567890123",  # 13 digits: no level of the division code has that many
    "530199100201999999",
    "５３０１９９",  # full-width digits, which str.isdigit() accepts
    "村名",
    "a\x00b",
    "x" * 2000,
]
# A valid-looking value for the other parameters of a pattern while one is being broken.
PLAIN = {
    "int": "1",
    "code": "530199100201",
    "username": "secretary",
    "str": "registry.household",
    "slug": "x",
}
WITH_PARAMETERS = [p for p in page_patterns() if p.params]


@pytest.fixture
def cadre(county: County) -> Client:
    """A county administrator: the widest scope a post gives, so views go as far as they can."""
    client = Client(raise_request_exception=False)
    client.force_login(make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county))
    return client


def test_the_walk_finds_the_pages_of_every_app() -> None:
    namespaces = {pattern.name.partition(":")[0] for pattern in WITH_PARAMETERS}
    assert {"accounts", "regions", "registry", "audit"} <= namespaces


@pytest.mark.parametrize("pattern", WITH_PARAMETERS, ids=lambda p: p.name)
def test_a_page_answers_a_malformed_or_huge_id_without_a_server_error(
    pattern: PagePattern, cadre: Client
) -> None:
    plain = {name: PLAIN.get(converter, "1") for name, converter in pattern.params.items()}
    errors = []
    for name in pattern.params:
        for bad in BAD_VALUES:
            url = pattern.url(**{**plain, name: bad})
            for method in (cadre.get, cadre.post):
                response = method(url)
                if response.status_code >= 500:
                    errors.append(f"{method.__name__.upper()} {url[:80]}: {response.status_code}")
    assert not errors, "\n".join(errors)


# Forms with bad input: every field of every form the walk reaches, as the people who may use it.

BAD_INPUT = {
    "NUL characters": "a\x00b",
    "an oversized value": "长" * 5_000,  # past every max_length of ours
    "a wrong type": "abc",
    "a huge number": "99999999999999999999",
    "a negative number": "-1",
}
FORM_PAGES = [t for t in page_targets() if not isinstance(t, str)]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("target", FORM_PAGES, ids=lambda t: t.label)
def test_every_form_refuses_bad_input_without_a_server_error(
    target: Target, county: County, people: ThreePeople
) -> None:
    record = record_kinds()[target.kind].factory(county, people)
    url = target.url(target.values(record))
    admin = Client(raise_request_exception=False)
    admin.force_login(make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county))
    errors = []
    for client in (people.clients()["in_scope"], admin):
        client.raise_request_exception = False
        fields = form_data(client, url)
        for what, value in BAD_INPUT.items():
            response = client.post(url, dict.fromkeys(fields or ["x"], value))
            if response.status_code >= 500:
                errors.append(f"POST {url} with {what}: {response.status_code}")
    assert not errors, "\n".join(errors)
