"""Domain events: typed, versioned, written in the same transaction as the change they describe.

Each domain declares its events in its own ``events.py`` as frozen dataclasses registered with
``@event_type("member.created")``; the dataclass fields are the payload (camelCase on the wire).
``emit`` is the one way an event is written, and the raw-SQL fast paths take their row from
``outbox_row``, so no event type string is typed twice and both paths write the same rows.

The relay (``membership.events.relay``) hands committed events to the platform's handlers and to
webhook endpoints; handlers are idempotent because the queue delivers at least once.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import typing
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

import orjson
from tortoise import fields
from tortoise.models import Model

from membership.ids import new_id
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = [
    "EVENT_TYPES",
    "DomainEvent",
    "OutboxEvent",
    "OutboxRow",
    "emit",
    "event_type",
    "field_docs",
    "insert_sql",
    "outbox_row",
]


class OutboxEvent(Model):
    """One event as written: the queue of the relay, and the member's timeline."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.UUIDField()
    type = fields.TextField()
    version = fields.SmallIntField(default=1)
    member_id = fields.UUIDField(null=True)
    payload: Any = fields.JSONField()
    created_at = fields.DatetimeField()
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox"


class DomainEvent:
    """The base of every event. Subclasses are frozen dataclasses; their fields are the payload.

    ``member_id``, when an event has it, names the member the event is about: one member's
    events are handled in the order they happened, and they show on that member's timeline.
    """

    type: ClassVar[str]
    version: ClassVar[int] = 1

    @property
    def event_type(self) -> str:
        """The type this instance is delivered as (behaviour events carry their own)."""
        return self.type

    @property
    def subject_member_id(self) -> uuid.UUID | None:
        value = getattr(self, "member_id", None)
        return value if isinstance(value, uuid.UUID) else None

    def data(self) -> dict[str, Any]:
        """The payload as JSON: camelCase keys, ids and times as strings."""
        return {wire: _jsonable(getattr(self, name)) for name, wire in _wire_names(type(self))}


E = TypeVar("E", bound=type[DomainEvent])

# Every registered event type, for the relay's filters, the webhook endpoints' event-type
# check and the generated catalogue (docs/events.md).
EVENT_TYPES: dict[str, type[DomainEvent]] = {}


def event_type(name: str, *, version: int = 1) -> Callable[[E], E]:
    """Register a frozen dataclass as the event ``name`` at payload ``version``.

    A payload change that a receiver could trip on (a field removed, renamed or retyped) is a
    new version; adding a field is not.
    """

    def register(cls: E) -> E:
        if name in EVENT_TYPES and EVENT_TYPES[name] is not cls:
            raise ValueError(f"event type {name!r} is declared twice")
        if not dataclasses.is_dataclass(cls) or not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            raise TypeError(f"{cls.__name__} must be a frozen dataclass")
        cls.type = name
        cls.version = version
        EVENT_TYPES[name] = cls
        return cls

    return register


@dataclasses.dataclass(frozen=True)
class OutboxRow:
    """What a raw-SQL path inserts into ``outbox`` for one event (see ``outbox_row``)."""

    id: uuid.UUID
    type: str
    version: int
    member_id: uuid.UUID | None
    payload: str  # JSON text

    def params(self) -> list[Any]:
        return [self.id, self.type, self.version, self.member_id, self.payload]


def outbox_row(event: DomainEvent) -> OutboxRow:
    """The row ``emit`` would write, for statements that insert it themselves."""
    return OutboxRow(
        id=new_id(),
        type=event.event_type,
        version=event.version,
        member_id=event.subject_member_id,
        payload=_payload_of(event),
    )


def _payload_of(event: DomainEvent) -> str:
    """``_payload_text(event.data())``, written by orjson straight from the fields when it can:
    it writes ids and enums as ``data`` does, and hands times (and the driver's ids) back. A
    field it cannot write as ``data`` does (a set, a dataclass, keys that are not text, an
    integer beyond 64 bits) takes the way through ``data``."""
    fields = {wire: getattr(event, name) for name, wire in _wire_names(type(event))}
    try:
        return orjson.dumps(fields, default=_text, option=_PASSTHROUGH).decode()
    except TypeError:
        return _payload_text(event.data())


_PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def _text(value: Any) -> str:
    if isinstance(value, uuid.UUID):  # the driver's ids are a subclass orjson does not write
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()  # orjson rounds an offset to minutes
    raise TypeError


def _payload_text(payload: dict[str, Any]) -> str:
    try:
        return orjson.dumps(payload).decode()
    except TypeError:  # an integer beyond 64 bits
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def insert_sql(first: int = 1) -> str:
    """The INSERT ``emit`` sends, its parameters numbered from ``first``: the tenant, then
    ``OutboxRow.params()``, then the time; for statements that write an event with their rows."""
    n = [f"${first + i}" for i in range(7)]
    return (
        "INSERT INTO outbox (tenant_id, id, type, version, member_id, payload, created_at) "
        f"VALUES ({n[0]}, {n[1]}, {n[2]}, {n[3]}, {n[4]}, {n[5]}::jsonb, {n[6]})"
    )


_INSERT = insert_sql()


async def emit(ctx: RequestContext, event: DomainEvent) -> uuid.UUID:
    """Write ``event`` in the caller's tenant transaction; it is relayed once that commits."""
    row = outbox_row(event)
    async with tenant_tx(ctx) as conn:
        await conn.execute_query(_INSERT, [ctx.tenant.id, *row.params(), ctx.clock.now()])
    return row.id


_WIRE_NAMES: dict[type, tuple[tuple[str, str], ...]] = {}


def _wire_names(cls: type[DomainEvent]) -> tuple[tuple[str, str], ...]:
    """Each payload field's name and its camelCase name on the wire, once per event class."""
    names = _WIRE_NAMES.get(cls)
    if names is None:
        fields_ = dataclasses.fields(cls)  # type: ignore[arg-type]
        names = _WIRE_NAMES[cls] = tuple((f.name, _camel(f.name)) for f in fields_)
    return names


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_jsonable(v) for v in value]
    raise TypeError(f"an event field cannot hold {type(value).__name__}")


def field_docs(cls: type[DomainEvent]) -> list[tuple[str, str, str]]:
    """(wire name, JSON type, description) of each payload field, from ``Annotated`` hints."""
    hints = typing.get_type_hints(cls, include_extras=True)
    rows = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        hint = hints[f.name]
        doc = ""
        if typing.get_origin(hint) is typing.Annotated:
            hint, *meta = typing.get_args(hint)
            doc = next((m for m in meta if isinstance(m, str)), "")
        rows.append((_camel(f.name), _json_type(hint), doc))
    return rows


def _json_type(hint: Any) -> str:
    args = typing.get_args(hint)
    if type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return _json_type(inner[0]) + " or null"
    origin = typing.get_origin(hint)
    if origin in (list, tuple):
        return f"list of {_json_type(args[0])}"
    if origin is dict or hint is dict:
        return "object"
    names = {
        uuid.UUID: "id",
        datetime: "date-time",
        date: "date",
        int: "integer",
        str: "string",
        bool: "boolean",
        float: "number",
    }
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return " | ".join(str(m.value) for m in hint)
    return names.get(hint, getattr(hint, "__name__", str(hint)))
