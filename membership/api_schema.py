"""The Schema object: root types composed from per-domain resolver mixins, plus limits."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLError, parse, specified_rules
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.schema import validate_document
from strawberry.types.graphql import OperationType

from membership.errors import DomainError
from membership.messages import localized
from membership.metrics import observe_operation
from membership.settings import get_settings
from plugins.manager import LoadedPlugins, loaded_plugins, refuse
from plugins.schema_additions import GraphQLAdditions
from resolvers.admin import AdminMutations, AdminQueries
from resolvers.analytics import AnalyticsQueries
from resolvers.auth import AuthMutations, AuthQueries
from resolvers.coupon_checkout import CouponCheckoutMutations
from resolvers.coupon_tools import CouponToolMutations, CouponToolQueries
from resolvers.coupons import CouponMutations, CouponQueries
from resolvers.custom_fields import CustomFieldMutations, CustomFieldQueries
from resolvers.earning import EarningRuleMutations, EarningRuleQueries
from resolvers.events import EventMutations, EventQueries
from resolvers.issue_runs import IssueRunMutations, IssueRunQueries
from resolvers.journeys import JourneyMutations, JourneyQueries
from resolvers.members import MemberMutations, MemberQueries
from resolvers.messaging import MessagingMutations, MessagingQueries
from resolvers.orders import OrderMutations, OrderQueries
from resolvers.plugins import PluginMutations, PluginQueries
from resolvers.points import PointsMutations, PointsQueries, PointsSettingsMutations
from resolvers.rewards import RewardMutations, RewardQueries
from resolvers.tasks import TaskMutations, TaskQueries
from resolvers.testclock import TestClockMutations
from resolvers.tiers import TierMutations, TierQueries
from resolvers.webhooks import WebhookMutations, WebhookQueries
from schema.plugin_fields import gate_fields
from schema.text_input import refuse_unstorable_text
from schema.types.members import Member
from schema.types.orders import Order
from tenants.tx import tenant_tx

__all__ = ["build_schema", "finish_errors", "observe_result", "parse_and_validate"]

log = logging.getLogger("membership.graphql")


@strawberry.type(name="Query")
class CoreQuery(
    PluginQueries,
    AuthQueries,
    MemberQueries,
    OrderQueries,
    EarningRuleQueries,
    CouponQueries,
    CouponToolQueries,
    IssueRunQueries,
    RewardQueries,
    PointsQueries,
    TierQueries,
    CustomFieldQueries,
    EventQueries,
    WebhookQueries,
    MessagingQueries,
    TaskQueries,
    JourneyQueries,
    AnalyticsQueries,
    AdminQueries,
):
    pass


@strawberry.type(name="Mutation")
class CoreMutation(
    PluginMutations,
    AuthMutations,
    MemberMutations,
    PointsMutations,
    OrderMutations,
    EarningRuleMutations,
    CouponMutations,
    CouponToolMutations,
    IssueRunMutations,
    CouponCheckoutMutations,
    RewardMutations,
    PointsSettingsMutations,
    TierMutations,
    CustomFieldMutations,
    EventMutations,
    WebhookMutations,
    MessagingMutations,
    TaskMutations,
    JourneyMutations,
    TestClockMutations,
    AdminMutations,
):
    pass


def _should_mask(error: GraphQLError) -> bool:
    """Validation errors and expected domain failures are shown; anything else is masked."""
    original = error.original_error
    # No path: the document or its variables were rejected before execution (syntax, validation,
    # input coercion such as an impossible date). Those messages are for the caller.
    if original is None or error.path is None or isinstance(original, DomainError):
        return False
    import structlog

    structlog.get_logger("membership.graphql").error(
        "unexpected_error", error=repr(original), path=error.path, exc_info=original
    )
    return True


class _OneTransactionPerQuery(SchemaExtension):
    """Run a whole query operation in one tenant transaction.

    Every service call and DataLoader batch of the operation joins it (``tenant_tx`` nests), so a
    read costs one pool checkout and sees one consistent snapshot. Mutations keep a transaction
    per service call, so a failed mutation field rolls back alone.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        ctx = getattr(context, "ctx", None)
        if ctx is None or self.execution_context.operation_type is not OperationType.QUERY:
            yield
            return
        async with tenant_tx(ctx):
            yield


def _localize(errors: list[GraphQLError], language: str) -> None:
    """Domain errors get their code, their field and the caller's language."""
    for error in errors:
        original = error.original_error
        if isinstance(original, DomainError):
            error.extensions = {**(error.extensions or {}), "code": original.code.value}
            if original.field is not None:
                error.extensions["field"] = original.field
            error.message = localized(original, language)


def observe_result(operation_name: str | None, started: float, failed: bool) -> None:
    """The operation's metrics, from ``time.perf_counter()`` at its start."""
    observe_operation(operation_name or "anonymous", time.perf_counter() - started, failed)


class _OperationOutcome(SchemaExtension):
    """After each operation: domain errors get their code and the caller's language; metrics."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        ctx = self.execution_context
        errors = (ctx.result.errors if ctx.result else None) or []
        _localize(errors, getattr(ctx.context, "language", "en"))
        observe_result(ctx.operation_name, started, bool(errors))


_MASK = MaskErrors(should_mask_error=_should_mask)


def finish_errors(errors: list[GraphQLError], language: str) -> list[GraphQLError]:
    """What the schema's extensions make of an operation's errors, for a path that runs
    without them: unexpected errors masked (and logged), domain errors localised."""
    finished = [_MASK.anonymise_error(e) if _should_mask(e) else e for e in errors]
    _localize(finished, language)
    return finished


def parse_and_validate(
    schema: strawberry.Schema, document: str
) -> tuple[DocumentNode | None, list[GraphQLError]]:
    """Parse and validate a document with the API's limits and rules, as an operation is."""
    settings = get_settings()
    try:
        parsed = parse(document, max_tokens=settings.graphql_max_tokens)
    except GraphQLError as exc:
        return None, [exc]
    rules: list[Any] = list(specified_rules)
    for extension in schema.extensions:
        if isinstance(extension, AddValidationRules):
            rules.extend(extension.validation_rules)
    return parsed, validate_document(schema._schema, parsed, tuple(rules))


def _field_names(cls: type) -> set[str]:
    return {f.python_name for f in cls.__strawberry_definition__.fields}  # type: ignore[attr-defined]


def _plugin_clashes(loaded: LoadedPlugins) -> dict[str, str]:
    """Plugins whose root fields the platform has, or that are not async: refused."""
    taken = {"Query": _field_names(CoreQuery), "Mutation": _field_names(CoreMutation)}
    taken.update({name: _original_names(cls) for name, cls in _EXTENSIBLE.items()})
    problems: dict[str, str] = {}
    for plugin, additions in loaded.graphql.items():
        roots = [("Query", additions.query), ("Mutation", additions.mutation)]
        roots.extend(additions.extend.items())
        for root, classes in roots:
            for cls in classes:
                clash = sorted(_field_names(cls) & taken[root])
                sync = gate_fields(plugin, cls)
                if clash:
                    problems[plugin] = f"{root} field {clash[0]} is the platform's own"
                elif sync:
                    problems[plugin] = f"{root} field {sync[0]} must be async"
    return problems


def _root(name: str, core: type, extra: tuple[type, ...]) -> type:
    if not extra:
        return core
    return strawberry.type(type(name, (core, *extra), {}), name=name)


def _additions(loaded: LoadedPlugins, names: list[str]) -> list[GraphQLAdditions]:
    return [loaded.graphql[name] for name in names]


# The platform's types plugins may add fields to, and their own fields (kept to start each
# schema from: a schema without a plugin must not keep the fields it added to another).
_EXTENSIBLE: dict[str, type] = {"Member": Member, "Order": Order}
_ORIGINAL_FIELDS: dict[type, list[Any]] = {}


def _definition_fields(cls: type) -> list[Any]:
    fields: list[Any] = cls.__strawberry_definition__.fields  # type: ignore[attr-defined]
    return fields


def _original_names(cls: type) -> set[str]:
    fields = _ORIGINAL_FIELDS.setdefault(cls, list(_definition_fields(cls)))
    return {f.python_name for f in fields}


def _extend_types(additions: list[GraphQLAdditions]) -> None:
    for name, cls in _EXTENSIBLE.items():
        original = _ORIGINAL_FIELDS.setdefault(cls, list(_definition_fields(cls)))
        extra = [
            field
            for a in additions
            for extension in a.extend.get(name, ())
            for field in _definition_fields(extension)
        ]
        _definition_fields(cls)[:] = [*original, *extra]


def _schema(additions: list[GraphQLAdditions]) -> strawberry.Schema:
    settings = get_settings()
    _extend_types(additions)
    query = _root("Query", CoreQuery, tuple(c for a in additions for c in a.query))
    mutation = _root("Mutation", CoreMutation, tuple(c for a in additions for c in a.mutation))
    # Text PostgreSQL cannot store is refused as INVALID before any resolver sees it.
    refuse_unstorable_text(query, mutation)
    return strawberry.Schema(
        query=query,
        mutation=mutation,
        types=[t for a in additions for t in a.types],
        extensions=[
            QueryDepthLimiter(max_depth=settings.graphql_max_depth),  # type: ignore[list-item]
            MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),  # type: ignore[list-item]
            MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),  # type: ignore[list-item]
            # after the limiters, whose validation rules become part of the cache key
            ParserCache(maxsize=1024),  # type: ignore[list-item]
            ValidationCache(maxsize=1024),  # type: ignore[list-item]
            _OneTransactionPerQuery,
            _OperationOutcome,
            MaskErrors(should_mask_error=_should_mask),  # type: ignore[list-item]
        ],
    )


def build_schema(*, distribution: str | None = None) -> strawberry.Schema:
    """The API's schema: the platform's fields and those of the usable plugins.

    ``distribution`` keeps only the plugins of that distribution (``"membership"``: the platform
    and its presets, which is what the committed SDL holds). A plugin whose fields or types
    cannot join the platform's (a root field or a type name the platform has) is refused, with
    the reason, and the schema is made without it.
    """
    loaded = loaded_plugins()
    for plugin, reason in _plugin_clashes(loaded).items():
        loaded = refuse(plugin, reason)
    while True:
        names = [
            name
            for name in loaded.graphql
            if distribution is None or loaded.distributions.get(name) == distribution
        ]
        try:
            return _schema(_additions(loaded, names))
        except Exception as exc:
            culprit = _first_unbuildable(loaded, names)
            if culprit is None:
                raise
            loaded = refuse(culprit, f"its GraphQL schema cannot join the platform's: {exc}")


def _first_unbuildable(loaded: LoadedPlugins, names: list[str]) -> str | None:
    """The first plugin whose additions alone, or with those before it, break the schema."""
    for count in range(1, len(names) + 1):
        try:
            _schema(_additions(loaded, names[:count]))
        except Exception:
            return names[count - 1]
    return None
