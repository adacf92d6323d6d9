"""退货分析."""

import pytest

from product.helpers import report
from salesnb import product


def test_returns_hand_computed(folder):
    frame = product.returns_frame(report(folder)).set_index("product_id")
    assert frame.loc["P1", "units_returned"] == 12 and frame.loc["P1", "units_sold"] == 24
    assert frame.loc["P1", "return_rate"] == pytest.approx(0.5) and frame.loc["P1", "baseline_rate"] == 0
    assert frame.loc["P1", "returned_value"] == 12 * 70 and frame.loc["P1", "top_reason"] == "质量问题"
    reasons = product.return_reasons_frame(report(folder, "华南", "2026-06")).set_index("reason")
    assert reasons.loc["物流损坏", "units"] == 1 and reasons.loc["物流损坏", "share"] == 1.0


def test_without_returns_the_section_skips(bare):
    r = report(bare)
    panel = product.returns_panel(r)
    assert panel.is_skipped and "order_lines" in panel.note and "returns" in panel.note
    assert "return_rate_high" not in {rule.code for rule in product.ANGLE.runnable_rules(r.ds)}
    assert product.returns.metrics(r) == {}


MONTHS = [f"2026-{m:02d}" for m in range(4, 11)]  # 2026-04 .. 2026-10


def _returns_tables():
    """华东: line L (five products, 20 units each a month, 2 returned a month) gets 18 of its 100 units returned
    in 2026-10 (4, 4, 4, 3, 3: no product alone stands out); line M: M1 (400 units a month, 12 returned) and M2 (20
    units, none returned) until M2 gets 8 returned in 2026-10. In 2026-10 also 15 units of August orders and 10 of
    June orders of M1 come back (old sales: they must not count in October's rate). 华南: W1 (line N) sells two
    lines of 1,200 units a month, never returned, until 2026-10 when 1,116 of each line come back (93% of 2,400)."""
    t = {"products": [], "customers": [], "orders": [], "order_lines": [], "returns": []}
    for pid, line in [("Q1", "L"), ("Q2", "L"), ("Q3", "L"), ("Q4", "L"), ("Q5", "L"), ("M1", "M"), ("M2", "M"),
                      ("W1", "N")]:  # fmt: skip
        t["products"].append({"product_id": pid, "product_name": pid, "product_line": line, "list_price": 10})
    t["customers"] = [{"customer_id": f"C{k}", "region": "华东"} for k in range(20)]
    t["customers"] += [{"customer_id": "S0", "region": "华南"}, {"customer_id": "S1", "region": "华南"}]
    ret = t["returns"]
    for month in MONTHS:
        last = month == MONTHS[-1]
        for k in range(20):
            order = f"E{month[5:]}{k:02d}"
            t["orders"].append({"order_id": order, "customer_id": f"C{k}", "order_date": f"{month}-05",
                                "region": "华东"})  # fmt: skip
            for pid in ("Q1", "Q2", "Q3", "Q4", "Q5"):
                t["order_lines"].append({"order_id": order, "product_id": pid, "quantity": 1, "unit_price": 10})
            t["order_lines"].append({"order_id": order, "product_id": "M1", "quantity": 20, "unit_price": 10})
            t["order_lines"].append({"order_id": order, "product_id": "M2", "quantity": 1, "unit_price": 10})
        # usual: two L units (two lines) and 12 M1 units (one line of 20 → 12) a month
        ret += [_ret(f"E{month[5:]}00", "Q1", 1, month), _ret(f"E{month[5:]}01", "Q2", 1, month),
                _ret(f"E{month[5:]}02", "M1", 12, month)]  # fmt: skip
        if last:
            spread = {"Q1": 4, "Q2": 4, "Q3": 4, "Q4": 3, "Q5": 3}
            for pid, n in spread.items():
                have = 1 if pid in ("Q1", "Q2") else 0  # the usual returns above already count
                ret += [_ret(f"E10{10 + j:02d}", pid, 1, month) for j in range(n - have)]
            ret += [_ret(f"E10{j:02d}", "M2", 1, month) for j in range(8)]
            ret += [_ret(f"E08{j:02d}", "M1", 5, month, day="01") for j in range(3)]  # August orders: 57 days
            ret += [_ret(f"E06{j:02d}", "M1", 5, month, day="01") for j in range(2)]  # June orders: 118 days
        for k in range(2):
            order = f"S{month[5:]}{k}"
            t["orders"].append({"order_id": order, "customer_id": f"S{k}", "order_date": f"{month}-05",
                                "region": "华南"})  # fmt: skip
            t["order_lines"].append({"order_id": order, "product_id": "W1", "quantity": 1200, "unit_price": 10})
            if last:
                ret.append(_ret(order, "W1", 1116, month))
    return t


def _ret(order, pid, quantity, month, day="20"):
    return {"order_id": order, "product_id": pid, "quantity": quantity, "returned_at": f"{month}-{day}",
            "reason": "质量问题"}  # fmt: skip


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    from tiny import write_tiny

    return write_tiny(tmp_path_factory.mktemp("returns"), tables=_returns_tables())


def test_return_rate_counts_the_periods_own_sales(planted):
    r = report(planted, "华东", "2026-10")
    frame = product.returns_frame(r).set_index("product_id")
    # old rule: (12 own + 15 + 10 from earlier orders) ÷ 400 sold; now only October's own sales' 12 units
    assert frame.loc["M1", "units_returned"] == 12 and frame.loc["M1", "return_rate"] == pytest.approx(12 / 400)
    assert (frame["return_rate"].dropna() <= 1).all()
    # the 15 August units came back within 60 days: they count for August (12 + 15 of 400), the June ones never
    august = product.returns_frame(report(planted, "华东", "2026-08")).set_index("product_id")
    assert august.loc["M1", "units_returned"] == 27
    metrics = product.returns.metrics(r)
    assert metrics["units_returned"] == 18 + 12 + 8 and metrics["return_rate"] == pytest.approx(38 / (100 + 420))


def test_returns_judged_at_the_line_level(planted):
    found = [f for f in product.angle_findings(report(planted, "华东", "2026-10")) if f["code"] == "return_rate_high"]
    line = [f for f in found if f["segment"] == {"product_line": "L"}]
    assert len(line) == 1, found
    (line,) = line
    assert line["value"] == pytest.approx(18 / 100) and line["baseline"] == pytest.approx(2 / 100)
    assert line["effect"] == pytest.approx(18 * 10 - 0.02 * 1000)  # refunds beyond the usual 2% of 1,000 revenue
    # 160 of 5,200 revenue (3.1%): medium on the line's aggregate, where each product (≤ 36, 0.7%) would be low
    assert line["severity"] == "medium"
    assert [m["segment"]["product_id"] for m in line["members"]] == ["Q3", "Q1", "Q2", "Q4", "Q5"]
    assert [m["value"] for m in line["members"]] == pytest.approx([0.2, 0.2, 0.2, 0.15, 0.15])
    assert not any(f["segment"].get("product_id", "").startswith("Q") for f in found)  # no per-product fragments
    # M2 alone (8 of 20, usually none) while its line M (20 of 420 vs 12 of 420) is not flagged: a product finding
    m2 = [f for f in found if f["segment"].get("product_id") == "M2"]
    assert len(m2) == 1 and m2[0]["segment"] == {"product_id": "M2", "product_name": "M2"}
    assert m2[0]["value"] == pytest.approx(8 / 20) and "members" not in m2[0]
    assert len(found) == 2


def test_a_confirmed_rise_from_several_orders_is_a_quality_problem_however_small_its_refunds(planted):
    """M2 of the planted data: 8 of its 20 October units back from 8 orders (usually none), q below strong_q; refunds
    80 of 华东's 5,200 revenue (1.5%: low by money) and only 40 points on 20 units (below min_units): medium."""
    (m2,) = [f for f in product.angle_findings(report(planted, "华东", "2026-10"))
             if f["code"] == "return_rate_high" and f["segment"].get("product_id") == "M2"]  # fmt: skip
    assert m2["effect"] == pytest.approx(80) and m2["severity"] == "medium"
    check = product.returns.return_check(report(planted, "华东", "2026-10"))
    row = check[(check["level"] == "product") & (check["product_id"] == "M2")].iloc[0]
    assert row["orders_returned"] == 8 and row["lines_returned"] == 8 and row["units_sold"] == 20
    assert row["q_value"] < 0.01


@pytest.mark.parametrize(
    ("orders", "q", "units", "rate", "expected"),
    [
        (3, 0.005, 20, 0.2, True),  # strongly confirmed, three customers' orders
        (3, 0.03, 20, 0.2, False),  # confirmed only (clean worlds hold such rises)
        (1, 0.0001, 20, 0.2, False),  # three lines of one order sent back: one customer's decision
        (3, 0.2, 150, 0.4, True),  # not confirmed, but 39 points beyond the usual 1% of 150 units
        (3, 0.2, 50, 0.4, False),  # ...on too few units to tell
        (2, 0.0001, 500, 0.9, False),  # two orders: an anecdote, whatever its size (the money decides)
    ],
)
def test_quality_problem_needs_several_orders_and_evidence(orders, q, units, rate, expected):
    from types import SimpleNamespace

    from salesnb.config import load_config

    thr = load_config()["thresholds"]["product"]
    row = SimpleNamespace(orders_returned=orders, q_value=q, units_sold=units, return_rate=rate, usual_rate=0.01)
    assert product.returns.quality_problem(row, thr) is expected


def test_large_rate_on_large_volume_is_never_hidden(planted):
    found = [f for f in product.angle_findings(report(planted, "华南", "2026-10")) if f["code"] == "return_rate_high"]
    assert len(found) == 1  # two returned lines only: below min_returns, but 93% of 2,400 units sold
    (hit,) = found
    assert hit["value"] == pytest.approx(0.93) and hit["segment"]["product_id"] == "W1"
    assert hit["segment"]["product_line"] == "N"  # the line's finding, naming the one product that carries it
    assert product.angle_findings(report(planted, "华南", "2026-09")) == []


def _focus_tables():
    """Line K in 华北 and 西北, 2026-04..10: ten orders a month of K1 (10 units at 10), four of them with K2 (1 unit).

    Usually one K1 line a month comes back (1 unit), K2 never. In 2026-10 six of the ten K1 lines come back whole
    (60 units) in both regions; in 华北 two of K2's four lines too, in 西北 none. K1 holds 59 of 华北's 61 excess
    units (97%) only because it sells 100 of the line's 104 units: every product of the line returns more.
    """
    products = [{"product_id": p, "product_name": p, "product_line": "K", "list_price": 10} for p in ("K1", "K2")]
    t = {"products": products, "customers": [], "orders": [], "order_lines": [], "returns": []}
    for tag, region in (("N", "华北"), ("W", "西北")):
        t["customers"] += [{"customer_id": f"{tag}C{k}", "region": region} for k in range(10)]
        for month in MONTHS:
            last = month == MONTHS[-1]
            for k in range(10):
                order = f"{tag}{month[5:]}{k:02d}"
                t["orders"].append({"order_id": order, "customer_id": f"{tag}C{k}", "order_date": f"{month}-05",
                                    "region": region})  # fmt: skip
                t["order_lines"].append({"order_id": order, "product_id": "K1", "quantity": 10, "unit_price": 10})
                if k < 4:
                    t["order_lines"].append({"order_id": order, "product_id": "K2", "quantity": 1, "unit_price": 10})
                if last and k < 6:
                    t["returns"].append(_ret(order, "K1", 10, month))
                elif k == 0:
                    t["returns"].append(_ret(order, "K1", 1, month))
                if last and tag == "N" and k < 2:
                    t["returns"].append(_ret(order, "K2", 1, month))
    return t


@pytest.fixture(scope="module")
def focus(tmp_path_factory):
    from tiny import write_tiny

    return write_tiny(tmp_path_factory.mktemp("focus"), tables=_focus_tables())


def test_a_line_whose_products_all_return_more_is_named_as_the_line(focus):
    found = [f for f in product.angle_findings(report(focus, "华北", "2026-10")) if f["code"] == "return_rate_high"]
    assert len(found) == 1, found
    (line,) = found
    # K2 alone: 2 of 4 lines back where its usual chance is (0 + 20 × 12/168) ÷ (24 + 20) = 0.0325 (p = 0.006)
    assert line["segment"] == {"product_line": "K"}
    assert line["value"] == pytest.approx(62 / 104) and line["baseline"] == pytest.approx(6 / 624)
    assert [m["segment"]["product_id"] for m in line["members"]] == ["K1", "K2"]
    assert [m["value"] for m in line["members"]] == pytest.approx([0.6, 0.5])


def test_a_small_line_returning_a_third_more_of_what_it_sold_is_at_least_medium(tmp_path):
    """Line K of the focus data beside a line Z selling 100× its revenue: 华北's K returns 62 of 104 units (usual
    1 %), 58 points above its usual rate, while its refunds are 0.6 % of the region's revenue (low by money alone):
    more than a third (collapse) of what the line sold came back beyond the usual, a quality problem: medium."""
    from tiny import write_tiny

    tables = _focus_tables()
    tables["products"].append({"product_id": "Z1", "product_name": "Z1", "product_line": "Z", "list_price": 1000})
    tables["order_lines"] += [
        {"order_id": o["order_id"], "product_id": "Z1", "quantity": 10, "unit_price": 1000} for o in tables["orders"]
    ]
    folder = write_tiny(tmp_path / "big", tables=tables)
    (line,) = [f for f in product.angle_findings(report(folder, "华北", "2026-10")) if f["code"] == "return_rate_high"]
    assert line["segment"] == {"product_line": "K"} and line["value"] - line["baseline"] > 0.3
    assert line["effect"] < 0.01 * 100 * 10_000 and line["severity"] == "medium"


def test_a_line_whose_excess_is_one_products_names_the_product(focus):
    found = [f for f in product.angle_findings(report(focus, "西北", "2026-10")) if f["code"] == "return_rate_high"]
    assert len(found) == 1, found
    (hit,) = found
    # K2 sold its four lines and none came back: the excess is K1's alone
    assert hit["segment"] == {"product_line": "K", "product_id": "K1", "product_name": "K1"}
    assert hit["value"] == pytest.approx(0.6) and hit["baseline"] == pytest.approx(6 / 600)
    assert [m["segment"]["product_id"] for m in hit["members"]] == ["K1", "K2"]


@pytest.mark.parametrize(("k2_lines", "named"), [(0, False), (2, False), (4, True)])
def test_a_product_is_named_only_when_the_rest_of_its_line_is_seen_to_be_spared(tmp_path, k2_lines, named):
    """西北 of the focus data with K2 selling ``k2_lines`` of its four October lines (none back; it sold 4 a
    month before). K1's lines came back at 6 of 10; had K2's come back at that chance, none of 4 back has p
    0.4⁴ = 0.026 (below return_spread_p 0.05: K2 is spared, K1 is named), none of 2 has 0.4² = 0.16 and of 0
    lines 1: nothing shows the rest of the line spared, so the line K is named (60 of 100 + k2 units back)."""
    from tiny import write_tiny

    tables = _focus_tables()
    kept = {f"W10{k:02d}" for k in range(k2_lines)}
    tables["order_lines"] = [
        x for x in tables["order_lines"]
        if not (x["order_id"].startswith("W10") and x["product_id"] == "K2" and x["order_id"] not in kept)
    ]  # fmt: skip
    folder = write_tiny(tmp_path / "spared", tables=tables)
    (hit,) = [f for f in product.angle_findings(report(folder, "西北", "2026-10")) if f["code"] == "return_rate_high"]
    if named:
        assert hit["segment"] == {"product_line": "K", "product_id": "K1", "product_name": "K1"}
        assert hit["value"] == pytest.approx(0.6)
    else:
        assert hit["segment"] == {"product_line": "K"}
        assert hit["value"] == pytest.approx(60 / (100 + k2_lines)) and hit["baseline"] == pytest.approx(6 / 624)


def test_returns_without_a_reason_say_none_was_recorded(planted, tmp_path):
    """A 用友 sheet's red lines give returns with no reason column: the finding said 主要原因“未知”（100.0%） and asked
    quality to find the root cause of “未知”. It now says no reason was recorded; with reasons the text is as before."""
    from tiny import write_tiny

    said = [f for f in product.angle_findings(report(planted, "华南", "2026-10")) if f["code"] == "return_rate_high"]
    assert "主要原因“质量问题”（100.0%），退款 2.2万。" in said[0]["detail"]  # 2 × 1,116 units × 10 = 22,320
    assert "与质量部门排查“质量问题”的根因" in said[0]["action"]
    tables = _returns_tables()
    tables["returns"] = [{k: v for k, v in row.items() if k != "reason"} for row in tables["returns"]]
    bare = write_tiny(tmp_path, tables=tables)
    (hit,) = [f for f in product.angle_findings(report(bare, "华南", "2026-10")) if f["code"] == "return_rate_high"]
    assert hit["value"] == pytest.approx(0.93)  # the same finding
    assert hit["detail"].endswith("；数据未记录退货原因，退款 2.2万。") and "未知" not in hit["detail"]
    assert "与质量部门查明退货原因" in hit["action"] and "未知" not in hit["action"]
    (line,) = [f for f in product.angle_findings(report(bare, "华东", "2026-10")) if f["segment"].get("product_line")]
    assert "数据未记录退货原因" in line["detail"] and "与质量部门查明退货原因" in line["action"]


def test_one_order_line_sent_back_is_no_product_alarm(tmp_path):
    """华南's W1 sells two lines of 1,200 units a month; in 2026-10 one customer sends back its whole line: 50 % of
    the units, from one returned line (one customer's order, not the product's quality). Before, the large-volume
    alarm fired on it; two lines back (the planted 93 %) still fire (test_large_rate_on_large_volume_is_never_hidden).
    """
    from tiny import write_tiny

    tables = _returns_tables()
    tables["returns"] = [row for row in tables["returns"] if row["product_id"] != "W1"]
    tables["returns"].append(_ret("S100", "W1", 1200, "2026-10"))
    folder = write_tiny(tmp_path, tables=tables)
    check = product.returns.return_check(report(folder, "华南", "2026-10"))
    row = check[(check["level"] == "product") & (check["product_id"] == "W1") & (check["scope"] == "华南")].iloc[0]
    assert row["units_sold"] == 2400 and row["units_returned"] == 1200 and row["lines_returned"] == 1
    assert row["return_rate"] == pytest.approx(0.5) and not row["flagged"]
    found = product.angle_findings(report(folder, "华南", "2026-10"))
    assert [f for f in found if f["code"] == "return_rate_high"] == []
