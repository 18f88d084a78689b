"""A partner's plugin as a partner ships it: the example stamp card is built into a wheel,
installed into a fresh virtual environment beside the platform, and its own test suite passes
there with the platform's pytest fixtures, leaving the platform's checkout untouched.

The fresh environment sees the platform through a ``.pth`` file that adds the platform's
environment as a site directory (after its own), so only the plugin is installed into it: the
cheapest "a new environment with the platform in it" that still loads the plugin through its
entry point and nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from membership.db import PgTarget

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "stamp_card"
BUILD_LEFTOVERS = shutil.ignore_patterns("__pycache__", "build", "dist", "*.egg-info")

Snapshot = tuple[str, dict[str, tuple[int, int]], frozenset[str]]


def _run(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _snapshot() -> Snapshot:
    """What a build or an install could change in the checkout: git's view of it, every file
    git sees plus everything under the example (build leftovers are ignored by git), and what
    is installed in the platform's own environment."""
    status = subprocess.run(
        ["git", "--no-optional-locks", "status", "--porcelain=v1", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    paths = {ROOT / name for name in listed if name}
    paths.update(p for p in EXAMPLE.rglob("*"))
    files = {
        str(p.relative_to(ROOT)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in paths
        if p.is_file()
    }
    installed = frozenset(os.listdir(sysconfig.get_paths()["purelib"]))
    return status, files, installed


def _child_env(database: PgTarget, redis_url: str) -> dict[str, str]:
    """The environment of the plugin's test run: the servers, the platform's settings, and a
    Redis key prefix of its own (its clean-up deletes its prefix's keys, not this run's)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
        or (key.startswith("MEMBERSHIP_") and key != "MEMBERSHIP_REDIS_PREFIX")
    }
    env.update(DATABASE_URL=database.dsn(), REDIS_URL=redis_url, PYTHONDONTWRITEBYTECODE="1")
    return env


def test_the_example_plugin_installs_from_its_wheel_and_passes_its_own_tests(
    tmp_path: Path, admin_target: PgTarget, redis_url: str
) -> None:
    before = _snapshot()
    build_env = {k: v for k, v in os.environ.items() if not k.startswith("MEMBERSHIP_")}

    # Built from a copy: setuptools writes build/ and *.egg-info beside the sources.
    source = tmp_path / "stamp_card"
    shutil.copytree(EXAMPLE, source, ignore=BUILD_LEFTOVERS)
    dist = tmp_path / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(dist),
            str(source),
        ],
        cwd=tmp_path,
        env=build_env,
        timeout=120,
    )
    [wheel] = dist.glob("membership_stamp_card-1.0.0-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        declared = archive.read(entry_points).decode()
    assert {"stamp_card/plugin.py", "stamp_card/pages/stamp-card.js"} <= names
    assert not any(n.startswith("tests/") for n in names)
    assert "[membership.plugins]\nstamp-card = stamp_card.plugin" in declared

    venv = tmp_path / "venv"
    _run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        cwd=tmp_path,
        env=build_env,
        timeout=60,
    )
    python = venv / "bin" / "python"
    site_packages = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp_path,
            env=build_env,
            timeout=30,
        ).strip()
    )
    platform_site = sysconfig.get_paths()["purelib"]
    (site_packages / "membership-platform.pth").write_text(
        f"import site; site.addsitedir({platform_site!r})\n"
    )
    _run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        cwd=tmp_path,
        env=build_env,
        timeout=60,
    )

    env = _child_env(admin_target, redis_url)
    found = _run(
        [str(python), "-c", "import stamp_card.plugin as p; print(p.__file__)"],
        cwd=ROOT,
        env=env,
        timeout=30,
    )
    assert Path(found.strip()).is_relative_to(site_packages), found

    report = _run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "examples/stamp_card/tests"],
        cwd=ROOT,
        env=env,
        timeout=180,
    )
    summary = report.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "skipped" not in summary, report

    after = _snapshot()
    assert after[0] == before[0], "git status changed"
    changed = sorted(
        name
        for name in before[1].keys() | after[1].keys()
        if before[1].get(name) != after[1].get(name)
    )
    # (an editor or another process writing to the checkout meanwhile shows here too)
    assert changed == [], f"files of the checkout changed: {changed}"
    assert after[2] == before[2], "the platform's environment changed"
