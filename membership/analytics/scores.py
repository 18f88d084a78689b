"""Members' churn risk, and the analytics a journey condition may read.

The churn risk is ``1 - P(alive)`` of a BG/NBD model (``membership.analytics.churn``) fitted per
tenant on the worker from the roll-up's RFM inputs, in days: the repeat purchase days (purchase
days − 1), the days from the first to the last purchase day, and the days from the first purchase
day to the day of the fit. A member is scored with the tenant's latest fit, as of today, from the
same inputs; a member without orders has no score. The level is HIGH from 0.7, MEDIUM from 0.4.

The model is fitted again once a day (``fit_churn_model``); a tenant with too little history
(fewer than 20 buyers, or nobody who came back) has no model and no scores.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np

from membership.analytics.churn import BgNbd, fit_bgnbd
from membership.analytics.periods import tenant_today
from membership.analytics.rfm import Thresholds, class_of
from tenants.context import RequestContext
from tenants.permissions import Permission
from tenants.tx import tenant_tx

__all__ = [
    "ChurnModel",
    "ChurnRisk",
    "RiskLevel",
    "churn_model",
    "churn_risks",
    "fit_churn_model",
    "journey_facts",
]

HIGH, MEDIUM = 0.7, 0.4
# A light L2 pull on the (log) parameters: a tenant whose members all buy at one steady rate
# would otherwise drive the gamma's shape and rate to huge values.
PENALIZER = 0.001


class RiskLevel(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@dataclass(frozen=True)
class ChurnModel:
    params: BgNbd
    as_of: date  # the day of the fit
    members: int  # buyers it was fitted on
    log_likelihood: float
    converged: bool


@dataclass(frozen=True)
class ChurnRisk:
    risk: float  # 1 - P(alive)
    level: RiskLevel
    probability_alive: float
    repeat_purchase_days: int
    days_since_last_purchase: int
    typical_days_between_purchases: float | None  # none before a second purchase day
    expected_purchases_next_30_days: float | None  # none where the closed form cannot be evaluated
    model_as_of: date


def _level(risk: float) -> RiskLevel:
    return RiskLevel.HIGH if risk >= HIGH else RiskLevel.MEDIUM if risk >= MEDIUM else RiskLevel.LOW


_TRIPLES = """
SELECT purchase_days - 1 AS x, last_order_on - first_order_on AS t_x,
       $2::date - first_order_on AS t, count(*) AS n
FROM analytics_members WHERE tenant_id = $1 AND last_order_on <= $2
GROUP BY 1, 2, 3
"""


async def fit_churn_model(ctx: RequestContext) -> ChurnModel | None:
    """Fit the tenant's model on today's RFM inputs and keep it (none: too little history)."""
    today = tenant_today(ctx)
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(_TRIPLES, [ctx.tenant.id, today])
    model: ChurnModel | None = None
    if rows:
        x = np.array([r["x"] for r in rows], dtype=np.float64)
        t_x = np.array([r["t_x"] for r in rows], dtype=np.float64)
        t = np.array([r["t"] for r in rows], dtype=np.float64)
        n = np.array([r["n"] for r in rows], dtype=np.float64)
        try:
            fit = fit_bgnbd(x, t_x, t, weights=n, penalizer_coef=PENALIZER)
        except ValueError:
            fit = None
        if fit is not None:
            model = ChurnModel(fit.params, today, fit.n_members, fit.log_likelihood, fit.converged)
    stored = None
    if model is not None:
        stored = json.dumps(
            {
                "r": model.params.r,
                "alpha": model.params.alpha,
                "a": model.params.a,
                "b": model.params.b,
                "asOf": model.as_of.isoformat(),
                "members": model.members,
                "logLikelihood": model.log_likelihood,
                "converged": model.converged,
            }
        )
    async with tenant_tx(ctx) as conn:
        await conn.execute_query(
            "INSERT INTO analytics_state (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING",
            [ctx.tenant.id],
        )
        await conn.execute_query(
            "UPDATE analytics_state SET churn_model = $2::jsonb, churn_fitted_at = $3 "
            "WHERE tenant_id = $1",
            [ctx.tenant.id, stored, ctx.clock.now()],
        )
    return model


def _model_of(raw: Any) -> ChurnModel | None:
    if raw is None:
        return None
    data = json.loads(raw) if isinstance(raw, str) else raw
    return ChurnModel(
        BgNbd(float(data["r"]), float(data["alpha"]), float(data["a"]), float(data["b"])),
        date.fromisoformat(data["asOf"]),
        int(data["members"]),
        float(data["logLikelihood"]),
        bool(data["converged"]),
    )


async def churn_model(ctx: RequestContext) -> ChurnModel | None:
    """The tenant's latest fit."""
    ctx.require(Permission.ANALYTICS_READ)
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(
            "SELECT churn_model FROM analytics_state WHERE tenant_id = $1", [ctx.tenant.id]
        )
    return _model_of(rows[0]["churn_model"]) if rows else None


_MEMBERS = """
SELECT a.member_id, a.purchase_days, a.first_order_on, a.last_order_on, a.monetary,
       s.churn_model, s.buyers, s.last_days, s.purchase_days AS sum_days, s.monetary AS sum_money
FROM analytics_state s
LEFT JOIN analytics_members a ON a.tenant_id = s.tenant_id AND a.member_id = ANY($2::uuid[])
WHERE s.tenant_id = $1
"""


def _score(model: ChurnModel, today: date, rows: list[dict[str, Any]]) -> list[ChurnRisk]:
    x = np.array([r["purchase_days"] - 1 for r in rows], dtype=np.float64)
    t_x = np.array(
        [(r["last_order_on"] - r["first_order_on"]).days for r in rows], dtype=np.float64
    )
    t = np.array([max(0, (today - r["first_order_on"]).days) for r in rows], dtype=np.float64)
    t = np.maximum(t, t_x)
    alive = model.params.probability_alive(x, t_x, t)
    expected = model.params.expected_purchases(30.0, x, t_x, t)
    risks = []
    for i, r in enumerate(rows):
        risk = float(1.0 - alive[i])
        repeat = int(x[i])
        risks.append(
            ChurnRisk(
                risk=risk,
                level=_level(risk),
                probability_alive=float(alive[i]),
                repeat_purchase_days=repeat,
                days_since_last_purchase=(today - r["last_order_on"]).days,
                typical_days_between_purchases=float(t_x[i]) / repeat if repeat else None,
                expected_purchases_next_30_days=float(expected[i])
                if np.isfinite(expected[i])
                else None,
                model_as_of=model.as_of,
            )
        )
    return risks


async def churn_risks(
    ctx: RequestContext, member_ids: list[uuid.UUID]
) -> dict[uuid.UUID, ChurnRisk | None]:
    """The members' churn risk today, in one statement whatever their number."""
    ctx.require(Permission.MEMBERS_READ)
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(_MEMBERS, [ctx.tenant.id, member_ids])
    result: dict[uuid.UUID, ChurnRisk | None] = dict.fromkeys(member_ids)
    model = _model_of(rows[0]["churn_model"]) if rows else None
    scored = [dict(r) for r in rows if r["member_id"] is not None]
    if model is None or not scored:
        return result
    for row, risk in zip(scored, _score(model, tenant_today(ctx), scored), strict=True):
        result[row["member_id"]] = risk
    return result


async def journey_facts(
    ctx: RequestContext, member_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, float]]:
    """What conditions read of the analytics, per member: the RFM class today ('' without
    orders) and the churn risk (0.0 without a score), in one statement."""
    async with tenant_tx(ctx) as conn:
        _, rows = await conn.execute_query(_MEMBERS, [ctx.tenant.id, member_ids])
    facts: dict[uuid.UUID, tuple[str, float]] = dict.fromkeys(member_ids, ("", 0.0))
    scored = [dict(r) for r in rows if r["member_id"] is not None]
    if not scored:
        return facts
    today = tenant_today(ctx)
    state = scored[0]
    thresholds = Thresholds.from_state(
        today,
        int(state["buyers"]),
        int(state["last_days"]),
        int(state["sum_days"]),
        int(state["sum_money"]),
    )
    model = _model_of(state["churn_model"])
    risks = _score(model, today, scored) if model is not None else [None] * len(scored)
    for row, risk in zip(scored, risks, strict=True):
        cls = class_of(
            thresholds, (today - row["last_order_on"]).days, row["purchase_days"], row["monetary"]
        )
        facts[row["member_id"]] = (cls.value, risk.risk if risk is not None else 0.0)
    return facts
