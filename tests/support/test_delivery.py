"""Delivery: late share of the orders promised for the month."""

import pandas as pd
import pytest
from scipy import stats
from tiny import write_tiny

from salesnb import support
from salesnb.support import delivery
from support.helpers import build, report


def test_delivery_hand_computed(folder):
    row = support.delivery_frame(report(folder)).iloc[0]
    assert row["due"] == 10 and row["late"] == 7 and row["undelivered"] == 1
    assert row["late_share"] == pytest.approx(0.7) and row["usual_share"] == 0.0
    assert row["delay_p50"] == 5 and row["delay_max"] == 5 and row["late_revenue"] == pytest.approx(700)
    assert bool(row["flagged"])
    assert not support.delivery_frame(report(folder, region="华南")).iloc[0]["flagged"]
    trend = support.delivery_trend_frame(report(folder))
    assert trend["late_share"].tolist() == [0.0] * 6 + [pytest.approx(0.7)]


def _placed_late(tables):
    """华南's October orders promised for November: 6 of 10 delivered 8 days late; one more promised after the data."""
    for row in tables["orders"]:
        if row["order_id"].startswith("OS10"):
            late = int(row["order_id"][-1]) < 6
            row.update(promised_at="2026-11-02", delivered_at="2026-11-10" if late else "2026-11-01")
    extra = dict(tables["orders"][-1], order_id="OS10X", promised_at="2026-12-01", delivered_at="")
    tables["orders"].append(extra)


def test_an_order_not_due_by_the_data_end_is_not_judged(tmp_path):
    tables = build()
    _placed_late(tables)
    r = report(write_tiny(tmp_path / "t", tables=tables), region="华南")
    row = support.delivery_frame(r).iloc[0]
    assert row["due"] == 0  # nothing was promised for October: counted by promised month, the delay is not here
    assert row["placed_due"] == 10 and row["placed_late"] == 6  # placed in October, promise passed by the data's end
    rows = delivery.delivery_facts(r)
    assert "OS10X" not in set(rows["order_id"])  # promised 12-01, the data ends 11-10: not late, not on time
    assert rows.loc[rows["region"] == "华南", "late"].sum() == 6  # the December promise is not counted undelivered


def test_a_delay_of_the_orders_placed_in_the_month_is_judged_on_them(tmp_path):
    """华南's October orders: 6 of 10 delivered 12 days late; September's orders promised for October on time."""
    tables = build()
    for row in tables["orders"]:
        if row["order_id"].startswith("OS09"):
            row.update(promised_at="2026-10-02", delivered_at="2026-10-02")
        if row["order_id"].startswith("OS10") and int(row["order_id"][-1]) < 6:
            row.update(delivered_at="2026-10-20")
    r = report(write_tiny(tmp_path / "t", tables=tables), region="华南")
    row = support.delivery_frame(r).iloc[0]
    assert row["due"] == 20 and row["late"] == 6  # diluted by September's orders due in October
    assert row["placed_due"] == 10 and row["placed_late"] == 6 and row["placed_late_share"] == pytest.approx(0.6)
    assert row["placed_usual_share"] == 0.0 and row["placed_delay_p50"] == 12
    assert row["placed_p_value"] == pytest.approx(stats.binom.sf(5, 10, 0.01))  # usual share 0, floored at 1%
    assert row["cohort"] == "placed" and bool(row["flagged"])
    (found,) = delivery.delivery_delay(r)
    assert found["detail"].startswith(
        "本月下单且已到承诺日的 10 单中 6 单未按承诺日期交付（60.0%，近12月常态 0.0%）："
        "晚交 6 单，逾期未交 0 单；晚交的延误中位数 12 天；"
    )


def test_undelivered_orders_are_overdue_not_late_deliveries(tmp_path):
    """Bug 15: undelivered orders were "晚于承诺日期" with "延误中位数 — 天", and judged with later deliveries."""
    tables = build()
    for row in tables["orders"]:
        k = int(row["order_id"][-1])
        if row["order_id"].startswith("OS10") and k < 3:
            row.update(delivered_at="")  # never delivered
        elif row["order_id"].startswith("OS10") and k == 3:
            row.update(delivered_at="2026-11-05")  # delivered after the month: undelivered when it ends
        elif row["order_id"].startswith("OS10") and k in (4, 5):
            row.update(promised_at="2026-11-02", delivered_at="2026-11-10")  # due in November
    folder = write_tiny(tmp_path / "t", tables=tables)
    row = support.delivery_frame(report(folder, region="华南")).iloc[0]
    assert (row["due"], row["late"], row["undelivered"], row["delivered_late"]) == (8, 4, 4, 0)
    assert (row["placed_due"], row["placed_late"]) == (10, 6) and pd.isna(row["delay_p50"])  # with November promises
    (found,) = delivery.delivery_delay(report(folder, region="华南"))
    assert found["detail"] == (  # the October orders, judged as their promises came: two were promised for November
        "本月下单且已到承诺日的 10 单中 6 单未按承诺日期交付（60.0%，近12月常态 0.0%）："
        "晚交 2 单，逾期未交 4 单；晚交的延误中位数 8 天；涉及订单金额 600。"
    )
    (english,) = delivery.delivery_delay(report(folder, region="华南", lang="en"))
    assert (
        "2 delivered late, 4 past due and undelivered; median delay of the late deliveries 8 days"
        in (english["detail"])
    )


def test_a_usual_share_read_from_one_order_does_not_make_the_delay_high(tmp_path):
    """Bug 15: a 0% usual share built from one order made a delay "high"; the same delay on a full history is."""

    def late_october(tables):
        for row in tables["orders"]:
            if row["order_id"].startswith("OS10") and int(row["order_id"][-1]) < 3:
                row.update(delivered_at="2026-10-12")

    full = build()
    late_october(full)
    thin = build()
    late_october(thin)
    for row in thin["orders"]:
        if row["order_id"].startswith("OS0") and row["order_id"] != "OS090":
            row.update(promised_at="", delivered_at="")  # the usual months: one order with delivery dates
    (sound,) = delivery.delivery_delay(report(write_tiny(tmp_path / "full", tables=full), region="华南"))
    (weak,) = delivery.delivery_delay(report(write_tiny(tmp_path / "thin", tables=thin), region="华南"))
    assert sound["effect"] == weak["effect"] == pytest.approx(300)  # 30% of the region's 1,000: high by revenue
    assert sound["severity"] == "high" and weak["severity"] == "medium"


def test_a_partial_month_says_undelivered_by_its_last_day_not_at_month_end(tmp_path):
    """The data ends on 10-13: an order is judged on what the data shows by then, so "月末仍未交付" claimed a month
    end the report had not reached."""
    tables = build()
    for row in tables["orders"]:
        if row["order_date"] == "2026-10-31":  # the month's last orders, placed and delivered on the 13th instead
            row.update(order_date="2026-10-13", promised_at="2026-10-13", delivered_at="2026-10-13")
    folder = write_tiny(tmp_path / "t", tables=tables)
    r = report(folder)
    assert r.partial and r.through_day == 13
    panel = support.delivery_panel(r)
    labels = panel.table.iloc[:, 0].tolist()
    assert "截至13日仍未交付" in labels and "月末仍未交付" not in labels
    assert panel.note == (
        "口径：承诺交付日在本月 1–13 日的订单；交付晚于承诺日或截至13日仍未交付即为延误。"
        "承诺13日交付而尚未交付的订单当天仍可能交付，暂不计入。"
    )
    whole = support.delivery_panel(report(write_tiny(tmp_path / "w", tables=build())))
    assert "月末仍未交付" in whole.table.iloc[:, 0].tolist()
    assert whole.note == "口径：承诺交付日在本月的订单；交付晚于承诺日或月末仍未交付即为延误。"
    english = support.delivery_panel(report(folder, lang="en"))
    assert "Undelivered by day 13" in english.table.iloc[:, 0].tolist()


def _cut_at(tables, day):
    """The month's last orders (k = 9, placed, promised and delivered on the 31st) moved to 10-``day``: the
    export ends on that day (a 用友 export taken on the 18th)."""
    for row in tables["orders"]:
        if row["order_date"] == "2026-10-31":
            row.update(order_date=f"2026-10-{day}", promised_at=f"2026-10-{day}", delivered_at=f"2026-10-{day}")


def _changed(tables, **orders):
    """``tables`` with the named orders' fields changed (``OS109={"delivered_at": ""}``), in place."""
    for row in tables["orders"]:
        row.update(orders.get(row["order_id"], {}))
    return tables


def test_an_order_promised_for_the_exports_last_day_is_not_late_yet(tmp_path):
    """The export ends on 10-31: 华南's OS109, promised for 10-31 and not delivered, may still go out that day. It is
    not due yet (neither late nor on time): 9 orders due, none late. OS108, promised for 10-31 and delivered then,
    is on time and counts. Before: 10 due and 1 late (overdue) of 华南's 10 flawless orders."""
    tables = _changed(
        build(), OS109={"delivered_at": ""}, OS108={"promised_at": "2026-10-31", "delivered_at": "2026-10-31"}
    )
    r = report(write_tiny(tmp_path / "t", tables=tables), region="华南")
    assert not r.partial
    row = support.delivery_frame(r).iloc[0]
    assert (row["due"], row["late"], row["undelivered"]) == (9, 0, 0)
    assert (row["placed_due"], row["placed_late"]) == (9, 0)
    assert "OS109" not in set(delivery.delivery_facts(r)["order_id"])
    assert support.delivery_trend_frame(r)["due"].iloc[-1] == 9
    assert support.delivery.metrics(r) == {"orders_due": 9, "late_delivery_share": 0.0}


def test_a_partial_months_last_day_promises_wait_and_the_day_before_is_late(tmp_path):
    """The export ends on 10-18 (October partial through day 18). 华南: OS109 promised 10-18 and undelivered is
    not due yet; OS108 promised 10-17 and undelivered is late (逾期未交). 9 due, 1 late."""
    tables = build()
    _cut_at(tables, 18)
    _changed(tables, OS109={"delivered_at": ""}, OS108={"promised_at": "2026-10-17", "delivered_at": ""})
    r = report(write_tiny(tmp_path / "t", tables=tables), region="华南")
    assert r.partial and r.through_day == 18
    row = support.delivery_frame(r).iloc[0]
    assert (row["due"], row["late"], row["undelivered"], row["delivered_late"]) == (9, 1, 1, 0)
    assert row["late_share"] == pytest.approx(1 / 9)


def test_a_delivery_dated_after_the_last_order_extends_the_data_to_its_day(tmp_path):
    """Orders end on 10-18 but the export shows a delivery on 10-20: it was taken on the 20th or later, so day 18
    is over and OS109, promised 10-18 and still undelivered, is late."""
    tables = build()
    _cut_at(tables, 18)
    for row in tables["orders"]:
        if row["order_id"] == "OS109":
            row.update(delivered_at="")
        if row["order_id"] == "OE105":  # a 华东 order of the 3rd delivered on the 20th
            row.update(delivered_at="2026-10-20")
    r = report(write_tiny(tmp_path / "t", tables=tables), region="华南")
    assert r.partial and r.through_day == 18
    assert delivery.data_end(r.ds) == pd.Timestamp("2026-10-21")
    row = support.delivery_frame(r).iloc[0]
    assert (row["due"], row["late"], row["undelivered"]) == (10, 1, 1)


def test_the_high_tier_reads_each_scopes_judged_cohort_over_the_looks_and_the_scopes():
    """p_baseline of the cohort judged late × 2 looks, Benjamini–Hochberg over the scopes (NaN: not tested).

    0.003 × 2 = 0.006 and 0.004 × 2 = 0.008 over two scopes: the smaller's 0.006 × 2 / 1 = 0.012 is stepped down
    to the larger's 0.008 × 2 / 2 = 0.008; a scope with no orders due keeps NaN and does not count.
    """
    from types import SimpleNamespace

    rows = [
        SimpleNamespace(cohort="due", p_baseline=0.003, placed_p_baseline=0.5),
        SimpleNamespace(cohort="placed", p_baseline=0.2, placed_p_baseline=0.004),
        SimpleNamespace(cohort="due", p_baseline=float("nan"), placed_p_baseline=float("nan")),
    ]
    q = delivery.strong_q(rows)
    assert q[:2] == pytest.approx([0.008, 0.008]) and pd.isna(q[2])
    assert delivery.strong_q(rows[:1]) == pytest.approx([0.006])  # one scope: the two looks alone
    assert delivery.strong_q([SimpleNamespace(cohort="due", p_baseline=0.7, placed_p_baseline=0.1)]) == [1.0]


def test_one_regions_delay_is_high_in_its_report_and_medium_among_the_all_reports_regions(tmp_path):
    """华南: 4 of 10 October orders late where 2 of the usual months' 60 were (华东 on time throughout).

    Fisher's exact p (4 of 10 against 2 of 60) = 0.00295. 华南's report: one scope, 2 looks, q = 0.0059, below
    strong_q 0.01: high (366.7 of its 1,000 at stake). The ALL report tests 华东 and 华南: q = 2 × 0.0059 = 0.0118:
    medium. Read raw (0.00295) it was high in both; a clean month's chance delay in one region of the ALL report
    was high the same way (foreign seed 79 #058).
    """
    tables = build()
    late = {"OS100", "OS101", "OS102", "OS103", "OS040", "OS070"}
    for row in tables["orders"]:
        if row["order_id"].startswith("OE10"):
            row.update(delivered_at=row["promised_at"])  # 华东's problem taken away: on time
        if row["order_id"] in late:
            row.update(delivered_at=f"2026-{row['order_id'][2:4]}-12")  # 4 days after the promise
    folder = write_tiny(tmp_path / "t", tables=tables)
    p = stats.fisher_exact([[4, 6], [2, 58]], alternative="greater").pvalue
    assert p == pytest.approx(0.0029518, rel=1e-4)
    south = support.delivery_frame(report(folder, region="华南")).iloc[0]
    assert (south["due"], south["late"], south["usual_due"], south["usual_late"]) == (10, 4, 60, 2)
    assert south["p_baseline"] == pytest.approx(p) and bool(south["flagged"])
    (own,) = delivery.delivery_delay(report(folder, region="华南"))
    assert own["severity"] == "high" and own["effect"] == pytest.approx(400 * (0.4 - 2 / 60) / 0.4)
    (among,) = delivery.delivery_delay(report(folder, region="ALL"))
    assert among["segment"] == {"region": "华南"} and among["severity"] == "medium"
