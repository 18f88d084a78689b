"""Coupon codes in bulk: a batch of up to a million codes made by a background job.

``start_batch`` checks the template and its total limit, counts the whole batch as issued at
once (so a limit cannot be overtaken while the job runs) and writes a ``coupon_batch.created``
event in the same transaction; the worker picks it up and calls ``generate_batch``.

The job writes the codes in chunks, each chunk in its own transaction together with the
batch's ``generated`` count, so the progress shown is exactly what is committed, a job that
stops is resumed where it stopped, and two workers running one batch at once (a queue delivers
at least once) take turns on the batch's row and never write more than ``quantity`` codes.
A code that collides with an existing one makes its chunk fail on the unique index; the chunk
is then written again stepping over taken codes, and the codes it is short are made again.

Bulk codes belong to no member: the first member to redeem one owns it. Their validity is
computed once, when the batch is created.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import structlog
from tortoise.exceptions import IntegrityError

from membership.coupons.codes import new_codes
from membership.coupons.events import CouponBatchCreated
from membership.coupons.issue import validity
from membership.coupons.models import CouponBatch, CouponTemplate
from membership.errors import DomainError, ErrorCode
from membership.idempotency import service as idempotency
from membership.ids import new_id, new_ids
from membership.outbox import emit
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "MAX_QUANTITY",
    "BatchStart",
    "batch_csv",
    "generate_batch",
    "get_batch",
    "list_batches",
    "open_batches",
    "start_batch",
]

log = structlog.get_logger("membership.coupons")

MAX_QUANTITY = 1_000_000
CHUNK = 25_000
EXPORT_PAGE = 20_000

_COLUMNS = """
INSERT INTO coupons (tenant_id, id, template_id, code, member_id, status,
                     valid_from, valid_until, issued_at, batch_id)
SELECT $1, id, $2, code, NULL, 'ISSUED', $3, $4, $5, $6
FROM unnest($7::uuid[], $8::text[]) AS made (id, code)
"""
# A code that exists already (about one in 10^11 per code) fails the chunk's plain INSERT; the
# chunk is then made again with the INSERT that skips taken codes, which costs more per row.
_INSERT = _COLUMNS
_INSERT_SKIPPING = f"""
WITH made AS ({_COLUMNS} ON CONFLICT (tenant_id, code) DO NOTHING RETURNING 1)
SELECT count(*) AS made FROM made
"""


@dataclass(frozen=True)
class BatchStart:
    batch: CouponBatch
    replayed: bool


def _not_applicable(template: str, **params: object) -> DomainError:
    return DomainError(ErrorCode.COUPON_NOT_APPLICABLE, template, ["input", "templateId"], **params)


async def _replay(key: str, hashed: str) -> BatchStart | None:
    batch_id = await idempotency.first_result(key, hashed)
    return None if batch_id is None else BatchStart(await CouponBatch.get(id=batch_id), True)


async def start_batch(
    ctx: RequestContext, *, template_id: uuid.UUID, quantity: int, idempotency_key: str
) -> BatchStart:
    """Queue ``quantity`` codes of the template; a replayed key queues once."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(
            ErrorCode.INVALID,
            "Generate between 1 and {max} codes at a time.",
            ["input", "quantity"],
            max=MAX_QUANTITY,
        )
    idempotency.check_key(idempotency_key)
    request_hash = idempotency.request_hash("generate_coupon_codes", template_id, quantity)
    async with tenant_tx(ctx):
        replayed = await _replay(idempotency_key, request_hash)
        if replayed is not None:
            return replayed
        template = await CouponTemplate.filter(id=template_id).select_for_update().first()
        if template is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such coupon template.", ["input", "templateId"]
            )
        now = ctx.clock.now()
        if validity(template, now)[1] <= now:
            raise _not_applicable("This template's coupons can no longer be issued.")
        if template.total_limit is not None:
            left = max(template.total_limit - template.issued_count, 0)
            if quantity > left:
                raise _not_applicable(
                    "Only {left} more coupons of this template can be issued.", left=left
                )
        template.issued_count += quantity
        template.updated_at = now
        await template.save(update_fields=["issued_count", "updated_at"])
        batch = await CouponBatch.create(
            id=new_id(),
            tenant_id=ctx.tenant.id,
            template_id=template.id,
            quantity=quantity,
            status="QUEUED",
            created_at=now,
        )
        await emit(
            ctx,
            CouponBatchCreated(batch_id=batch.id, template_id=template.id, quantity=quantity),
        )
        await audit.record(
            ctx,
            "coupon_batch.create",
            "coupon_template",
            template.id,
            after={"batchId": str(batch.id), "quantity": quantity},
        )
        await idempotency.remember(
            ctx, idempotency_key, "generate_coupon_codes", request_hash, batch.id
        )
    return BatchStart(batch, replayed=False)


async def _chunk(ctx: RequestContext, batch_id: uuid.UUID, *, skipping: bool) -> CouponBatch:
    """Write the next chunk of codes and count them, in one transaction; ``skipping``: step
    over codes that exist already instead of failing on them."""
    async with tenant_tx(ctx) as conn:
        batch = await CouponBatch.filter(id=batch_id).select_for_update().get()
        if batch.status in ("DONE", "FAILED"):
            return batch
        template = await CouponTemplate.get(id=batch.template_id)
        valid_from, valid_until = validity(template, batch.created_at)
        now = ctx.clock.now()
        want = min(CHUNK, batch.quantity - batch.generated)
        made = 0
        while made < want:
            codes = new_codes(want - made, template.code_length, template.code_prefix)
            values = [ctx.tenant.id, template.id, valid_from, valid_until, now, batch.id]
            values += [new_ids(len(codes)), codes]
            if skipping:
                _, rows = await conn.execute_query(_INSERT_SKIPPING, values)
                made += rows[0]["made"]
            else:
                await conn.execute_query(_INSERT, values)
                made += len(codes)
        batch.generated += made
        batch.started_at = batch.started_at or now
        batch.status = "DONE" if batch.generated == batch.quantity else "RUNNING"
        batch.finished_at = now if batch.status == "DONE" else None
        await batch.save(update_fields=["generated", "started_at", "status", "finished_at"])
        return batch


async def _fail(ctx: RequestContext, batch_id: uuid.UUID, error: str) -> None:
    """Stop the batch, keeping the codes made, and give back the issue count of the rest."""
    async with tenant_tx(ctx):
        batch = await CouponBatch.filter(id=batch_id).select_for_update().get()
        if batch.status in ("DONE", "FAILED"):
            return
        template = await CouponTemplate.filter(id=batch.template_id).select_for_update().get()
        template.issued_count -= batch.quantity - batch.generated
        await template.save(update_fields=["issued_count"])
        batch.status = "FAILED"
        batch.error = error[:500]
        batch.finished_at = ctx.clock.now()
        await batch.save(update_fields=["status", "error", "finished_at"])


async def generate_batch(
    ctx: RequestContext,
    batch_id: uuid.UUID,
    progress: Callable[[int, int], None] | None = None,
) -> CouponBatch:
    """Make the batch's codes, from where it stands; ``progress(generated, quantity)`` after
    every committed chunk. A failure marks the batch FAILED and is raised."""
    while True:
        try:
            try:
                batch = await _chunk(ctx, batch_id, skipping=False)
            except IntegrityError:  # a code taken already: the chunk again, stepping over it
                batch = await _chunk(ctx, batch_id, skipping=True)
        except Exception as exc:
            log.exception("coupon_batch_failed", batch_id=str(batch_id))
            await _fail(ctx, batch_id, f"{type(exc).__name__}: {exc}")
            raise
        if progress:
            progress(batch.generated, batch.quantity)
        if batch.status in ("DONE", "FAILED"):
            return batch


async def open_batches(ctx: RequestContext) -> list[uuid.UUID]:
    """The tenant's batches not done yet (for the worker, which resumes them)."""
    async with tenant_tx(ctx):
        rows = await CouponBatch.filter(status__in=["QUEUED", "RUNNING"]).order_by("created_at")
    return [row.id for row in rows]


def _can_read(ctx: RequestContext) -> None:
    ctx.require(Permission.PROGRAMME_MANAGE)


async def get_batch(ctx: RequestContext, batch_id: uuid.UUID) -> CouponBatch | None:
    _can_read(ctx)
    async with tenant_tx(ctx):
        return await CouponBatch.get_or_none(id=batch_id)


async def list_batches(ctx: RequestContext, template_id: uuid.UUID) -> list[CouponBatch]:
    """A template's batches, newest first (at most 100)."""
    _can_read(ctx)
    async with tenant_tx(ctx):
        return list(
            await CouponBatch.filter(template_id=template_id)
            .order_by("-created_at", "-id")
            .limit(100)
        )


def _csv_row(*values: str) -> str:
    return ",".join(values) + "\r\n"


async def batch_csv(ctx: RequestContext, batch_id: uuid.UUID) -> AsyncIterator[str]:
    """The batch's codes as CSV text, page by page (a million codes never sit in memory)."""
    _can_read(ctx)
    yield _csv_row("code", "status", "valid_from", "valid_until")
    after = uuid.UUID(int=0)
    while True:
        async with tenant_tx(ctx) as conn:
            _, rows = await conn.execute_query(
                "SELECT id, code, status, valid_from, valid_until FROM coupons "
                "WHERE batch_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                [batch_id, after, EXPORT_PAGE],
            )
        if not rows:
            return
        yield "".join(
            _csv_row(
                r["code"], r["status"], r["valid_from"].isoformat(), r["valid_until"].isoformat()
            )
            for r in rows
        )
        after = rows[-1]["id"]
