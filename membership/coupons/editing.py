"""Changing a template after it is made.

Coupons carry their own validity, but read their value from the template when they are
redeemed: the discount, the minimum spend, the gift and the scopes. So those may change only
while no coupon of the template has been issued; afterwards a different offer is a new template.
Everything else may change at any time, for the coupons issued from then on (validity, code
pattern, issue limits) or for every coupon (name, budget, stacking, campaign code). A total limit
or a budget cannot go below what has been issued or given already.

The template's row is locked for the change, so it is counted against a consistent
``issuedCount`` and ``discountGiven``; every problem is reported at once, and nothing changes.
"""

from __future__ import annotations

import uuid
from dataclasses import fields, replace
from typing import Any

from tortoise.exceptions import IntegrityError

from membership.coupons.models import CouponTemplate
from membership.coupons.templates import TemplateDraft, build_template, validate
from membership.errors import DomainError, DomainErrors, ErrorCode
from tenants import audit
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = ["VALUE_FIELDS", "draft_of", "update_template"]

# What issued coupons read from the template when they are redeemed.
VALUE_FIELDS = (
    "amount_off",
    "percent_off",
    "max_discount",
    "min_spend",
    "gift_sku",
    "skus",
    "categories",
    "stores",
    "excluded_skus",
    "excluded_categories",
)
_DRAFT_FIELDS = tuple(f.name for f in fields(TemplateDraft))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def draft_of(template: CouponTemplate) -> TemplateDraft:
    """The draft a stored template would be made from."""
    draft = TemplateDraft(**{name: getattr(template, name) for name in _DRAFT_FIELDS})
    if template.valid_days is None:  # a fixed window has no start delay (stored as 0)
        draft.start_delay_days = None
    return draft


def _invalid(template: str, name: str, **params: object) -> DomainError:
    return DomainError(ErrorCode.INVALID, template, ["input", _camel(name)], **params)


def _problems(row: CouponTemplate, new: CouponTemplate, changed: list[str]) -> list[DomainError]:
    errors = []
    if row.issued_count > 0:
        errors += [
            _invalid(
                "Coupons of this template have been issued; what they are worth can no longer "
                "change. Make a new template for a new offer.",
                name,
            )
            for name in changed
            if name in VALUE_FIELDS
        ]
    if new.total_limit is not None and new.total_limit < row.issued_count:
        errors.append(
            _invalid(
                "{issued} coupons are issued already; the total limit cannot be lower.",
                "total_limit",
                issued=row.issued_count,
            )
        )
    if new.budget is not None and new.budget < row.discount_given:
        errors.append(
            _invalid(
                "{given} has been given already; the budget cannot be lower.",
                "budget",
                given=f"{row.discount_given // 100}.{row.discount_given % 100:02d}",
            )
        )
    return errors


async def update_template(
    ctx: RequestContext, template_id: uuid.UUID, changes: dict[str, Any]
) -> CouponTemplate:
    """Change the given fields of a template (``changes``: TemplateDraft field names other than
    ``kind``; ``None`` clears an optional one); every problem at once, or the changed template."""
    ctx.require(Permission.PROGRAMME_MANAGE)
    taken = _invalid("Another template has this campaign code.", "public_code")
    try:
        async with tenant_tx(ctx):
            row = await CouponTemplate.filter(id=template_id).select_for_update().first()
            if row is None:
                raise DomainError(ErrorCode.NOT_FOUND, "No such coupon template.", ["id"])
            draft = replace(draft_of(row), **changes)
            errors: list[DomainError] = []
            try:
                validate(draft)
            except DomainErrors as exc:
                errors += exc.errors
            new = build_template(ctx, draft)
            changed = [name for name in _DRAFT_FIELDS if getattr(new, name) != getattr(row, name)]
            reported = {tuple(e.field or ()) for e in errors}
            errors += [
                e for e in _problems(row, new, changed) if tuple(e.field or ()) not in reported
            ]
            if errors:
                raise DomainErrors(errors)
            if not changed:
                return row
            if (
                "public_code" in changed
                and new.public_code
                and await CouponTemplate.exists(public_code=new.public_code)
            ):
                raise taken
            before = {_camel(name): _plain(getattr(row, name)) for name in changed}
            for name in changed:
                setattr(row, name, getattr(new, name))
            row.updated_at = ctx.clock.now()
            await row.save(update_fields=[*changed, "updated_at"])
            await audit.record(
                ctx,
                "coupon_template.update",
                "coupon_template",
                row.id,
                before=before,
                after={_camel(name): _plain(getattr(row, name)) for name in changed},
            )
            return row
    except IntegrityError as exc:  # the same campaign code set at the same moment
        raise taken from exc


def _plain(value: object) -> object:
    """A value as the audit log keeps it (JSON)."""
    return value.isoformat() if hasattr(value, "isoformat") else value
