from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesnb.models import customer_value as cv

CDNOW = Path(__file__).resolve().parent.parent / "data" / "cdnow_customers_summary.csv"


@pytest.fixture(scope="module")
def cdnow():
    return pd.read_csv(CDNOW)


def test_bgnbd_matches_the_published_cdnow_estimates(cdnow):
    assert len(cdnow) == 2357
    model = cv.fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])
    # Fader, Hardie & Lee (2005), "Counting your customers the easy way", CDNOW 1/10th sample, 39 weeks
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert getattr(model, name) == pytest.approx(value, rel=0.01), name
    assert model.log_likelihood == pytest.approx(-9582.4, abs=0.1)


def test_gamma_gamma_matches_the_published_cdnow_estimates(cdnow):
    model = cv.fit_gamma_gamma(cdnow["x"], cdnow["zbar"])
    # Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves", the 946 repeat buyers
    assert model.customers == 946
    for name, value in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        assert getattr(model, name) == pytest.approx(value, rel=0.01), name
    # conditional expected spend: shrinks a customer's mean towards the population mean γp/(q−1)
    spend = cv.expected_spend(model, [0, 2, 50], [0.0, 100.0, 100.0])
    assert spend[0] == pytest.approx(model.gamma * model.p / (model.q - 1))
    assert spend[0] < spend[1] < spend[2] < 100


def test_bgnbd_predictions(cdnow):
    model = cv.fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])
    x, t_x, big_t = np.array([0, 2, 2, 7]), np.array([0.0, 30.43, 5.0, 29.43]), np.array([38.86] * 4)
    alive = cv.p_alive(model, x, t_x, big_t)
    assert alive[0] == 1.0 and 0 < alive[2] < alive[1] < 1  # a long silence since the last purchase
    expected = cv.expected_purchases(model, 39, x, t_x, big_t)
    assert expected[1] == pytest.approx(1.226, abs=0.002)  # customer ID 1 of the sample (x=2, t_x=30.43, T=38.86)
    assert np.all(
        np.diff(cv.expected_purchases(model, np.array([1.0, 4, 13, 39])[:, None], 2, 30.43, 38.86).ravel()) > 0
    )
    # the population's expected purchases over the next 39 weeks, summed over customers, stays finite and positive
    total = cv.expected_purchases(model, 39, cdnow["x"], cdnow["t_x"], cdnow["T"]).sum()
    assert 1000 < total < 3000


def test_fit_recovers_simulated_parameters_and_predicts_a_holdout():
    rng = np.random.default_rng(3)
    r, alpha, a, b, n, weeks, later = 0.8, 6.0, 0.6, 3.0, 6000, 52.0, 26.0
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x, t_x, future = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in range(n):  # BG/NBD: purchases at rate λ; after each purchase the customer drops out with prob. p
        now, alive = 0.0, True
        while alive:
            now += rng.exponential(1 / lam[i])
            if now > weeks + later:
                break
            if now <= weeks:
                x[i], t_x[i] = x[i] + 1, now
            else:
                future[i] += 1
            alive = rng.random() > p[i]
    model = cv.fit_bgnbd(x, t_x, np.full(n, weeks))
    for name, value in {"r": r, "alpha": alpha, "a": a, "b": b}.items():
        assert getattr(model, name) == pytest.approx(value, rel=0.25), name
    predicted = cv.expected_purchases(model, later, x, t_x, np.full(n, weeks))
    assert predicted.sum() == pytest.approx(future.sum(), rel=0.05)
    high = x >= 5  # conditional predictions, not only the population mean
    assert predicted[high].sum() == pytest.approx(future[high].sum(), rel=0.1)


def test_summarise_hand_computed():
    orders = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "A", "B", "C"],
            "order_date": pd.to_datetime(
                ["2026-01-01", "2026-01-01", "2026-01-15", "2026-02-12", "2026-02-01", "2026-03-05"]
            ),
            "revenue": [100.0, 50.0, 30.0, 90.0, 70.0, 10.0],
        }
    )
    s = cv.summarise(orders, pd.Timestamp("2026-03-01"))
    assert list(s.index) == ["A", "B"]  # C buys after the end
    a = s.loc["A"]
    assert a["frequency"] == 2  # two purchase days after the first (the two orders of 01-01 are one purchase)
    assert a["recency"] == pytest.approx(6.0) and a["T"] == pytest.approx(59 / 7)  # 42 and 59 days
    assert a["monetary"] == pytest.approx(60.0) and a["first_value"] == 150 and a["total_value"] == 270
    assert s.loc["B", "frequency"] == 0 and s.loc["B", "monetary"] == 0.0


def test_fit_errors_and_fallbacks():
    with pytest.raises(cv.ModelFitError):
        cv.fit_bgnbd([0, 0, 0], [0, 0, 0], [10, 10, 10])
    with pytest.raises(cv.ModelFitError):
        cv.fit_gamma_gamma([0, 1], [0.0, 10.0])
    summary = pd.DataFrame(
        {"frequency": [0, 3, 0], "recency": [0.0, 8.0, 0.0], "T": [10.0, 10.0, 10.0], "monetary": [0.0, 20.0, 0.0],
         "total_value": [7.0, 80.0, 15.0]}
    )  # fmt: skip
    frame, model, spend = cv.customer_values(summary, 4.0)
    assert model.customers == 3 and spend is None  # one repeat buyer is too few for Gamma-Gamma
    assert frame["expected_spend"].tolist() == pytest.approx([7.0, 20.0, 15.0])  # own mean purchase
    assert (frame["expected_value"] >= 0).all() and frame["p_alive"].between(0, 1).all()


def test_expected_purchases_of_a_steady_clientele_are_not_lost():
    """Large r and α with a near 0 (customers buying every few days, none dropping out): ₂F₁ gave NaN, read as 0."""
    model = cv.BGNBD(r=68390.183, alpha=63738.925, a=0.0004, b=971.836, log_likelihood=0.0, customers=3)
    x, t_x, big_t = np.array([150.0, 160.0, 120.0]), np.array([132.0, 133.0, 130.0]), np.full(3, 134.5)
    expected = cv.expected_purchases(model, 31 / 7, x, t_x, big_t)
    no_dropout = (model.r + x) * (31 / 7) / (model.alpha + big_t)  # the mean rate of the alive × the horizon
    assert np.allclose(expected, no_dropout * cv.p_alive(model, x, t_x, big_t), rtol=1e-4)
    assert np.allclose(expected, [4.7521, 4.7528, 4.7498], atol=1e-3)


def test_the_integral_agrees_with_the_closed_form():
    """Where eq. 10 holds (CDNOW's published parameters), integrating over the dropout gives the same purchases."""
    model = cv.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, customers=5)
    x, t_x, big_t = np.array([0.0, 1, 2, 5, 10]), np.array([0.0, 20, 30, 35, 38]), np.full(5, 39.0)
    closed = cv.expected_purchases(model, 39.0, x, t_x, big_t) / cv.p_alive(model, x, t_x, big_t)
    assert np.allclose(cv._alive_purchases(model, 39.0, x, big_t), closed, rtol=1e-6)
