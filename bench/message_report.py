"""The result of a messaging run: the ratios to the SQL floor, the printed tables and the JSON."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.report import RESULTS_DIR

__all__ = ["build_report", "print_report", "write_report"]

PHASES = (
    ("gate", "gate_floor", "gate: send_message"),
    ("gate_floor", None, "gate floor: SQL"),
    ("delivery", "delivery_floor", "delivery: deliver_due"),
    ("delivery_floor", None, "delivery floor: SQL"),
)
_MEASURES = ("msgs_per_s", "app_cpu_us_per_msg", "db_cpu_us_per_msg")


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _both(r: dict[str, Any]) -> float | None:
    app, db = r["app_cpu_us_per_msg"], r["db_cpu_us_per_msg"]
    return None if app is None or db is None else round(app + db, 1)


def build_report(
    *,
    started: datetime,
    elapsed_s: float,
    config: dict[str, Any],
    dataset: dict[str, Any],
    phases: dict[str, Any],
) -> dict[str, Any]:
    census = phases.get("census", {})
    for name, r in phases.items():
        if name in census:
            r["statements_per_msg"] = census[name]["statements_per_msg"]
            r["transactions_per_msg"] = census[name]["transactions_per_msg"]
    vs_floor: dict[str, dict[str, float | None]] = {}
    for name, floor, _ in PHASES:
        if floor is None:
            continue
        r, f = phases[name], phases[floor]
        vs_floor[name] = {key: _ratio(r[key], f[key]) for key in _MEASURES}
        vs_floor[name]["cpu_us_per_msg"] = _ratio(_both(r), _both(f))
        vs_floor[name]["statements_per_msg"] = _ratio(
            r.get("statements_per_msg"), f.get("statements_per_msg")
        )
    end_to_end = {
        side: sum(_both(phases[p]) or 0.0 for p in parts)
        for side, parts in (
            ("platform", ("gate", "delivery")),
            ("floor", ("gate_floor", "delivery_floor")),
        )
    }
    return {
        "benchmark": "messages",
        "started_at": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed_s, 1),
        "config": config,
        "dataset": dataset,
        "phases": phases,
        "vs_floor": vs_floor,
        "cpu_us_per_message_end_to_end": {
            **{k: round(v, 1) for k, v in end_to_end.items()},
            "ratio": _ratio(end_to_end["platform"], end_to_end["floor"]),
        },
    }


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _times(value: float | None) -> str:
    return "" if value is None else f" ({value:g}×)"


def print_report(report: dict[str, Any], console: Console) -> None:
    config, phases, vs = report["config"], report["phases"], report["vs_floor"]
    table = Table(
        title=f"messages — {config['messages']:,} over {config['members']:,} members, "
        f"concurrency {config['concurrency']} (delivery {config['delivery_tasks']}), "
        f"pool {config['pool_size']}"
    )
    for column in (
        "phase",
        "msgs/s",
        "app CPU µs/msg",
        "PG CPU µs/msg",
        "app + PG µs/msg",
        "stmts/msg",
        "tx/msg",
        "busy %",
        "errors",
    ):
        table.add_column(column, justify="left" if column == "phase" else "right", no_wrap=True)
    for name, floor, label in PHASES:
        r = phases[name]
        ratio = vs.get(name, {})
        table.add_row(
            label,
            _num(r["msgs_per_s"]) + _times(ratio.get("msgs_per_s")),
            _num(r["app_cpu_us_per_msg"]) + _times(ratio.get("app_cpu_us_per_msg")),
            _num(r["db_cpu_us_per_msg"]) + _times(ratio.get("db_cpu_us_per_msg")),
            _num(_both(r)) + _times(ratio.get("cpu_us_per_msg")),
            _num(r.get("statements_per_msg"), 1) + _times(ratio.get("statements_per_msg")),
            _num(r.get("transactions_per_msg"), 2),
            _num(r["machine_busy_pct"]),
            str(r["errors"]),
        )
        if floor is None and name == "gate_floor":
            table.add_section()
    console.print(table)
    e2e = report["cpu_us_per_message_end_to_end"]
    console.print(
        "(n×): platform / floor. CPU from /proc: this process and the PostgreSQL backends of "
        "its connections; statements and transactions from the census (asyncpg calls, BEGIN "
        f"and COMMIT included). End to end, gate + delivery: {_num(e2e['platform'])} µs of CPU "
        f"a message against {_num(e2e['floor'])} ({e2e['ratio']}×). Machine busy before the "
        f"runs: {config['machine_busy_before_pct']}% of {config['cpu_count']} cores."
    )
    for kind in ("platform_outcome", "floor_outcome"):
        o = phases[kind]
        console.print(
            f"{kind.split('_')[0]}: messages {o['by_status']}, fake provider sends "
            f"{o['fake_provider_sends']:,}, sent twice {o['messages_sent_twice']}"
        )
    census = phases.get("census")
    if census:
        for name in ("gate", "delivery"):
            c = census[name]
            t = Table(
                title=f"{name}: statements per message ({c['messages']} one at a time, "
                f"{c['db_wait_ms_per_msg']} ms awaiting PostgreSQL a message)"
            )
            t.add_column("per msg", justify="right")
            t.add_column("ms/msg", justify="right")
            t.add_column("statement", overflow="fold")
            for s in c["statements"]:
                t.add_row(f"{s['per_msg']:g}", f"{s['ms_per_msg']:.3f}", s["sql"][:160])
            console.print(t)


def write_report(report: dict[str, Any], stamp: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"messages-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return path
