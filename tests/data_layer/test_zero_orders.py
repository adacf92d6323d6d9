"""Orders totalling 0 (a gift, a fully refunded order, a 0元 sample) are no sale: not an order, not a customer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from tiny import ONE_MONTH_WARM_UP

from salesnb.data import facts, partial_month
from salesnb.data.loading import load_dataset
from salesnb.data.messages import say
from salesnb.overview import headline_metrics
from salesnb.report import open_report

ORDERS = (  # order, customer, date, region, amount
    ("O1", "C1", "2026-09-05", "华东", 100),
    ("O2", "C2", "2026-09-06", "华东", 0),  # a gift to C2, its only order
    ("O3", "C1", "2026-10-03", "华东", 200),
    ("O4", "C3", "2026-10-04", "华东", 0),  # a 0元 sample: C3 is no customer
    ("O5", "C4", "2026-10-05", "华东", 300),
    ("O6", "C5", "2026-10-30", "华东", 0),  # fully refunded
)


def _orders(folder: Path, rows: tuple = ORDERS) -> Path:
    columns = ["order_id", "customer_id", "order_date", "region", "amount"]
    pd.DataFrame(list(rows), columns=columns).to_csv(folder / "orders.csv", index=False)
    return folder


def test_zero_orders_leave_the_orders_and_are_counted_by_month(tmp_path: Path) -> None:
    ds = load_dataset(_orders(tmp_path))
    assert list(ds["orders"]["order_id"]) == ["O1", "O3", "O5"]
    assert ds.zero_orders == {"2026-09": 1, "2026-10": 2}
    said = [say(w, "en") for w in ds.warnings]
    assert "orders: 3 orders total 0 (gifts, fully refunded orders, free samples)" in said[0]
    assert said[0].endswith("months (orders): 2026-09 (1), 2026-10 (2)")
    assert "orders：3 笔订单的总额为 0" in say(ds.warnings[0], "zh")


def test_orders_aov_and_customers_leave_zero_orders_out(tmp_path: Path) -> None:
    """October: O3 200 and O5 300 are its orders (2, AOV 250) and C1, C4 its customers; O4 and O6 are neither."""
    report = open_report(str(_orders(tmp_path)), "2026-10", "ALL", lang="en", config_path=ONE_MONTH_WARM_UP)
    m = headline_metrics(report)
    assert m["revenue"] == 500 and m["orders"] == 2 and m["aov"] == 250 and m["customers"] == 2
    assert m["new_customers"] == 1  # C4; C3's sample made no customer
    assert "ℹ 3 orders of the data total 0" in report._repr_markdown_()


def test_an_order_of_free_lines_totals_0_but_one_with_an_unpriced_line_does_not(tmp_path: Path) -> None:
    """L1: 2 × 50; L2: two gift lines at 0; L3: one line at 0 and one without a price (its total is not known)."""
    _orders(tmp_path, (("L1", "C1", "2026-10-01", "华东", None), ("L2", "C2", "2026-10-02", "华东", None),
                       ("L3", "C3", "2026-10-03", "华东", None)))  # fmt: skip
    lines = [("L1", "P1", 2, 50), ("L2", "P1", 1, 0), ("L2", "P2", 3, 0), ("L3", "P1", 1, 0), ("L3", "P2", 1, None)]
    pd.DataFrame(lines, columns=["order_id", "product_id", "quantity", "unit_price"]).to_csv(
        tmp_path / "order_lines.csv", index=False
    )
    ds = load_dataset(tmp_path, validate=False)
    assert list(ds["orders"]["order_id"]) == ["L1", "L3"] and ds.zero_orders == {"2026-10": 1}
    assert list(ds["order_lines"]["order_id"]) == ["L1", "L3", "L3"]  # the gift's lines went with it
    assert facts.order_facts(ds).set_index("order_id")["revenue"].to_dict() == {"L1": 100.0, "L3": 0.0}


def test_data_without_zero_orders_is_untouched(tmp_path: Path) -> None:
    ds = load_dataset(_orders(tmp_path, ORDERS[:1] + ORDERS[2:3]))
    assert ds.zero_orders == {} and len(ds["orders"]) == 2 and not ds.warnings


def test_a_last_day_with_only_an_order_of_0_still_ends_the_data_there(tmp_path: Path) -> None:
    """The export runs through 2026-10-31: Z1 on that day is a refunded order (0), the last sale is on the 28th.

    The data reaches the 31st, so October is complete (its orders reach one of its last 3 days) and the latest
    complete month, not partial through day 28 with September the default period. The columnar store (written
    by the loader; the streamed ingest leaves a source with an order of 0 to it) says the same.
    """
    from salesnb.data import store_read
    from salesnb.data.ingest import ingest
    from salesnb.data.store import read_manifest

    rows = [(f"O{m}{d:02d}", f"C{d}", f"2026-{m}-{d:02d}", "华东", 100) for m in ("09", "10") for d in range(1, 29)]
    (tmp_path / "src").mkdir()
    src = _orders(tmp_path / "src", (*rows, ("Z1", "C9", "2026-10-31", "华东", 0)))
    loaded = load_dataset(src)
    folder = ingest(src, None, "zero-last-day", tmp_path / "store", stream_bytes=1)  # tries to stream, then loads
    streamed = store_read.load_store(folder, read_manifest(folder, "zero-last-day"))
    opened = store_read.open_store(src, root=tmp_path / "opened")
    for ds in (loaded, streamed, opened):
        assert ds.zero_orders == {"2026-10": 1} and ds.covered_through == "2026-10-31"
        assert facts.last_order_date(ds) == pd.Timestamp("2026-10-31")
        assert facts.through_day(ds, "2026-10") is None and partial_month.latest_complete_month(ds) == "2026-10"
    assert open_report(data=str(src), region="ALL").period == "2026-10"  # the default period
    report = open_report(data=str(src), period="2026-10", region="ALL", lang="en")
    assert not report.partial and "partial month" not in report._repr_markdown_()


def test_an_order_of_0_in_the_next_month_closes_the_month_before(tmp_path: Path) -> None:
    """Sales until 2026-10-20, then only a gift on 2026-11-02: the export reached November, so October is whole."""
    rows = [(f"O{d}", f"C{d}", f"2026-10-{d:02d}", "华东", 100) for d in range(1, 21)]
    ds = load_dataset(_orders(tmp_path, (*rows, ("G1", "C1", "2026-11-02", "华东", 0))))
    assert facts.data_months(ds) == ("2026-10", "2026-10")
    assert facts.through_day(ds, "2026-10") is None and partial_month.latest_complete_month(ds) == "2026-10"
