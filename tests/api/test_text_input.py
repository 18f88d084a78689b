"""Text PostgreSQL cannot store (NUL, unpaired surrogates) is refused as INVALID on every path."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.api.test_members import CREATE, LIST
from tests.conftest import LOGIN, Api, TenantFixture

REFUSAL = "Text must not contain NUL characters or unpaired surrogates (U+D800 to U+DFFF)."
RECORD = """mutation($input: RecordOrderInput!) {
  recordOrder(input: $input) { order { id } errors { code field message } }
}"""


async def post_json(api: Api, query: str, variables: dict[str, Any], token: str) -> httpx.Response:
    """Post with ASCII-escaped JSON, as a browser would send a lone surrogate: ``"\\ud800"``."""
    return await api.client.post(
        "/graphql",
        content=json.dumps({"query": query, "variables": variables}),
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
    )


async def member_count(api: Api, tenant: TenantFixture) -> int:
    return (await api(LIST, {}, tenant.secret_key))["members"]["totalCount"]  # type: ignore[no-any-return]


async def test_login_with_a_nul_in_the_email_is_invalid(api: Api, tenant: TenantFixture) -> None:
    variables = {"slug": tenant.info.slug, "email": "owner\x00@x.example.com", "password": "p"}

    login = (await api(LOGIN, variables))["login"]

    assert login["token"] is None
    assert login["errors"] == [{"code": "INVALID", "field": ["email"], "message": REFUSAL}]


async def test_a_query_argument_with_a_nul_is_an_invalid_error(
    api: Api, tenant: TenantFixture
) -> None:
    response = await api.raw('{ order(externalId: "a\\u0000b") { id } }', token=tenant.secret_key)

    body = response.json()
    assert response.status_code == 200, body
    assert [(e["message"], e["extensions"]["code"], e["path"]) for e in body["errors"]] == [
        (REFUSAL, "INVALID", ["order"])
    ]


async def test_a_query_whose_result_needs_more_than_errors_answers_an_invalid_error(
    api: Api, tenant: TenantFixture
) -> None:
    query = """query($code: String!) {
      validateCoupon(code: $code, memberId: "m", orderAmount: 100) { valid errors { code } }
    }"""

    response = await api.raw(query, {"code": "A\x00"}, tenant.secret_key)

    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["INVALID"]


async def test_a_nul_in_a_mutation_input_is_refused_and_creates_nothing(
    api: Api, tenant: TenantFixture
) -> None:
    variables = {"input": {"phone": "13812349001", "name": "张\x00三"}}

    payload = (await api(CREATE, variables, tenant.secret_key))["createMember"]

    assert payload["member"] is None
    assert payload["errors"] == [
        {"code": "INVALID", "field": ["input", "name"], "message": REFUSAL}
    ]
    assert await member_count(api, tenant) == 0


async def test_a_lone_surrogate_is_refused(api: Api, tenant: TenantFixture) -> None:
    variables = {"input": {"phone": "13812349002", "name": "\ud800"}}

    response = await post_json(api, CREATE, variables, tenant.secret_key)

    payload = response.json()["data"]["createMember"]
    assert payload["member"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", ["input", "name"])]
    assert await member_count(api, tenant) == 0


async def test_every_bad_text_is_named_in_lists_and_json(api: Api, tenant: TenantFixture) -> None:
    variables = {
        "input": {
            "phone": "13812349003",
            "gender": "FEMALE",
            "tags": ["ok", "b\x00d"],
            "customFields": {"note": ["fine", {"deep": "\udfff"}]},
        }
    }

    response = await post_json(api, CREATE, variables, tenant.secret_key)

    errors = response.json()["data"]["createMember"]["errors"]
    assert [e["field"] for e in errors] == [
        ["input", "tags", "1"],
        ["input", "customFields", "note", "1", "deep"],
    ]


async def test_a_bad_json_key_is_named_by_the_object_holding_it(
    api: Api, tenant: TenantFixture
) -> None:
    variables = {"input": {"phone": "13812349005", "customFields": {"ok": {"ke\x00y": 1}}}}

    payload = (await api(CREATE, variables, tenant.secret_key))["createMember"]

    assert payload["member"] is None
    assert [e["field"] for e in payload["errors"]] == [["input", "customFields", "ok"]]
    assert await member_count(api, tenant) == 0


async def test_non_ascii_text_everywhere_is_accepted(api: Api, tenant: TenantFixture) -> None:
    variables = {"input": {"phone": "13812349006", "name": "张三 🎉", "tags": ["会员", "Zoë"]}}

    payload = (await api(CREATE, variables, tenant.secret_key))["createMember"]

    assert payload["errors"] == []
    assert payload["member"] is not None


async def test_a_nested_input_object_is_named_by_its_api_path(
    api: Api, tenant: TenantFixture
) -> None:
    member = (await api(CREATE, {"input": {"phone": "13812349004"}}, tenant.secret_key))[
        "createMember"
    ]["member"]
    variables = {
        "input": {
            "externalId": "NUL-1",
            "memberId": member["id"],
            "amount": 100,
            "items": [{"sku": "A\x00", "quantity": 1, "unitPrice": 100}],
        }
    }

    payload = (await api(RECORD, variables, tenant.secret_key))["recordOrder"]

    assert payload["order"] is None
    assert [e["field"] for e in payload["errors"]] == [["input", "items", "0", "sku"]]


async def test_the_refusal_speaks_the_callers_language(api: Api, tenant: TenantFixture) -> None:
    response = await api.raw(
        '{ order(externalId: "a\\u0000b") { id } }',
        token=tenant.secret_key,
        headers={"accept-language": "zh-CN"},
    )

    assert response.json()["errors"][0]["message"] == (
        "文本不能包含 NUL 字符或不成对的代理字符（U+D800 到 U+DFFF）。"
    )


async def test_the_codes_download_treats_a_nul_in_its_path_as_not_found(
    api: Api, tenant: TenantFixture
) -> None:
    response = await api.client.get(
        "/coupon-batches/a%00b/codes.csv", headers={"authorization": f"Bearer {tenant.owner_token}"}
    )

    assert response.status_code == 404
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
