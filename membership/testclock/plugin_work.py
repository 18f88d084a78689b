"""The plugins' scheduled work, registered for test-clock advances: their queued jobs fall due at
their run time, and their crons at each instant their schedule names, on the sandbox tenant's clock
(the worker's cron leaves sandbox tenants out)."""

from __future__ import annotations

from membership.activation.jobs import next_cron_due, next_job_due, run_crons_due, run_due_jobs
from membership.testclock.schedule import ScheduledWork, register

__all__: list[str] = []

register(ScheduledWork("plugins.jobs", next_job_due, run_due_jobs))
register(ScheduledWork("plugins.crons", next_cron_due, run_crons_due))
