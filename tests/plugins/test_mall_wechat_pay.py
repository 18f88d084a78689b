"""Mall payment points (智慧商圈) through the public hook, with notices signed and encrypted
exactly as WeChat Pay does, by a test platform key and a test APIv3 key."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture

ENABLE = """mutation($config: JSON) {
  enablePlugin(name: "mall", config: $config) { plugin { name } errors { code field message } } }"""
CREATE_MEMBER = """mutation($phone: String!) {
  createMember(input: {phone: $phone}) { member { id } errors { code } } }"""
BIND = """mutation($input: BindIdentityInput!) {
  bindIdentity(input: $input) { member { id } errors { code message } } }"""
POINTS = "query($id: ID!) { member(id: $id) { pointsBalance orderCount } }"

APP_ID = "wxmall0001"
MCHID = "1900000109"
SERIAL = "5157F09EFDC096DE15EBE81A47057A72"
SHOP = "SHOP-1001"

_PLATFORM_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_API_V3_KEY = secrets.token_hex(16)  # 32 characters


def _public_pem() -> str:
    return (
        _PLATFORM_KEY.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def wechat_pay_config() -> dict[str, Any]:
    return {
        "wechat_pay": {
            "merchant_id": MCHID,
            "api_v3_key": _API_V3_KEY,
            "platform_public_key": _public_pem(),
            "platform_key_serial": SERIAL,
            "shops": {SHOP: "A101", "SHOP-GONE": "Z999"},
        }
    }


def notice(
    event: str, data: dict[str, Any], *, key: rsa.RSAPrivateKey = _PLATFORM_KEY, age: int = 0
) -> tuple[bytes, dict[str, str]]:
    """A notice as WeChat Pay sends it: the object encrypted, the envelope signed."""
    nonce, associated = secrets.token_hex(6), "mall"
    ciphertext = AESGCM(_API_V3_KEY.encode()).encrypt(
        nonce.encode(), json.dumps(data).encode(), associated.encode()
    )
    envelope = {
        "id": str(uuid.uuid4()),
        "create_time": datetime.now(UTC).isoformat(),
        "event_type": event,
        "resource_type": "encrypt-resource",
        "summary": "商圈通知",
        "resource": {
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(ciphertext).decode(),
            "nonce": nonce,
            "associated_data": associated,
            "original_type": "mall_transaction",
        },
    }
    body = json.dumps(envelope, ensure_ascii=False).encode()
    return body, sign(body, key=key, age=age)


def sign(body: bytes, *, key: rsa.RSAPrivateKey = _PLATFORM_KEY, age: int = 0) -> dict[str, str]:
    timestamp = str(int(datetime.now(UTC).timestamp()) - age)
    nonce = secrets.token_hex(16)
    message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return {
        "Content-Type": "application/json",
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Serial": SERIAL,
        "Wechatpay-Signature": base64.b64encode(signature).decode(),
    }


def payment(
    openid: str, *, amount: int = 10_000, days_ago: int = 0, **extra: Any
) -> dict[str, Any]:
    paid = datetime.now(UTC) - timedelta(days=days_ago)
    return {
        "mchid": MCHID,
        "merchant_name": "示例商场",
        "shop_name": "示例餐饮",
        "shop_number": SHOP,
        "appid": APP_ID,
        "openid": openid,
        "time_end": paid.isoformat(timespec="seconds"),
        "amount": amount,
        "transaction_id": f"42000{uuid.uuid4().int % 10**20:020d}",
        "commit_tag": "AUTH",
        **extra,
    }


def refund(pay: dict[str, Any], amount: int) -> dict[str, Any]:
    return {
        "mchid": MCHID,
        "shop_number": SHOP,
        "appid": APP_ID,
        "openid": pay["openid"],
        "refund_time": datetime.now(UTC).isoformat(timespec="seconds"),
        "pay_amount": pay["amount"],
        "refund_amount": amount,
        "transaction_id": pay["transaction_id"],
        "refund_id": f"50300{uuid.uuid4().int % 10**20:020d}",
    }


async def post(
    client: httpx.AsyncClient, tenant: TenantFixture, body: bytes, headers: dict[str, str]
) -> httpx.Response:
    url = f"/plugin-hooks/mall/{tenant.info.slug}/wechat-pay/notify"
    return await client.post(url, content=body, headers=headers)


async def mall_member(api: Api, tenant: TenantFixture) -> tuple[str, str]:
    """A member with a WeChat openid under the mall's app: (member id, openid)."""
    phone = f"1391{uuid.uuid4().int % 10_000_000:07d}"
    made = await api(CREATE_MEMBER, {"phone": phone}, tenant.secret_key)
    member = made["createMember"]["member"]["id"]
    openid = f"o{uuid.uuid4().hex[:27]}"
    bound = await api(
        BIND,
        {
            "input": {
                "memberId": member,
                "provider": "WECHAT_OPENID",
                "appId": APP_ID,
                "subject": openid,
            }
        },
        tenant.secret_key,
    )
    assert bound["bindIdentity"]["errors"] == []
    return member, openid


async def balance(api: Api, tenant: TenantFixture, member: str) -> tuple[int, int]:
    data = (await api(POINTS, {"id": member}, tenant.secret_key))["member"]
    return data["pointsBalance"], data["orderCount"]


async def payments(tenant: TenantFixture) -> list[dict[str, Any]]:
    async with tenant_tx(tenant.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT transaction_id, status, skip_reason, points FROM mall_payments"
        )
    return [dict(r) for r in rows]


@pytest.fixture
async def mall(api: Api, tenant: TenantFixture) -> TenantFixture:
    data = await api(ENABLE, {"config": wechat_pay_config()}, tenant.owner_token)
    assert data["enablePlugin"]["errors"] == [], data["enablePlugin"]["errors"]
    return tenant


# ---------------------------------------------------------------- payments


async def test_a_payment_earns_points_once(
    api: Api, client: httpx.AsyncClient, mall: TenantFixture
) -> None:
    member, openid = await mall_member(api, mall)
    body, headers = notice("MALL_TRANSACTION.SUCCESS", payment(openid))
    answer = await post(client, mall, body, headers)
    assert (answer.status_code, answer.json()) == (200, {"code": "SUCCESS"})
    assert await balance(api, mall, member) == (100, 1)
    again = await post(client, mall, body, sign(body))  # WeChat Pay sends it again
    assert (again.status_code, again.json()) == (200, {"code": "SUCCESS"})
    assert await balance(api, mall, member) == (100, 1)
    [row] = await payments(mall)
    assert (row["status"], row["points"]) == ("EARNED", 100)
    async with tenant_tx(mall.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT e.kind, o.store_code FROM points_entries e JOIN orders o ON o.id = e.order_id"
        )
    assert [(r["kind"], r["store_code"]) for r in rows] == [("EARN", "A101")]  # SHOP's store


async def test_concurrent_duplicate_notices_record_one_order(
    api: Api, client: httpx.AsyncClient, mall: TenantFixture
) -> None:
    member, openid = await mall_member(api, mall)
    body, _ = notice("MALL_TRANSACTION.SUCCESS", payment(openid))
    answers = await asyncio.gather(*(post(client, mall, body, sign(body)) for _ in range(5)))
    assert [a.status_code for a in answers] == [200] * 5
    assert await balance(api, mall, member) == (100, 1)
    assert len(await payments(mall)) == 1


async def test_a_bad_signature_is_refused_and_changes_nothing(
    api: Api, client: httpx.AsyncClient, mall: TenantFixture
) -> None:
    member, openid = await mall_member(api, mall)
    body, headers = notice("MALL_TRANSACTION.SUCCESS", payment(openid), key=_OTHER_KEY)
    answer = await post(client, mall, body, headers)
    assert (answer.status_code, answer.json()["code"]) == (401, "FAIL")
    body, headers = notice("MALL_TRANSACTION.SUCCESS", payment(openid))
    changed = body.replace(b'"summary"', b'"Summary"')  # signed bytes altered
    assert (await post(client, mall, changed, headers)).status_code == 401
    assert await balance(api, mall, member) == (0, 0)
    assert await payments(mall) == []


async def test_a_stale_notice_is_refused(
    api: Api, client: httpx.AsyncClient, mall: TenantFixture
) -> None:
    member, openid = await mall_member(api, mall)
    body, headers = notice("MALL_TRANSACTION.SUCCESS", payment(openid), age=6 * 60)
    assert (await post(client, mall, body, headers)).status_code == 401
    assert await balance(api, mall, member) == (0, 0)


async def test_a_tampered_ciphertext_is_refused_and_changes_nothing(
    api: Api, client: httpx.AsyncClient, mall: TenantFixture
) -> None:
    member, openid = await mall_member(api, mall)
    body, _ = notice("MALL_TRANSACTION.SUCCESS", payment(openid))
    envelope = json.loads(body)
    raw = bytearray(base64.b64decode(envelope["resource"]["ciphertext"]))
    raw[0] ^= 1
    envelope["resource"]["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    tampered = json.dumps(envelope).encode()
    # Re-signed (as if the signer were fooled): the encryption's tag still refuses it.
    assert (await post(client, mall, tampered, sign(tampered))).status_code == 400
    assert (await post(client, mall, b"not json", sign(b"not json"))).status_code == 400
    assert await balance(api, mall, member) == (0, 0)
    assert await payments(mall) == []


async def test_an_unknown_payer_is_recorded_as_unmatched(
    client: httpx.AsyncClient, mall: TenantFixture
) -> None:
    body, headers = notice("MALL_TRANSACTION.SUCCESS", payment("o-nobody"))
    assert (await post(client, mall, body, headers)).status_code == 200
    [row] = await payments(mall)
    assert (row["status"], row["points"]) == ("UNMATCHED", 0)


async def test_an_unmapped_shop_or_missing_store_is_skipped(
    api: Api, client: httpx.AsyncClient, mall: TenantFixture
) -> None:
    member, openid = await mall_member(api, mall)
    for shop in ("SHOP-UNKNOWN", "SHOP-GONE"):
        body, headers = notice(
            "MALL_TRANSACTION.SUCCESS", payment(openid, shop_number=shop, extra_field={"x": 1})
        )
        assert (await post(client, mall, body, headers)).status_code == 200
    assert sorted(r["status"] for r in await payments(mall)) == ["SKIPPED", "SKIPPED"]
    assert await balance(api, mall, member) == (0, 0)


# ---------------------------------------------------------------- refunds


async def test_a_refund_within_30_days_claws_points_back_in_proportion(
    api: Api, client: httpx.AsyncClient, mall: TenantFixture
) -> None:
    member, openid = await mall_member(api, mall)
    pay = payment(openid, days_ago=10)
    await post(client, mall, *notice("MALL_TRANSACTION.SUCCESS", pay))
    assert await balance(api, mall, member) == (100, 1)
    half = refund(pay, 5_000)
    body, headers = notice("MALL_REFUND.SUCCESS", half)
    assert (await post(client, mall, body, headers)).status_code == 200
    assert (await post(client, mall, body, sign(body))).status_code == 200  # once per refund id
    assert (await balance(api, mall, member))[0] == 50
    await post(client, mall, *notice("MALL_REFUND.SUCCESS", refund(pay, 5_000)))
    assert await balance(api, mall, member) == (0, 0)


async def test_a_refund_after_30_days_claws_nothing_back(
    api: Api, client: httpx.AsyncClient, mall: TenantFixture
) -> None:
    member, openid = await mall_member(api, mall)
    pay = payment(openid, days_ago=31)
    await post(client, mall, *notice("MALL_TRANSACTION.SUCCESS", pay))
    assert (await balance(api, mall, member))[0] == 100
    answer = await post(client, mall, *notice("MALL_REFUND.SUCCESS", refund(pay, 10_000)))
    assert answer.status_code == 200
    assert (await balance(api, mall, member))[0] == 100
    async with tenant_tx(mall.ctx) as conn:
        _, rows = await conn.execute_query("SELECT status FROM mall_payment_refunds")
    assert [r["status"] for r in rows] == ["RECORDED"]


# ---------------------------------------------------------------- whose business it is


async def test_a_tenant_without_the_mall_is_not_found(
    client: httpx.AsyncClient, mall: TenantFixture, other_tenant: TenantFixture
) -> None:
    body, headers = notice("MALL_TRANSACTION.SUCCESS", payment("o-someone"))
    assert (await post(client, other_tenant, body, headers)).status_code == 404


async def test_the_api_v3_key_is_sealed_at_rest_shown_as_a_hint_and_kept_when_sent_back(
    api: Api, client: httpx.AsyncClient, mall: TenantFixture
) -> None:
    async with tenant_tx(mall.ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT config::text AS config FROM tenant_plugins WHERE name = 'mall'"
        )
    assert _API_V3_KEY not in rows[0]["config"]
    listed = await api("{ plugins { name config } }", token=mall.owner_token)
    shown = next(p for p in listed["plugins"] if p["name"] == "mall")["config"]
    assert shown["wechat_pay"]["api_v3_key"] == "••••" + _API_V3_KEY[-4:]
    # the admin's form sends the configuration back with the hint: the key stays as it was
    shown["daily_receipt_limit"] = 7
    again = await api(ENABLE, {"config": shown}, mall.owner_token)
    assert again["enablePlugin"]["errors"] == []
    member, openid = await mall_member(api, mall)
    body, headers = notice("MALL_TRANSACTION.SUCCESS", payment(openid))
    assert (await post(client, mall, body, headers)).status_code == 200
    assert await balance(api, mall, member) == (100, 1)
    audit = await api(
        "{ auditLog(first: 20) { edges { node { action after } } } }", token=mall.owner_token
    )
    assert _API_V3_KEY not in json.dumps(audit)
