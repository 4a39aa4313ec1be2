"""The API's OpenAPI description names each schema once.

Ninja keys the description's components by class name and merges them silently: two apps that
each define an ``OpinionIn`` leave one description for both operations, so the fuzz (and every
client generated from the description) sends one operation the other's fields. This test builds
the description and refuses a name that stands for two different schemas.
"""

from __future__ import annotations

from typing import Any

import pytest
from ninja.openapi.schema import OpenAPISchema

from cunzhi.api import api


def test_no_two_different_schemas_of_the_api_share_a_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clashes: set[str] = set()
    merge = OpenAPISchema.add_schema_definitions

    def checking(self: OpenAPISchema, definitions: dict[str, Any]) -> None:
        for name, schema in definitions.items():
            if name in self.schemas and self.schemas[name] != schema:
                clashes.add(name)
        merge(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", checking)
    description = api.get_openapi_schema()
    assert len(description["components"]["schemas"]) > 50  # the check saw the whole API
    assert not clashes, f"one name for different schemas (rename one class): {sorted(clashes)}"
