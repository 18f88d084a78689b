"""The result of a check-in run: the ratios to the member lookup, the table and the JSON.

``api.checkin_vs_lookup`` holds the closed-loop req/s of ``checkIn`` over those of
``member(phone:)`` through the same API at the same concurrency, and the same for the CPU per
request (API process + database backends, and the API process alone) and the half-load p99.
"""

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
    return None if a is None or not b else round(a / b, 3)


def _cpu_ms(run: dict[str, Any]) -> float | None:
    if run["server_cpu_ms_per_req"] is None or run["db_cpu_ms_per_req"] is None:
        return None
    return round(float(run["server_cpu_ms_per_req"] + run["db_cpu_ms_per_req"]), 3)


def build_report(
    *,
    started: datetime,
    elapsed_s: float,
    config: dict[str, Any],
    dataset: dict[str, Any],
    api_peak_rss_mib: float | None,
    lookup: dict[str, Any] | None,
    checkin: dict[str, Any] | None,
    visits_check: dict[str, Any] | None,
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "benchmark": "checkins",
        "started_at": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed_s, 1),
        "config": config,
        "dataset": dataset,
    }
    if lookup is not None:
        api: dict[str, Any] = {"peak_rss_mib": api_peak_rss_mib, "lookup": lookup}
        if checkin is not None:
            api["checkin"] = checkin
            api["checkin_vs_lookup"] = {
                "max_rps": _ratio(checkin["max_rps"], lookup["max_rps"]),
                "cpu_ms_per_req": _ratio(_cpu_ms(checkin), _cpu_ms(lookup)),
                "server_cpu_ms_per_req": _ratio(
                    checkin["server_cpu_ms_per_req"], lookup["server_cpu_ms_per_req"]
                ),
                "db_cpu_ms_per_req": _ratio(
                    checkin["db_cpu_ms_per_req"], lookup["db_cpu_ms_per_req"]
                ),
                "half_load_p99_ms": _ratio(
                    checkin["half_load"]["p99_ms"], lookup["half_load"]["p99_ms"]
                ),
            }
        api["errors"] = sum(
            r["errors"] + r["half_load"]["errors"] for r in (lookup, checkin) if r is not None
        )
        api["visits_check"] = visits_check
        report["api"] = api
    return report


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def print_report(report: dict[str, Any], console: Console) -> None:
    config = report["config"]
    api = report.get("api")
    if api is None:
        console.print("no API runs")
        return
    table = Table(
        title=f"gym check-ins through the API — {config['members']:,} members, concurrency "
        f"{config['concurrency']}, {config['duration_s']:g}s per run"
    )
    for column in (
        "request",
        "max rps",
        "× lookup",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "½ rps",
        "½ p50 ms",
        "½ p99 ms",
        "errors",
        "srv ms/req",
        "db ms/req",
        "WAL KiB/req",
        "commits/req",
        "cli CPU%",
    ):
        table.add_column(column, justify="left" if column == "request" else "right", no_wrap=True)
    lookup = api["lookup"]
    for name, label in (("lookup", "member(phone:)"), ("checkin", "checkIn")):
        r = api.get(name)
        if r is None:
            continue
        half = r["half_load"]
        table.add_row(
            label,
            _num(r["max_rps"], 0),
            _num(_ratio(r["max_rps"], lookup["max_rps"]), 3),
            _num(r["p50_ms"]),
            _num(r["p95_ms"]),
            _num(r["p99_ms"]),
            _num(half["rps"], 0),
            _num(half["p50_ms"]),
            _num(half["p99_ms"]),
            str(r["errors"] + half["errors"]),
            _num(r["server_cpu_ms_per_req"], 3),
            _num(r["db_cpu_ms_per_req"], 3),
            _num(r["wal_kib_per_req"]),
            _num(r["commits_per_req"]),
            _num(r["client_cpu_pct"], 0),
        )
    console.print(table)
    console.print(
        "max: closed loop; ½: open loop at half of max req/s, latency from each request's "
        "scheduled start. ms/req: CPU time per request of the API process and of its PostgreSQL "
        f"backends. API peak RSS {api['peak_rss_mib']} MiB. Machine busy before load: "
        f"{config['machine_busy_before_load_pct']}% of {config['cpu_count']} cores."
    )
    ratios = api.get("checkin_vs_lookup")
    if ratios:
        console.print(
            f"checkIn / lookup: {_num(ratios['max_rps'], 3)}× the req/s, "
            f"{_num(ratios['cpu_ms_per_req'], 3)}× the CPU per request (API "
            f"{_num(ratios['server_cpu_ms_per_req'], 3)}×, database "
            f"{_num(ratios['db_cpu_ms_per_req'], 3)}×), "
            f"{_num(ratios['half_load_p99_ms'], 3)}× the half-load p99"
        )
    check = api.get("visits_check")
    if check is not None:
        colour = "green" if check["consistent"] else "red"
        console.print(
            f"[{colour}]{check['answered_checked_in']:,} check-ins answered; "
            f"{check['check_in_rows']:,} rows, {check['visits_used']:,} visits used, "
            f"{check['points_in_check_ins']:,} points in check-ins, "
            f"{check['points_granted']:,} granted[/{colour}]"
        )


def write_report(report: dict[str, Any], stamp: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"checkins-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return path
