"""``membership analytics``: rebuild or refresh the analytics roll-up from the command line."""

from __future__ import annotations

import time
from typing import Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from membership.cli_support import err, print_json, run_command, tenant_context
from tenants.context import RequestContext

__all__ = ["analytics_app"]

analytics_app = typer.Typer(help="The analytics roll-up.", no_args_is_help=True)


async def _contexts(tenant: str | None) -> list[RequestContext]:
    from tenants.registry import list_tenants

    if tenant is not None:
        return [await tenant_context(tenant)]
    return [RequestContext.system(t) for t in await list_tenants()]


@analytics_app.command("rebuild")
def analytics_rebuild(
    tenant: str | None = typer.Option(None, help="Tenant slug (default: every tenant)"),
) -> None:
    """Recompute the roll-up from the orders, members and coupons, with a progress bar, and fit
    the churn model on it; prints what each tenant's roll-up holds and how long it took."""
    from membership.analytics.rollup import rebuild
    from membership.analytics.scores import fit_churn_model

    async def run() -> list[dict[str, Any]]:
        results = []
        for ctx in await _contexts(tenant):
            columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            label = TextColumn(f"{ctx.tenant.slug}: rebuilding the roll-up, {{task.description}}")
            with Progress(label, *columns, console=err) as bar:
                task = bar.add_task("orders", total=1)

                def report(step: str, done: int, total: int, task: TaskID = task) -> None:
                    bar.update(task, description=step, completed=done, total=total)

                started = time.perf_counter()
                done = await rebuild(ctx, progress=report)
            seconds = round(time.perf_counter() - started, 2)
            model = await fit_churn_model(ctx)
            results.append(
                {
                    "tenant": ctx.tenant.slug,
                    "members": done.members,
                    "days": done.days,
                    "capacity": done.capacity,
                    "seconds": seconds,
                    "churnModel": {"members": model.members, "converged": model.converged}
                    if model
                    else None,
                }
            )
        return results

    for line in run_command(run):
        print_json(line)


@analytics_app.command("refresh")
def analytics_refresh(
    tenant: str | None = typer.Option(None, help="Tenant slug (default: every tenant)"),
) -> None:
    """Recompute what changed since the last refresh (what the worker does every 30 seconds)."""
    from membership.analytics.rollup import refresh

    async def run() -> list[dict[str, Any]]:
        results = []
        for ctx in await _contexts(tenant):
            started = time.perf_counter()
            done = await refresh(ctx)
            results.append(
                {
                    "tenant": ctx.tenant.slug,
                    "members": done.members,
                    "days": done.days,
                    "seconds": round(time.perf_counter() - started, 3),
                }
            )
        return results

    for line in run_command(run):
        print_json(line)
