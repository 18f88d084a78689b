"""Card products: what a gym sells (月卡/年卡 by days, 次卡 by visits), with a price in fen.

A TIME product has ``days`` (1–3660) and no ``visits``. A VISITS product has ``visits``
(1–1000) and may have ``days`` as the validity of its visits (none: they never expire). Every
problem of a product is reported at once, each at its field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from plugins.api.data import DomainError, DomainErrors, ErrorCode, fetch, tenant_transaction

if TYPE_CHECKING:
    from tortoise.backends.base.client import BaseDBAsyncClient

    from tenants.context import RequestContext

__all__ = [
    "Kind",
    "Product",
    "ProductDraft",
    "check_product",
    "create_product",
    "ensure_product",
    "list_products",
    "product_from",
]

Kind = Literal["TIME", "VISITS"]
MAX_DAYS = 3660
MAX_VISITS = 1000
MAX_PRICE = 2**53 - 1  # what an order's amount may be


@dataclass(frozen=True)
class ProductDraft:
    name: str
    kind: Kind
    days: int | None
    visits: int | None
    price: int  # fen


@dataclass(frozen=True)
class Product:
    id: uuid.UUID
    name: str
    kind: Kind
    days: int | None
    visits: int | None
    price: int


def product_from(row: dict[str, Any], prefix: str = "") -> Product:
    """A product from a row (its columns, optionally named ``<prefix>name``…)."""
    return Product(
        id=row[f"{prefix}id"],
        name=row[f"{prefix}name"],
        kind=row[f"{prefix}kind"],
        days=row[f"{prefix}days"],
        visits=row[f"{prefix}visits"],
        price=row[f"{prefix}price"],
    )


def check_product(draft: ProductDraft, field: tuple[str, ...] = ("input",)) -> ProductDraft:
    """The draft with its name trimmed, or every problem at once (DomainErrors)."""
    problems: list[DomainError] = []
    name = draft.name.strip()

    def bad(at: str, message: str, **params: object) -> None:
        problems.append(DomainError(ErrorCode.INVALID, message, [*field, at], **params))

    if not 1 <= len(name) <= 50:
        bad("name", "A card product's name has 1 to 50 characters.")
    if draft.kind == "TIME":
        if draft.days is None:
            bad("days", "A TIME card needs its days.")
        if draft.visits is not None:
            bad("visits", "A TIME card has no visits; leave them out.")
    else:
        if draft.visits is None:
            bad("visits", "A VISITS card needs its visits.")
        elif not 1 <= draft.visits <= MAX_VISITS:
            bad("visits", "Give 1 to {max} visits.", max=MAX_VISITS)
    if draft.days is not None and not 1 <= draft.days <= MAX_DAYS:
        bad("days", "Give 1 to {max} days.", max=MAX_DAYS)
    if not 0 <= draft.price <= MAX_PRICE:
        bad("price", "A price is 0 or more (in fen).")
    if problems:
        raise DomainErrors(problems)
    return ProductDraft(name, draft.kind, draft.days, draft.visits, draft.price)


async def _insert(
    ctx: RequestContext, conn: BaseDBAsyncClient, draft: ProductDraft
) -> list[dict[str, Any]]:
    return await fetch(
        conn,
        "INSERT INTO gym_products (tenant_id, id, name, kind, days, visits, price, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant_id, name) DO NOTHING "
        "RETURNING id, name, kind, days, visits, price",
        ctx.tenant.id,
        uuid.uuid4(),
        draft.name,
        draft.kind,
        draft.days,
        draft.visits,
        draft.price,
        ctx.clock.now(),
    )


async def create_product(ctx: RequestContext, draft: ProductDraft) -> Product:
    """A new product; DUPLICATE when the tenant has one of that name. The caller checks the
    permission."""
    draft = check_product(draft)
    async with tenant_transaction(ctx) as conn:
        rows = await _insert(ctx, conn, draft)
    if not rows:
        raise DomainError(
            ErrorCode.DUPLICATE,
            "There is a card product named {name} already.",
            ["input", "name"],
            name=draft.name,
        )
    return product_from(rows[0])


async def ensure_product(ctx: RequestContext, draft: ProductDraft) -> Product:
    """The product named ``draft.name``: made unless the tenant has it (kept as it is)."""
    draft = check_product(draft)
    async with tenant_transaction(ctx) as conn:
        rows = await _insert(ctx, conn, draft)
        if not rows:
            rows = await fetch(
                conn,
                "SELECT id, name, kind, days, visits, price FROM gym_products WHERE name = $1",
                draft.name,
            )
    return product_from(rows[0])


async def list_products(ctx: RequestContext) -> list[Product]:
    """The tenant's products, by name."""
    async with tenant_transaction(ctx) as conn:
        rows = await fetch(
            conn, "SELECT id, name, kind, days, visits, price FROM gym_products ORDER BY name"
        )
    return [product_from(r) for r in rows]
