"""Every event type the platform writes, from each domain's ``events.py``: the list webhook
endpoints filter on, and the catalogue ``docs/events.md`` is generated from."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Annotated

import membership.coupons.events
import membership.journeys.events
import membership.members.events
import membership.messaging.events
import membership.orders.events
import membership.points.events
import membership.rewards.events
import membership.tasks.events
import membership.tiering.events  # noqa: F401  (each module registers its types on import)
from membership.outbox import EVENT_TYPES, DomainEvent, event_type, field_docs

__all__ = [
    "WebhookTest",
    "catalogue_markdown",
    "described_types",
    "is_known_pattern",
    "known_types",
]

_BEHAVIOUR = re.compile(r"^event\.[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,4}$")


@event_type("webhook.test")
@dataclass(frozen=True)
class WebhookTest(DomainEvent):
    """Sent to one endpoint when staff ask for a test delivery; never to any other."""

    endpoint_id: Annotated[uuid.UUID, "the endpoint tested"]
    message: Annotated[str, "a line saying this is a test"]


def known_types() -> list[str]:
    return sorted(EVENT_TYPES)


def described_types() -> list[tuple[str, int, str]]:
    """(type, version, description) of every event type, by type."""
    return [
        (name, cls.version, " ".join((cls.__doc__ or "").split()))
        for name, cls in sorted(EVENT_TYPES.items())
    ]


def is_known_pattern(wanted: str) -> bool:
    """A type an endpoint may filter on: a known type, ``event.<type>`` for behaviour events,
    or ``<prefix>.*`` covering known types."""
    if wanted in EVENT_TYPES or _BEHAVIOUR.match(wanted):
        return True
    if wanted.endswith(".*") and len(wanted) > 2:
        prefix = wanted[:-1]
        return any(t.startswith(prefix) for t in EVENT_TYPES)
    return False


def catalogue_markdown() -> str:
    """The body of docs/events.md (a test keeps the file equal to it): the platform's own event
    types only; a plugin documents its events itself."""
    lines = [
        "# Events",
        "",
        "Generated from each domain's `events.py` (`membership.event_types.catalogue_markdown`);",
        "a test keeps this file current.",
        "",
        "Every state change writes its event in the same transaction (the outbox). Webhooks",
        'deliver it as `{"type": …, "timestamp": …, "data": {…}}`, where `data` holds the',
        "fields below. A payload change a receiver could trip on is a new `version`; new fields",
        "may be added to a version at any time.",
        "",
        "| type | version |",
        "|---|---|",
    ]
    types = sorted((n, c) for n, c in EVENT_TYPES.items() if c.__module__.startswith("membership."))
    lines += [
        f"| [`{name}`](#{name.replace('.', '').replace('*', '')}) | {cls.version} |"
        for name, cls in types
    ]
    for name, cls in types:
        lines += ["", f"## {name}", "", " ".join((cls.__doc__ or "").split()), ""]
        lines += ["| field | type | meaning |", "|---|---|---|"]
        lines += [f"| `{f}` | {t} | {doc} |" for f, t, doc in field_docs(cls)]
    return "\n".join(lines) + "\n"
