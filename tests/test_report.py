from tiny import write_tiny

from salesnb.display.panel import Panel
from salesnb.report import open_report


def test_report_helpers_on_the_tiny_dataset(tmp_path):
    data = str(write_tiny(tmp_path / "tiny"))
    report = open_report(data, "2026-10", "ALL")
    assert report.thresholds("severity_revenue_share") == report.config["thresholds"]["severity_revenue_share"]
    assert report.settings("report")["top_n"] == 10
    first = report.covered(["2000-01", "2026-10", "2099-01"])
    assert first == ["2026-10"]
    assert report.history(2) == report.covered(["2026-08", "2026-09"])
    assert report.trailing() == report.covered(["2026-07", "2026-08", "2026-09"])
    assert report.where({"region": "华东"}) == "华东："
    scopes = report.scopes(company=True)
    assert scopes[0] == ("ALL", {}) and ("华东", {"region": "华东"}) in scopes
    assert ("ALL", {}) not in report.scopes(company=False)
    regional = open_report(data, "2026-10", "华东", lang="en")
    assert regional.scopes(company=True) == [("华东", {})]
    assert regional.where({"region": "华东"}) == "华东 · "
    calls = []
    assert report.cached("test", "k", lambda ds: calls.append(ds) or 7) == 7
    assert report.cached("test", "k", lambda ds: calls.append(ds) or 8) == 7 and len(calls) == 1


def test_report_revenue_and_needs(tmp_path):
    data = str(write_tiny(tmp_path / "tiny", drop=("tickets",)))
    report = open_report(data, "2026-10", "ALL")
    orders = report.ds["orders"]
    assert report.revenue > 0
    skipped = report.needs("tickets", "orders")
    assert isinstance(skipped, Panel) and skipped.is_skipped and "tickets" in skipped.note
    assert report.needs("orders") is None
    assert len(orders)


def test_flagged_rows_walks_the_scopes_and_keeps_flagged_rows(tmp_path):
    import pandas as pd

    data = str(write_tiny(tmp_path / "tiny"))
    report = open_report(data, "2026-10", "ALL")
    regions = [region for region, _ in report.scopes(company=False)]

    def rows_of(rep, region):
        return pd.DataFrame({"name": [f"{region}-a", f"{region}-b"], "flagged": [region == regions[0], True]})

    found = [(segment, row.name) for segment, row in report.flagged_rows(rows_of, company=False)]
    first = {"region": regions[0]}
    assert found[:2] == [(first, f"{regions[0]}-a"), (first, f"{regions[0]}-b")]
    assert len(found) == len(regions) + 1
    assert [row.name for _, row in report.flagged_rows(rows_of, company=True)][0] == "ALL-b"
