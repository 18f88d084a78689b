"""Process and machine counters read from ``/proc`` (Linux only; no psutil needed).

Used to say *why* a number is what it is: how much CPU the server and the client burned during a
run, how busy the whole machine was, and the API process's peak resident memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["CpuSnapshot", "cpu_snapshot", "peak_rss_mib", "process_cpu_seconds", "processes_cpu"]

_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by ``pid`` (its own threads, not its children)."""
    with open(f"/proc/{pid}/stat") as f:
        # The command name (field 2) may contain spaces: split after its closing parenthesis.
        fields = f.read().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / _TICKS


def processes_cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds of each pid still alive and readable (others are left out)."""
    found: dict[int, float] = {}
    for pid in pids:
        try:
            found[pid] = process_cpu_seconds(pid)
        except (OSError, IndexError, ValueError):
            continue
    return found


def peak_rss_mib(pid: int) -> float | None:
    """``VmHWM`` (peak resident set size) of a live process in MiB, or None if unreadable."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass(frozen=True)
class CpuSnapshot:
    """Whole-machine jiffies from ``/proc/stat``: busy and total, summed over all cores."""

    busy: int
    total: int

    def busy_fraction_since(self, earlier: CpuSnapshot) -> float:
        """Share of all cores' time spent busy between ``earlier`` and this snapshot (0..1)."""
        total = self.total - earlier.total
        return (self.busy - earlier.busy) / total if total > 0 else 0.0


def cpu_snapshot() -> CpuSnapshot:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user/nice
    return CpuSnapshot(busy=total - idle, total=total)
