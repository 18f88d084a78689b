"""Churn risk from the BG/NBD model ("Counting your customers the easy way", Fader, Hardie & Lee 2005).

The model in plain words. While a member is "alive" they buy at their own steady rate; rates
differ between members and follow a gamma distribution (shape ``r``, rate ``alpha``). Right after
each *repeat* purchase a member may quietly leave for good, with their own probability ``p``;
those probabilities follow a beta distribution (``a``, ``b``). We never see anyone leave, only
purchases, so a member who used to buy often and has been silent for long is probably gone, while
a member who rarely buys and has been silent for the same time may well still be around.

Per member, as of a date, the model needs three numbers, all in days:

* ``x``   - repeat purchase days: distinct days with an order, minus the first one;
* ``t_x`` - days from the first to the last purchase day ("recency");
* ``T``   - days from the first purchase day to the as-of date ("age").

The four parameters are fitted per tenant by maximum likelihood on these triples. The churn risk
of a member is ``1 - P(alive)``, with ``P(alive)`` in closed form (the paper's eq. 11); a member
with no repeat purchase has ``P(alive) = 1`` in this model, because leaving only happens right
after a repeat purchase.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypedDict

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

__all__ = [
    "BgNbd",
    "ChurnDrivers",
    "FitResult",
    "SimulatedMembers",
    "churn_risk",
    "drivers",
    "fit_bgnbd",
    "group_members",
    "simulate_bgnbd",
    "simulate_bgnbd_members",
]

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

MIN_MEMBERS = 20


def _arrays(
    x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    xs, ts, Ts = np.broadcast_arrays(
        np.asarray(x, dtype=np.float64),
        np.asarray(t_x, dtype=np.float64),
        np.asarray(T, dtype=np.float64),
    )
    return xs, ts, Ts


@dataclass(frozen=True)
class BgNbd:
    """BG/NBD parameters: purchase rates ~ Gamma(r, alpha), dropout probabilities ~ Beta(a, b).

    ``alpha`` is in days (the time unit of ``t_x`` and ``T``); ``r``, ``a`` and ``b`` have no unit.
    """

    r: float
    alpha: float
    a: float
    b: float

    def log_likelihood_per_member(self, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> FloatArray:
        """Log of the paper's eq. 6 for each member: the chance of seeing exactly this history."""
        xs, ts, Ts = _arrays(x, t_x, T)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        # Shared factor: Gamma(r+x) alpha^r / Gamma(r) * B(a, b+x) / B(a, b).
        common = (
            special.gammaln(r + xs)
            - special.gammaln(r)
            + r * math.log(alpha)
            + special.gammaln(a + b)
            + special.gammaln(b + xs)
            - special.gammaln(b)
            - special.gammaln(a + b + xs)
        )
        # Still alive at T ...
        still_alive = -(r + xs) * np.log(alpha + Ts)
        # ... or left right after the last (x-th) repeat purchase; impossible when x == 0.
        repeat = xs > 0
        safe_gap = np.where(repeat, b + xs - 1.0, 1.0)
        left = np.where(
            repeat,
            math.log(a) - np.log(safe_gap) - (r + xs) * np.log(alpha + ts),
            -np.inf,
        )
        result: FloatArray = common + np.logaddexp(still_alive, left)
        return result

    def log_likelihood(
        self, x: ArrayLike, t_x: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None
    ) -> float:
        """Total log-likelihood of the members (each triple counted ``weights`` times if given)."""
        per_member = self.log_likelihood_per_member(x, t_x, T)
        if weights is None:
            return float(per_member.sum())
        return float(np.dot(per_member, np.asarray(weights, dtype=np.float64)))

    def _odds_gone(self, xs: FloatArray, ts: FloatArray, Ts: FloatArray) -> FloatArray:
        """P(gone) / P(alive) given the history: a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)."""
        repeat = xs > 0
        safe_gap = np.where(repeat, self.b + xs - 1.0, 1.0)
        log_odds = (
            math.log(self.a)
            - np.log(safe_gap)
            + (self.r + xs) * (np.log(self.alpha + Ts) - np.log(self.alpha + ts))
        )
        odds: FloatArray = np.where(repeat, np.exp(log_odds), 0.0)
        return odds

    def probability_alive(self, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> FloatArray:
        """P(alive at T | x, t_x, T), the paper's eq. 11; exactly 1 when ``x == 0``."""
        xs, ts, Ts = _arrays(x, t_x, T)
        result: FloatArray = 1.0 / (1.0 + self._odds_gone(xs, ts, Ts))
        return result

    def expected_purchases(
        self, t: ArrayLike, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Expected repeat purchases in the next ``t`` days given the history (the paper's eq. 10)."""
        ts_future = np.asarray(t, dtype=np.float64)
        xs, ts, Ts = _arrays(x, t_x, T)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = ts_future / (alpha + Ts + ts_future)
        hyp = special.hyp2f1(r + xs, b + xs, a + b + xs - 1.0, z)
        shrink = np.exp((r + xs) * (np.log(alpha + Ts) - np.log(alpha + Ts + ts_future)))
        numerator = (a + b + xs - 1.0) / (a - 1.0) * (1.0 - shrink * hyp)
        result: FloatArray = numerator / (1.0 + self._odds_gone(xs, ts, Ts))
        return result


@dataclass(frozen=True)
class FitResult:
    """A fitted model and how the fit went."""

    params: BgNbd
    log_likelihood: float
    n_members: int
    converged: bool
    message: str = ""


def group_members(
    x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Collapse identical (x, t_x, T) triples into one row each with a count.

    With whole days, a tenant's million members fall into far fewer distinct triples, and the
    likelihood only needs each distinct triple once, weighted by how often it occurs.
    """
    xs, ts, Ts = _arrays(x, t_x, T)
    stacked = np.stack([xs.ravel(), ts.ravel(), Ts.ravel()], axis=1)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return unique[:, 0], unique[:, 1], unique[:, 2], counts.astype(np.float64)


def fit_bgnbd(
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    penalizer_coef: float = 0.0,
    initial: BgNbd | None = None,
) -> FitResult:
    """Fit BG/NBD by maximum likelihood; identical triples are grouped first.

    ``weights`` counts how many members each triple stands for (defaults to one each).
    ``penalizer_coef`` adds ``coef * (r² + alpha² + a² + b²)`` to the mean negative
    log-likelihood (``alpha`` measured on the internal time scale, where the oldest member is
    10 units old), which keeps small or odd tenants from drifting to extreme parameters.

    Raises ``ValueError`` with fewer than 20 members, without any repeat purchase, or on
    inconsistent inputs (negative counts, recency beyond age).
    """
    xs, ts, Ts = _arrays(x, t_x, T)
    xs, ts, Ts = xs.ravel(), ts.ravel(), Ts.ravel()
    ws = (
        np.ones_like(xs)
        if weights is None
        else np.broadcast_to(np.asarray(weights, dtype=np.float64), xs.shape).copy()
    )
    if np.any(xs < 0) or np.any(ts < 0) or np.any(ts > Ts) or np.any(ws < 0):
        raise ValueError(
            "x, t_x and weights must be non-negative and t_x (first to last purchase) "
            "must not exceed T (first purchase to as-of date)"
        )
    if np.any((xs == 0) & (ts != 0)):
        raise ValueError("members without repeat purchases must have t_x == 0")
    n_members = round(float(ws.sum()))
    if n_members < MIN_MEMBERS:
        raise ValueError(
            f"too little data to fit churn risk: {n_members} members, need at least {MIN_MEMBERS}"
        )
    if not np.any((xs > 0) & (ws > 0)):
        raise ValueError("too little data to fit churn risk: no member has a repeat purchase yet")

    if weights is None:
        xs, ts, Ts, ws = group_members(xs, ts, Ts)
    # Work on a time scale where the oldest member is 10 units old: alpha is then of order one,
    # like the other parameters, which keeps the optimiser well conditioned.
    scale = 10.0 / float(Ts.max())
    ts_s, Ts_s = ts * scale, Ts * scale
    total = float(ws.sum())

    def objective(log_params: FloatArray) -> float:
        r, alpha, a, b = np.exp(log_params)
        model = BgNbd(float(r), float(alpha), float(a), float(b))
        ll = model.log_likelihood(xs, ts_s, Ts_s, ws) / total
        penalty = penalizer_coef * float(np.sum(np.exp(2.0 * log_params)))
        value = -ll + penalty
        return value if math.isfinite(value) else 1e300

    start = (
        np.log([initial.r, initial.alpha * scale, initial.a, initial.b])
        if initial is not None
        else np.zeros(4)
    )
    bounds = [(-12.0, 12.0)] * 4
    result = optimize.minimize(objective, start, method="L-BFGS-B", bounds=bounds)
    if not result.success:
        polished = optimize.minimize(
            objective,
            result.x,
            method="Nelder-Mead",
            options={"xatol": 1e-7, "fatol": 1e-10, "maxiter": 4000},
        )
        if polished.fun <= result.fun:
            result = polished
    r, alpha_s, a, b = (float(v) for v in np.exp(result.x))
    params = BgNbd(r=r, alpha=alpha_s / scale, a=a, b=b)
    return FitResult(
        params=params,
        log_likelihood=params.log_likelihood(xs, ts, Ts, ws),
        n_members=n_members,
        converged=bool(result.success),
        message=str(result.message),
    )


def churn_risk(params: BgNbd, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> FloatArray:
    """Churn risk = 1 - P(alive): the chance the member has already left for good."""
    result: FloatArray = 1.0 - params.probability_alive(x, t_x, T)
    return result


class ChurnDrivers(TypedDict):
    """What a member page can show next to the risk score."""

    churn_risk: float
    repeat_purchase_days: int
    days_since_last_purchase: float
    typical_days_between_purchases: float | None
    expected_purchases_next_30_days: float


def drivers(params: BgNbd, x: float, t_x: float, T: float) -> ChurnDrivers:
    """Explain one member's score in plain terms.

    The risk grows when the silence since the last purchase (``T - t_x``) is long compared with
    the member's own typical gap between purchase days (``t_x / x``), and it is more certain
    the more repeat purchase days there are to judge by. A member without a repeat purchase has
    no typical gap (``None``) and, in this model, a risk of zero.
    """
    return ChurnDrivers(
        churn_risk=float(churn_risk(params, x, t_x, T)),
        repeat_purchase_days=int(x),
        days_since_last_purchase=float(T - t_x),
        typical_days_between_purchases=float(t_x / x) if x > 0 else None,
        expected_purchases_next_30_days=float(params.expected_purchases(30.0, x, t_x, T)),
    )


@dataclass(frozen=True)
class SimulatedMembers:
    """Members drawn from the model, with the truth the data alone cannot show."""

    x: FloatArray
    t_x: FloatArray
    T: FloatArray
    alive: npt.NDArray[np.bool_]
    future_purchases: FloatArray


def simulate_bgnbd_members(
    params: BgNbd,
    n: int,
    T_days: ArrayLike,
    rng: np.random.Generator,
    *,
    holdout_days: float = 0.0,
) -> SimulatedMembers:
    """Draw ``n`` members from the generative process, observed ``T_days`` after their first purchase.

    Each member gets a purchase rate ~ Gamma(r, alpha) and a dropout probability ~ Beta(a, b);
    they buy as a Poisson process and leave right after each repeat purchase with that
    probability. ``future_purchases`` counts purchases in the ``holdout_days`` after ``T``.
    """
    Ts = np.broadcast_to(np.asarray(T_days, dtype=np.float64), (n,)).copy()
    lam = rng.gamma(params.r, 1.0 / params.alpha, size=n)
    p = rng.beta(params.a, params.b, size=n)
    # The repeat purchase after which the member leaves (1st, 2nd, ...).
    leaves_after = rng.geometric(p)
    would_buy = rng.poisson(lam * Ts)
    x = np.minimum(would_buy, leaves_after)
    # Given m Poisson purchases in (0, T], their times are m sorted uniforms; the x-th of m
    # sorted uniforms is Beta(x, m - x + 1).
    repeat = x > 0
    t_x = np.zeros(n)
    t_x[repeat] = Ts[repeat] * rng.beta(x[repeat], would_buy[repeat] - x[repeat] + 1)
    alive = leaves_after > would_buy
    future = np.where(
        alive, np.minimum(rng.poisson(lam * holdout_days), leaves_after - would_buy), 0
    )
    return SimulatedMembers(
        x=x.astype(np.float64),
        t_x=t_x,
        T=Ts,
        alive=alive,
        future_purchases=future.astype(np.float64),
    )


def simulate_bgnbd(
    params: BgNbd, n: int, T_days: ArrayLike, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Draw ``n`` members' (x, t_x, T) from the model; see ``simulate_bgnbd_members``."""
    members = simulate_bgnbd_members(params, n, T_days, rng)
    return members.x, members.t_x, members.T
