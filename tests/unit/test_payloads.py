"""Every mutation payload can carry its errors alone, so an expected failure is never masked."""

from __future__ import annotations

import pytest
from strawberry.types.base import get_object_definition

from membership.api_schema import build_schema
from membership.errors import DomainError, ErrorCode
from schema.errors import user_errors

# the platform's mutations and those of the plugins it ships (the presets)
FIELDS = build_schema(distribution="membership").mutation.__strawberry_definition__.fields  # type: ignore[union-attr]


@pytest.mark.parametrize("field", FIELDS, ids=[f.python_name for f in FIELDS])
def test_the_payload_is_made_from_errors_alone(field: object) -> None:
    payload = field.type  # type: ignore[attr-defined]
    definition = get_object_definition(payload, strict=True)
    assert any(f.python_name == "errors" for f in definition.fields)
    errors = user_errors(DomainError(ErrorCode.INVALID, "Name must not be empty."))

    made = payload(errors=errors)

    assert made.errors == errors
