"""The result of a coupon run: ratios against the baselines, the target, the tables and the JSON.

Ratios (reported, with the numbers they come from):

* ``generation.vs_bulk_insert``: the wall clock of ``start_batch`` + ``generate_batch`` over
  that of PostgreSQL writing the same number of rows into a copy of ``coupons`` with one
  ``INSERT … SELECT … FROM generate_series``; also in CPU (this process and the database's
  backends, over the backend of the bulk insert);
* ``api.validate_vs_lookup`` and ``api.redeem_vs_lookup``: closed-loop req/s of validateCoupon and
  redeemCoupon over those of ``member(phone:)`` through the same API at the same concurrency,
  and the same for CPU ms per request (API process + database backends).

Target (reported, never enforced through the exit status): 1,000,000 codes generated in at most
60 s. A run of another ``--codes`` is judged on its time scaled to a million codes.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.report import RESULTS_DIR

__all__ = ["TARGET_CODES", "TARGET_SECONDS", "build_report", "print_report", "write_report"]

TARGET_CODES = 1_000_000
TARGET_SECONDS = 60.0


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 3)


def _cpu_ms(run: dict[str, Any] | None) -> float | None:
    if run is None or run["server_cpu_ms_per_req"] is None or run["db_cpu_ms_per_req"] is None:
        return None
    return round(float(run["server_cpu_ms_per_req"] + run["db_cpu_ms_per_req"]), 3)


def build_report(
    *,
    started: datetime,
    elapsed_s: float,
    config: dict[str, Any],
    dataset: dict[str, Any],
    api_peak_rss_mib: float | None,
    generation: dict[str, Any] | None,
    bulk_baseline: dict[str, Any] | None,
    lookup: dict[str, Any] | None,
    validate: dict[str, Any] | None,
    redeem: dict[str, Any] | None,
    redemption_check: dict[str, Any] | None,
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "benchmark": "coupons",
        "started_at": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed_s, 1),
        "config": config,
        "dataset": dataset,
    }
    targets: dict[str, Any] = {}
    if generation is not None:
        projected = generation["seconds"] * TARGET_CODES / generation["codes"]
        gen_cpu = (
            None
            if generation["db_cpu_s"] is None
            else generation["process_cpu_s"] + generation["db_cpu_s"]
        )
        report["generation"] = {
            **generation,
            "seconds_per_million": round(projected, 2),
            "bulk_baseline": bulk_baseline,
            "vs_bulk_insert": {
                "wall": _ratio(generation["seconds"], (bulk_baseline or {}).get("seconds")),
                "cpu": _ratio(gen_cpu, (bulk_baseline or {}).get("db_cpu_s")),
                "db_cpu": _ratio(generation["db_cpu_s"], (bulk_baseline or {}).get("db_cpu_s")),
                "wal": _ratio(generation["wal_mib"], (bulk_baseline or {}).get("wal_mib")),
            },
        }
        targets.update(
            {
                "generation_1m_max_s": TARGET_SECONDS,
                "generation_1m_s": round(projected, 2),
                "generation_scaled": generation["codes"] != TARGET_CODES,
                "generation_pass": generation["batch_status"] == "DONE"
                and generation["rows_written"] == generation["codes"]
                and projected <= TARGET_SECONDS,
            }
        )
    if lookup is not None:
        api: dict[str, Any] = {"peak_rss_mib": api_peak_rss_mib, "lookup": lookup}
        for name, run in (("validate", validate), ("redeem", redeem)):
            if run is None:
                continue
            api[name] = run
            api[f"{name}_vs_lookup"] = {
                "max_rps": _ratio(run["max_rps"], lookup["max_rps"]),
                "cpu_ms_per_req": _ratio(_cpu_ms(run), _cpu_ms(lookup)),
                "server_cpu_ms_per_req": _ratio(
                    run["server_cpu_ms_per_req"], lookup["server_cpu_ms_per_req"]
                ),
                "half_load_p99_ms": _ratio(
                    run["half_load"]["p99_ms"], lookup["half_load"]["p99_ms"]
                ),
            }
        api["errors"] = sum(
            r["errors"] + r["half_load"]["errors"] for r in (lookup, validate, redeem) if r
        )
        api["redemption_check"] = redemption_check
        report["api"] = api
    report["targets"] = targets
    return report


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _verdict(ok: bool) -> str:
    return "[green]met[/green]" if ok else "[red]not met[/red]"


def print_report(report: dict[str, Any], console: Console) -> None:
    config = report["config"]
    gen = report.get("generation")
    if gen is not None:
        bulk = gen["bulk_baseline"] or {}
        table = Table(title=f"coupon codes in bulk — {config['codes']:,} codes")
        for column in (
            "run",
            "rows",
            "seconds",
            "rows/s",
            "proc CPU s",
            "db CPU s",
            "WAL MiB",
            "table+idx MiB",
            "bytes/row",
            "peak RSS MiB",
        ):
            table.add_column(column, justify="left" if column == "run" else "right", no_wrap=True)
        table.add_row(
            "generate_batch (app role, RLS)",
            f"{gen['rows_written']:,}",
            _num(gen["seconds"]),
            f"{gen['codes_per_s']:,}",
            _num(gen["process_cpu_s"]),
            _num(gen["db_cpu_s"]),
            _num(gen["wal_mib"], 0),
            _num(gen["table_growth"]["total_mib"], 0),
            _num(gen["table_growth"]["bytes_per_row"], 0),
            _num(gen["peak_rss_mib"], 1),
        )
        if bulk:
            table.add_row(
                "INSERT … generate_series (owner)",
                f"{bulk['rows']:,}",
                _num(bulk["seconds"]),
                f"{bulk['rows_per_s']:,}",
                "",
                _num(bulk["db_cpu_s"]),
                _num(bulk["wal_mib"], 0),
                _num(bulk["table_growth"]["total_mib"], 0),
                _num(bulk["table_growth"]["bytes_per_row"], 0),
                "",
            )
        csv = gen["csv_export"]
        table.add_row(
            "batch_csv → /dev/null",
            f"{csv['rows']:,}",
            _num(csv["seconds"]),
            "" if csv["rows_per_s"] is None else f"{csv['rows_per_s']:,}",
            _num(csv["process_cpu_s"]),
            "",
            "",
            f"{csv['mib']:,.1f} (CSV)",
            "",
            "",
        )
        console.print(table)
        ratios = gen["vs_bulk_insert"]
        console.print(
            f"generation / PostgreSQL's bulk insert: {_num(ratios['wall'])}× the wall clock, "
            f"{_num(ratios['cpu'])}× the CPU (process + backends), {_num(ratios['db_cpu'])}× "
            f"the database CPU, {_num(ratios['wal'])}× the WAL. start_batch "
            f"{gen['start_batch_s']} s; making the codes alone in Python "
            f"{gen['python_new_codes_s']} s; peak RSS {gen['peak_rss_mib']} MiB "
            f"(+{gen['peak_rss_growth_mib']} MiB over {gen['rss_before_mib']} MiB before). "
            f"Machine busy (all cores) during generation {gen['machine_busy_pct']}%, during the "
            f"bulk insert {bulk.get('machine_busy_pct')}%."
        )
        t = report["targets"]
        scaled = " (scaled to 1M codes)" if t["generation_scaled"] else ""
        console.print(
            f"1M codes in {_num(t['generation_1m_s'], 1)} s{scaled} "
            f"(target ≤ {t['generation_1m_max_s']:g} s) {_verdict(t['generation_pass'])}"
        )
    api = report.get("api")
    if api is not None:
        table = Table(
            title=f"coupons through the API — concurrency {config['concurrency']}, "
            f"{config['duration_s']:g}s per run"
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
            "½ p95 ms",
            "½ p99 ms",
            "errors",
            "srv ms/req",
            "db ms/req",
            "WAL KiB/req",
            "cli CPU%",
        ):
            table.add_column(
                column, justify="left" if column == "request" else "right", no_wrap=True
            )
        lookup = api["lookup"]
        for name, label in (
            ("lookup", "member(phone:)"),
            ("validate", "validateCoupon"),
            ("redeem", "redeemCoupon"),
        ):
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
                _num(half["p95_ms"]),
                _num(half["p99_ms"]),
                str(r["errors"] + half["errors"]),
                _num(r["server_cpu_ms_per_req"], 3),
                _num(r["db_cpu_ms_per_req"], 3),
                _num(r["wal_kib_per_req"]),
                _num(r["client_cpu_pct"], 0),
            )
        console.print(table)
        console.print(
            "max: closed loop; ½: open loop at half of max req/s, latency from each request's "
            "scheduled start. ms/req: CPU time per request of the API process and of its "
            f"PostgreSQL backends. API peak RSS {api['peak_rss_mib']} MiB. Machine busy before "
            f"load: {config['machine_busy_before_load_pct']}% of {config['cpu_count']} cores."
        )
        for name in ("validate", "redeem"):
            ratios = api.get(f"{name}_vs_lookup")
            if ratios:
                console.print(
                    f"{name} / lookup: {_num(ratios['max_rps'], 3)}× the req/s, "
                    f"{_num(ratios['cpu_ms_per_req'], 3)}× the CPU per request"
                )
        check = api.get("redemption_check")
        if check is not None:
            colour = "green" if check["consistent"] else "red"
            console.print(
                f"redemptions: [{colour}]{check['answered_redeemed']:,} answered as redeemed, "
                f"{check['coupons_redeemed']:,} coupons REDEEMED, template redeemed_count "
                f"{check['template_redeemed_count']:,}, discount_given "
                f"{check['template_discount_given']:,}[/{colour}]"
            )
        if api["errors"]:
            console.print(
                f"[red]{api['errors']} failed requests; see error_kinds in the JSON[/red]"
            )


def write_report(report: dict[str, Any], stamp: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"coupons-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return path
