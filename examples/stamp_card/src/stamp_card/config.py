"""What a tenant sets when it enables the stamp card: validated by the platform on
``enablePlugin``, and its JSON Schema is the form the admin shows."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["NAME", "StampCardConfig"]

NAME = "stamp-card"  # the entry-point name: what tenants enable and errors name


class StampCardConfig(BaseModel):
    """One tenant's stamp card."""

    model_config = ConfigDict(extra="forbid")

    card_name: str = Field(
        "集点卡",
        min_length=1,
        max_length=20,
        title="Card name",
        description="What staff and members call the card.",
    )
    stamps_needed: int = Field(
        10, ge=1, le=50, title="Stamps for a full card", description="From 1 to 50."
    )
    reward_points: int = Field(
        500,
        ge=0,
        le=1_000_000,
        title="Points for a full card",
        description="Granted when the last stamp fills the card; 0 grants none.",
    )
    min_order_amount: int = Field(
        0,
        ge=0,
        title="Minimum order (fen)",
        description="A recorded order of at least this amount earns a stamp; 0: every paid order.",
    )
    lapse_after_days: int | None = Field(
        None,
        ge=1,
        le=3650,
        title="Stamps lapse after (days)",
        description="A card with no new stamp for this many days starts over; empty: never.",
    )
