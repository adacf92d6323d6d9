"""客户终身价值's note when the Gamma-Gamma spend model is not used: how many repeat buyers, and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny import write_tiny

from market.helpers import steady_report
from salesnb import market
from salesnb.errors import ModelFitError
from salesnb.models import customer_value
from salesnb.report import open_report


def test_an_unfitted_spend_model_keeps_the_repeat_buyers_count_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 regulars buy every month: the note must not say 0 repeat buyers, nor that there are too few."""

    def no_fit(*args: object, **kwargs: object) -> None:
        raise ModelFitError("spend too uneven")

    monkeypatch.setattr(customer_value, "fit_gamma_gamma", no_fit)
    note = market.clv_panel(steady_report(tmp_path)).note
    assert "p=—, q=—, γ=—（30 个复购客户）" in note
    assert "单次购买金额差异过大" in note and "复购客户太少" not in note


def test_customers_who_nearly_all_bought_once_get_no_values_and_no_risk_list(tmp_path: Path) -> None:
    """20 walk-in buyers, one of whom came back (5 %, under clv_min_repeat_share 10 %): no model, and both panels
    say why instead of a forecast and a list of one-time buyers 'at risk'."""
    orders = [
        {"order_id": f"O{k}", "customer_id": f"C{k}", "order_date": f"2026-{1 + k % 10:02d}-{5 + k % 20:02d}",
         "region": "华东", "amount": 100 + 10 * k}
        for k in range(20)
    ]  # fmt: skip
    orders.append({"order_id": "O99", "customer_id": "C0", "order_date": "2026-10-28", "region": "华东", "amount": 50})
    report = open_report(str(write_tiny(tmp_path / "walk_in", tables={"orders": orders})), "2026-10", "华东")
    fit = market.clv_model(report)
    assert fit["bgnbd"] is None and fit["repeat_share"] == pytest.approx(1 / 20)
    for panel in (market.clv_panel(report), market.clv_at_risk_panel(report)):
        assert panel.note.startswith("只有 5.0% 的客户买过不止一次") and panel.figure is None
    assert market.clv.metrics(report) == {}


def test_the_note_says_repeat_purchases_are_purchase_days(tmp_path: Path) -> None:
    """A B2B customer with 159 orders on 139 days showed 复购次数 138: the count is of days (BG/NBD's frequency),
    which a manager counting the customer's orders cannot tell unless the note says so."""
    orders = [
        {"order_id": f"O{k}-{m}-{j}", "customer_id": f"C{k}", "order_date": f"2026-{m:02d}-05", "region": "华东",
         "amount": 100 + k}
        for k in range(30) for m in range(1, 11) for j in range(2)
    ]  # fmt: skip
    report = open_report(str(write_tiny(tmp_path / "twice", tables={"orders": orders})), "2026-10", "华东")
    panel = market.clv_panel(report)
    assert panel.table.iloc[0]["复购次数"] == "9"  # 20 orders on 10 days: 9 repeat purchase days
    assert "复购次数按购买日计，同一天的几张订单算一次" in panel.note
