"""The result of a member-lookup run: targets, the printed table and the JSON file.

Targets (reported, never enforced through the exit status):

* ``ratio = graphql.max_rps / baseline.max_rps >= 0.5``: the application may cost at most half
  the throughput of a bare Starlette + asyncpg endpoint doing the same indexed lookup;
* ``graphql.half_load.p99_ms <= 10``: at half its own maximum, 99 % of lookups answer in 10 ms.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["P99_TARGET_MS", "RATIO_TARGET", "build_report", "print_report", "write_report"]

RATIO_TARGET = 0.5
P99_TARGET_MS = 10.0
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def build_report(
    *,
    started: datetime,
    elapsed_s: float,
    config: dict[str, Any],
    graphql: dict[str, Any],
    baseline: dict[str, Any],
    baseline_rls: dict[str, Any],
) -> dict[str, Any]:
    ratio = graphql["max_rps"] / baseline["max_rps"] if baseline["max_rps"] else None
    rls_ratio = graphql["max_rps"] / baseline_rls["max_rps"] if baseline_rls["max_rps"] else None
    p99 = graphql["half_load"]["p99_ms"]
    ratio_pass = ratio is not None and ratio >= RATIO_TARGET
    p99_pass = p99 is not None and p99 <= P99_TARGET_MS
    return {
        "benchmark": "member_lookup",
        "started_at": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed_s, 1),
        "config": config,
        "graphql": graphql,
        "baseline": baseline,
        "baseline_rls": baseline_rls,
        "ratio": None if ratio is None else round(ratio, 3),
        # informational: the same lookup with the tenant transaction row-level security needs
        "ratio_vs_rls_baseline": None if rls_ratio is None else round(rls_ratio, 3),
        "targets": {
            "ratio_min": RATIO_TARGET,
            "ratio_pass": ratio_pass,
            "graphql_half_load_p99_max_ms": P99_TARGET_MS,
            "graphql_half_load_p99_pass": p99_pass,
            "pass": ratio_pass and p99_pass,
        },
    }


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def print_report(report: dict[str, Any], console: Console) -> None:
    table = Table(
        title=f"member lookup — {report['config']['members']:,} members, "
        f"concurrency {report['config']['concurrency']}, "
        f"{report['config']['duration_s']:g}s per run"
    )
    for column in (
        "target",
        "max rps",
        "p50 ms",
        "p99 ms",
        "½ rps",
        "½ p50 ms",
        "½ p99 ms",
        "errors",
        "srv CPU%",
        "srv ms/req",
        "db ms/req",
        "cli CPU%",
        "RSS MiB",
    ):
        table.add_column(column, justify="left" if column == "target" else "right", no_wrap=True)
    for name in ("graphql", "baseline", "baseline_rls"):
        r = report[name]
        half = r["half_load"]
        table.add_row(
            name,
            _num(r["max_rps"], 0),
            _num(r["p50_ms"]),
            _num(r["p99_ms"]),
            _num(half["rps"], 0),
            _num(half["p50_ms"]),
            _num(half["p99_ms"]),
            str(r["errors"] + half["errors"]),
            _num(r["server_cpu_pct"], 0),
            _num(r["server_cpu_ms_per_req"], 3),
            _num(r["db_cpu_ms_per_req"], 3),
            _num(r["client_cpu_pct"], 0),
            _num(r["peak_rss_mib"], 1),
        )
    console.print(table)
    config = report["config"]
    console.print(
        "max: closed loop at the given concurrency; ½: open loop at half of max req/s, "
        "latency from each request's scheduled start. CPU% is of one core during the max run; "
        "ms/req is CPU time per request of the server and of its PostgreSQL backends; RSS is "
        "the server's peak. Machine busy "
        f"before load: {config['machine_busy_before_load_pct']}% of {config['cpu_count']} cores."
    )
    t = report["targets"]

    def verdict(ok: bool) -> str:
        return "[green]pass[/green]" if ok else "[red]FAIL[/red]"

    console.print(
        f"ratio graphql/baseline max req/s = {_num(report['ratio'], 3)} "
        f"(target ≥ {t['ratio_min']}) {verdict(t['ratio_pass'])}"
    )
    console.print(
        f"ratio graphql/baseline_rls max req/s = {_num(report['ratio_vs_rls_baseline'], 3)} "
        "(informational: both pay the tenant transaction)"
    )
    console.print(
        f"graphql p99 at half load = {_num(report['graphql']['half_load']['p99_ms'])} ms "
        f"(target ≤ {t['graphql_half_load_p99_max_ms']:g} ms) "
        f"{verdict(t['graphql_half_load_p99_pass'])}"
    )


def write_report(report: dict[str, Any], stamp: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"member_lookup-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return path
