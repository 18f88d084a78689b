"""``membership coupons``: coupon work from the command line."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from membership.cli_support import err, print_json, run_command, tenant_context
from membership.errors import DomainError

__all__ = ["coupons_app"]

coupons_app = typer.Typer(help="Coupons.", no_args_is_help=True)


@coupons_app.command("generate")
def coupons_generate(
    tenant: str = typer.Option(..., help="Tenant slug"),
    template: str = typer.Option(..., help="Coupon template id"),
    quantity: int = typer.Option(..., help="How many codes (1 to 1,000,000)"),
    out: Path | None = typer.Option(None, help="Write the codes to this CSV file"),
) -> None:
    """Generate codes of a template in bulk, with a progress bar; prints the batch."""
    from membership.coupons.batches import batch_csv, generate_batch, start_batch
    from membership.errors import ErrorCode

    async def run() -> dict[str, Any]:
        ctx = await tenant_context(tenant)
        try:
            template_id = uuid.UUID(template)
        except ValueError:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such coupon template.", ["template"]
            ) from None
        started_at = time.perf_counter()
        started = await start_batch(
            ctx, template_id=template_id, quantity=quantity, idempotency_key=f"cli-{uuid.uuid4()}"
        )
        columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(TextColumn("generating codes"), *columns, console=err) as bar:
            task = bar.add_task("codes", total=quantity)
            batch = await generate_batch(
                ctx, started.batch.id, progress=lambda n, _: bar.update(task, completed=n)
            )
        made = time.perf_counter() - started_at
        if out is not None:
            with (
                out.open("w", encoding="utf-8", newline="") as file,
                Progress(TextColumn(f"writing {out}"), *columns, console=err) as bar,
            ):
                task = bar.add_task("rows", total=batch.generated + 1)
                async for chunk in batch_csv(ctx, batch.id):
                    file.write(chunk)
                    bar.advance(task, chunk.count("\n"))
        return {
            "batchId": str(batch.id),
            "templateId": str(batch.template_id),
            "generated": batch.generated,
            "status": batch.status,
            "seconds": round(made, 2),
            "out": str(out) if out is not None else None,
        }

    print_json(run_command(run))
