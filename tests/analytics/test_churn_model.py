"""The BG/NBD churn model: formulas against hand computation, fits against simulated truth."""

from __future__ import annotations

import math

import numpy as np
import pytest

from membership.analytics.churn import (
    BgNbd,
    churn_risk,
    drivers,
    fit_bgnbd,
    group_members,
    simulate_bgnbd,
    simulate_bgnbd_members,
)

TRUE = BgNbd(r=0.25, alpha=4.0, a=0.8, b=2.5)
# The paper's estimates for the CDNOW sample, in weeks.
CDNOW = BgNbd(r=0.243, alpha=4.414, a=0.793, b=2.426)


def _beta(p: float, q: float) -> float:
    return math.gamma(p) * math.gamma(q) / math.gamma(p + q)


def _likelihood_by_hand(m: BgNbd, x: int, t_x: float, T: float) -> float:
    """The paper's eq. 6, written out term by term."""
    r, alpha, a, b = m.r, m.alpha, m.a, m.b
    nbd = math.gamma(r + x) * math.pow(alpha, r) / math.gamma(r)
    alive = _beta(a, b + x) / _beta(a, b) * nbd / math.pow(alpha + T, r + x)
    if x == 0:
        return alive
    left = _beta(a + 1, b + x - 1) / _beta(a, b) * nbd / math.pow(alpha + t_x, r + x)
    return alive + left


def _hyp2f1_series(a: float, b: float, c: float, z: float) -> float:
    term, total, k = 1.0, 1.0, 0
    while abs(term) > 1e-16 * abs(total):
        term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        total += term
        k += 1
    return total


def _days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Members whose first purchase lies 180 to 550 days before the as-of date."""
    return rng.uniform(180.0, 550.0, n)


@pytest.mark.parametrize(("x", "t_x", "T"), [(2, 30.43, 38.86), (0, 0.0, 38.86), (7, 12.0, 52.0)])
def test_likelihood_matches_the_formula_computed_by_hand(x: int, t_x: float, T: float) -> None:
    expected = math.log(_likelihood_by_hand(CDNOW, x, t_x, T))

    assert CDNOW.log_likelihood(x, t_x, T) == pytest.approx(expected, rel=1e-12)
    vectorised = CDNOW.log_likelihood_per_member([x, x], [t_x, t_x], [T, T])
    assert vectorised == pytest.approx([expected, expected], rel=1e-12)


def test_probability_alive_matches_the_formula_computed_by_hand() -> None:
    m, x, t_x, T = CDNOW, 2, 30.43, 38.86
    odds = m.a / (m.b + x - 1) * ((m.alpha + T) / (m.alpha + t_x)) ** (m.r + x)

    assert float(m.probability_alive(x, t_x, T)) == pytest.approx(1 / (1 + odds), rel=1e-12)


def test_expected_purchases_match_the_formula_computed_by_hand() -> None:
    m, x, t_x, T, t = CDNOW, 2, 30.43, 38.86, 39.0
    hyp = _hyp2f1_series(m.r + x, m.b + x, m.a + m.b + x - 1, t / (m.alpha + T + t))
    head = (m.a + m.b + x - 1) / (m.a - 1)
    tail = 1 - ((m.alpha + T) / (m.alpha + T + t)) ** (m.r + x) * hyp
    odds = m.a / (m.b + x - 1) * ((m.alpha + T) / (m.alpha + t_x)) ** (m.r + x)

    assert float(m.expected_purchases(t, x, t_x, T)) == pytest.approx(
        head * tail / (1 + odds), rel=1e-10
    )


def test_probability_alive_is_one_without_repeat_purchases() -> None:
    T = np.array([1.0, 30.0, 365.0, 2000.0])

    assert np.array_equal(TRUE.probability_alive(0, 0.0, T), np.ones(4))
    assert np.array_equal(churn_risk(TRUE, 0, 0.0, T), np.zeros(4))


def test_probability_alive_falls_as_the_silence_grows() -> None:
    last_purchase = np.arange(360.0, -1.0, -30.0)  # ever longer ago, T fixed

    p_alive = TRUE.probability_alive(5, last_purchase, 365.0)

    assert np.all(np.diff(p_alive) < 0)


def test_probability_alive_rises_with_repeat_purchases_when_the_last_one_is_recent() -> None:
    p_alive = TRUE.probability_alive(np.arange(1, 30), 360.0, 365.0)

    assert np.all(np.diff(p_alive) > 0)


def test_likelihood_is_highest_at_the_true_parameters() -> None:
    rng = np.random.default_rng(11)
    x, t_x, T = simulate_bgnbd(TRUE, 20_000, _days(rng, 20_000), rng)
    at_truth = TRUE.log_likelihood(x, t_x, T)

    for name in ("r", "alpha", "a", "b"):
        for factor in (0.8, 1.25):
            value = getattr(TRUE, name) * factor
            perturbed = BgNbd(**{**TRUE.__dict__, name: value})
            assert perturbed.log_likelihood(x, t_x, T) < at_truth, (name, factor)


def test_fit_recovers_the_parameters_of_simulated_members() -> None:
    rng = np.random.default_rng(2024)
    n = 30_000
    x, t_x, T = simulate_bgnbd(TRUE, n, np.round(_days(rng, n)), rng)
    t_x = np.minimum(np.round(t_x), T)  # whole days, as the platform records them

    fit = fit_bgnbd(x, t_x, T)

    assert fit.converged
    assert fit.n_members == n
    # Across seeds the estimates stay within about 3 % of the truth at this size.
    assert fit.params.r == pytest.approx(TRUE.r, rel=0.08)
    assert fit.params.alpha == pytest.approx(TRUE.alpha, rel=0.10)
    assert fit.params.a == pytest.approx(TRUE.a, rel=0.10)
    assert fit.params.b == pytest.approx(TRUE.b, rel=0.12)
    assert fit.log_likelihood >= TRUE.log_likelihood(x, t_x, T)


def test_grouped_weights_give_the_same_fit_as_one_row_per_member() -> None:
    rng = np.random.default_rng(5)
    x, t_x, T = simulate_bgnbd(TRUE, 3_000, 200.0, rng)
    t_x = np.round(t_x)
    gx, gt, gT, counts = group_members(x, t_x, T)
    assert len(gx) < len(x)

    by_member = fit_bgnbd(x, t_x, T)
    by_group = fit_bgnbd(gx, gt, gT, weights=counts)

    assert by_group.n_members == by_member.n_members == 3_000
    assert by_group.log_likelihood == pytest.approx(by_member.log_likelihood, rel=1e-9)
    assert by_group.params.r == pytest.approx(by_member.params.r, rel=1e-3)
    assert by_group.params.b == pytest.approx(by_member.params.b, rel=1e-3)


def test_probability_alive_is_calibrated_against_simulated_truth() -> None:
    rng = np.random.default_rng(7)
    members = simulate_bgnbd_members(TRUE, 50_000, _days(rng, 50_000), rng)
    assert members.alive[members.x == 0].all()  # nobody leaves before a repeat purchase
    repeat = members.x > 0
    p_alive = TRUE.probability_alive(members.x[repeat], members.t_x[repeat], members.T[repeat])
    alive = members.alive[repeat]

    for decile in np.array_split(np.argsort(p_alive), 10):
        assert p_alive[decile].mean() == pytest.approx(alive[decile].mean(), abs=0.03)


def test_expected_purchases_match_simulated_future_purchases() -> None:
    rng = np.random.default_rng(8)
    members = simulate_bgnbd_members(TRUE, 50_000, _days(rng, 50_000), rng, holdout_days=60.0)

    predicted = TRUE.expected_purchases(60.0, members.x, members.t_x, members.T)

    assert predicted.mean() == pytest.approx(members.future_purchases.mean(), rel=0.05)


def test_drivers_explain_one_member_in_plain_numbers() -> None:
    explained = drivers(TRUE, 4, 120.0, 300.0)

    assert explained["repeat_purchase_days"] == 4
    assert explained["days_since_last_purchase"] == 180.0
    assert explained["typical_days_between_purchases"] == 30.0
    assert explained["churn_risk"] == pytest.approx(1 - float(TRUE.probability_alive(4, 120, 300)))
    recent = drivers(TRUE, 4, 290.0, 300.0)
    assert explained["expected_purchases_next_30_days"] > 0
    assert explained["expected_purchases_next_30_days"] < recent["expected_purchases_next_30_days"]
    assert explained["churn_risk"] > recent["churn_risk"]
    assert drivers(TRUE, 0, 0.0, 300.0)["typical_days_between_purchases"] is None


def test_fit_refuses_too_few_members() -> None:
    with pytest.raises(ValueError, match="at least 20"):
        fit_bgnbd([1, 2, 0] * 6, [10, 20, 0] * 6, [30, 30, 30] * 6)


def test_fit_refuses_members_without_repeat_purchases() -> None:
    with pytest.raises(ValueError, match="no member has a repeat purchase"):
        fit_bgnbd(np.zeros(100), np.zeros(100), np.full(100, 90.0))


def test_fit_refuses_recency_beyond_age() -> None:
    with pytest.raises(ValueError, match="must not exceed T"):
        fit_bgnbd(np.ones(50), np.full(50, 100.0), np.full(50, 90.0))
