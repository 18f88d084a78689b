"""Messages through the gate and to the provider, against the hand-written SQL floor.

    .venv/bin/python -m bench.messages [--members 2000] [--messages 10000] [--concurrency 16]
    .venv/bin/python -m bench.messages --smoke

Every message to a member passes one send path: ``send_message`` runs the policy gate (consent,
send credit, frequency cap, quiet hours, fallback) in one transaction under the member's advisory
lock and leaves the message QUEUED; ``deliver_due`` takes due messages with a lease, calls the
provider and records the outcome. The run

1. creates a throw-away database ``bench_<random>`` on ``DATABASE_URL`` with two tenants of
   ``--members`` members each, SMS marketing consent for every member, the frequency cap at its
   highest, no quiet hours and ``--history`` past messages a member, analysed
   (``bench.message_dataset``); this process opens the platform's Tortoise pool as the app
   role, as the API and the worker do;
2. **gate**: ``--messages`` sends of one template, each with its own cause, spread over the
   members, through ``send_message`` at ``--concurrency`` tasks in this process (after
   ``--warmup`` sends that are not counted);
3. **delivery**: ``deliver_due`` with the fake SMS provider until nothing is due, at
   ``--delivery-tasks`` concurrent calls (default ``--concurrency``);
4. **floors** (``bench.message_floor``): the same work in the second tenant with the least SQL
   that does it, on asyncpg, as the app role, at the same concurrency on a pool as large as the
   platform's;
5. **SQL census**: ``--census`` more messages one at a time through each of the four, with
   asyncpg's query methods counted (``bench.sql_census_app``): statements, transactions and
   time awaiting PostgreSQL per message;
6. prints the table, writes ``bench/results/messages-<timestamp>.json`` and drops the database,
   also when something failed.

CPU per message is read from ``/proc``: this process, and the PostgreSQL backends serving its
connections (``bench.webhook_worker.ProcessMeter``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
from rich.console import Console

from bench import procstat
from bench.dataset import create_database, drop_database, new_database_name
from bench.member_lookup import (
    DEFAULT_DATABASE_URL,
    NOISY_PCT,
    _background_busy_pct,
    _require_loopback,
)
from bench.message_dataset import (
    MAX_PER_DAY,
    TEMPLATE,
    MessageDataset,
    MessageTenant,
    build_message_dataset,
)
from bench.message_floor import floor_deliver, floor_send, open_floor_pool
from bench.message_report import build_report, print_report, write_report
from bench.record_order import code_revision
from bench.servers import REPO
from bench.sql_census_app import _calls, _patch, _seconds
from bench.webhook_worker import ProcessMeter
from membership.db import close_db, parse_postgres_url
from membership.errors import DomainError, DomainErrors
from membership.messaging.delivery import deliver_due
from membership.messaging.send import SendRequest, send_message
from membership.messaging.transport import ProviderTransport
from membership.settings import get_settings

__all__ = ["main"]

FULL = {"members": 2_000, "messages": 10_000, "history": 20, "warmup": 200, "census": 200}
SMOKE = {"members": 200, "messages": 1_000, "history": 5, "warmup": 50, "census": 20}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.messages",
        description="Messages through the gate (send_message) and to the provider "
        "(deliver_due), against the hand-written SQL floor for the same work.",
    )
    p.add_argument(
        "--smoke",
        action="store_true",
        help="small sizes, for a check in under a minute: "
        + ", ".join(f"--{k} {v}" for k, v in SMOKE.items()),
    )
    p.add_argument("--members", type=int, help=f"members of each tenant ({FULL['members']:,})")
    p.add_argument("--messages", type=int, help=f"measured messages ({FULL['messages']:,})")
    p.add_argument("--concurrency", type=int, default=16, help="sending tasks (16)")
    p.add_argument(
        "--delivery-tasks", type=int, help="concurrent deliver_due calls (--concurrency)"
    )
    p.add_argument(
        "--history",
        type=int,
        help=f"past messages of each member, before this week ({FULL['history']})",
    )
    p.add_argument("--warmup", type=int, help=f"unmeasured sends first ({FULL['warmup']})")
    p.add_argument(
        "--census", type=int, help=f"messages of the statement census ({FULL['census']})"
    )
    args = p.parse_args(argv)
    for key, value in (SMOKE if args.smoke else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.delivery_tasks is None:
        args.delivery_tasks = args.concurrency
    if (
        min(args.members, args.messages, args.concurrency, args.delivery_tasks) < 1
        or min(args.warmup, args.census) < 0
    ):
        p.error("--members, --messages, --concurrency, --delivery-tasks ≥ 1; the rest ≥ 0")
    per_member = -(-(args.messages + args.warmup + args.census) // args.members)
    if per_member >= MAX_PER_DAY:
        p.error(
            f"{per_member} messages a member would reach the daily cap of {MAX_PER_DAY}: "
            "give more --members or fewer --messages"
        )
    return args


# ------------------------------------------------------------------------------ running


async def drive(
    count: int, tasks: int, one: Callable[[int], Awaitable[str | None]]
) -> Counter[str]:
    """``one(0)`` … ``one(count - 1)`` over ``tasks`` concurrent tasks; what did not succeed, by
    kind (``one`` returns None on success)."""
    ordinals = iter(range(count))
    errors: Counter[str] = Counter()

    async def task() -> None:
        for i in ordinals:
            kind = await one(i)
            if kind is not None:
                errors[kind] += 1

    await asyncio.gather(*(task() for _ in range(tasks)))
    return errors


async def priced(
    database_url: str, work: Callable[[], Awaitable[tuple[int, Counter[str]]]]
) -> dict[str, Any]:
    """Run ``work`` (which returns messages done and errors): wall clock, rate, and CPU per
    message of this process and of the PostgreSQL backends serving it."""
    meter = await ProcessMeter(os.getpid(), database_url).astart()
    machine = procstat.cpu_snapshot()
    started = time.monotonic()
    done, errors = await work()
    wall = time.monotonic() - started
    used = await meter.aread()
    busy = procstat.cpu_snapshot().busy_fraction_since(machine)

    def per_message(seconds: float) -> float | None:
        return round(1e6 * seconds / done, 1) if done else None

    return {
        "messages": done,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "seconds": round(wall, 3),
        "msgs_per_s": round(done / wall, 1) if wall > 0 else None,
        "app_cpu_us_per_msg": per_message(used["process_cpu_s"]),
        "db_cpu_us_per_msg": per_message(used["db_cpu_s"]),
        "app_cpu_pct": round(100 * used["process_cpu_s"] / wall, 1) if wall > 0 else None,
        "db_cpu_pct": round(100 * used["db_cpu_s"] / wall, 1) if wall > 0 else None,
        "backends": used["backends"],
        "machine_busy_pct": round(100 * busy, 1),
    }


def platform_sender(tenant: MessageTenant, tag: str) -> Callable[[int], Awaitable[str | None]]:
    members = tenant.members

    async def one(i: int) -> str | None:
        request = SendRequest(
            member_id=members[i % len(members)], template=TEMPLATE, cause=f"{tag}-{i}"
        )
        try:
            made = await send_message(tenant.ctx, request)
        except DomainErrors as exc:
            return "errors_" + "_".join(sorted({e.code.value for e in exc.errors}))
        except DomainError as exc:
            return f"error_{exc.code.value}"
        last = made[-1]
        return None if last.status == "QUEUED" else f"{last.status}_{last.skip_reason}"

    return one


def floor_sender(
    pool: asyncpg.Pool, tenant: MessageTenant, tag: str
) -> Callable[[int], Awaitable[str | None]]:
    members = tenant.members

    async def one(i: int) -> str | None:
        queued = await floor_send(pool, tenant, members[i % len(members)], f"{tag}-{i}")
        return None if queued else "not_queued"

    return one


async def platform_delivery(tenant: MessageTenant, tasks: int) -> tuple[int, Counter[str]]:
    transport = ProviderTransport()
    try:
        attempted = await asyncio.gather(
            *(deliver_due(tenant.ctx, transport) for _ in range(tasks))
        )
    finally:
        await transport.close()
    return sum(attempted), Counter()


async def floor_delivery(pool: asyncpg.Pool, tasks: int) -> tuple[int, Counter[str]]:
    results = await asyncio.gather(*(floor_deliver(pool) for _ in range(tasks)))
    taken, sent = sum(r[0] for r in results), sum(r[1] for r in results)
    return taken, Counter({"not_sent": taken - sent} if taken != sent else {})


async def outcome(database_url: str, tenant: MessageTenant) -> dict[str, Any]:
    """The tenant's messages of the run by status (its history left out) and the fake
    provider's record of sends."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT status, count(*) AS n FROM messages "
            "WHERE tenant_id = $1 AND cause NOT LIKE 'past-%' GROUP BY status",
            tenant.tenant_id,
        )
        sends = await conn.fetchval(
            "SELECT count(*) FROM fake_provider_sends WHERE tenant_id = $1", tenant.tenant_id
        )
        duplicates = await conn.fetchval(
            "SELECT count(*) FROM (SELECT message_id FROM fake_provider_sends WHERE tenant_id = $1"
            " GROUP BY message_id HAVING count(*) > 1) d",
            tenant.tenant_id,
        )
    finally:
        await conn.close()
    return {
        "by_status": {r["status"]: r["n"] for r in rows},
        "fake_provider_sends": sends,
        "messages_sent_twice": duplicates,
    }


# ------------------------------------------------------------------------------ census


async def census(count: int, run: Callable[[], Awaitable[Any]]) -> dict[str, Any]:
    """Statements ``run`` sends through asyncpg for ``count`` messages, per message."""
    _calls.clear()
    _seconds.clear()
    await run()
    calls, seconds = Counter(_calls), Counter(_seconds)
    total = sum(calls.values())
    begins = sum(n for sql, n in calls.items() if sql.upper().startswith("BEGIN"))
    return {
        "messages": count,
        "statements_per_msg": round(total / count, 2),
        "transactions_per_msg": round(begins / count, 2),
        "db_wait_ms_per_msg": round(1000 * sum(seconds.values()) / count, 3),
        "statements": [
            {
                "sql": sql,
                "per_msg": round(n / count, 2),
                "ms_per_msg": round(1000 * seconds[sql] / count, 3),
            }
            for sql, n in calls.most_common()
        ],
    }


async def run_census(
    dataset: MessageDataset, pool: asyncpg.Pool, count: int
) -> dict[str, dict[str, Any]]:
    """The four, ``count`` messages each, one at a time, every asyncpg call counted."""
    _patch()
    platform, floor = dataset.platform, dataset.floor
    out = {
        "gate": await census(count, lambda: drive(count, 1, platform_sender(platform, "census"))),
        "delivery": await census(count, lambda: platform_delivery(platform, 1)),
        "gate_floor": await census(
            count, lambda: drive(count, 1, floor_sender(pool, floor, "census"))
        ),
        "delivery_floor": await census(count, lambda: floor_delivery(pool, 1)),
    }
    return out


# ------------------------------------------------------------------------------ the run


async def run_phases(
    dataset: MessageDataset, args: argparse.Namespace, console: Console
) -> dict[str, Any]:
    url, platform, floor = dataset.database_url, dataset.platform, dataset.floor
    m, c, d = args.messages, args.concurrency, args.delivery_tasks
    out: dict[str, Any] = {}
    console.print(f"[bold]gate[/bold]: {args.warmup} warm-up, then {m:,} send_message at {c} …")
    await drive(args.warmup, c, platform_sender(platform, "warm"))
    out["gate"] = await priced(url, lambda: _timed_drive(m, c, platform_sender(platform, "run")))
    _say("gate", out["gate"], console)
    console.print(f"[bold]delivery[/bold]: deliver_due × {d} until nothing is due …")
    out["delivery"] = await priced(url, lambda: platform_delivery(platform, d))
    _say("delivery", out["delivery"], console)
    out["platform_outcome"] = await outcome(url, platform)

    pool = await open_floor_pool(dataset.app_target, floor.tenant_id, get_settings().db_pool_max)
    try:
        console.print(f"[bold]gate floor[/bold]: {args.warmup} warm-up, then {m:,} at {c} …")
        await drive(args.warmup, c, floor_sender(pool, floor, "warm"))
        out["gate_floor"] = await priced(
            url, lambda: _timed_drive(m, c, floor_sender(pool, floor, "run"))
        )
        _say("gate floor", out["gate_floor"], console)
        console.print(f"[bold]delivery floor[/bold]: {d} tasks until nothing is due …")
        out["delivery_floor"] = await priced(url, lambda: floor_delivery(pool, d))
        _say("delivery floor", out["delivery_floor"], console)
        out["floor_outcome"] = await outcome(url, floor)
        if args.census:
            console.print(
                f"[bold]SQL census[/bold]: {args.census} messages one at a time, each way …"
            )
            out["census"] = await run_census(dataset, pool, args.census)
    finally:
        await pool.close()
    return out


async def _timed_drive(
    count: int, tasks: int, one: Callable[[int], Awaitable[str | None]]
) -> tuple[int, Counter[str]]:
    errors = await drive(count, tasks, one)
    return count - sum(errors.values()), errors


def _say(name: str, r: dict[str, Any], console: Console) -> None:
    errors = f", [red]{r['errors']} errors {r['error_kinds']}[/red]" if r["errors"] else ""
    console.print(
        f"  {name}: {r['messages']:,} in {r['seconds']:.1f} s, {r['msgs_per_s']} msgs/s, "
        f"{r['app_cpu_us_per_msg']} + {r['db_cpu_us_per_msg']} db CPU µs/msg{errors}"
    )


async def run(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    admin_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    _require_loopback(admin_url, "DATABASE_URL")
    admin = parse_postgres_url(admin_url)
    database = new_database_name()
    started = datetime.now(UTC)
    clock = time.monotonic()
    console.print(f"database [bold]{database}[/bold]")
    await create_database(admin, database)
    try:
        try:
            dataset = await build_message_dataset(
                admin_url,
                database,
                members=args.members,
                history=args.history,
                concurrency=args.concurrency,
                console=console,
            )
            background = _background_busy_pct()
            console.print(f"machine busy before the runs: {background}% of {os.cpu_count()} cores")
            if background > NOISY_PCT:
                console.print(
                    "[yellow]other work is using the machine: rates will be noisy; CPU per "
                    "message is the steadier figure[/yellow]"
                )
            phases = await run_phases(dataset, args, console)
        finally:
            await close_db()
    finally:
        if os.environ.get("BENCH_KEEP_DB"):
            console.print(f"kept {database} (BENCH_KEEP_DB): drop it yourself")
        else:
            await drop_database(admin, database)
            console.print(f"dropped {database}")
    config = {
        "members": args.members,
        "messages": args.messages,
        "concurrency": args.concurrency,
        "delivery_tasks": args.delivery_tasks,
        "history": args.history,
        "warmup": args.warmup,
        "census": args.census,
        "pool_size": get_settings().db_pool_max,
        "smoke": args.smoke,
        "cpu_count": os.cpu_count(),
        "machine_busy_before_pct": background,
        "python": sys.version.split()[0],
        "code": code_revision(),
    }
    return build_report(
        started=started,
        elapsed_s=time.monotonic() - clock,
        config=config,
        dataset=dataset.summary(),
        phases=phases,
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    console = Console(stderr=True)
    report = asyncio.run(run(args, console))
    out = Console()
    print_report(report, out if out.is_terminal else Console(width=160))
    stamp = datetime.fromisoformat(report["started_at"]).strftime("%Y%m%dT%H%M%SZ")
    path = write_report(report, stamp)
    console.print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
