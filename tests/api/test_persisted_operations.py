"""Persisted operations: registered documents called by id, Apollo's automatic registration,
clear errors for unknown or mismatched ids, and which documents get a compiled plan."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from membership.gateway.compiled import Unsupported, compile_plan
from membership.gateway.persisted import document_id, normalize_id
from tests.conftest import Api, TenantFixture

LOOKUP = "query Lookup($phone: String) { member(phone: $phone) { id phone tier { name } } }"
CREATE = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code } }
}"""


async def post(api: Api, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await api.client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_ids_are_the_sha256_of_the_text() -> None:
    operation_id = document_id(LOOKUP)
    assert operation_id.startswith("sha256:") and len(operation_id) == 71
    assert normalize_id(operation_id.upper().replace("SHA256:", "")) == operation_id
    assert normalize_id("sha256:xyz") is None and normalize_id(42) is None


async def test_an_unknown_id_is_refused_clearly(api: Api, tenant: TenantFixture) -> None:
    unknown = document_id("query { __typename }  # never registered")
    for body in (
        {"documentId": unknown},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": unknown[7:]}}},
    ):
        answer = await post(api, body, tenant.secret_key)
        assert answer["errors"][0]["message"] == "PersistedQueryNotFound"
        assert answer["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    answer = await post(api, {"documentId": "sha256:nothex"}, tenant.secret_key)
    assert answer["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_INVALID"


async def test_apollo_registration_then_calls_by_hash(
    api: Api, app: Starlette, tenant: TenantFixture
) -> None:
    made = await post(
        api, {"query": CREATE, "variables": {"input": {"phone": "13911112222"}}}, tenant.secret_key
    )
    assert made["data"]["createMember"]["errors"] == []
    document = LOOKUP + f"  # {tenant.info.slug}"  # a text no other test registers
    digest = document_id(document)[7:]
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    variables = {"phone": "13911112222"}

    missing = await post(api, {"extensions": persisted, "variables": variables}, tenant.secret_key)
    assert missing["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    wrong = await post(
        api,
        {"query": document + " ", "extensions": persisted, "variables": variables},
        tenant.secret_key,
    )
    assert wrong["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"

    first = await post(
        api, {"query": document, "extensions": persisted, "variables": variables}, tenant.secret_key
    )
    app.state.services.persisted._cache.clear()  # the next call reads the table
    again = await post(api, {"extensions": persisted, "variables": variables}, tenant.secret_key)
    by_id = await post(
        api, {"documentId": f"sha256:{digest}", "variables": variables}, tenant.secret_key
    )
    assert first == again == by_id
    assert first["data"]["member"]["phone"] == "+8613911112222"
    adhoc = await post(api, {"query": document, "variables": variables}, tenant.secret_key)
    assert adhoc == first


async def test_registration_needs_a_credential_and_a_valid_document(
    api: Api, app: Starlette, tenant: TenantFixture
) -> None:
    registry = app.state.services.persisted
    invalid = "query { nothingLikeThis }  # invalid"
    anonymous = LOOKUP + "  # anonymous"
    for document, token in ((invalid, tenant.secret_key), (anonymous, None)):
        digest = document_id(document)
        await post(
            api,
            {"query": document, "extensions": {"persistedQuery": {"sha256Hash": digest[7:]}}},
            token,
        )
        registry._cache.clear()
        assert await registry.get(digest) is None


async def test_ad_hoc_documents_keep_their_limits(api: Api, tenant: TenantFixture) -> None:
    deep = 'query { member(phone: "1") { ' + "referrer { " * 12 + "id" + " }" * 13 + " }"
    answer = await post(api, {"query": deep}, tenant.secret_key)
    assert "exceeds maximum operation depth" in answer["errors"][0]["message"]


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("query { members { totalCount } }", "not on the hot list"),
        ('query($d: Date) { member(phone: "1") { rfm(asOf: $d) { orders } } }', "arguments"),
        ('query($s: Boolean!) { member(phone: "1") { id @include(if: $s) } }', "directives"),
        ('query { member(phone: "1") { id } tiers { id } }', "not on the hot list"),
    ],
)
def test_unsupported_documents_fall_back_with_a_reason(
    app: Starlette, document: str, reason: str
) -> None:
    with pytest.raises(Unsupported, match=reason):
        compile_plan(app.state.graphql.schema, document)


async def test_a_failing_compiled_operation_is_masked_like_strawberrys(
    api: Api, app: Starlette, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from membership.members import service as members

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database on fire")

    document = LOOKUP + "  # broken"
    await app.state.graphql.registry.register({document_id(document): document}, "test")
    monkeypatch.setattr(members, "get_member", broken)
    by_id = await post(
        api, {"documentId": document_id(document), "variables": {"phone": "1"}}, tenant.secret_key
    )
    adhoc = await post(api, {"query": document, "variables": {"phone": "1"}}, tenant.secret_key)
    assert by_id == adhoc
    assert by_id["errors"][0]["message"] == "Unexpected error." and by_id["data"] == {
        "member": None
    }
