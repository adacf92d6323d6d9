"""The angle's own helpers: count test, weighted means, scopes."""

import pandas as pd
import pytest
from scipy import stats

from salesnb import stats as salesnb_stats
from salesnb.product import common


def test_count_test_allows_for_the_usual_spread():
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    steady = [10.0] * 12
    lumpy = [4.0, 16.0] * 6  # mean 10, far more spread than a Poisson count
    counts = pd.DataFrame([steady, lumpy], index=["steady", "lumpy"], columns=months)
    phi = common.month_dispersion(counts, months, 3)
    assert phi["steady"] == 1.0  # never below the Poisson spread
    assert phi["lumpy"] > 3
    p = salesnb_stats.count_below(pd.Series([3.0, 3.0], index=phi.index), pd.Series([10.0, 10.0], index=phi.index), phi)
    assert p[0] == pytest.approx(stats.poisson.cdf(3, 10)) and p[1] > 10 * p[0]
    assert (common.month_dispersion(counts.iloc[:, :4], months[:4], 3) == 1.0).all()  # one month to learn from: Poisson


def test_weighted_mean_and_its_standard_error():
    frame = pd.DataFrame({"x": [0.1, 0.3, None], "w": [1.0, 3.0, 5.0]})
    sums = common.weighted(frame, "x", "w", "d").sum().to_frame().T
    mean, se = common.weighted_mean(sums, "d")
    assert mean[0] == pytest.approx((0.1 + 0.9) / 4)  # the line without a value is left out
    # Σ w²(x − mean)² / (Σ w)²
    assert se[0] == pytest.approx(((0.1 - 0.25) ** 2 + 9 * (0.3 - 0.25) ** 2) ** 0.5 / 4)


def test_prefer_regions_drops_the_company_copy_only():
    found = [("ALL", ("a", 1), "company a"), ("华东", ("a", 1), "east a"), ("ALL", ("b", 1), "company b")]
    assert common.prefer_regions(found) == ["east a", "company b"]


def test_dispersion_around_the_tests_own_expectation():
    """φ is the mean squared Pearson residual against the expectation given (here a seasonal swing it follows)."""
    months = ["2026-01", "2026-02", "2026-03", "2026-04"]
    counts = pd.DataFrame([[10.0, 20.0, 10.0, 20.0], [10.0, 20.0, 10.0, 20.0]], index=["a", "b"], columns=months)
    followed = pd.DataFrame([[10.0, 20.0, 10.0, 20.0], [10.0, 15.0, 15.0, 15.0]], index=["a", "b"], columns=months)
    phi = common.dispersion_around(counts, followed, months)
    assert phi["a"] == 1.0  # the expectation followed the swing: Poisson spread (never below 1)
    assert phi["b"] == pytest.approx((0 + 25 / 15 + 25 / 15 + 25 / 15) / 4)
    assert (common.dispersion_around(counts, followed[months[:2]], months) == 1.0).all()  # two months: Poisson


def test_products_sharing_a_name_are_told_apart_by_their_id(tmp_path):
    from tiny import TABLES, write_tiny

    from salesnb.product.common import product_names
    from salesnb.report import open_report

    products = [{**row, "product_name": "扶手椅"} for row in TABLES["products"]]
    r = open_report(str(write_tiny(tmp_path, tables={**TABLES, "products": products})), "2026-10", "ALL")
    names = product_names(r.ds, pd.Series(["P2", "P1", "P9"]))
    assert names.tolist() == ["扶手椅（P2）", "扶手椅（P1）", "P9"]  # an unknown id shows itself
