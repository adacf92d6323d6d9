"""Causes and symptoms on a small planted dataset: which finding explains which, and the folded summary."""

from pathlib import Path

import pandas as pd
import pytest

from salesnb import causes
from salesnb.config import default_config
from salesnb.findings import finding_id, make_finding
from salesnb.report import open_report


def write_region_drop(folder: Path) -> Path:
    """华东's revenue halves in 2026-10: rep R1 sells 100 a month, then 20; R2 stays at 50; 华南's R3 falls too.

    Orders carry ``amount`` (no order_lines), one per rep per month from 2026-07 to 2026-10.
    """
    folder.mkdir(parents=True)
    reps = [("R1", "华东"), ("R2", "华东"), ("R3", "华南")]
    pd.DataFrame([{"customer_id": f"C{rep}", "region": region, "employee_count": 100} for rep, region in reps]).to_csv(
        folder / "customers.csv", index=False
    )
    pd.DataFrame([{"rep_id": rep, "rep_name": rep, "region": region} for rep, region in reps]).to_csv(
        folder / "reps.csv", index=False
    )
    amounts = {"R1": [100, 100, 100, 20], "R2": [50, 50, 50, 60], "R3": [80, 80, 80, 10]}
    orders = [
        {"order_id": f"O{rep}{m}", "customer_id": f"C{rep}", "order_date": f"2026-{m:02d}-10",
         "region": dict(reps)[rep], "rep_id": rep, "channel": "直营", "amount": amounts[rep][m - 7]}
        for rep in amounts for m in (7, 8, 9, 10)
    ]  # fmt: skip
    pd.DataFrame(orders).to_csv(folder / "orders.csv", index=False)
    return folder


def made(code, segment, effect, angle="market", scope="ALL", **kw):
    return make_finding(
        angle=angle, code=code, segment=segment, metric="revenue", value=1.0, baseline=2.0, effect=effect,
        revenue=1000.0, config=default_config(), title=f"{code} {segment}", detail="d", action=f"do {code}",
        scope=scope, **kw,
    )  # fmt: skip


@pytest.fixture
def report(tmp_path):
    return open_report(str(write_region_drop(tmp_path / "drop")), "2026-10", "ALL")


def test_a_regions_reps_and_channel_sit_under_its_drop(report):
    region = made("region_underperform", {"region": "华东"}, 120)
    r1, r2, r3 = (made("rep_underperform", {"rep_id": r}, 30, angle="team") for r in ("R1", "R2", "R3"))
    channel = made("channel_underperform", {"region": "华东", "channel": "直营"}, 80)
    company_channel = made("channel_underperform", {"channel": "直营"}, 90)
    linked = {f["id"]: f for f in causes.link(report, [r1, r2, r3, channel, company_channel, region])}
    assert region["id"] == "ALL/market.region_underperform/region=华东"
    assert linked[r1["id"]]["parent"] == region["id"]  # R1 is in 华东 and sold less than usual (20 < 100)
    assert linked[r2["id"]]["parent"] is None  # R2 is in 华东 but sold more (60 > 50): not a symptom
    assert linked[r3["id"]]["parent"] is None  # R3 fell, but in 华南
    # the region explains its channel before the company-wide channel finding does (first relation wins)
    assert linked[channel["id"]]["parent"] == region["id"]
    assert linked[company_channel["id"]]["parent"] is None and linked[region["id"]]["parent"] is None


def test_the_same_code_wider_explains_narrower_and_the_largest_candidate_wins(report):
    company = made("delivery_delay", {}, 50, angle="support")
    east, south = (made("delivery_delay", {"region": r}, 30, angle="support") for r in ("华东", "华南"))
    fit = made("lead_fit_low", {"source": "展会", "company_size": "<50"}, 10, angle="process")
    small = made("lead_source_shift", {"source": "展会"}, 5, angle="process")
    big = made("lead_source_shift", {"source": "展会"}, 9, angle="process", variant="drop")
    linked = {f["id"]: f for f in causes.link(report, [east, south, company, fit, small, big])}
    assert linked[east["id"]]["parent"] == linked[south["id"]]["parent"] == company["id"]
    assert linked[company["id"]]["parent"] is None
    assert linked[fit["id"]]["parent"] == big["id"]  # two candidates: the larger revenue at stake
    assert big["id"] == "ALL/process.lead_source_shift.drop/source=展会" != small["id"]


def test_ids_are_stable_and_ignore_segment_order():
    a = finding_id("product", "product_line_decline", {"region": "华南", "product_line": "硬件"}, scope="ALL")
    b = finding_id("product", "product_line_decline", {"product_line": "硬件", "region": "华南"}, scope="ALL")
    assert a == b == "ALL/product.product_line_decline/product_line=硬件,region=华南"
    assert made("x", {"channel": "分销"}, 1, scope="")["id"] == "/market.x/channel=分销"  # scope filled in later


def test_fold_lists_roots_ranked_with_symptoms_beneath():
    root_a = made("region_underperform", {"region": "华东"}, 100)
    root_b = made("customer_churn_rise", {}, 300)
    child = {**made("channel_underperform", {"region": "华东", "channel": "直营"}, 60), "parent": root_a["id"]}
    grandchild = {**made("rep_underperform", {"rep_id": "R1"}, 20, angle="team"), "parent": child["id"]}
    orphan = {**made("new_customer_drop", {}, 5), "parent": "ALL/market.gone/"}  # parent not listed: a root
    folded = causes.fold([grandchild, orphan, child, root_a, root_b])
    assert [(d, f["code"]) for d, f in folded] == [
        (0, "customer_churn_rise"), (0, "region_underperform"), (1, "channel_underperform"),
        (2, "rep_underperform"), (0, "new_customer_drop"),
    ]  # fmt: skip
    frame = causes.summary_frame([grandchild, orphan, child, root_a, root_b])
    assert list(frame["depth"]) == [0, 0, 1, 2, 0]
    assert list(frame["root"]) == [root_b["id"], root_a["id"], root_a["id"], root_a["id"], orphan["id"]]
    assert [f["code"] for f in causes.roots([child, root_a, root_b])] == ["customer_churn_rise", "region_underperform"]


def test_relations_are_declared_once_over_known_codes_and_matches():
    from salesnb.angle import angle_of_code

    codes = set(angle_of_code()) | {causes.SAME}
    for relation in causes.RELATIONS:
        assert {relation.parent, relation.child} <= codes and relation.match in causes.MATCHES, relation
    pairs = [(r.parent, r.child) for r in causes.RELATIONS]
    assert len(pairs) == len(set(pairs))
