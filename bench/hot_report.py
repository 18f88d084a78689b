"""The hot-paths benchmark's report: ratios to the floors, flatness, the table and the JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.report import RESULTS_DIR

__all__ = ["FLOOR", "TARGETS", "build_ratios", "flatness", "print_report", "write_report"]

FLOOR = "floor"
# API CPU / floor CPU per request the issue asks for, by operation
TARGETS = {"lookup": 2.0, "earn": 2.0, "spend": 2.0}
FLATNESS_TARGET = 1.2


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 2)


def _total(r: dict[str, Any]) -> float | None:
    api, db = r.get("server_cpu_ms_per_req"), r.get("db_cpu_ms_per_req")
    return None if api is None or db is None else api + db


def build_ratios(results: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per operation and variant: API CPU / floor CPU, (API + db) / (floor + db), max req/s."""
    ratios: dict[str, dict[str, Any]] = {}
    for op, variants in results.items():
        floor = variants.get(FLOOR)
        if floor is None:
            continue
        for variant, r in variants.items():
            if variant == FLOOR:
                continue
            cpu = _ratio(r["server_cpu_ms_per_req"], floor["server_cpu_ms_per_req"])
            target = TARGETS.get(op)
            ratios.setdefault(op, {})[variant] = {
                "api_cpu_vs_floor": cpu,
                "total_cpu_vs_floor": _ratio(_total(r), _total(floor)),
                "db_cpu_vs_floor": _ratio(r["db_cpu_ms_per_req"], floor["db_cpu_ms_per_req"]),
                "max_rps_vs_floor": _ratio(r["max_rps"], floor["max_rps"]),
                "target": target,
                "pass": None if target is None or cpu is None else cpu <= target,
            }
    return ratios


def flatness(big: dict[str, Any], small: dict[str, Any]) -> dict[str, Any]:
    """The big tenant's closed-loop run against the small tenant's."""
    cpu = _ratio(big["server_cpu_ms_per_req"], small["server_cpu_ms_per_req"])
    p50 = _ratio(big["p50_ms"], small["p50_ms"])
    return {
        "small": small,
        "big": big,
        "api_cpu_big_vs_small": cpu,
        "p50_big_vs_small": p50,
        "db_cpu_big_vs_small": _ratio(big["db_cpu_ms_per_req"], small["db_cpu_ms_per_req"]),
        "target": FLATNESS_TARGET,
        "pass": None
        if cpu is None or p50 is None
        else cpu <= FLATNESS_TARGET and p50 <= FLATNESS_TARGET,
    }


def _f(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def print_report(report: dict[str, Any], console: Console) -> None:
    config = report["config"]
    table = Table(
        title=f"hot paths: {config['members']:,} members, concurrency {config['concurrency']}, "
        f"{config['duration_s']:g}s per run (busy before load "
        f"{config['machine_busy_before_load_pct']}%)"
    )
    for column in (
        "operation",
        "variant",
        "max req/s",
        "½ p50 / p95 / p99 ms",
        "API ms/req",
        "db ms/req",
        "API / floor",
        "(API+db) / floor",
        "errors",
    ):
        table.add_column(column, justify="left" if column in ("operation", "variant") else "right")
    for op, variants in report["operations"].items():
        for variant, r in variants.items():
            half = r["half_load"]
            ratio = report["ratios"].get(op, {}).get(variant, {})
            cpu_ratio = _f(ratio.get("api_cpu_vs_floor"))
            if ratio.get("pass") is not None:
                colour = "green" if ratio["pass"] else "red"
                cpu_ratio = f"[{colour}]{cpu_ratio}[/{colour}]"
            errors = r["errors"] + half["errors"]
            table.add_row(
                op,
                variant,
                _f(r["max_rps"], 0),
                f"{_f(half['p50_ms'], 1)} / {_f(half['p95_ms'], 1)} / {_f(half['p99_ms'], 1)}",
                _f(r["server_cpu_ms_per_req"]),
                _f(r["db_cpu_ms_per_req"]),
                cpu_ratio,
                _f(ratio.get("total_cpu_vs_floor")),
                f"[red]{errors}[/red]" if errors else "0",
            )
    console.print(table)
    if report["flatness"]:
        flat = Table(
            title=f"flatness: {config['small_members']:,} members against {config['members']:,}"
        )
        for column in (
            "operation",
            "variant",
            "small / big req/s",
            "small / big p50 ms",
            "small / big API ms/req",
            "API big/small",
            "p50 big/small",
        ):
            flat.add_column(
                column, justify="left" if column in ("operation", "variant") else "right"
            )
        for op, variants in report["flatness"].items():
            for variant, f in variants.items():
                s, b = f["small"], f["big"]
                colour = "green" if f["pass"] else "red"
                flat.add_row(
                    op,
                    variant,
                    f"{_f(s['rps'], 0)} / {_f(b['rps'], 0)}",
                    f"{_f(s['p50_ms'], 1)} / {_f(b['p50_ms'], 1)}",
                    f"{_f(s['server_cpu_ms_per_req'])} / {_f(b['server_cpu_ms_per_req'])}",
                    f"[{colour}]{_f(f['api_cpu_big_vs_small'])}[/{colour}]",
                    f"[{colour}]{_f(f['p50_big_vs_small'])}[/{colour}]",
                )
        console.print(flat)
    if report["errors_total"]:
        console.print(
            f"[bold red]!!! {report['errors_total']:,} REQUESTS FAILED: "
            f"{report['error_kinds']} — the numbers above are not to be trusted[/bold red]"
        )
    else:
        console.print("[green]every request answered correctly[/green]")


def write_report(report: dict[str, Any], stamp: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"hot_paths-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
