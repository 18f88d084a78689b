"""Instructions per request of the API's hot operations, counted by callgrind: a figure that does
not move with whatever else the machine runs, to compare two versions of the code.

    .venv/bin/python -m bench.hot_instructions [--base REV] [--members 20000] [--requests 200]

1. creates a database ``bench_<random>`` and loads it as ``bench.hot_paths`` does (a big and a
   small tenant, the coupons, the persisted documents), at ``--members``;
2. for the code here, for ``--base`` (a commit, checked out in a temporary worktree) when given,
   and for the floor (``bench.hot_floor_app``, the same work on bare Starlette and asyncpg),
   runs ``bench.hot_inproc`` under ``valgrind --tool=callgrind`` (all at once): the app in
   process, each operation's requests made first, callgrind's counters zeroed before the
   measured requests and dumped after them;
3. prints, per operation, the instructions per request (the dump's total over the requests) of
   each, the ratio of the code here to the base and to the floor, drops the database and writes
   ``bench/results/hot_instructions-<UTC timestamp>.json``.

The count is the API process's alone (the database's work is not in it), includes the few
thousand instructions of handing each request to the app, and runs about fifty times slower
than the app does. Needs ``valgrind`` (``apt-get install valgrind``). The exit status is 1 when
an answer was wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import hot_paths
from bench.dataset import create_database, drop_database, new_database_name
from bench.hot_report import FLOOR
from bench.member_lookup import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, _require_loopback
from bench.record_order import code_revision
from bench.servers import REPO
from membership.db import parse_postgres_url

__all__ = ["main"]

_DRIVER = REPO / "bench" / "hot_inproc.py"
_ORDER = ("current", "base", FLOOR)  # each redeems its own coupons
_TRIGGER = re.compile(r"^desc: Trigger: dump (\w+)$", re.M)
_SUMMARY = re.compile(r"^summary: (\d+)$", re.M)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.hot_instructions", description=__doc__)
    p.add_argument("--base", help="a commit to compare with (checked out in a temporary worktree)")
    p.add_argument("--members", type=int, default=20_000, help="members of the big tenant")
    p.add_argument("--requests", type=int, default=200, help="measured requests per operation")
    p.add_argument("--warmup", type=int, default=60, help="requests before counting")
    p.add_argument("--only", default=",".join(hot_paths.OPERATIONS), help="comma-separated")
    p.add_argument(
        "--profiles", type=Path, help="keep callgrind's dumps here (for callgrind_annotate)"
    )
    args = p.parse_args(argv)
    args.only = [o.strip() for o in args.only.split(",") if o.strip()]
    if not args.only or any(o not in hot_paths.OPERATIONS for o in args.only):
        p.error(f"--only takes some of {', '.join(hot_paths.OPERATIONS)}")
    if min(args.members, args.requests) < 1 or args.warmup < 0:
        p.error("--members and --requests ≥ 1, --warmup ≥ 0")
    return args


def _counts(out_dir: Path, name: str) -> dict[str, int]:
    """Instructions of each operation's dump."""
    counts: dict[str, int] = {}
    for path in out_dir.glob(f"{name}.*"):
        text = path.read_text(errors="replace")[:4096]
        trigger, summary = _TRIGGER.search(text), _SUMMARY.search(text)
        if trigger and summary:
            counts[trigger[1]] = int(summary[1])
    return counts


def _start(
    name: str, tree: Path, state: Path, out_dir: Path, env: dict[str, str], args: argparse.Namespace
) -> subprocess.Popen[str]:
    # The driver is this tree's, the code under it the version's: run by path, with the version
    # first on the path.
    driver_argv = [
        str(_DRIVER),
        "--state", str(state),
        "--only", ",".join(args.only),
        "--requests", str(args.requests),
        "--warmup", str(args.warmup),
        "--tag", f"{name}-{secrets.token_hex(3)}",
        "--redeem-first", str(_ORDER.index(name) * (args.warmup + args.requests)),
    ]  # fmt: skip
    if name == FLOOR:
        driver_argv.append("--floor")
    command = [
        "valgrind",
        "--tool=callgrind",
        "--cache-sim=no",
        f"--callgrind-out-file={out_dir / name}.%p",
        sys.executable,
        "-c",
        f"import runpy, sys; sys.argv = {driver_argv!r}; runpy.run_path(sys.argv[0], run_name='__main__')",
    ]
    return subprocess.Popen(
        command,
        cwd=tree,
        env={**env, "PYTHONPATH": str(tree), "BENCH_CALLGRIND": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    console = Console(stderr=True)
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        console.print("[red]valgrind is needed: apt-get install valgrind[/red]")
        sys.exit(2)
    admin_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    _require_loopback(admin_url, "DATABASE_URL")
    _require_loopback(redis_url, "REDIS_URL")
    admin = parse_postgres_url(admin_url)
    database = new_database_name()
    started = datetime.now(UTC)
    clock = time.monotonic()
    load_args = hot_paths.parse_args(
        [
            "--members", str(args.members),
            "--small-members", "100",
            "--only", ",".join(args.only),
            "--validate-coupons", str(args.warmup + args.requests),
            "--redeem-coupons", str(len(_ORDER) * (args.warmup + args.requests)),
        ]
    )  # fmt: skip
    created = False
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as scratch:
        work = Path(scratch)
        trees = {"current": REPO, FLOOR: REPO}
        try:
            asyncio.run(create_database(admin, database))
            created = True
            loaded, tenants, _ = asyncio.run(
                hot_paths._prepare(load_args, admin_url, database, console)
            )
            asyncio.run(hot_paths._register_documents(loaded.database_url))
            big = tenants["big"]
            state = work / "state.json"
            state.write_text(
                json.dumps(
                    {
                        "tenants": {
                            "big": {
                                "tenant_id": str(big.data.tenant_id),
                                "members": big.data.members,
                                "keys": {op: big.key(op) for op in hot_paths.OPERATIONS},
                            }
                        },
                        "coupons": {
                            "validate": load_args.validate_coupons,
                            "redeem": load_args.redeem_coupons,
                        },
                    }
                )
            )
            if args.base:
                base = work / "base"
                subprocess.run(
                    ["git", "worktree", "add", "--detach", str(base), args.base],
                    cwd=REPO,
                    check=True,
                    capture_output=True,
                )
                trees["base"] = base
            env = {
                **os.environ,
                "DATABASE_URL": loaded.database_url,
                "REDIS_URL": redis_url,
                "MEMBERSHIP_REDIS_PREFIX": f"bench-{secrets.token_hex(4)}",
                "MEMBERSHIP_GRAPHQL_COMPILED": "true",
                "MEMBERSHIP_LOG_LEVEL": "warning",
            }
            console.print(f"counting {', '.join(trees)} under callgrind (a few minutes) …")
            running = {
                name: _start(name, tree, state, work, env, args) for name, tree in trees.items()
            }
            for name, process in running.items():
                stdout, stderr = process.communicate(timeout=3600)
                if process.returncode != 0:
                    raise RuntimeError(f"{name} failed ({process.returncode}):\n{stderr[-3000:]}")
                answer = json.loads(stdout.strip().splitlines()[-1])
                counts = _counts(work, name)
                for op, measured in answer["operations"].items():
                    measured["instructions_per_request"] = counts[op] // measured["requests"]
                    del measured["cpu_ms_per_request"]  # under valgrind: not the app's speed
                results[name] = answer["operations"]
            if args.profiles:
                args.profiles.mkdir(parents=True, exist_ok=True)
                for dump in work.glob("*.*"):
                    if dump.name.split(".")[0] in trees:
                        shutil.copy(dump, args.profiles / dump.name)
        finally:
            if "base" in trees:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(trees["base"])],
                    cwd=REPO,
                    capture_output=True,
                )
            if created:
                asyncio.run(drop_database(admin, database))

    table = Table(title="instructions per request (the API process, callgrind)")
    table.add_column("operation")
    for name in results:
        table.add_column(name, justify="right")
    if "base" in results:
        table.add_column("current / base", justify="right")
    table.add_column("current / floor", justify="right")
    failed = 0
    for op in args.only:
        row = [op]
        for name in results:
            row.append(f"{results[name][op]['instructions_per_request']:,}")
            failed += results[name][op]["failed"]
        if "base" in results:
            current = results["current"][op]["instructions_per_request"]
            row.append(f"{current / results['base'][op]['instructions_per_request']:.3f}")
        current = results["current"][op]["instructions_per_request"]
        row.append(f"{current / results[FLOOR][op]['instructions_per_request']:.2f}")
        table.add_row(*row)
    Console().print(table)
    report = {
        "benchmark": "hot_instructions",
        "started_at": started.isoformat(),
        "elapsed_s": round(time.monotonic() - clock, 1),
        "config": {
            "members": args.members,
            "requests": args.requests,
            "warmup": args.warmup,
            "operations": args.only,
            "base": args.base,
            "code": code_revision(),
            "python": sys.version.split()[0],
        },
        "results": results,
    }
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    written = out / f"hot_instructions-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    written.write_text(json.dumps(report, indent=2))
    console.print(f"wrote {written.relative_to(REPO)}")
    if failed:
        console.print(f"[bold red]{failed} answers were wrong[/bold red]")
        sys.exit(1)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
