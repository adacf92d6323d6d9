"""A shop whose part of the export ends days before the rest: its last days are no collapse of its sales.

Two shops sell 3 orders of 100 a day from 2026-06-01; Shop B's export was taken on 2026-09-06, Shop A's runs to
2026-09-14 (the data's last day: September is partial through day 14). At 3 orders a day, 8 days without one
happen by chance with probability e^-24: B's data ends early. Shop C sells an order every fifth day and ends on
2026-09-06 too: 8 quiet days at 0.2 a day (e^-1.6) are ordinary, so C is not named.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.data.loading import load_dataset
from salesnb.data.summary import format_summary, summarize
from salesnb.findings import all_findings
from salesnb.report import open_report


def _orders() -> pd.DataFrame:
    rows = []
    for shop, last, every in (("Shop A", "2026-09-14", 1), ("Shop B", "2026-09-06", 1), ("Shop C", "2026-09-06", 5)):
        for k, day in enumerate(pd.date_range("2026-06-01", last)):
            if k % every:
                continue
            for n in range(3 if every == 1 else 1):
                rows.append((f"{shop}-{day:%m%d}-{n}", f"{shop}-C{(k * 3 + n) % 40}", f"{day:%Y-%m-%d}", shop, 100))
    return pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "channel", "amount"])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("early")
    _orders().to_csv(out / "orders.csv", index=False)
    return out


def test_the_shop_silent_improbably_long_is_named_with_its_last_day_and_rate(folder: Path) -> None:
    from salesnb.data.early_ends import early_ends

    ends = early_ends(load_dataset(folder))
    # B's rate: its 56 days up to 2026-09-06 hold 56 × 3 orders
    assert ends == {
        "channel": {
            "Shop B": {"last": "2026-09-06", "month": "2026-09", "end": "2026-09-14", "days": 8, "per_day": 3.0}
        }
    }


def test_validate_and_the_header_say_the_shops_data_ends_early(folder: Path) -> None:
    text = format_summary(summarize(load_dataset(folder)), "zh")
    assert "! 渠道 Shop B（到 2026-09-06，近期每天约 3.0 单） 的订单比整份数据（到 2026-09-14）早几天就没有了" in text
    header = open_report(data=str(folder), period="2026-09", region="ALL")._repr_markdown_()
    assert "⚠ 渠道 Shop B（到 2026-09-06，近期每天约 3.0 单） 的订单比整份数据（到 2026-09-14）早几天就没有了" in header
    english = open_report(data=str(folder), period="2026-09", region="ALL", lang="en")._repr_markdown_()
    assert "⚠ channel Shop B (to 2026-09-06, about 3.0 orders a day recently): no order in the last days" in english
    assert "早几天就没有了" not in open_report(data=str(folder), period="2026-08", region="ALL")._repr_markdown_()


def test_its_short_month_is_no_channel_finding(folder: Path) -> None:
    # days 1-14: B sold 6 × 3 = 18 orders against 42 in each earlier month, which would read as -57 %
    report = open_report(data=str(folder), period="2026-09", region="ALL")
    channels = [f["segment"].get("channel") for f in all_findings(report) if f["code"] == "channel_underperform"]
    assert "Shop B" not in channels


def test_the_driver_ranking_says_which_segment_s_data_ends_early(folder: Path) -> None:
    """The ranking sums what the data holds: Shop B leads September's fall, and its row says its data ends early."""
    from salesnb.drivers import driver_panel

    report = open_report(data=str(folder), period="2026-09", region="ALL")
    rows = list(driver_panel(report).table["细分"])
    assert rows[0] == "Shop B（数据止于 2026-09-06）" and "Shop A" in rows
    english = driver_panel(open_report(data=str(folder), period="2026-09", region="ALL", lang="en")).table
    assert list(english.iloc[:, 1])[0] == "Shop B (data to 2026-09-06)"
