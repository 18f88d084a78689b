"""Deliveries are signed so that a Standard Webhooks receiver, using the reference library, accepts
them with any secret that signed and with no other."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from membership.webhooks.signing import USER_AGENT, headers, new_secret, signature_header

BODY = json.dumps(
    {"type": "member.created", "timestamp": "2026-01-01T09:00:00+08:00", "data": {"id": "m_1"}},
    separators=(",", ":"),
).encode()
MSG_ID = "evt_2b9c4e0e"


def now() -> datetime:
    return datetime.now(UTC)


def test_a_new_secret_is_whsec_and_24_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 24
    assert new_secret() != secret


def test_the_headers_carry_id_timestamp_signature_type_and_agent() -> None:
    at = datetime(2026, 1, 1, 9, 0, 0, 900_000, tzinfo=timezone(timedelta(hours=8)))
    sent = headers([new_secret()], MSG_ID, at, BODY)
    assert sent["webhook-id"] == MSG_ID
    assert sent["webhook-timestamp"] == "1767229200"
    assert sent["webhook-signature"].startswith("v1,")
    assert sent["content-type"] == "application/json"
    assert sent["user-agent"] == USER_AGENT == "Membership-Webhooks/1.0"


def test_a_receiver_verifies_the_delivery_with_the_library() -> None:
    secret = new_secret()
    sent = headers([secret], MSG_ID, now(), BODY)
    assert Webhook(secret).verify(BODY, sent) == json.loads(BODY)


def test_during_a_rotation_either_secret_verifies_and_no_other() -> None:
    new, previous, stranger = new_secret(), new_secret(), new_secret()
    sent = headers([new, previous], MSG_ID, now(), BODY)
    assert len(sent["webhook-signature"].split(" ")) == 2
    Webhook(new).verify(BODY, sent)
    Webhook(previous).verify(BODY, sent)
    with pytest.raises(WebhookVerificationError):
        Webhook(stranger).verify(BODY, sent)


def test_a_changed_body_id_or_timestamp_fails_verification() -> None:
    secret = new_secret()
    at = now()
    sent = headers([secret], MSG_ID, at, BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY + b" ", sent)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, {**sent, "webhook-id": "evt_other"})
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, {**sent, "webhook-timestamp": str(int(at.timestamp()) + 1)})


def test_a_str_body_signs_as_its_utf8_bytes() -> None:
    secret, at = new_secret(), now()
    text = '{"name":"张三"}'
    assert signature_header([secret], MSG_ID, at, text) == signature_header(
        [secret], MSG_ID, at, text.encode()
    )


def test_signing_needs_a_secret_and_an_aware_timestamp() -> None:
    with pytest.raises(ValueError):
        signature_header([], MSG_ID, now(), BODY)
    with pytest.raises(TypeError):
        signature_header(new_secret(), MSG_ID, now(), BODY)
    with pytest.raises(ValueError):
        signature_header([new_secret()], MSG_ID, datetime(2026, 1, 1), BODY)
