"""Every page URL, with ids that are missing, malformed or too large: never a server error.

The patterns come from the URL resolver (``core.testing.page_patterns``), so a page a new app
adds is walked the day it is added. A refusal of any kind (404, 400, 403, a redirect) is fine;
a 500 is not. ``99999999999999999999`` is what an ``<int:pk>`` converter once let through to
SQLite's driver, which cannot bind it (OverflowError).
"""

from __future__ import annotations

import pytest
from django.test import Client

from cunzhi.accounts.models import Role
from cunzhi.core.testing import County, PagePattern, make_user, page_patterns

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
PLAIN = {"int": "1", "code": "530199100201", "str": "registry.household", "slug": "x"}
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
