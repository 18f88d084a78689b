"""Every event type is declared once, in its domain's events.py, and documented from the code."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from membership.event_types import catalogue_markdown, is_known_pattern, known_types
from membership.outbox import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    p
    for folder in ("membership", "workers", "resolvers", "schema", "tenants", "plugins")
    for p in (ROOT / folder).rglob("*.py")
]


def test_docs_events_md_is_generated_from_the_code() -> None:
    assert (ROOT / "docs" / "events.md").read_text() == catalogue_markdown(), (
        "docs/events.md is stale: write membership.event_types.catalogue_markdown() to it"
    )


def test_the_contracts_event_types_exist() -> None:
    for name in (
        "member.created",
        "member.updated",
        "points.changed",
        "order.recorded",
        "order.refunded",
        "tier.changed",
        "coupon.issued",
        "coupon.redeemed",
        "reward.redeemed",
    ):
        assert name in known_types()
    assert is_known_pattern("event.product.viewed") and is_known_pattern("coupon.*")
    assert not is_known_pattern("coupon.exploded") and not is_known_pattern("nothing.*")


def test_every_event_is_a_frozen_dataclass_declared_in_an_events_module() -> None:
    for name, cls in EVENT_TYPES.items():
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, name  # type: ignore[attr-defined]
        assert cls.__module__.endswith(".events") or cls.__module__ == "membership.event_types"


def test_no_event_type_is_typed_as_a_string_where_events_are_written() -> None:
    """emit() takes an event object, and only the outbox module writes outbox rows by hand
    (besides the fast paths, which take their values from outbox_row)."""
    emits_a_string = re.compile(r"\bemit\(\s*ctx\s*,\s*[\"']")
    inserts = re.compile(r"INSERT INTO outbox", re.IGNORECASE)
    writers = set()
    for path in SOURCES:
        text = path.read_text()
        assert not emits_a_string.search(text), path
        if inserts.search(text):
            writers.add(path.relative_to(ROOT).as_posix())
            if path.name != "outbox.py":
                assert "outbox_row" in text, path
    assert writers <= {
        "membership/outbox.py",
        "membership/points/ledger/_one_statement.py",
        "membership/webhooks/deliveries.py",
        "membership/migrations/0001_foundation.py",
    }, writers
