"""The whole API, fuzzed from its own OpenAPI description: no 500s, no answer its schema denies.

Schemathesis reads ``/api/v1/openapi.json`` and, for every operation, sends the boundary and
wrong-type requests of its coverage phase (missing fields, null, "AAA" for a number, one past
each limit, unknown fields, other methods) and a fixed number of generated ones. Two callers
take turns: a village secretary (one village, every write of the register) and a county
administrator (the whole county). Path parameters of positive cases name real records of the
secretary's village, so requests reach the services rather than stopping at a 404.

Every answer must be something other than a 5xx and, where the operation documents its status,
match the documented body. A 409/412/428 from a version check is such an answer like any other.

It runs in the test's transaction (rolled back after each operation) with derandomized
generation, so it is repeatable and leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis import APIOperation
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.specs.openapi.adapter.parameters import ParameterLocation

from cunzhi.accounts.models import Role
from cunzhi.accounts.services import api_token_create
from cunzhi.accounts.testing import County, make_user
from tests.sweep import FUZZ_SETTINGS, OPERATIONS, SCHEMA, valid_case

# Integers a 64-bit column cannot hold, and the edges it can: each reached the database once.
HOSTILE_INTEGERS = [2**63, -(2**63) - 1, 10**20]


@pytest.fixture
def wsgi(settings: Any) -> Iterator[None]:
    """Requests through the real WSGI handler, inside the test's transaction.

    Django's test client stops the handler from closing the database connection at the start
    and end of each request; a plain WSGI call needs the same, or the test's transaction (and
    everything the fixture created) would be gone after the first request.
    """
    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class Caller:
    """One person's token and the records of their village that path parameters name."""

    def __init__(self, county: County, role: str) -> None:
        from cunzhi.regions.services import contact_create, facility_create
        from cunzhi.registry.testing import family

        self.role = role
        if role == Role.COUNTY_ADMIN:
            user = make_user(county, "county_admin", role, county.county)
        else:
            user = make_user(county, "secretary", role, county.village)
        self.token = api_token_create(actor=user, name="fuzz")[1]
        spare, _ = api_token_create(actor=user, name="another device")
        household = family(county, 1)
        family(county, 2)
        contact = contact_create(
            actor=county.admin,
            region=county.village,
            name="王支书",
            organisation="青龙镇人民政府",
            level="township",
        )
        facility = facility_create(
            actor=county.admin, village=county.village, kind="school", name="石板小学"
        )
        self.path_ids: dict[str, Any] = {
            "code": county.village.code,
            "household_id": household.pk,
            "resident_id": household.members.exclude(relation="head").first().pk,  # type: ignore[union-attr]
            "contact_id": contact.pk,
            "facility_id": facility.pk,
            "token_id": spare.pk,
        }

    def aim(self, case: schemathesis.Case, *, force: bool = False) -> None:
        """Point a positive case's path at real records; leave a negative one as generated."""
        meta = case.meta
        path = meta.components.get(ParameterLocation.PATH) if meta else None
        if not force and (path is None or not path.mode.is_positive):
            return
        for name in case.path_parameters or {}:
            if name in self.path_ids:
                case.path_parameters[name] = self.path_ids[name]

    def headers(self) -> dict[str, str]:
        # English, for SCHEMA_REFUSALS; the messages are the same in Chinese.
        # identity: the test client does not undo the GZipMiddleware that a browser's gzip asks for.
        return {
            "Authorization": f"Bearer {self.token}",
            "Accept-Language": "en",
            "Accept-Encoding": "identity",
        }


ROLES = [Role.VILLAGE_PARTY_SECRETARY, Role.COUNTY_ADMIN]


@pytest.fixture(params=ROLES, ids=["secretary", "county_admin"])
def caller(request: pytest.FixtureRequest, county: County, wsgi: None) -> Caller:
    return Caller(county, request.param)


# What the API says when a value breaks the request's schema (``core.api._pydantic_message``),
# in English. A request Schemathesis built to fit the schema must never be answered with one:
# that is a schema that promises more than the server takes (a PATCH field documented as
# "string or null" whose null was refused, five times over, before PatchSchema said the truth).
SCHEMA_REFUSALS = {
    "This field cannot be null.",
    "This field is required.",
    "Enter a whole number.",
    "Enter a number.",
    "Enter text.",
    "Enter true or false.",
    "This field is unknown or cannot be changed here.",
    "Send a JSON object.",
    "This number is too large.",
}


@schemathesis.check
def valid_requests_pass_validation(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    meta = case.meta
    if response.status_code != 422 or meta is None or not meta.generation.mode.is_positive:
        return None
    if any(not info.mode.is_positive for info in meta.components.values()):
        return None
    refused = [
        error
        for error in response.json().get("errors", [])
        if error.get("message") in SCHEMA_REFUSALS
    ]
    if refused:
        raise AssertionError(f"the schema allows what the server refused: {refused}")
    return None


CHECKS = [not_a_server_error, response_schema_conformance, valid_requests_pass_validation]


@SCHEMA.parametrize()
@FUZZ_SETTINGS
def test_the_api_answers_every_request_without_a_server_error_and_as_documented(
    case: schemathesis.Case, caller: Caller
) -> None:
    if caller.role == Role.COUNTY_ADMIN and case.meta and case.meta.phase.name == "coverage":
        return  # the coverage phase's boundaries are the same for both; the secretary sends them
    caller.aim(case)
    case.call_and_validate(headers=caller.headers(), checks=CHECKS)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_integer_is_too_large_for_the_api(
    operation: APIOperation, county: County, wsgi: None
) -> None:
    """Every integer of a valid request (path, query, body), replaced in turn by one a 64-bit
    column cannot hold. The coverage phase tries one past a declared maximum; this finds the
    integer someone forgot to bound (2**63 once reached SQLite's driver and answered a 500).
    How a number is read does not depend on who sends it: the secretary alone sends them."""
    caller = Caller(county, Role.VILLAGE_PARTY_SECRETARY)
    base = valid_case(operation)
    caller.aim(base, force=True)
    slots = [
        (location, path)
        for location in ("path_parameters", "query", "body")
        for path in _integer_slots(getattr(base, location) or {}, schema=location != "body")
    ]
    for location, path in slots:
        for huge in HOSTILE_INTEGERS:
            parts = {name: getattr(base, name) for name in ("path_parameters", "query", "body")}
            parts[location] = _replaced(parts[location], path, huge)
            case = operation.Case(media_type=base.media_type, **parts)
            case.call_and_validate(headers=caller.headers(), checks=[not_a_server_error])


def _integer_slots(
    value: Any, path: tuple[Any, ...] = (), *, schema: bool
) -> Iterator[tuple[Any, ...]]:
    """Where integers sit in a JSON value, as paths of keys and indexes. In the path and the
    query (``schema``) every parameter counts: a value sent as text is still read as a number."""
    if isinstance(value, bool):
        return
    if isinstance(value, int) or (schema and path and isinstance(value, str) and value.isdigit()):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _integer_slots(item, (*path, key), schema=schema)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _integer_slots(item, (*path, index), schema=schema)


def _replaced(value: Any, path: tuple[Any, ...], new: int) -> Any:
    if not path:
        return new
    head, *rest = path
    copy = list(value) if isinstance(value, list) else dict(value)
    copy[head] = _replaced(value[head], tuple(rest), new)
    return copy
