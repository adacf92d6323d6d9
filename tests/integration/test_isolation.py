"""Every angle on real-looking data: a region's report shows only that region, and text from the data is escaped.

Both checks run the six notebooks end to end through the batch runner, as an analyst would.
"""

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from salesnb.batch import runner
from salesnb.display.formatting import format_amount

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
PERIOD, REGION = "2026-10", "华东"
SCRIPT = "<script>alert(1)</script>"
DOLLARS = "$100 与 $200 商贸有限公司"  # two dollars: mathtext would read TeX in a chart label


def _texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.suffix in (".html", ".json")}


@pytest.fixture(scope="module")
def region_reports(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("isolation")
    summary = runner.run_reports(SAMPLE, periods=[PERIOD], regions=[REGION], angles=[], out_dir=out, progress=False)
    assert summary.ok, summary.text()
    texts = _texts(out / PERIOD / REGION)
    assert {f"{a}.html" for a in runner.available_angles()} | {"metrics.json", "findings.json"} <= set(texts)
    return texts


def _linked_to_region(column: str) -> set[str]:
    """Ids in ``column`` that any table ties to the region (a customer may buy in a region not its own)."""
    linked: set[str] = set()
    for path in SAMPLE.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str)
        if {column, "region"} <= set(frame.columns):
            linked |= set(frame.loc[frame["region"] == REGION, column].dropna())
    orders = pd.read_csv(SAMPLE / "orders.csv", dtype=str)
    customers = pd.read_csv(SAMPLE / "customers.csv", dtype=str).set_index("customer_id")
    orders["region"] = orders["region"].fillna(orders["customer_id"].map(customers["region"]))
    if column in orders:
        linked |= set(orders.loc[orders["region"] == REGION, column].dropna())
    return linked


def test_region_report_names_no_other_region(region_reports):
    customers = pd.read_csv(SAMPLE / "customers.csv", dtype=str)
    reps = pd.read_csv(SAMPLE / "reps.csv", dtype=str)
    foreign_customers = customers.loc[~customers["customer_id"].isin(_linked_to_region("customer_id")), "customer_name"]
    foreign_reps = reps.loc[~reps["rep_id"].isin(_linked_to_region("rep_id"))]
    other_regions = set(customers["region"].dropna()) - {REGION}
    foreign_teams = set(foreign_reps["team"].dropna()) - set(reps.loc[reps["region"] == REGION, "team"])
    assert len(foreign_customers) > 100 and len(foreign_reps) > 5 and len(other_regions) == 4  # the test bites

    everything = "\n".join(region_reports.values())
    leaks = [name for name in foreign_customers if name in everything]
    leaks += [f"rep {name}" for name in foreign_reps["rep_name"] if name in everything]
    leaks += [f"region {name}" for name in other_regions if name in everything]
    leaks += [f"team {name}" for name in foreign_teams if name in everything]
    assert leaks == []


def test_region_report_shows_none_of_the_company_totals(region_reports, tmp_path):
    summary = runner.run_reports(
        SAMPLE, periods=[PERIOD], regions=["ALL"], angles=["overview"], out_dir=tmp_path, progress=False
    )
    assert summary.ok, summary.text()
    company = json.loads((tmp_path / PERIOD / "ALL" / "metrics.json").read_text(encoding="utf-8"))
    mine = json.loads(region_reports["metrics.json"])
    assert mine["revenue"] < company["revenue"]
    for key in ("revenue", "target", "revenue_prev_month"):
        shown = format_amount(company[key], "zh")
        assert shown not in region_reports["overview.html"], key


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory) -> tuple[dict[str, str], str]:
    """The sample with the region's biggest buyer of the year renamed to a script tag, the next to TeX-like text."""
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(SAMPLE, data)
    orders = pd.read_csv(data / "orders.csv", dtype=str)
    lines = pd.read_csv(data / "order_lines.csv", dtype={"order_id": str})
    lines["revenue"] = lines["quantity"] * lines["unit_price"]
    customers = pd.read_csv(data / "customers.csv", dtype=str)
    orders["region"] = orders["region"].fillna(orders["customer_id"].map(customers.set_index("customer_id")["region"]))
    months = pd.period_range(end=PERIOD, periods=12, freq="M").astype(str)
    year = orders[orders["order_date"].str[:7].isin(months) & (orders["region"] == REGION)]
    spend = year["order_id"].map(lines.groupby("order_id")["revenue"].sum()).groupby(year["customer_id"]).sum()
    biggest, second = spend.sort_values(ascending=False).index[:2]  # both listed under 客户集中度
    customers.loc[customers["customer_id"] == biggest, "customer_name"] = SCRIPT
    customers.loc[customers["customer_id"] == second, "customer_name"] = DOLLARS
    customers.to_csv(data / "customers.csv", index=False)
    out = data.parent / "out"
    summary = runner.run_reports(data, periods=[PERIOD], regions=[REGION], angles=[], out_dir=out, progress=False)
    assert summary.ok, summary.text()
    return _texts(out / PERIOD / REGION), (out / "index.html").read_text(encoding="utf-8")


def test_customer_named_script_tag_is_shown_as_text(hostile_reports):
    texts, index = hostile_reports
    pages = {name: text for name, text in texts.items() if name.endswith(".html")}
    assert not [name for name, text in pages.items() if SCRIPT in text] and SCRIPT not in index
    escaped = [name for name, text in pages.items() if "&lt;script&gt;alert(1)&lt;/script&gt;" in text]
    assert escaped, "the renamed customer should be listed somewhere (top customers, value at risk ...)"
    assert not re.search(r"<script[^>]*>\s*alert", "\n".join(pages.values()))


def test_customer_name_with_dollar_signs_is_not_tex(hostile_reports):
    texts, _ = hostile_reports
    assert any(DOLLARS in text for name, text in texts.items() if name.endswith(".html"))
