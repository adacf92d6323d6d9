"""A region opened after the export began: the customers dated at its opening are no usual level of new ones.

Two regions, 2024-11 to 2026-10, every customer's acquisition date known. 华东 sells from the first month: 30
regulars of 2020 buy every month, 3 new customers a month. 华南 opens in 2025-10 with a book of 40 customers all
dated at the opening (imported accounts), who then buy every month, and wins 2 new customers a month from its
first month on. The truth is 2 a month for 华南 and 5 for the company: October 2026 is an ordinary month.
"""

from __future__ import annotations

import pandas as pd
import pytest
from tiny import write_tiny

from salesnb import market
from salesnb.market.common import acquisition_history, scope_warm_up
from salesnb.market.openings import opening_months, region_starts
from salesnb.periods import ALL
from salesnb.report import open_report

MONTHS = [str(p) for p in pd.period_range("2024-11", "2026-10", freq="M")]


def _tables() -> dict[str, list[dict]]:
    customers, orders = [], []

    def buy(customer: str, month: str, region: str, day: str) -> None:
        orders.append({"order_id": f"O{len(orders)}", "customer_id": customer, "order_date": f"{month}-{day}",
                       "region": region, "amount": 1000})  # fmt: skip

    for k in range(30):
        customers.append({"customer_id": f"E{k}", "region": "华东", "acquired_at": "2020-01-01"})
    for k in range(40):
        customers.append({"customer_id": f"S{k}", "region": "华南", "acquired_at": "2025-10-01"})
    for month in MONTHS:
        last = f"{pd.Period(month).days_in_month}"  # whole months: the data reaches their end
        for k in range(30):
            buy(f"E{k}", month, "华东", last)
        for k in range(3):
            customers.append({"customer_id": f"NE{month}{k}", "region": "华东", "acquired_at": f"{month}-05"})
            buy(f"NE{month}{k}", month, "华东", "05")
        if month >= "2025-10":
            for k in range(40):
                buy(f"S{k}", month, "华南", last)
            for k in range(2):
                customers.append({"customer_id": f"NS{month}{k}", "region": "华南", "acquired_at": f"{month}-06"})
                buy(f"NS{month}{k}", month, "华南", "06")
    return {"customers": customers, "orders": orders}


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return str(write_tiny(tmp_path_factory.mktemp("openings") / "export", tables=_tables()))


def test_the_opening_month_of_a_late_region_is_no_usual_month_of_new_customers(export):
    """Without the opening left out, the company's same month last year held 45 new customers (华南's 40
    imported accounts and 5 won), the season read from it expected 75 and October's true 5 fired
    new_customer_drop at high in the ALL report (on clean foreign world w69618 the region's own report too)."""
    r = open_report(export, "2026-10", "华南")
    assert region_starts(r.ds) == {"华南": "2025-10"}
    assert opening_months(r.ds, "华南", 0) == {"2025-10"}  # dates known: no data warm-up, the opening month alone
    assert acquisition_history(r, ["2025-09", "2025-10", "2025-11"]) == ["2025-09", "2025-11"]
    months = market.new_customer_months(r).set_index("month")["new_customers"]
    assert months["2025-10"] == 42 and months["2026-09"] == 2  # counted as before; just not a usual month
    test = market.new_customer_test(r)
    assert test["count"] == 2 and test["usual"] == 2 and test["last_year"] is None
    assert test["baseline"] == pytest.approx(2.0) and not test["rule"] and not test["flagged"]
    company = open_report(export, "2026-10", ALL)
    assert acquisition_history(company, ["2025-09", "2025-10", "2025-11"]) == ["2025-09", "2025-11"]
    whole = market.new_customer_test(company)
    assert whole["count"] == 5 and whole["usual"] == 5 and whole["last_year"] is None and not whole["flagged"]
    for report in (r, company):
        assert not [f for f in market.angle_findings(report) if f["code"] == "new_customer_drop"]


def test_a_late_region_s_opening_month_is_its_warm_up(export):
    """In its opening month 华南's buyers are first seen: nothing is judged, and the note names its own months."""
    r = open_report(export, "2025-10", "华南", lang="zh")
    assert scope_warm_up(r) == ("2025-10", "2025-11")
    assert not market.new_customer_test(r)["settled"]
    assert "数据始于2025-10，2025-11起才统计新客户" in market.new_customers_panel(r).note
    east = open_report(export, "2025-10", "华东")
    assert scope_warm_up(east) == ("2024-11", "2024-11") and market.new_customer_test(east)["settled"]
