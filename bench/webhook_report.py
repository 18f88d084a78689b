"""The result of a webhooks run: ratios, targets, the printed tables and the JSON file.

Ratios (reported with the numbers they come from):

* ``throughput.ratio_max_rps``: recordOrder's closed-loop orders/s with an endpoint and the worker
  relaying and delivering, over the same without either; and what an order costs in CPU in both
  (API, its PostgreSQL backends, and with webhooks the worker and its backends);
* ``drain.vs_floor``: the relay's time for the backlog, and its CPU, over the same fan-out done by
  one SQL statement (``bench.webhook_backlog.sql_floor``).

Targets (reported, never enforced through the exit status):

* ``latency_p99_ms ≤ 1000``: at half the maximum, 99 % of ``order.recorded`` events reach the
  receiver within a second of their transaction's ``created_at``, and every one arrives;
* ``drain_100k_s ≤ 60``: the worker relays 100,000 pending events (deliveries written, events
  published) within 60 s of its start; another ``--events`` is scaled to 100,000.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.order_report import _num, _ratio, _verdict
from bench.report import RESULTS_DIR

__all__ = [
    "DRAIN_EVENTS",
    "DRAIN_SECONDS",
    "P99_TARGET_MS",
    "build_report",
    "print_report",
    "write_report",
]

P99_TARGET_MS = 1000.0
DRAIN_EVENTS = 100_000
DRAIN_SECONDS = 60.0


def _cpu_total(run: dict[str, Any]) -> float | None:
    parts = [
        run.get("server_cpu_ms_per_req"),
        run.get("db_cpu_ms_per_req"),
        run.get("worker_cpu_ms_per_req", 0.0),
    ]
    return None if any(p is None for p in parts) else round(sum(parts), 3)


def build_report(
    *,
    started: datetime,
    elapsed_s: float,
    config: dict[str, Any],
    dataset: dict[str, Any],
    phases: dict[str, Any],
) -> dict[str, Any]:
    without, with_ = phases["without"], phases["with"]
    for run in (without, with_):
        run["cpu_ms_per_order"] = _cpu_total(run)
    latency = phases["latency"]
    drain = phases["drain"]
    worker, alone, floor = drain["worker"], drain["relay_alone"], drain["sql_floor"]
    relayed = worker["relayed"]
    drain["vs_floor"] = {
        "worker_relay_wall": _ratio(relayed["from_first_pass_s"], floor["seconds"]),
        "worker_relay_wall_from_launch": _ratio(relayed["from_launch_s"], floor["seconds"]),
        "alone_wall": _ratio(alone["seconds"], floor["seconds"]),
        "alone_db_cpu": _ratio(alone["db_cpu_s"], floor["db_cpu_s"]),
        "alone_cpu": _ratio(alone["process_cpu_s"] + alone["db_cpu_s"], floor["db_cpu_s"]),
        "alone_wal": _ratio(alone["wal_mib"], floor["wal_mib"]),
    }
    scaled = (
        None
        if relayed["from_launch_s"] is None
        else round(relayed["from_launch_s"] * DRAIN_EVENTS / drain["events"], 2)
    )
    p99 = latency["p99_ms"]
    latency_pass = (
        p99 is not None
        and p99 <= P99_TARGET_MS
        and latency["shortfall"] == 0
        and not latency["timed_out"]
    )
    drain_pass = (
        scaled is not None and scaled <= DRAIN_SECONDS and relayed["events"] == drain["events"]
    )
    return {
        "benchmark": "webhooks",
        "started_at": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed_s, 1),
        "config": config,
        "dataset": dataset,
        "throughput": {
            "without": without,
            "with": with_,
            "ratio_max_rps": _ratio(with_["rps"], without["rps"]),
            "ratio_cpu_ms_per_order": _ratio(
                with_["cpu_ms_per_order"], without["cpu_ms_per_order"]
            ),
        },
        "first_relay": phases["first_relay"],
        "latency": latency,
        "idle": phases["idle"],
        "drain": drain,
        "targets": {
            "latency_p99_max_ms": P99_TARGET_MS,
            "latency_p99_ms": p99,
            "latency_pass": latency_pass,
            "drain_100k_max_s": DRAIN_SECONDS,
            "drain_100k_s": scaled,
            "drain_scaled": drain["events"] != DRAIN_EVENTS,
            "drain_pass": drain_pass,
        },
    }


def _table(title: str, columns: list[str]) -> Table:
    table = Table(title=title)
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else "right", no_wrap=True)
    return table


def print_report(report: dict[str, Any], console: Console) -> None:
    config = report["config"]
    t = report["throughput"]
    table = _table(
        f"recordOrder, closed loop at concurrency {config['concurrency']}, {config['duration_s']:g}s",
        [
            "webhooks",
            "orders/s",
            "× without",
            "p50 ms",
            "p99 ms",
            "API ms/order",
            "db ms/order",
            "worker ms/order",
            "worker db ms/order",
            "CPU ms/order",
            "worker CPU%",
            "errors",
        ],
    )
    for name, run in (("without", t["without"]), ("with", t["with"])):
        table.add_row(
            name,
            _num(run["rps"], 0),
            "1" if name == "without" else _num(t["ratio_max_rps"], 3),
            _num(run["p50_ms"]),
            _num(run["p99_ms"]),
            _num(run["server_cpu_ms_per_req"], 3),
            _num(run["db_cpu_ms_per_req"], 3),
            _num(run.get("worker_cpu_ms_per_req"), 3),
            _num(run.get("worker_db_cpu_ms_per_req"), 3),
            _num(run["cpu_ms_per_order"], 3),
            _num(run.get("worker_cpu_pct"), 0),
            str(run["errors"]),
        )
    console.print(table)
    catch_up = t["with"]["catch_up"]
    counts = t["with"]["counts"]
    console.print(
        "db ms/order counts every backend of the database (the worker's too); worker columns are "
        "the worker process and its own backends; the receiver, on the same cores, used "
        f"{_num(t['with'].get('receiver_cpu_ms_per_req'), 3)} ms/order. Machine busy (all cores) "
        f"{_num(t['without']['machine_busy_pct'], 0)}% without, "
        f"{_num(t['with']['machine_busy_pct'], 0)}% with. When the load stopped, "
        f"{counts['unpublished']:,} events were unpublished and {counts['pending_deliveries']:,} "
        f"deliveries pending; all {catch_up['expected']:,} were delivered "
        f"{_num(catch_up['delivered_s'])} s later."
    )

    lat = report["latency"]
    table = _table(
        f"commit → webhook, open loop at {lat['rate']:,.1f} orders/s",
        [
            "orders",
            "delivered",
            "duplicates",
            "missing",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "worker ms/delivery",
            "worker db ms/delivery",
            "worker CPU%",
        ],
    )
    table.add_row(
        f"{lat['orders']:,}",
        f"{lat['delivered']:,}",
        str(lat["duplicates"]),
        str(lat["missing"]),
        _num(lat["p50_ms"], 1),
        _num(lat["p95_ms"], 1),
        _num(lat["p99_ms"], 1),
        _num(lat["max_ms"], 1),
        _num(lat["worker_cpu_ms_per_delivery"], 3),
        _num(lat["worker_db_cpu_ms_per_delivery"], 3),
        _num(lat["worker_cpu_pct"], 0),
    )
    console.print(table)
    segments = "; ".join(
        f"{name.replace('_', '-')} {_num(seg['p50'], 1)} / {_num(seg['p99'], 1)}"
        for name, seg in lat["segments_ms"].items()
    )
    console.print(
        "Latency: receiver arrival − the event's created_at (stamped in the order's transaction), "
        "first delivery of each order.recorded event; worker CPU until all were delivered. "
        f"Segments, p50 / p99 ms: {segments} (relay: created_at → the relay pass's published_at; "
        "pick-up: → the first attempt's start; send: → arrival)."
    )

    drain = report["drain"]
    w, alone, floor, vs = (
        drain["worker"],
        drain["relay_alone"],
        drain["sql_floor"],
        drain["vs_floor"],
    )
    n = drain["events"]
    table = _table(
        f"relay drain, {n:,} events of one tenant over {drain['members']:,} members",
        [
            "",
            "seconds",
            "from launch s",
            "events/s",
            "CPU ms/event",
            "db ms/event",
            "WAL MiB",
            "× floor",
        ],
    )
    for label, step, wal, vs_floor in (
        ("worker: (a) relayed", w["relayed"], None, vs["worker_relay_wall"]),
        ("worker: (b) delivered", w["delivered"], w.get("wal_mib"), None),
    ):
        table.add_row(
            label,
            _num(step["from_first_pass_s"]),
            _num(step["from_launch_s"]),
            _num(step["events_per_s"], 0),
            _num(step["worker_cpu_ms_per_event"], 3),
            _num(step["worker_db_cpu_ms_per_event"], 3),
            "" if wal is None else _num(wal, 1),
            "" if vs_floor is None else _num(vs_floor),
        )
    table.add_row(
        "relay alone",
        _num(alone["seconds"]),
        "",
        _num(n / alone["seconds"] if alone["seconds"] else None, 0),
        _num(1000 * alone["process_cpu_s"] / n, 3),
        _num(1000 * alone["db_cpu_s"] / n, 3),
        _num(alone["wal_mib"], 1),
        _num(vs["alone_wall"]),
    )
    table.add_row(
        "SQL floor",
        _num(floor["seconds"]),
        "",
        _num(n / floor["seconds"] if floor["seconds"] else None, 0),
        "",
        _num(1000 * floor["db_cpu_s"] / n, 3),
        _num(floor["wal_mib"], 1),
        "1",
    )
    console.print(table)
    delivered = w["delivered"]
    console.print(
        f"The worker's first relay pass came {_num(w['first_pass_after_launch_s'])} s after its "
        f"launch; CPU ms/event counts from the moment it had connected to PostgreSQL "
        f"({_num(w['start_up_cpu_s'])} s of CPU into its start), delivery work beside the relay "
        "included, and db ms/event its own backends. Delivered: "
        f"{delivered['delivered']:,} of {n:,}, duplicates {delivered['duplicates']}, missing "
        f"{delivered['missing']}, by status {delivered['by_status']}. Relay alone: the worker's relay "
        f"loop in this process, {alone['passes']} passes, nothing delivered; its database CPU is "
        f"{_num(vs['alone_db_cpu'])} × the floor's, process + database "
        f"{_num(vs['alone_cpu'])} ×."
    )
    idle = ", ".join(
        f"{i['tenants']:,} tenants {i['worker_cpu_ms_per_s']} + {i['db_cpu_ms_per_s']} db CPU ms/s"
        for i in report["idle"]
    )
    after = drain["after"]
    console.print(
        f"Idle worker: {idle}; after the drain {after['idle']['worker_cpu_ms_per_s']} + "
        f"{after['idle']['db_cpu_ms_per_s']} db CPU ms/s. tenants_with_pending_events(): "
        f"{drain['pending_tenants_idle']['ms']} ms with nothing pending, "
        f"{drain['pending_tenants_backlog']['ms']} ms with the backlog pending, "
        f"{after['pending_tenants']['ms']} ms after the drain (statistics from the backlog). "
        f"Machine busy before load: {config['machine_busy_before_load_pct']}% of "
        f"{config['cpu_count']} cores."
    )
    targets = report["targets"]
    console.print(
        f"commit → webhook p99 = {_num(targets['latency_p99_ms'], 1)} ms, all delivered "
        f"(target ≤ {targets['latency_p99_max_ms']:g} ms) {_verdict(targets['latency_pass'])}"
    )
    scaled = " (scaled to 100,000)" if targets["drain_scaled"] else ""
    console.print(
        f"100k events relayed from the worker's start = {_num(targets['drain_100k_s'])} s{scaled} "
        f"(target ≤ {targets['drain_100k_max_s']:g} s) {_verdict(targets['drain_pass'])}"
    )


def write_report(report: dict[str, Any], stamp: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"webhooks-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
