"""Events of consent and messages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from membership.outbox import DomainEvent, event_type

__all__ = [
    "ConsentChanged",
    "MessageDelivered",
    "MessageEvent",
    "MessageFailed",
    "MessageSent",
    "MessageSkipped",
]


@event_type("consent.changed")
@dataclass(frozen=True)
class ConsentChanged(DomainEvent):
    """A member granted or withdrew consent for a channel and purpose."""

    member_id: Annotated[uuid.UUID, "the member"]
    channel: Annotated[str, "SMS, WECHAT_TEMPLATE, WECHAT_SUBSCRIBE or WECOM"]
    purpose: Annotated[str, "what the consent is for: marketing, service…"]
    granted: Annotated[bool, "true for a grant, false for a withdrawal"]
    source: Annotated[str | None, "where it was given: pos, mini-program, import…"]


@dataclass(frozen=True)
class MessageEvent(DomainEvent):
    member_id: Annotated[uuid.UUID | None, "the member messaged"]
    message_id: Annotated[uuid.UUID, "the message"]
    channel: Annotated[str, "the channel it went on"]
    template: Annotated[str | None, "the template's name"]
    purpose: Annotated[str, "marketing, service…"]
    cause: Annotated[str, "what asked for it (a journey step, an API call's key…)"]
    reason: Annotated[str | None, "why it was not sent, for skipped and failed messages"]


@event_type("message.sent")
@dataclass(frozen=True)
class MessageSent(MessageEvent):
    """A provider accepted a message."""


@event_type("message.delivered")
@dataclass(frozen=True)
class MessageDelivered(MessageEvent):
    """A provider reported that a message reached the member."""


@event_type("message.failed")
@dataclass(frozen=True)
class MessageFailed(MessageEvent):
    """A message could not be sent, or the provider reported it undelivered."""


@event_type("message.skipped")
@dataclass(frozen=True)
class MessageSkipped(MessageEvent):
    """The send policy held a message back (no consent, no credit, the frequency cap…)."""
