import pandas as pd
import pytest
import yaml
from tiny import write_tiny

from salesnb import commission, team
from salesnb.config import default_config
from salesnb.errors import ConfigError
from salesnb.report import open_report

# C1 is a new customer (acquired on its first order); C2 was acquired before the data begins, so its first
# order in the data is its 2nd. O1..O7 are C1's orders 1..7 by R1, O8 is C2's by R2, O9 a new customer in 2026-10.
ORDERS = [(f"O{k}", "C1", f"2026-{k:02d}-10", "R1", 1000) for k in range(1, 8)]
ORDERS += [("O8", "C2", "2026-03-15", "R2", 500), ("O9", "C3", "2026-10-02", "R1", 300)]
INVOICES = [  # order, paid_at, paid_amount
    ("O1", "2026-10-05", 1000),  # 1st order, 8% of 1000
    ("O2", "2026-10-06", 600),  # 2nd order, partly paid: 6% of 600
    ("O3", "", None),
    ("O6", "2026-10-07", 1000),  # 6th order: 5%
    ("O7", "2026-09-30", 1000),  # paid last month
    ("O8", "2026-10-08", 500),  # C2's 2nd order: 6%, for R2
]


def tables():
    out = {
        "customers": [
            {"customer_id": "C1", "region": "华东", "acquired_at": "2026-01-10"},
            {"customer_id": "C2", "region": "华东", "acquired_at": "2020-05-01"},
            {"customer_id": "C3", "region": "华东", "acquired_at": "2026-10-02"},
        ],
        "reps": [
            {"rep_id": "R1", "rep_name": "张三", "region": "华东"},
            {"rep_id": "R2", "rep_name": "李四", "region": "华东"},
        ],
        "orders": [
            {
                "order_id": o,
                "customer_id": c,
                "order_date": d,
                "region": "华东",
                "rep_id": r,
                "channel": "直营",
                "amount": a,
            }
            for o, c, d, r, a in ORDERS
        ],
        "invoices": [],
    }
    amounts = {o: a for o, _, _, _, a in ORDERS}
    customers = {o: c for o, c, _, _, _ in ORDERS}
    for k, (order, paid_at, paid) in enumerate(INVOICES):
        out["invoices"].append(
            {"invoice_id": f"I{k}", "customer_id": customers[order], "issued_at": "2026-08-01", "due_at": "2026-09-01",
             "amount": amounts[order], "order_id": order, "paid_at": paid_at, "paid_amount": paid}
        )  # fmt: skip
    return out


@pytest.fixture
def folder(tmp_path):
    return write_tiny(tmp_path / "com", tables=tables())


def test_order_sequence_counts_orders_before_the_data(folder):
    report = open_report(str(folder), "2026-10", "华东")
    seq = commission.order_sequence(report.ds)
    assert [seq[f"O{k}"] for k in range(1, 8)] == [1, 2, 3, 4, 5, 6, 7]
    assert seq["O8"] == 2 and seq["O9"] == 1


def test_default_tiers_statement_hand_computed(folder):
    report = open_report(str(folder), "2026-10", "华东")
    lines = commission.commission_lines(report).set_index("order_id")
    assert list(lines.index) == ["O1", "O2", "O6", "O8"]
    assert lines.loc["O1", "commission"] == pytest.approx(80) and lines.loc["O1", "tier"] == "第1单"
    assert lines.loc["O2", "commission"] == pytest.approx(36) and lines.loc["O2", "base"] == 600
    assert lines.loc["O6", "commission"] == pytest.approx(50) and lines.loc["O6", "tier"] == "第6单起"
    assert lines.loc["O8", "rate"] == pytest.approx(0.06) and lines.loc["O8", "rep_id"] == "R2"
    frame = commission.statement_frame(report).set_index("rep_id")
    assert list(frame.index) == ["R1", "R2"]  # largest total first
    r1 = frame.loc["R1"]
    assert r1["orders"] == 3 and r1["base"] == pytest.approx(2600)
    assert (
        r1["第1单"] == pytest.approx(80) and r1["第2–5单"] == pytest.approx(36) and r1["第6单起"] == pytest.approx(50)
    )
    assert r1["total"] == pytest.approx(166) and r1["effective_rate"] == pytest.approx(166 / 2600)
    assert frame.loc["R2", "total"] == pytest.approx(30) and frame.loc["R2", "第2–5单"] == pytest.approx(30)
    tiers = ["第1单", "第2–5单", "第6单起"]
    assert (frame[tiers].sum(axis=1) - frame["total"]).abs().max() < 1e-9  # the tiers add up to the total
    metrics = commission.commission_metrics(report)
    assert metrics["commission_total"] == pytest.approx(196) and metrics["commission_base"] == pytest.approx(3100)


def test_user_config_with_other_tiers_counted_when_ordered(folder, tmp_path):
    user = tmp_path / "my.yaml"
    rules = {
        "commission": {
            "tiers": [{"from_order": 1, "to_order": 2, "rate": 0.1}, {"from_order": 3, "to_order": None, "rate": 0.02}],
            "count_when": "order",
        }
    }
    user.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    report = open_report(str(folder), "2026-03", "华东", config_path=str(user))
    frame = commission.statement_frame(report).set_index("rep_id")
    # 2026-03: O3 is C1's 3rd order (2% of 1000), O8 is C2's 2nd (10% of 500)
    assert frame.loc["R1", "第3单起"] == pytest.approx(20) and frame.loc["R1", "total"] == pytest.approx(20)
    assert frame.loc["R2", "第1–2单"] == pytest.approx(50) and frame.loc["R2", "orders"] == 1
    panel = commission.statement_panel(report)
    assert panel.figure is not None and "订单金额" in panel.table.columns


def test_invalid_rules_are_named_errors():
    config = default_config()
    config["commission"]["tiers"] = [{"from_order": 1, "to_order": 3, "rate": 0.1}, {"from_order": 3, "rate": 0.05}]
    with pytest.raises(ConfigError, match="overlap"):
        commission.commission_rules(config)
    config["commission"]["tiers"] = [{"from_order": 1, "to_order": None, "rate": 8}]
    with pytest.raises(ConfigError, match="rate"):
        commission.commission_rules(config)
    config["commission"] = {"tiers": [], "count_when": "signed"}
    with pytest.raises(ConfigError, match="count_when"):
        commission.commission_rules(config)


def test_tier_labels_and_lookup():
    tiers = commission.commission_rules(default_config())["tiers"]
    assert [commission.tier_label(t) for t in tiers] == ["第1单", "第2–5单", "第6单起"]
    assert [commission.tier_label(t, "en") for t in tiers] == ["Order 1", "Orders 2–5", "Order 6 on"]
    assert commission.tier_of(5, tiers)["rate"] == 0.06 and commission.tier_of(60, tiers)["rate"] == 0.05
    assert commission.tier_of(0, tiers) is None


def test_without_invoices_paid_commission_is_skipped(tmp_path):
    data = tables()
    del data["invoices"]
    report = open_report(str(write_tiny(tmp_path / "x", tables=data)), "2026-10", "华东")
    panel = commission.statement_panel(report)
    assert panel.is_skipped and "invoices" in panel.note
    assert commission.commission_metrics(report)["commission_total"] is None
    assert team.angle_metrics(report)["commission_total"] is None


def test_one_reps_lines_and_english(folder):
    """One rep's counted orders in English (what the deleted ``rep_statement_panel`` showed, from the lines)."""
    report = open_report(str(folder), "2026-10", "华东", lang="en")
    lines = commission.commission_lines(report)
    r1 = lines[lines["rep_id"] == "R1"]
    assert list(r1["order_id"]) == ["O1", "O2", "O6"]
    assert list(r1["tier"]) == ["Order 1", "Orders 2–5", "Order 6 on"]
    assert r1["commission"].sum() == pytest.approx(166)
    statement = commission.statement_panel(report)
    assert {"Rep", "Paid amount", "Total commission"} <= set(statement.table.columns)
    assert statement.frame.loc[0, "label"] == "张三 (R1)"
    assert isinstance(statement.frame, pd.DataFrame)
