"""The admin SPA's operations, called by id: the manifest codegen commits, and its registration
when the API starts with a build."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from graphql import OperationDefinitionNode, parse

import membership
from membership.api_schema import build_schema, parse_and_validate
from membership.app import create_app
from membership.db import PgTarget
from membership.gateway.persisted import document_id, read_manifest
from membership.settings import Settings
from tests.conftest import TenantFixture

CHECKOUT = Path(membership.__file__).resolve().parents[1]
MANIFEST = CHECKOUT / "admin_spa" / "src" / "gql" / "persisted-documents.json"
STALE = "admin_spa's generated operations are stale: cd admin_spa && npm run codegen"


def committed_documents() -> dict[str, str]:
    assert MANIFEST.exists(), f"{MANIFEST} is missing: cd admin_spa && npm run codegen"
    return read_manifest(MANIFEST)


def operation_name(document: str) -> str:
    (operation,) = [
        d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)
    ]
    assert operation.name is not None, document
    return operation.name.value


def operation_named(documents: dict[str, str], name: str) -> str:
    (found,) = [d for d in documents.values() if operation_name(d) == name]
    return found


@asynccontextmanager
async def app_serving(admin_dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An API process started with its admin build at ``admin_dist``."""
    settings = Settings().model_copy(update={"admin_dist": admin_dist})
    application = create_app(settings, manage_database=False)
    services = application.state.services
    await services.start(init_database=False)
    try:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    finally:
        await services.stop(close_database=False)


async def by_id(
    client: httpx.AsyncClient, operation_id: str, token: str, name: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"documentId": operation_id, "variables": {}}
    if name is not None:
        body["operationName"] = name
    response = await client.post(
        "/graphql", json=body, headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_committed_manifest_holds_one_named_operation_per_document() -> None:
    documents = committed_documents()
    assert documents
    names = [operation_name(d) for d in documents.values()]
    assert len(set(names)) == len(names), "two operations of the SPA share a name"


def test_committed_manifest_selects_typenames_for_the_document_cache() -> None:
    for document in committed_documents().values():
        assert "{ __typename " in document, document


def test_committed_operations_validate_against_the_api() -> None:
    schema = build_schema()
    invalid: dict[str, list[str]] = {}
    for document in committed_documents().values():
        parsed, errors = parse_and_validate(schema, document)
        if parsed is None or errors:
            invalid[document] = [e.message for e in errors]
    assert not invalid, (STALE, invalid)


async def test_api_registers_the_admin_build_manifest_at_start_up(
    tmp_path: Path,
    database: PgTarget,
    client: httpx.AsyncClient,
    tenant: TenantFixture,
) -> None:
    # given: a build whose manifest holds the SPA's operations and one this run made up
    documents = committed_documents()
    earning = operation_named(documents, "EarningSettings")
    fresh = f"{earning}\n# build {uuid.uuid4().hex}\n"
    fresh_id = document_id(fresh)
    manifest = {**documents, fresh_id: fresh}
    (tmp_path / "persisted-documents.json").write_text(json.dumps(manifest), encoding="utf-8")
    unknown = await by_id(client, fresh_id, tenant.owner_token)
    assert unknown == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }

    # when: an API process starts with that build
    async with app_serving(tmp_path) as started:
        # then: it answers the operations by id alone
        answer = await by_id(started, fresh_id, tenant.owner_token, "EarningSettings")
        same = await by_id(started, document_id(earning), tenant.owner_token)

    assert "errors" not in answer, answer
    settings = answer["data"]["pointsSettings"]
    assert answer["data"]["__typename"] == "Query"
    assert settings["__typename"] == "PointsSettings"
    assert set(settings) == {"__typename", "earnPointsPerYuan", "returnWindowDays"}
    assert same == answer
    # and the registration is shared: the other process finds it too
    assert await by_id(client, fresh_id, tenant.owner_token) == answer


async def test_a_bad_manifest_does_not_keep_the_api_from_starting(
    tmp_path: Path, database: PgTarget, tenant: TenantFixture
) -> None:
    forged = f"query EarningSettings {{ __typename }}\n# build {uuid.uuid4().hex}\n"
    (tmp_path / "persisted-documents.json").write_text(
        json.dumps({document_id("query Other { __typename }"): forged}), encoding="utf-8"
    )
    async with app_serving(tmp_path) as started:
        refused = await by_id(started, document_id(forged), tenant.owner_token)
    assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
