"""The result of a journeys run: CPU per operation next to the SQL floors, the latencies, the
checks, the printed tables and the JSON file (``bench/results/journeys-<timestamp>.json``)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.report import RESULTS_DIR

__all__ = ["build_report", "print_report", "write_report"]


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _per(seconds: float | None, n: int | None, scale: float = 1000.0) -> float | None:
    return None if seconds is None or not n else round(scale * seconds / n, 3)


def _rows(phases: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per measured operation: ops, seconds, ops/s, process and database CPU ms per
    operation, and which floor it compares with."""
    rows: list[dict[str, Any]] = []
    events = phases.get("events")
    if events:
        for key, label in (
            ("without", "recordOrder, no journey"),
            ("with", "recordOrder, journey"),
        ):
            r = events[key]
            rows.append(
                {
                    "name": label,
                    "unit": "order",
                    "ops": r["answered_total"],
                    "ops_per_s": r["rps"],
                    "api_ms": r["server_cpu_ms_per_req"],
                    "worker_ms": r["worker_cpu_ms_per_req"],
                    "db_ms": r["db_cpu_ms_per_req"],
                    "worker_db_ms": r["worker_db_cpu_ms_per_req"],
                }
            )
        floor = events["floor"]
        for key, label in (
            ("latency", "event → action, worker"),
            ("latency_sustained", "event → action, worker, sustained"),
        ):
            if key not in events:
                continue
            lat = events[key]
            rows.append(
                {
                    "name": label,
                    "unit": "event",
                    "ops": lat["events"],
                    "ops_per_s": lat["rate"],
                    "worker_ms": lat["worker_cpu_ms_per_event"],
                    "worker_db_ms": lat["worker_db_cpu_ms_per_event"],
                    "floor": "event floor",
                }
            )
        rows.append(_floor_row("event floor", "event", floor["events"], floor))
    sweep = phases.get("sweep")
    if sweep:
        for key, label in (
            ("sweep", "inactivity sweep"),
            ("again", "sweep again, same day"),
            ("resweep_by_keys", "re-sweep, entry keys"),
        ):
            r = sweep[key]
            rows.append(
                {
                    "name": label,
                    "unit": "sweep",
                    "ops": 1,
                    "seconds": r["seconds"],
                    "entered": r["entered"],
                    "process_ms": _per(r["process_cpu_s"], 1),
                    "db_ms": _per(r["db_cpu_s"], 1),
                    "floor": "sweep floor" if key == "sweep" else None,
                }
            )
        f = sweep["floor"]
        rows.append(
            {
                "name": "sweep floor",
                "unit": "sweep",
                "ops": 1,
                "seconds": f["seconds"],
                "entered": f["rows"],
                "process_ms": _per(f["process_cpu_s"], 1),
                "db_ms": _per(f["db_cpu_s"], 1),
            }
        )
    wake = phases.get("wake")
    if wake:
        w = wake["worker"]
        done = w["check"]["completed"]
        rows.append(
            {
                "name": "wake, worker",
                "unit": "run",
                "ops": done,
                "seconds": w["completed_after_connect_s"],
                "ops_per_s": w["runs_per_s"],
                "worker_ms": _per(w["worker_cpu_s"], done),
                "worker_db_ms": _per(w["worker_db_cpu_s"], done),
                "floor": "wake floor",
            }
        )
        if "engine_alone" in wake:
            e = wake["engine_alone"]
            row = _floor_row("wake, engine alone", "run", e["runs"], e)
            row["floor"] = "wake floor"
            rows.append(row)
        f = wake["floor"]
        rows.append(_floor_row("wake floor", "run", f["runs"], f))
    for row in rows:
        parts = [row.get(k) for k in ("api_ms", "worker_ms", "process_ms", "db_ms")]
        if row["name"].startswith(("event → action", "wake, worker")):
            parts = [row.get("worker_ms"), row.get("worker_db_ms")]
        known = [p for p in parts if p is not None]
        row["cpu_ms"] = round(sum(known), 3) if known else None
    return rows


def _rate(n: int, seconds: float | None) -> float | None:
    return round(n / seconds, 1) if seconds else None


def _floor_row(name: str, unit: str, n: int, r: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "unit": unit,
        "ops": n,
        "seconds": r["seconds"],
        "ops_per_s": _rate(n, r["seconds"]),
        "process_ms": _per(r["process_cpu_s"], n),
        "db_ms": _per(r["db_cpu_s"], n),
    }


def _vs_floor(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    by_name = {r["name"]: r for r in rows}
    out: dict[str, dict[str, float | None]] = {}
    for row in rows:
        floor = by_name.get(row.get("floor") or "")
        if floor is None:
            continue
        db = row.get("worker_db_ms") if row.get("worker_db_ms") is not None else row.get("db_ms")
        out[row["name"]] = {
            "seconds_per_op": _ratio(
                _per(row.get("seconds"), row["ops"]), _per(floor.get("seconds"), floor["ops"])
            ),
            "cpu_ms": _ratio(row.get("cpu_ms"), floor.get("cpu_ms")),
            "db_cpu_ms": _ratio(db, floor.get("db_ms")),
        }
    return out


def build_report(
    *,
    started: datetime,
    elapsed_s: float,
    config: dict[str, Any],
    dataset: dict[str, Any],
    phases: dict[str, Any],
) -> dict[str, Any]:
    rows = _rows(phases)
    checks = {}
    if "events" in phases:
        checks["event_to_action"] = phases["events"]["latency"]["ok"]
        if "latency_sustained" in phases["events"]:
            checks["event_to_action_sustained"] = phases["events"]["latency_sustained"]["ok"]
    if "sweep" in phases:
        s = phases["sweep"]
        checks["sweep"] = s["sweep"]["check"]["ok"]
        checks["sweep_again_enters_nobody"] = s["again"]["entered"] == 0
        checks["resweep_enters_nobody"] = s["resweep_by_keys"]["entered"] == 0
        checks["sweep_floor_same_members"] = s["floor"]["rows"] == s["sweep"]["entered"]
    if "wake" in phases:
        w = phases["wake"]
        checks["wake_worker"] = w["worker"]["check"]["ok"]
        checks["wake_floor"] = w["floor"]["check"]["ok"]
        if "engine_alone" in w:
            checks["wake_engine_alone"] = w["engine_alone"]["check"]["ok"]
    return {
        "benchmark": "journeys",
        "started_at": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed_s, 1),
        "config": config,
        "dataset": dataset,
        "phases": phases,
        "per_operation": rows,
        "vs_floor": _vs_floor(rows),
        "checks": checks,
    }


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def print_report(report: dict[str, Any], console: Console) -> None:
    config = report["config"]
    table = Table(
        title=f"journeys — CPU per operation against the SQL floor "
        f"({'smoke' if config['smoke'] else 'full'}, {config['cpu_count']} cores, "
        f"{config['machine_busy_before_load_pct']} % busy before)"
    )
    for column in (
        "operation",
        "per",
        "n",
        "seconds",
        "ops/s",
        "API ms",
        "worker ms",
        "process ms",
        "db ms",
        "worker db ms",
        "CPU ms",
        "× floor CPU",
        "× floor s/op",
    ):
        table.add_column(column, justify="left" if column in ("operation", "per") else "right")
    vs = report["vs_floor"]
    for r in report["per_operation"]:
        ratio = vs.get(r["name"], {})
        table.add_row(
            r["name"],
            r["unit"],
            f"{r['ops']:,}",
            _num(r.get("seconds"), 2),
            _num(r.get("ops_per_s"), 1),
            _num(r.get("api_ms"), 3),
            _num(r.get("worker_ms"), 3),
            _num(r.get("process_ms"), 3),
            _num(r.get("db_ms"), 3),
            _num(r.get("worker_db_ms"), 3),
            _num(r.get("cpu_ms"), 3),
            _num(ratio.get("cpu_ms"), 2),
            _num(ratio.get("seconds_per_op"), 2),
        )
    console.print(table)
    events = report["phases"].get("events")
    if events:
        for key in ("latency", "latency_sustained"):
            if key in events:
                _print_latency(events[key], console)
        stale = events["with"]["catch_up"]["stale_statistics"]
        fresh = events["with"]["catch_up"]["analysed"]
        console.print(
            f"events: the closed loop left {stale['pending_at_start']:,} handlings; the worker "
            f"did {stale['handlings_per_s']} a second with the statistics of empty queue "
            f"tables, {fresh['handlings_per_s']} after ANALYZE (caught up in {fresh['seconds']} s"
            f"{', [red]timed out[/red]' if fresh['timed_out'] else ''})"
        )
    sweep = report["phases"].get("sweep")
    if sweep:
        plan = sweep["plan"]
        console.print(
            f"sweep: {sweep['expected']:,} of {sweep['members']:,} members on the line; first "
            f"page's plan: {' → '.join(plan['nodes'])}, {plan['execution_ms']} ms"
        )
    wake = report["phases"].get("wake")
    if wake:
        w, cfg = wake["worker"], wake["config"]
        tl = w["timeline"]
        console.print(
            f"wake: worker connected {w['startup']['connected_after_launch_s']} s after launch, "
            f"first action {tl.get('first_after_connect_s')} s later, "
            f"{tl.get('actions_per_s')} actions/s from first to last, "
            f"{tl.get('pauses_over_1s')} pauses ≥ 1 s ({tl.get('paused_s')} s); relay of the "
            f"grants' events done {w['relay_tail']['seconds']} s after the last run; cron every "
            f"{cfg['cron_seconds']} s, max_jobs {cfg['max_jobs']}, claim batch "
            f"{cfg['claim_batch']}"
        )
        probe = w["probe"]
        console.print(
            f"wake: the worker's backends on average {probe['backends_by_state']}; arq queue "
            f"{probe['queued_jobs_mean']} jobs on average, empty "
            f"{100 * probe['queue_empty_share']:.0f} % of the samples"
        )
        if "projected_s_for_all" in w:
            console.print(
                f"[yellow]wake: the worker was stopped after {cfg['timeout_s']:g} s with "
                f"{w['check']['completed']:,} of {wake['runs']:,} runs done; at its rate all "
                f"would take {w['projected_s_for_all']:,.0f} s[/yellow]"
            )
    checks = report["checks"]
    failed = [k for k, ok in checks.items() if not ok]
    if failed:
        console.print(f"[red]checks failed: {', '.join(failed)}[/red]")
    else:
        console.print(f"[green]all checks passed[/green] ({', '.join(checks)})")


def _print_latency(lat: dict[str, Any], console: Console) -> None:
    t = Table(title=f"event → action at {lat['rate']} orders/s ({lat['events']:,} events)")
    for column in ("from outbox.created_at to", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        t.add_column(column, justify="left" if column.startswith("from") else "right")
    for key, label in (
        ("relay", "published_at (relay)"),
        ("handled", "journeys handling DONE"),
        ("action", "journey_actions.at (action)"),
        ("action_after_relay", "action, from published_at"),
    ):
        s = lat[key]
        t.add_row(
            label,
            _num(s["p50_ms"], 1),
            _num(s["p95_ms"], 1),
            _num(s["p99_ms"], 1),
            _num(s["max_ms"], 1),
        )
    console.print(t)


def write_report(report: dict[str, Any], stamp: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"journeys-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
