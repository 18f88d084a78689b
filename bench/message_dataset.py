"""The messaging benchmark's data: two tenants of the same shape, one for the platform's send path
and one for the hand-written SQL floor.

Members are bulk-loaded by ``bench.order_dataset`` (the real migrations, ``create_tenant``, then
server-side ``INSERT … SELECT … FROM generate_series`` as the superuser, ``VACUUM (ANALYZE)``),
``members`` in each tenant, no points history and no orders; member ids come from
``bench.order_dataset.member_id``. Then, through the platform's services as the app role, in each
tenant:

* the messaging policy: frequency cap raised to the most it allows (100 a day, 500 a week),
  no quiet hours, so the gate checks the cap on every message without ever holding one back;
* one marketing template, ``TEMPLATE``, with SMS content only (the fake SMS provider carries
  SMS: no channel is configured and ``MEMBERSHIP_CHANNELS_FAKE_BY_DEFAULT`` is on);
* a grant of SMS marketing consent for every member (``record_consent``: the ledger row,
  ``member_consents``, the audit row and the ``consent.changed`` event).

Last, every member gets ``history`` past messages, SENT one a week from eight days back, so
before this week (outside the frequency cap's counts, inside the member's index range), written
with one ``INSERT … SELECT`` as the superuser, and the messaging tables are vacuumed and
analysed. A run on a ``messages`` table that PostgreSQL last analysed empty would be a different
benchmark: a prepared statement's generic plan made while the table is small is a sequential
scan, and a connection keeps it until the table is analysed again, which with autovacuum off
(as on the benchmark machine) is never; each send's cause lookups and cap count then read the
whole table, and the cost per message grows with the run.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench.order_dataset import OrderDataset, build_order_dataset, member_id
from membership.db import PgTarget, init_db, parse_postgres_url, role_target
from membership.messaging.consents import ConsentToRecord, record_consent
from membership.messaging.settings import SettingsChanges
from membership.messaging.settings import update as update_settings
from membership.messaging.templates import TemplateDraft, save_template
from membership.settings import get_settings
from tenants.context import RequestContext
from tenants.registry import get_tenant

__all__ = [
    "MAX_PER_DAY",
    "MAX_PER_WEEK",
    "SMS_TEXT",
    "TEMPLATE",
    "MessageDataset",
    "MessageTenant",
    "build_message_dataset",
]

TEMPLATE = "bench.recall"
SMS_TEXT = "${name}, you have ${points} points"
SMS_CODE = "SMS_001"
PURPOSE = "marketing"
MAX_PER_DAY = 100  # the most messagingSettings allows
MAX_PER_WEEK = 500


@dataclass(frozen=True)
class MessageTenant:
    ctx: RequestContext
    members: list[uuid.UUID]
    template_id: uuid.UUID

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.ctx.tenant.id


@dataclass(frozen=True)
class MessageDataset:
    database_url: str  # superuser URL of the benchmark database
    app_target: PgTarget  # the app role: row-level security applies
    platform: MessageTenant  # sends through send_message and deliver_due
    floor: MessageTenant  # sends through the hand-written SQL
    loaded: OrderDataset
    consent_s: float
    history: int

    def summary(self) -> dict[str, Any]:
        loaded = self.loaded.summary()
        return {
            "members_per_tenant": len(self.platform.members),
            "template": TEMPLATE,
            "purpose": PURPOSE,
            "max_per_day": MAX_PER_DAY,
            "max_per_week": MAX_PER_WEEK,
            "quiet_hours": None,
            "setup_s": loaded["setup_s"],
            "load_s": loaded["load_s"],
            "consent_s": round(self.consent_s, 1),
            "history_per_member": self.history,
        }


async def build_message_dataset(
    admin_url: str,
    database: str,
    *,
    members: int,
    history: int,
    concurrency: int,
    console: Console,
) -> MessageDataset:
    """Migrate ``database`` (already created), load both tenants' members and set each up for
    SMS marketing. Leaves the app role's Tortoise pool open on ``database`` (``init_db``) for
    the sends; the caller closes it (``close_db``)."""
    loaded = await build_order_dataset(
        admin_url,
        database,
        small_members=members,
        small_entries=0,
        big_members=members,
        big_entries=0,
        orders_per_member=0,
        console=console,
    )
    target = replace(parse_postgres_url(admin_url), database=database)
    app_target = role_target(target, "app", get_settings())
    await init_db(app_target)
    started = time.monotonic()
    tenants = {}
    for role, data in (("platform", loaded.big), ("floor", loaded.small)):
        tenant = await get_tenant(data.tenant_id)
        if tenant is None:
            raise RuntimeError(f"tenant {data.tenant_id} not found after the load")
        ctx = RequestContext.system(tenant)
        ids = [member_id(data.tenant_id, i, data.members) for i in range(data.members)]
        template_id = await _set_up_messaging(ctx)
        await _grant_consents(ctx, ids, concurrency, console, role)
        tenants[role] = MessageTenant(ctx, ids, template_id)
    consent_s = time.monotonic() - started
    with console.status(f"{history} past messages a member, then VACUUM (ANALYZE) …"):
        await _write_history(loaded.database_url, list(tenants.values()), history)
    return MessageDataset(
        database_url=loaded.database_url,
        app_target=app_target,
        platform=tenants["platform"],
        floor=tenants["floor"],
        loaded=loaded,
        consent_s=consent_s,
        history=history,
    )


async def _set_up_messaging(ctx: RequestContext) -> uuid.UUID:
    await update_settings(
        ctx,
        SettingsChanges(max_per_day=MAX_PER_DAY, max_per_week=MAX_PER_WEEK, clear_quiet_hours=True),
    )
    template = await save_template(
        ctx,
        TemplateDraft(
            name=TEMPLATE,
            title="Recall",
            purpose=PURPOSE,
            content={
                "SMS": {
                    "templateCode": SMS_CODE,
                    "text": SMS_TEXT,
                    "fields": {"name": "{{member.name}}", "points": "{{member.points}}"},
                }
            },
        ),
    )
    return template.id


async def _grant_consents(
    ctx: RequestContext,
    members: list[uuid.UUID],
    concurrency: int,
    console: Console,
    label: str,
) -> None:
    pending = iter(members)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(f"SMS consent ({label})", total=len(members))

        async def grant() -> None:
            for member in pending:
                await record_consent(
                    ctx,
                    ConsentToRecord(
                        member_id=member,
                        channel="SMS",
                        purpose=PURPOSE,
                        granted=True,
                        source="bench",
                        idempotency_key=f"bench-consent-{member}",
                    ),
                )
                progress.advance(task)

        await asyncio.gather(*(grant() for _ in range(concurrency)))


_HISTORY = """
INSERT INTO messages (
    tenant_id, id, member_id, channel, provider, template_id, template_name, purpose, cause,
    recipient, body, status, attempts, provider_message_id, sent_at, created_at, updated_at)
SELECT m.tenant_id, gen_random_uuid(), m.id, 'SMS', 'fake_sms', $2, $3, $4,
       'past-' || m.id || '-' || k, m.phone, 'past', 'SENT', 1, 'fake-past-' || k,
       t.at, t.at, t.at
FROM members m, generate_series(1, $5) AS k,
     LATERAL (SELECT now() - make_interval(days => 1 + 7 * k) AS at) AS t
WHERE m.tenant_id = $1
"""
_ANALYSED = ("messages", "member_consents", "consent_records", "messaging_settings", "outbox")


async def _write_history(database_url: str, tenants: list[MessageTenant], history: int) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        for tenant in tenants:
            await conn.execute(
                _HISTORY, tenant.tenant_id, tenant.template_id, TEMPLATE, PURPOSE, history
            )
        for table in _ANALYSED:
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()
