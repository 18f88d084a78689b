"""The journeys' scheduled work, for advancing a sandbox tenant's test clock: the segments' daily
evaluation, the daily and cron triggers' sweeps, then the runs whose wait ends or times out (the worker's own cron does both
for live tenants, ``workers.journeys``)."""

from __future__ import annotations

from membership.journeys.dispatch import next_wake, run_due
from membership.journeys.segments import evaluate_due_segments, next_segment_evaluation
from membership.journeys.sweeps import next_sweep, sweep_journeys
from membership.testclock.schedule import ScheduledWork, register

__all__ = ["SEGMENTS", "SWEEPS", "WAKE_RUNS"]

SEGMENTS = register(
    ScheduledWork("journeys.segments", next_segment_evaluation, evaluate_due_segments)
)
SWEEPS = register(ScheduledWork("journeys.sweeps", next_sweep, sweep_journeys))
WAKE_RUNS = register(ScheduledWork("journeys.wake_runs", next_wake, run_due))
