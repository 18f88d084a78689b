"""The result of a recordOrder run: targets, the printed tables and the JSON file.

Targets (reported, never enforced through the exit status):

* ``ratio = record_order.max_rps / pgbench.max.tps >= 0.30``: recording an order through the
  API commits at least 30 % as many transactions per second as pgbench's TPC-B-like transaction
  on the same PostgreSQL and machine;
* ``record_order.half_load.p99_ms <= 25``: at half its own maximum, 99 % of orders answer in
  25 ms;
* flatness: recording an order for a member of the big tenant costs at most 1.2 × what it costs
  in the small one, in server CPU per request and in median latency (database CPU per request
  and the total are shown beside them).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.report import RESULTS_DIR

__all__ = [
    "FLATNESS_MAX",
    "P99_TARGET_MS",
    "RATIO_TARGET",
    "build_report",
    "print_report",
    "write_report",
]

RATIO_TARGET = 0.30
P99_TARGET_MS = 25.0
FLATNESS_MAX = 1.2


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 3)


def flatness_ratios(small: dict[str, Any], big: dict[str, Any]) -> dict[str, float | None]:
    """big / small for what one order costs."""
    return {
        key: _ratio(big.get(key), small.get(key))
        for key in (
            "server_cpu_ms_per_req",
            "db_cpu_ms_per_req",
            "cpu_ms_per_req",
            "p50_ms",
            "p99_ms",
            "wal_kib_per_req",
            "wal_fpi_per_req",
            "blks_read_per_req",
            "blks_hit_per_req",
        )
    }


def build_report(
    *,
    started: datetime,
    elapsed_s: float,
    config: dict[str, Any],
    dataset: dict[str, Any],
    record_order: dict[str, Any],
    pgbench: dict[str, Any] | None,
    flatness: dict[str, Any] | None,
    sql_census: dict[str, Any] | None,
) -> dict[str, Any]:
    ratio = _ratio(record_order["max_rps"], pgbench["max"]["tps"]) if pgbench else None
    p99 = record_order["half_load"]["p99_ms"]
    targets: dict[str, Any] = {
        "ratio_min": RATIO_TARGET,
        # None: pgbench was not run
        "ratio_pass": None if pgbench is None else ratio is not None and ratio >= RATIO_TARGET,
        "record_order_half_load_p99_max_ms": P99_TARGET_MS,
        "record_order_half_load_p99_pass": p99 is not None and p99 <= P99_TARGET_MS,
    }
    checks = [targets["record_order_half_load_p99_pass"]]
    if pgbench is not None:
        checks.append(targets["ratio_pass"])
    if flatness is not None:
        ratios = flatness["ratios"]
        targets["flatness_max"] = FLATNESS_MAX
        for key in ("server_cpu_ms_per_req", "p50_ms", "db_cpu_ms_per_req", "cpu_ms_per_req"):
            value = ratios.get(key)
            targets[f"flatness_{key}_pass"] = value is not None and value <= FLATNESS_MAX
        checks += [
            targets["flatness_server_cpu_ms_per_req_pass"],
            targets["flatness_p50_ms_pass"],
        ]
    targets["pass"] = all(checks)
    return {
        "benchmark": "record_order",
        "started_at": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed_s, 1),
        "config": config,
        "dataset": dataset,
        "record_order": record_order,
        "pgbench": pgbench,
        "ratio": ratio,
        "flatness": flatness,
        "sql_census": sql_census,
        "targets": targets,
    }


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _verdict(ok: bool) -> str:
    return "[green]pass[/green]" if ok else "[red]FAIL[/red]"


def print_report(report: dict[str, Any], console: Console) -> None:
    config = report["config"]
    main = report["record_order"]
    table = Table(
        title=f"recordOrder vs pgbench — concurrency {config['concurrency']}, "
        f"{config['duration_s']:g}s per run ({main['tenant']} tenant, "
        f"{main['members']:,} members)"
    )
    for column in (
        "target",
        "max tps",
        "p50 ms",
        "p99 ms",
        "½ tps",
        "½ p50 ms",
        "½ p99 ms",
        "errors",
        "srv CPU%",
        "srv ms/tx",
        "db ms/tx",
        "WAL KiB/tx",
        "cli CPU%",
        "busy%",
    ):
        table.add_column(column, justify="left" if column == "target" else "right", no_wrap=True)
    half = main["half_load"]
    table.add_row(
        "recordOrder",
        _num(main["max_rps"], 0),
        _num(main["p50_ms"]),
        _num(main["p99_ms"]),
        _num(half["rps"], 0),
        _num(half["p50_ms"]),
        _num(half["p99_ms"]),
        str(main["errors"] + half["errors"]),
        _num(main["server_cpu_pct"], 0),
        _num(main["server_cpu_ms_per_req"], 3),
        _num(main["db_cpu_ms_per_req"], 3),
        _num(main["wal_kib_per_req"], 1),
        _num(main["client_cpu_pct"], 0),
        _num(main["machine_busy_pct"], 0),
    )
    pgb = report["pgbench"]
    if pgb is not None:
        peak, low = pgb["max"], pgb["half_load"]
        table.add_row(
            "pgbench tpcb-like",
            _num(peak["tps"], 0),
            _num(peak["p50_ms"]),
            _num(peak["p99_ms"]),
            _num(low["tps"], 0),
            _num(low["p50_ms"]),
            _num(low["p99_ms"]),
            str(peak["errors"] + low["errors"]),
            "—",
            "—",
            _num(peak["db_cpu_ms_per_txn"], 3),
            _num(peak.get("wal_kib_per_txn"), 1),
            _num(peak["client_cpu_pct"], 0),
            _num(peak["machine_busy_pct"], 0),
        )
    console.print(table)
    console.print(
        "max: closed loop; ½: open loop at half of max, latency from each request's scheduled "
        "start. srv = the API process, db = its (or pgbench's) PostgreSQL backends, CPU ms per "
        "request or transaction; WAL is cluster-wide; busy% = all cores during the max run. "
        f"Machine busy before load: {config['machine_busy_before_load_pct']}% of "
        f"{config['cpu_count']} cores."
    )

    flat = report["flatness"]
    if flat is not None:
        ft = Table(
            title=f"flatness — closed loop, concurrency {config['concurrency']}, "
            f"{flat['rounds']} round(s) of {config['duration_s']:g}s per tenant"
        )
        for column in (
            "tenant",
            "members",
            "entries",
            "tps",
            "p50 ms",
            "p99 ms",
            "errors",
            "srv ms/req",
            "db ms/req",
            "CPU ms/req",
            "WAL KiB/req",
            "FPI/req",
            "blks read/req",
        ):
            ft.add_column(column, justify="left" if column == "tenant" else "right", no_wrap=True)
        for role in ("small", "big"):
            r = flat[role]
            ft.add_row(
                role,
                f"{r['members']:,}",
                f"{r['entries']:,}",
                _num(r["rps"], 0),
                _num(r["p50_ms"]),
                _num(r["p99_ms"]),
                str(r["errors"]),
                _num(r["server_cpu_ms_per_req"], 3),
                _num(r["db_cpu_ms_per_req"], 3),
                _num(r["cpu_ms_per_req"], 3),
                _num(r["wal_kib_per_req"], 1),
                _num(r.get("wal_fpi_per_req"), 1),
                _num(r["blks_read_per_req"], 1),
            )
        ratios = flat["ratios"]
        ft.add_row(
            "big / small",
            "",
            "",
            _num(_ratio(flat["big"]["rps"], flat["small"]["rps"]), 3),
            _num(ratios["p50_ms"], 3),
            _num(ratios["p99_ms"], 3),
            "",
            _num(ratios["server_cpu_ms_per_req"], 3),
            _num(ratios["db_cpu_ms_per_req"], 3),
            _num(ratios["cpu_ms_per_req"], 3),
            _num(ratios["wal_kib_per_req"], 3),
            _num(ratios.get("wal_fpi_per_req"), 3),
            _num(ratios["blks_read_per_req"], 3),
        )
        console.print(ft)
        console.print(
            "FPI = full-page images written to the WAL (cluster-wide), blks read = shared-buffer "
            "misses of the benchmark database (served by the OS cache or the disk), per request."
        )

    census = report["sql_census"]
    if census is not None:
        ct = Table(
            title=f"SQL per recordOrder — {census['requests']} sequential orders through "
            "bench.sql_census_app"
        )
        ct.add_column("statement")
        ct.add_column("per order", justify="right")
        ct.add_column("ms per order", justify="right")
        for row in census["top"]:
            ct.add_row(row["sql"][:110], _num(row["per_request"], 2), _num(row["ms_per_request"]))
        console.print(ct)
        tt = Table(title="table activity per order (pg_stat_user_tables, same orders)")
        for column in ("table", "seq scans", "idx scans", "inserts", "updates", "HOT updates"):
            tt.add_column(column, justify="left" if column == "table" else "right")
        for name, d in census["tables_per_request"].items():
            tt.add_row(
                name,
                _num(d["seq_scan"]),
                _num(d["idx_scan"]),
                _num(d["n_tup_ins"]),
                _num(d["n_tup_upd"]),
                _num(d["n_tup_hot_upd"]),
            )
        console.print(tt)
        console.print(
            f"{_num(census['statements_per_request'], 1)} statements per order "
            f"({_num(census['round_trips_per_request'], 1)} round trips), "
            f"{_num(census['db_ms_per_request'])} ms awaiting PostgreSQL of "
            f"{_num(census['latency_ms_p50'])} ms median latency (no concurrency)."
        )

    t = report["targets"]
    if t["ratio_pass"] is not None:
        console.print(
            f"ratio recordOrder/pgbench max tps = {_num(report['ratio'], 3)} "
            f"(target ≥ {t['ratio_min']}) {_verdict(t['ratio_pass'])}"
        )
    console.print(
        f"recordOrder p99 at half load = {_num(main['half_load']['p99_ms'])} ms "
        f"(target ≤ {t['record_order_half_load_p99_max_ms']:g} ms) "
        f"{_verdict(t['record_order_half_load_p99_pass'])}"
    )
    if flat is not None:
        ratios = flat["ratios"]
        for key, label in (
            ("server_cpu_ms_per_req", "server CPU ms/req"),
            ("p50_ms", "p50 latency"),
            ("db_cpu_ms_per_req", "database CPU ms/req"),
            ("cpu_ms_per_req", "server + database CPU ms/req"),
        ):
            console.print(
                f"flatness big/small {label} = {_num(ratios[key], 3)} "
                f"(target ≤ {t['flatness_max']}) {_verdict(t[f'flatness_{key}_pass'])}"
            )


def write_report(report: dict[str, Any], stamp: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"record_order-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
