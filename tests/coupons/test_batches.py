"""Codes in bulk: a batch is queued within the template's limits, made chunk by chunk with its
progress committed alongside, never more than asked for even with two jobs at once, and served
as CSV only to its own tenant. The job is the one the worker runs (tests/workers runs it there)."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from typing import Any

import httpx
import pytest

from membership.coupons import batches
from membership.coupons.codes import ALPHABET
from membership.coupons.models import Coupon, CouponBatch, CouponTemplate
from membership.outbox import OutboxEvent
from tenants.tx import tenant_tx
from tests.conftest import Api, TenantFixture
from tests.coupons.test_issue import issue_api, template
from tests.coupons.test_redeem import redeem_api
from tests.points.test_ledger_invariants import new_member

GENERATE = """mutation($input: GenerateCouponCodesInput!) {
  generateCouponCodes(input: $input) {
    batch { id quantity generated status downloadUrl template { issuedCount } }
    errors { code field message }
  }
}"""
BATCH = """query($id: ID!) {
  couponBatch(id: $id) { id quantity generated status startedAt finishedAt downloadUrl error }
}"""
BATCHES = (
    """query($template: ID!) { couponBatches(templateId: $template) { id quantity status } }"""
)


async def generate(
    api: Api, token: str, template_id: str, quantity: int, key: str | None = None
) -> dict[str, Any]:
    variables = {
        "input": {
            "templateId": template_id,
            "quantity": quantity,
            "idempotencyKey": key or f"gen-{uuid.uuid4()}",
        }
    }
    return (await api(GENERATE, variables, token))["generateCouponCodes"]  # type: ignore[no-any-return]


async def download(client: httpx.AsyncClient, url: str, token: str) -> httpx.Response:
    return await client.get(url, headers={"authorization": f"Bearer {token}"})


async def test_a_batch_is_queued_made_in_chunks_with_progress_and_downloaded(
    api: Api, tenant: TenantFixture, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "CHUNK", 1_000)
    template_id = await template(api, tenant, codePrefix="SPR", codeLength=10)
    queued = await generate(api, tenant.owner_token, template_id, 2_500, key="gen-spring")
    assert queued["errors"] == []
    batch = queued["batch"]
    assert (batch["status"], batch["generated"], batch["downloadUrl"]) == ("QUEUED", 0, None)
    assert batch["template"]["issuedCount"] == 2_500  # counted at once: no limit is overtaken
    async with tenant_tx(tenant.ctx):
        event = await OutboxEvent.get(
            type="coupon_batch.created", payload__contains={"batchId": batch["id"]}
        )
    assert event.published_at is None  # the worker's relay picks it up

    seen: list[tuple[int, int]] = []
    done = await batches.generate_batch(
        tenant.ctx, uuid.UUID(batch["id"]), progress=lambda n, of: seen.append((n, of))
    )
    assert seen == [(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]
    assert done.status == "DONE" and done.generated == 2_500
    shown = (await api(BATCH, {"id": batch["id"]}, tenant.owner_token))["couponBatch"]
    assert shown["status"] == "DONE" and shown["finishedAt"] and shown["error"] is None

    response = await download(client, shown["downloadUrl"], tenant.owner_token)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    codes = {row["code"] for row in rows}
    assert len(rows) == 2_500 and len(codes) == 2_500
    assert all(c.startswith("SPR") and len(c) == 13 and set(c[3:]) <= set(ALPHABET) for c in codes)
    assert {row["status"] for row in rows} == {"ISSUED"}
    async with tenant_tx(tenant.ctx):
        stored = await Coupon.filter(batch_id=batch["id"]).count()
        unowned = await Coupon.filter(batch_id=batch["id"], member_id=None).count()
    assert stored == unowned == 2_500

    replay = await generate(api, tenant.owner_token, template_id, 2_500, key="gen-spring")
    assert replay["batch"]["id"] == batch["id"]
    listed = (await api(BATCHES, {"template": template_id}, tenant.owner_token))["couponBatches"]
    assert [b["id"] for b in listed] == [batch["id"]]


async def test_two_jobs_on_one_batch_make_exactly_the_quantity(
    api: Api, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "CHUNK", 500)
    template_id = await template(api, tenant)
    batch = (await generate(api, tenant.owner_token, template_id, 3_000))["batch"]
    both = await asyncio.gather(
        batches.generate_batch(tenant.ctx, uuid.UUID(batch["id"])),
        batches.generate_batch(tenant.ctx, uuid.UUID(batch["id"])),
    )
    assert [b.generated for b in both] == [3_000, 3_000]
    async with tenant_tx(tenant.ctx):
        assert await Coupon.filter(batch_id=batch["id"]).count() == 3_000


async def test_a_bulk_code_belongs_to_the_member_who_redeems_it_first(
    api: Api, tenant: TenantFixture
) -> None:
    template_id = await template(api, tenant)
    batch = (await generate(api, tenant.owner_token, template_id, 3))["batch"]
    await batches.generate_batch(tenant.ctx, uuid.UUID(batch["id"]))
    async with tenant_tx(tenant.ctx):
        code = (await Coupon.filter(batch_id=batch["id"]).first()).code  # type: ignore[union-attr]
    alice, bob = await new_member(tenant), await new_member(tenant)
    first = await redeem_api(api, tenant.secret_key, code, alice, 5_000, "r-alice")
    assert first["errors"] == [] and first["discountAmount"] == 2_000
    again = await redeem_api(api, tenant.secret_key, code, bob, 5_000, "r-bob")
    assert {e["code"] for e in again["errors"]} == {
        "COUPON_ALREADY_REDEEMED",
        "COUPON_NOT_APPLICABLE",
    }
    async with tenant_tx(tenant.ctx):
        assert (await Coupon.get(code=code)).member_id == alice


async def test_bad_requests_change_nothing(api: Api, tenant: TenantFixture) -> None:
    template_id = await template(api, tenant, totalLimit=100)
    for quantity in (0, 1_000_001):
        refused = await generate(api, tenant.owner_token, template_id, quantity)
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("INVALID", ["input", "quantity"])
        ]
    over = await generate(api, tenant.owner_token, template_id, 101)
    assert [e["code"] for e in over["errors"]] == ["COUPON_NOT_APPLICABLE"]
    assert "100" in over["errors"][0]["message"]
    unknown = await generate(api, tenant.owner_token, str(uuid.uuid4()), 10)
    assert [e["code"] for e in unknown["errors"]] == ["NOT_FOUND"]
    clerkless = await generate(api, tenant.secret_key, template_id, 10)
    assert [e["code"] for e in clerkless["errors"]] == ["PERMISSION_DENIED"]
    async with tenant_tx(tenant.ctx):
        assert await CouponBatch.all().count() == 0
        assert (await CouponTemplate.get(id=template_id)).issued_count == 0


async def test_a_failed_batch_gives_back_what_it_did_not_make(
    api: Api, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "CHUNK", 100)
    template_id = await template(api, tenant, totalLimit=1_000)
    batch = (await generate(api, tenant.owner_token, template_id, 1_000))["batch"]
    calls = 0
    real = batches.new_codes

    def failing(count: int, length: int, prefix: str) -> list[str]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("entropy ran out")
        return real(count, length, prefix)

    monkeypatch.setattr(batches, "new_codes", failing)
    with pytest.raises(RuntimeError):
        await batches.generate_batch(tenant.ctx, uuid.UUID(batch["id"]))
    shown = (await api(BATCH, {"id": batch["id"]}, tenant.owner_token))["couponBatch"]
    assert (shown["status"], shown["generated"]) == ("FAILED", 200)
    assert "entropy ran out" in shown["error"] and shown["downloadUrl"] is None
    async with tenant_tx(tenant.ctx):
        assert (await CouponTemplate.get(id=template_id)).issued_count == 200
        assert await Coupon.filter(batch_id=batch["id"]).count() == 200


async def test_another_tenant_sees_no_batch_and_downloads_nothing(
    api: Api, tenant: TenantFixture, other_tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    template_id = await template(api, tenant)
    batch = (await generate(api, tenant.owner_token, template_id, 5))["batch"]
    await batches.generate_batch(tenant.ctx, uuid.UUID(batch["id"]))
    url = f"/coupon-batches/{batch['id']}/codes.csv"
    assert (await download(client, url, tenant.owner_token)).status_code == 200
    foreign = await download(client, url, other_tenant.owner_token)
    assert foreign.status_code == 404 and "code,status" not in foreign.text
    assert (await client.get(url)).status_code == 401
    assert (await api(BATCH, {"id": batch["id"]}, other_tenant.owner_token))["couponBatch"] is None
    stolen = await generate(api, other_tenant.owner_token, template_id, 5)
    assert [e["code"] for e in stolen["errors"]] == ["NOT_FOUND"]


async def test_a_code_that_exists_already_is_stepped_over_and_made_again(
    api: Api, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "CHUNK", 50)
    template_id = await template(api, tenant, codePrefix="DUP")
    member = await new_member(tenant)
    taken = (await issue_api(api, tenant.secret_key, template_id, member, "dup-1"))["coupon"]
    real = batches.new_codes
    calls = 0

    def colliding(count: int, length: int, prefix: str) -> list[str]:
        nonlocal calls
        calls += 1
        codes = real(count, length, prefix)
        return [taken["code"], *codes[1:]] if calls <= 2 else codes

    monkeypatch.setattr(batches, "new_codes", colliding)
    batch = (await generate(api, tenant.owner_token, template_id, 120))["batch"]
    done = await batches.generate_batch(tenant.ctx, uuid.UUID(batch["id"]))
    assert (done.status, done.generated) == ("DONE", 120)
    async with tenant_tx(tenant.ctx):
        codes = await Coupon.filter(batch_id=batch["id"]).values_list("code", flat=True)
        mine = await Coupon.get(code=taken["code"])
    assert len(codes) == len(set(codes)) == 120 and taken["code"] not in codes
    assert mine.member_id == member and mine.batch_id is None
