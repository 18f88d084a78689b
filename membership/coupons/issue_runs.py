"""Issuing a coupon to every member of a filtered list: a run, processed in the background.

``start_run`` lists the members the filter shows now and writes them as the run's targets, in
the transaction that writes the run (the list is a snapshot: members who join the list later
are not issued to). The worker's sweep finds runs not done (``tenants_with_open_runs``) and
calls ``process_run``, which issues chunk by chunk through ``issue_coupon``: each chunk's
coupons, the targets' outcomes and the run's counts are committed together, so the progress
shown is exactly what is committed and a run a worker dropped is resumed where it stood. Two
workers on one run take turns on the run's row; each target's issue has the idempotency key
``issue-run:<run>:<member>`` besides, so no member is issued to twice.

A refusal (a limit of the template reached, a member merged away since) is an outcome, counted
by its error code; it does not stop the run.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from tortoise import Tortoise

from membership.coupons.issue import issue_coupon, validity
from membership.coupons.models import CouponTemplate
from membership.errors import DomainError, ErrorCode
from membership.idempotency import service as idempotency
from membership.ids import new_id
from membership.members import service as members
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "CHUNK",
    "MAX_MEMBERS",
    "IssueRun",
    "IssueRunStart",
    "Refusal",
    "get_run",
    "list_runs",
    "open_runs",
    "process_open_runs",
    "process_run",
    "start_run",
    "tenants_with_open_runs",
]

log = structlog.get_logger("membership.coupons")

MAX_MEMBERS = 200_000
# Members issued to per transaction. The chunk holds the template's row locked until it commits
# (``issue_coupon`` locks it), so a till issuing the same template waits at most one chunk.
CHUNK = 200
MAX_LIST = 100
# Unexpected failures of one chunk tolerated in a row (a generated code that collided with an
# existing one rolls the chunk back; it is simply done again) before the run is FAILED.
ATTEMPTS = 3
_OPEN = ("QUEUED", "RUNNING")
_COLUMNS = (
    "id, template_id, total, issued, refused, refusals, status, error, created_at, "
    "started_at, finished_at"
)


@dataclass(frozen=True)
class Refusal:
    """Members refused for one error code, with the message of the first of them."""

    code: str
    count: int
    template: str
    params: dict[str, Any]

    def error(self) -> DomainError:
        """The refusal as the error it was (to show its message in the caller's language)."""
        return DomainError(ErrorCode(self.code), self.template, None, **self.params)


@dataclass(frozen=True)
class IssueRun:
    id: uuid.UUID
    template_id: uuid.UUID
    total: int
    issued: int
    refused: int
    refusals: list[Refusal]
    status: str  # QUEUED, RUNNING, DONE, FAILED
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, row: Any) -> IssueRun:
        stored = row["refusals"]
        stored = json.loads(stored) if isinstance(stored, str) else stored
        refusals = [
            Refusal(code, r["count"], r["template"], r.get("params") or {})
            for code, r in sorted(stored.items(), key=lambda item: (-item[1]["count"], item[0]))
        ]
        return cls(
            id=row["id"],
            template_id=row["template_id"],
            total=row["total"],
            issued=row["issued"],
            refused=row["refused"],
            refusals=refusals,
            status=row["status"],
            error=row["error"],
            created_at=row["created_at"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
        )


@dataclass(frozen=True)
class IssueRunStart:
    run: IssueRun
    replayed: bool


def _filter_key(filter: members.MemberFilter | None) -> str:
    """The filter as stable text: part of the request's fingerprint, and kept with the run."""
    if filter is None:
        return "{}"
    return json.dumps(dataclasses.asdict(filter), default=str, sort_keys=True, ensure_ascii=False)


def _template_error(message: str, **params: object) -> DomainError:
    return DomainError(ErrorCode.COUPON_NOT_APPLICABLE, message, ["input", "templateId"], **params)


async def _read(conn: Any, run_id: uuid.UUID, *, lock: bool = False) -> IssueRun | None:
    sql = f"SELECT {_COLUMNS} FROM coupon_issue_runs WHERE id = $1"
    _, rows = await conn.execute_query(sql + (" FOR UPDATE" if lock else ""), [run_id])
    return IssueRun.of(rows[0]) if rows else None


async def _check_template(ctx: RequestContext, template_id: uuid.UUID) -> None:
    template = await CouponTemplate.get_or_none(id=template_id)
    if template is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such coupon template.", ["input", "templateId"])
    now = ctx.clock.now()
    if validity(template, now)[1] <= now:
        raise _template_error("This template's coupons can no longer be issued.")
    if template.total_limit is not None and template.issued_count >= template.total_limit:
        raise _template_error(
            "All {limit} coupons of this template are issued.", limit=template.total_limit
        )


async def start_run(
    ctx: RequestContext,
    *,
    template_id: uuid.UUID,
    filter: members.MemberFilter | None,
    idempotency_key: str,
) -> IssueRunStart:
    """Queue one coupon of the template for every member ``filter`` lists now (1 to
    ``MAX_MEMBERS`` of them); a replayed key queues once. Nothing is written when refused."""
    ctx.require(Permission.COUPONS_WRITE)
    ctx.require(Permission.MEMBERS_READ)
    idempotency.check_key(idempotency_key)
    filter_key = _filter_key(filter)
    request_hash = idempotency.request_hash("issue_coupon_to_members", template_id, filter_key)
    async with tenant_tx(ctx) as conn:
        first = await idempotency.first_result(idempotency_key, request_hash)
        if first is not None:
            replayed = await _read(conn, first)
            assert replayed is not None  # written with its key, in one transaction
            return IssueRunStart(replayed, replayed=True)
        await _check_template(ctx, template_id)
        listed = await members.filtered_members(ctx, filter)
        ids = list(await listed.limit(MAX_MEMBERS + 1).values_list("id", flat=True))
        if not ids:
            raise DomainError(
                ErrorCode.INVALID,
                "Nobody is on this list; choose other filters.",
                ["input", "filter"],
            )
        if len(ids) > MAX_MEMBERS:
            raise DomainError(
                ErrorCode.INVALID,
                "A coupon goes to at most {max} members at a time; narrow the list with filters.",
                ["input", "filter"],
                max=MAX_MEMBERS,
            )
        run_id = new_id()
        now = ctx.clock.now()
        await conn.execute_query(
            "INSERT INTO coupon_issue_runs (tenant_id, id, template_id, filter, total, status, "
            "created_at, created_by) VALUES ($1, $2, $3, $4::jsonb, $5, 'QUEUED', $6, $7)",
            [ctx.tenant.id, run_id, template_id, filter_key, len(ids), now, ctx.actor.label],
        )
        await conn.execute_query(
            "INSERT INTO coupon_issue_targets (tenant_id, run_id, member_id) "
            "SELECT $1, $2, unnest($3::uuid[])",
            [ctx.tenant.id, run_id, ids],
        )
        await idempotency.remember(
            ctx, idempotency_key, "issue_coupon_to_members", request_hash, run_id
        )
        await audit.record(
            ctx,
            "coupon_issue_run.create",
            "coupon_issue_run",
            run_id,
            after={"templateId": str(template_id), "members": len(ids), "filter": filter_key},
        )
        run = await _read(conn, run_id)
    assert run is not None
    return IssueRunStart(run, replayed=False)


async def _chunk(ctx: RequestContext, run_id: uuid.UUID) -> IssueRun:
    """Issue to the next chunk of targets and count the outcomes, in one transaction."""
    async with tenant_tx(ctx) as conn:
        run = await _read(conn, run_id, lock=True)
        if run is None:
            raise LookupError(f"no coupon issue run {run_id}")
        if run.status not in _OPEN:
            return run
        _, rows = await conn.execute_query(
            "SELECT member_id FROM coupon_issue_targets WHERE run_id = $1 AND outcome IS NULL "
            "ORDER BY member_id LIMIT $2",
            [run_id, CHUNK],
        )
        refusals: dict[str, dict[str, Any]] = {
            r.code: {"count": r.count, "template": r.template, "params": r.params}
            for r in run.refusals
        }
        member_ids: list[uuid.UUID] = []
        outcomes: list[str] = []
        codes: list[str | None] = []
        coupons: list[uuid.UUID | None] = []
        for row in rows:
            member_id = row["member_id"]
            try:
                issued = await issue_coupon(
                    ctx,
                    template_id=run.template_id,
                    member_id=member_id,
                    idempotency_key=f"issue-run:{run_id}:{member_id}",
                )
            except DomainError as refused:  # raised before the issue wrote anything
                code = refused.code.value
                seen = refusals.setdefault(
                    code, {"count": 0, "template": refused.template, "params": refused.params}
                )
                seen["count"] += 1
                member_ids.append(member_id)
                outcomes.append("REFUSED")
                codes.append(code)
                coupons.append(None)
            else:
                member_ids.append(member_id)
                outcomes.append("ISSUED")
                codes.append(None)
                coupons.append(issued.coupon.id)
        if member_ids:
            await conn.execute_query(
                "UPDATE coupon_issue_targets t SET outcome = o.outcome, error_code = o.code, "
                "coupon_id = o.coupon_id "
                "FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[]) "
                "AS o (member_id, outcome, code, coupon_id) "
                "WHERE t.run_id = $1 AND t.member_id = o.member_id",
                [run_id, member_ids, outcomes, codes, coupons],
            )
        issued_now = outcomes.count("ISSUED")
        refused_now = len(outcomes) - issued_now
        done = run.issued + run.refused + len(outcomes) >= run.total or not rows
        now = ctx.clock.now()
        updated = await conn.execute_query_dict(
            "UPDATE coupon_issue_runs SET issued = issued + $2, refused = refused + $3, "
            "refusals = $4::jsonb, status = $5, started_at = coalesce(started_at, $6), "
            f"finished_at = $7 WHERE id = $1 RETURNING {_COLUMNS}",
            [
                run_id,
                issued_now,
                refused_now,
                json.dumps(refusals, default=str, ensure_ascii=False),
                "DONE" if done else "RUNNING",
                now,
                now if done else None,
            ],
        )
        if not updated:  # pragma: no cover  (the row is locked above)
            raise LookupError(f"no coupon issue run {run_id}")
        return IssueRun.of(updated[0])


async def _fail(ctx: RequestContext, run_id: uuid.UUID, error: str) -> None:
    """Stop the run, keeping what was issued (its counts stay as committed)."""
    async with tenant_tx(ctx) as conn:
        await conn.execute_query(
            "UPDATE coupon_issue_runs SET status = 'FAILED', error = $2, finished_at = $3 "
            "WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')",
            [run_id, error[:500], ctx.clock.now()],
        )


async def process_run(
    ctx: RequestContext,
    run_id: uuid.UUID,
    progress: Callable[[IssueRun], None] | None = None,
) -> IssueRun:
    """Issue the run's coupons from where it stands until it is DONE; ``progress(run)`` after
    every committed chunk. Safe to run twice at once. A chunk failing ``ATTEMPTS`` times in a
    row marks the run FAILED, and the failure is raised."""
    failures = 0
    while True:
        try:
            run = await _chunk(ctx, run_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failures += 1
            if failures < ATTEMPTS:
                log.warning("coupon_issue_chunk_retried", run_id=str(run_id), error=repr(exc))
                continue
            log.exception("coupon_issue_run_failed", run_id=str(run_id))
            await _fail(ctx, run_id, f"{type(exc).__name__}: {exc}")
            raise
        failures = 0
        if progress:
            progress(run)
        if run.status not in _OPEN:
            return run


async def open_runs(ctx: RequestContext) -> list[uuid.UUID]:
    """The tenant's runs not done yet, oldest first (for the worker)."""
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT id FROM coupon_issue_runs WHERE status IN ('QUEUED', 'RUNNING') "
            "ORDER BY created_at, id"
        )
    return [row["id"] for row in rows]


async def process_open_runs(ctx: RequestContext) -> int:
    """Process every run of the tenant not done yet, one after the other; the runs finished."""
    finished = 0
    for run_id in await open_runs(ctx):
        run = await process_run(ctx, run_id)
        log.info(
            "coupon_issue_run_done",
            tenant=ctx.tenant.slug,
            run_id=str(run.id),
            status=run.status,
            issued=run.issued,
            refused=run.refused,
        )
        finished += 1
    return finished


async def tenants_with_open_runs() -> list[uuid.UUID]:
    """The tenants with a run not done, across tenants in one statement (the worker's sweep)."""
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query("SELECT t AS id FROM tenants_with_open_issue_runs() t")
    return [row["id"] for row in rows]


def _can_read(ctx: RequestContext) -> None:
    ctx.require(Permission.COUPONS_WRITE)


async def get_run(ctx: RequestContext, run_id: uuid.UUID) -> IssueRun | None:
    """A run of this tenant and its progress; None when not found here."""
    _can_read(ctx)
    async with tenant_tx(ctx) as conn:
        return await _read(conn, run_id)


async def list_runs(ctx: RequestContext, first: int | None = None) -> list[IssueRun]:
    """The tenant's runs, newest first (``first``: 1 to 100, 20 by default)."""
    _can_read(ctx)
    limit = 20 if first is None else first
    if not 1 <= limit <= MAX_LIST:
        raise DomainError(
            ErrorCode.INVALID,
            "first must be between 1 and {max}.",
            ["first"],
            max=MAX_LIST,
        )
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            f"SELECT {_COLUMNS} FROM coupon_issue_runs ORDER BY created_at DESC, id DESC LIMIT $1",
            [limit],
        )
    return [IssueRun.of(row) for row in rows]
