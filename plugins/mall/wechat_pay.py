"""Reading a WeChat Pay APIv3 notice: its signature, its time, its encrypted business object.

WeChat Pay POSTs a JSON envelope ``{id, create_time, event_type, resource_type, resource:
{algorithm, ciphertext, nonce, associated_data, original_type}}`` with the headers
``Wechatpay-Timestamp``, ``Wechatpay-Nonce``, ``Wechatpay-Serial`` and ``Wechatpay-Signature``:
base64 SHA256-with-RSA, by the WeChat Pay platform key, over ``"{timestamp}\\n{nonce}\\n{body}\\n"``
with the body exactly as sent. The resource decrypts (AEAD_AES_256_GCM, the merchant's APIv3 key)
to the business object. The order here is the safe one: the signature over the raw bytes first,
then the time (a notice older than five minutes is a replay), then decryption, whose tag also
rejects a changed ciphertext.

The 智慧商圈 objects carry more fields than the mall reads; the others are ignored, so a field
WeChat Pay adds later changes nothing. What the mall relies on:

* a payment (``MALL_TRANSACTION.SUCCESS``): ``transaction_id``, ``mchid``, ``openid`` with its
  ``appid``, ``amount`` (fen), ``time_end`` (RFC 3339) and the shop, ``shop_number`` (or
  ``sub_mchid`` when the shop is a sub-merchant);
* a refund (``MALL_REFUND.SUCCESS``): ``transaction_id``, ``refund_id``, ``refund_amount`` (fen),
  ``refund_time`` (RFC 3339) and ``mchid``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from plugins.mall.wechat_pay_config import WeChatPayConfig

__all__ = [
    "MAX_AGE",
    "BadNotice",
    "MallPayment",
    "MallRefund",
    "Unauthentic",
    "read_notice",
]

MAX_AGE = timedelta(minutes=5)
PAYMENT_EVENTS = frozenset({"MALL_TRANSACTION.SUCCESS"})
REFUND_EVENTS = frozenset({"MALL_REFUND.SUCCESS"})


class Unauthentic(Exception):
    """The notice is not WeChat Pay's, or not now: bad signature, other key, stale time."""


class BadNotice(Exception):
    """A signed notice that cannot be read: not JSON, undecryptable, fields missing or wrong."""


@dataclass(frozen=True)
class MallPayment:
    transaction_id: str
    merchant_id: str
    app_id: str | None
    openid: str
    amount: int  # fen
    paid_at: datetime
    shop_id: str | None


@dataclass(frozen=True)
class MallRefund:
    transaction_id: str
    refund_id: str
    merchant_id: str
    amount: int  # fen
    refunded_at: datetime


def read_notice(
    config: WeChatPayConfig, headers: dict[str, str], body: bytes, now: datetime
) -> MallPayment | MallRefund | None:
    """The notice's business object, or None for an event the mall does not handle.

    Raises :class:`Unauthentic` before anything is decrypted, :class:`BadNotice` after."""
    _verify(config, headers, body, now)
    try:
        envelope = json.loads(body)
    except ValueError as exc:
        raise BadNotice("the body is not JSON") from exc
    if not isinstance(envelope, dict):
        raise BadNotice("the body is not a JSON object")
    event = envelope.get("event_type")
    if event not in PAYMENT_EVENTS | REFUND_EVENTS:
        return None
    data = _decrypt(config, envelope.get("resource"))
    if data.get("mchid") not in (None, config.merchant_id):
        raise BadNotice("the notice is for another merchant")
    return _payment(config, data) if event in PAYMENT_EVENTS else _refund(config, data)


def _verify(config: WeChatPayConfig, headers: dict[str, str], body: bytes, now: datetime) -> None:
    timestamp = headers.get("wechatpay-timestamp", "")
    nonce = headers.get("wechatpay-nonce", "")
    signature = headers.get("wechatpay-signature", "")
    if headers.get("wechatpay-serial", "") != config.platform_key_serial:
        raise Unauthentic("signed with a key the mall does not know")
    if not timestamp.isdigit() or not nonce or not signature:
        raise Unauthentic("the signature headers are missing")
    try:
        raw_signature = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Unauthentic("the signature is not base64") from exc
    key = load_pem_public_key(config.platform_public_key.encode())
    if not isinstance(key, RSAPublicKey):  # the configuration allows RSA keys only
        raise Unauthentic("the platform key is not RSA")
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"
    try:
        key.verify(raw_signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise Unauthentic("the signature does not match") from exc
    if abs(now.timestamp() - int(timestamp)) > MAX_AGE.total_seconds():
        raise Unauthentic("the notice is older than five minutes")


def _decrypt(config: WeChatPayConfig, resource: Any) -> dict[str, Any]:
    if not isinstance(resource, dict) or resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise BadNotice("the resource is not AEAD_AES_256_GCM")
    try:
        ciphertext = base64.b64decode(str(resource["ciphertext"]), validate=True)
        nonce = str(resource["nonce"]).encode()
        associated = str(resource.get("associated_data") or "").encode()
        key = config.api_v3_key.get_secret_value().encode()
        plain = AESGCM(key).decrypt(nonce, ciphertext, associated)
        data = json.loads(plain)
    except (KeyError, binascii.Error, ValueError, InvalidTag) as exc:
        raise BadNotice("the resource cannot be decrypted") from exc
    if not isinstance(data, dict):
        raise BadNotice("the resource is not a JSON object")
    return data


def _text(data: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = data.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and 0 < len(value.strip()) <= 128:
        return value.strip()
    if required:
        raise BadNotice(f"{name} is missing or not text")
    return None


def _fen(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise BadNotice(f"{name} is not a positive amount in fen")
    return value


def _time(data: dict[str, Any], name: str) -> datetime:
    value = data.get(name)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise BadNotice(f"{name} is not an RFC 3339 time") from exc
    if moment.tzinfo is None:
        raise BadNotice(f"{name} has no time zone")
    return moment


def _payment(config: WeChatPayConfig, data: dict[str, Any]) -> MallPayment:
    return MallPayment(
        transaction_id=str(_text(data, "transaction_id")),
        merchant_id=_text(data, "mchid", required=False) or config.merchant_id,
        app_id=_text(data, "appid", required=False),
        openid=str(_text(data, "openid")),
        amount=_fen(data, "amount"),
        paid_at=_time(data, "time_end"),
        shop_id=_text(data, "shop_number", required=False)
        or _text(data, "sub_mchid", required=False),
    )


def _refund(config: WeChatPayConfig, data: dict[str, Any]) -> MallRefund:
    return MallRefund(
        transaction_id=str(_text(data, "transaction_id")),
        refund_id=str(_text(data, "refund_id")),
        merchant_id=_text(data, "mchid", required=False) or config.merchant_id,
        amount=_fen(data, "refund_amount"),
        refunded_at=_time(data, "refund_time"),
    )
