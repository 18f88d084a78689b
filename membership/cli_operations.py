"""``membership operations``: register the GraphQL documents a front end or a POS calls by id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from membership.cli_support import err, fail, print_json, run_command
from membership.errors import DomainError, DomainErrors, ErrorCode

__all__ = ["operations_app"]

operations_app = typer.Typer(
    help="Persisted operations: GraphQL documents registered once, called by id.",
    no_args_is_help=True,
)


def _documents(files: list[Path]) -> dict[str, tuple[str, str]]:
    """Documents by id, each with where it came from: a ``.graphql`` file is one document; a
    ``.json`` file is a manifest of documents by id (graphql-codegen's persisted documents)."""
    from membership.gateway.persisted import document_id, read_manifest

    found: dict[str, tuple[str, str]] = {}
    for path in files:
        where = str(path)
        try:
            if path.suffix == ".json":
                for operation_id, document in read_manifest(path).items():
                    found[operation_id] = (document, f"{where}#{operation_id}")
            else:
                document = path.read_text(encoding="utf-8")
                found[document_id(document)] = (document, where)
        except (OSError, ValueError) as exc:
            raise DomainError(
                ErrorCode.INVALID, "{file}: {problem}", ["files"], file=where, problem=str(exc)
            ) from exc
    return found


def _name(document: Any) -> str | None:
    from graphql import OperationDefinitionNode

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            return definition.name.value if definition.name else None
    return None


@operations_app.command("register")
def operations_register(
    files: list[Path] = typer.Argument(..., help=".graphql documents or .json manifests"),
) -> None:
    """Check every document against the API's schema and limits, then register them all (or
    none, when one fails); one JSON object per document: its id, operation name, whether it is
    new and whether the API runs it from a compiled plan."""
    from membership.api_schema import build_schema, parse_and_validate
    from membership.gateway.compiled import Unsupported, compile_plan
    from membership.gateway.persisted import PersistedOperations

    try:
        documents = _documents(files)
    except DomainError as exc:
        fail(exc)
    schema = build_schema()
    shown: list[dict[str, Any]] = []
    problems: list[DomainError] = []
    for operation_id, (document, where) in documents.items():
        parsed, errors = parse_and_validate(schema, document)
        if parsed is None or errors:
            problems.append(
                DomainError(
                    ErrorCode.INVALID,
                    "{file}: {problem}",
                    ["files"],
                    file=where,
                    problem="; ".join(e.message for e in errors),
                )
            )
            continue
        try:
            compile_plan(schema, document)
            compiled = True
        except Unsupported:
            compiled = False
        shown.append({"id": operation_id, "operation": _name(parsed), "compiled": compiled})
    if problems:
        fail(problems[0] if len(problems) == 1 else DomainErrors(problems))

    async def run() -> list[str]:
        registry = PersistedOperations()
        return await registry.register({i: d for i, (d, _) in documents.items()}, "cli")

    added = set(run_command(run))
    for entry in shown:
        print_json({**entry, "new": entry["id"] in added})
    err.print(f"{len(shown)} operations, {len(added)} new")


@operations_app.command("list")
def operations_list() -> None:
    """Every registered operation: id, operation name, who registered it and when."""
    from graphql import parse
    from tortoise import Tortoise

    async def run() -> list[dict[str, Any]]:
        conn = Tortoise.get_connection("default")
        rows = await conn.execute_query_dict(
            "SELECT id, document, source, created_at FROM persisted_operations ORDER BY created_at, id"
        )
        return [
            {
                "id": r["id"],
                "operation": _name(parse(r["document"])),
                "source": r["source"],
                "createdAt": r["created_at"].isoformat(),
            }
            for r in rows
        ]

    for row in run_command(run):
        print_json(row)
