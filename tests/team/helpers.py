"""Tiny hand-made team data shared by the team tests: reps, their orders and targets, one report on them."""

from pathlib import Path

from tiny import write_tiny

from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
CODES = {"rep_underperform", "rep_polarization", "new_hire_ramp_slow", "activity_low", "target_misaligned"}
MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10"]


def build(reps, sales, targets, *, activities=(), opportunities=(), stage_events=()):
    """Tables for a tiny team: ``sales`` maps (rep, month) to a list of order amounts (from day 28 backwards; in the
    last month from day 31, so the data covers it whole and no month is partial).

    Every rep has one customer of its region; ``targets`` maps (rep, month) to the rep's target and a
    region target is the sum of its reps' targets.
    """
    tables = {
        "customers": [{"customer_id": f"C{r}", "region": region} for r, region, _ in reps],
        "reps": [
            {"rep_id": r, "rep_name": f"代表{r}", "region": region, "hire_date": hired} for r, region, hired in reps
        ],
        "orders": [],
        "targets": [],
    }
    region_of = {r: region for r, region, _ in reps}
    for (rep, month), amounts in sorted(sales.items()):
        for k, amount in enumerate(amounts):
            tables["orders"].append(
                {
                    "order_id": f"O{rep}-{month}-{k}",
                    "customer_id": f"C{rep}",
                    "order_date": f"{month}-{28 - k % 15:02d}" if month != MONTHS[-1] else f"{month}-{31 - k % 15}",
                    "region": region_of[rep],
                    "rep_id": rep,
                    "channel": "直营",
                    "amount": amount,
                }
            )
    regions = {}
    for (rep, month), amount in sorted(targets.items()):
        tables["targets"].append({"period": month, "target_amount": amount, "region": "", "rep_id": rep})
        regions[(region_of[rep], month)] = regions.get((region_of[rep], month), 0) + amount
    for (region, month), amount in sorted(regions.items()):
        tables["targets"].append({"period": month, "target_amount": amount, "region": region, "rep_id": ""})
    if not tables["targets"]:
        del tables["targets"]
    if activities:
        tables["activities"] = list(activities)
    if opportunities:
        tables["opportunities"] = list(opportunities)
    if stage_events:
        tables["stage_events"] = list(stage_events)
    return tables


def base_sales():
    sales = {}
    for month in MONTHS:
        sales[("R1", month)] = [100] * 6
        sales[("R2", month)] = [100] * 2
        sales[("R4", month)] = [100] * 3
    return sales


def base_targets():
    return {(rep, month): value for month in MONTHS for rep, value in (("R1", 600), ("R2", 200), ("R4", 300))}


BASE_REPS = [("R1", "华东", "2020-01-01"), ("R2", "华东", "2020-01-01"), ("R4", "华南", "2021-03-01")]


def open_tiny(tmp_path, tables, region="华东", period="2026-10", **kw):
    folder = write_tiny(tmp_path / "team", tables=tables)
    return open_report(str(folder), period, region, **kw)
