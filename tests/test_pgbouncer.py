"""The API behind PgBouncer in transaction mode, as docs/deployment.md deploys it.

PgBouncer (Debian's 1.18, installed by ``scripts/setup --browser``) runs on a free port in front
of the suite's server; API test files then run in a pytest of their own with ``DATABASE_URL``
pointing at PgBouncer and ``MEMBERSHIP_DB_STATEMENT_CACHE_SIZE=0``. Everything goes through it:
creating and dropping the run's database, migrations, the CLI, the app's pool.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from membership.db import PgTarget
from membership.settings import get_settings
from tests.test_cli import ROOT, free_port

PGBOUNCER = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")

# A subset, to keep the suite's time (all of tests/api takes 60-100 s through PgBouncer, most of
# it test_auth's tenant per test). These six go through every kind of connection the API makes:
# test_api_key_lifecycle: API keys' expiry and last use, and the CLI's own connections as the
# owner role (with asyncpg's default statement cache, the first to fail);
# test_members, test_profiles, test_tiers: writes and reads in tenant_tx with the outbox, audit,
# merges, masking; test_member_codes: member tokens; test_http: /readyz's query outside any
# transaction, /metrics.
API_TESTS = [
    "tests/api/test_api_key_lifecycle.py",
    "tests/api/test_members.py",
    "tests/api/test_profiles.py",
    "tests/api/test_tiers.py",
    "tests/api/test_member_codes.py",
    "tests/api/test_http.py",
]


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@pytest.fixture
def pgbouncer(admin_target: PgTarget) -> Iterator[PgTarget]:
    """PgBouncer in transaction mode in front of the suite's server: the admin target via it."""
    if PGBOUNCER is None:
        if os.environ.get("CI"):
            pytest.fail("pgbouncer is not installed: scripts/setup --browser installs it")
        pytest.skip("pgbouncer is not installed (scripts/setup --browser installs it)")
    settings = get_settings()
    port = free_port()
    # PgBouncer refuses to run as root; as another user it must read its files.
    directory = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    directory.chmod(0o755)
    users = {
        admin_target.user: admin_target.password,
        settings.db_owner_role: settings.db_owner_password,
        settings.db_app_role: settings.db_app_password,
    }
    (directory / "users.txt").write_text(
        "".join(f"{_quote(user)} {_quote(password or '')}\n" for user, password in users.items())
    )
    (directory / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={admin_target.host} port={admin_target.port}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {directory / 'users.txt'}\n"
        "pool_mode = transaction\n"
        # the app asks for jit=off at connection start; PgBouncer only passes on a few settings
        "ignore_startup_parameters = jit\n"
        "max_client_conn = 200\ndefault_pool_size = 20\n"
        "log_connections = 0\nlog_disconnections = 0\n"
    )
    for path in directory.iterdir():
        path.chmod(0o644)
    command = [PGBOUNCER, str(directory / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "nobody"]
    # its log goes to a file, not a pipe nobody reads while the tests run
    log = directory / "pgbouncer.log"
    with log.open("w") as output:
        proc = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        assert proc.poll() is None, log.read_text()
        yield replace(admin_target, host="127.0.0.1", port=port)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


def test_the_api_tests_pass_through_pgbouncer_in_transaction_mode(pgbouncer: PgTarget) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env |= {
        "DATABASE_URL": pgbouncer.dsn(),
        "MEMBERSHIP_DB_STATEMENT_CACHE_SIZE": "0",
        # keys of their own: this run's clean-up must not delete the calling run's keys
        "MEMBERSHIP_REDIS_PREFIX": f"{os.environ['MEMBERSHIP_REDIS_PREFIX']}-pgbouncer",
    }
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *API_TESTS],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(f"API tests through PgBouncer: {time.monotonic() - started:.1f} s")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
