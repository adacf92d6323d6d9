"""资源支持需求 and the action timetable on tiny hand-made deals: numbers worked out by hand."""

import pandas as pd
import pytest
from tiny import TABLES, write_tiny

from salesnb.pack import actions, resources
from salesnb.pack.actions import due_date, owner_of
from salesnb.report import open_report

REPS = [
    {"rep_id": "R1", "rep_name": "张三", "region": "华东"},
    {"rep_id": "R2", "rep_name": "李四", "region": "华南"},
    {"rep_id": "R3", "rep_name": "王五", "region": "华东"},
    {"rep_id": "R4", "rep_name": "赵六", "region": "华东"},
]
MONTHS = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


def _deals(advancing: dict[str, int], per_rep: int = 30) -> tuple[list[dict], list[dict]]:
    """``per_rep`` deals per rep through 初步接触 → 需求确认 → 技术交流; ``advancing[rep]`` of them reach 方案报价.

    Deals that stop at 技术交流 are lost on day 12; those that move on are lost at 方案报价 on day 20.
    """
    opps, events = [], []
    for rep, moved in advancing.items():
        for k in range(per_rep):
            month = MONTHS[k % 4]
            oid = f"{rep}-{k:02d}"
            forward = k < moved
            opps.append(
                {
                    "opportunity_id": oid, "created_at": f"{month}-03", "status": "lost", "rep_id": rep,
                    "region": "华东", "amount": 100.0, "closed_at": f"{month}-{20 if forward else 12}",
                }
            )  # fmt: skip
            path = [("初步接触", 3), ("需求确认", 5), ("技术交流", 8)] + ([("方案报价", 12)] if forward else [])
            events += [{"opportunity_id": oid, "stage": s, "entered_at": f"{month}-{d:02d}"} for s, d in path]
    return opps, events


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    opps, events = _deals({"R1": 6, "R3": 24, "R4": 24})
    tables = {**{k: [dict(r) for r in v] for k, v in TABLES.items()}, "reps": REPS}
    tables.update({"opportunities": opps, "stage_events": events})
    folder = write_tiny(tmp_path_factory.mktemp("deals"), tables=tables)
    return open_report(str(folder), "2026-10", "华东")


def test_a_rep_far_below_peers_at_a_technical_stage_gets_product_training(report):
    frame = resources.training_frame(report)
    assert list(frame["rep_id"]) == ["R1"]  # R3, R4 convert as the pooled peers do
    row = frame.iloc[0]
    assert row["stage"] == "技术交流" and row["training"] == "product"
    assert (row["exits"], row["advanced"]) == (30, 6)
    assert row["rate"] == pytest.approx(0.2) and row["peer_rate"] == pytest.approx(48 / 60)
    assert row["gap"] == pytest.approx(0.6) and row["deals_lost"] == pytest.approx(30 * 0.8 - 6)
    assert row["q"] < 0.001


def test_the_training_request_names_the_rep_and_quotes_the_numbers(report):
    (request,) = [r for r in resources.resource_requests(report) if r["kind"] == "training"]
    assert request["who"] == "张三（R1）"
    assert "技术交流" in request["evidence"] and "20%" in request["evidence"] and "80%" in request["evidence"]
    assert "6" in request["evidence"] and "30" in request["evidence"]


def test_stages_map_to_the_training_they_call_for(report):
    assert resources.training_kind(report, "初步接触") == "discovery"
    assert resources.training_kind(report, "商务谈判") == "negotiation"
    assert resources.training_kind(report, "合同签订") == "negotiation"
    assert resources.training_kind(report, "a stage nobody configured") == "product"


def test_no_training_without_enough_exits(tmp_path):
    opps, events = _deals({"R1": 1, "R3": 6, "R4": 6}, per_rep=7)  # 7 exits each: below training_min_exits 8
    tables = {**{k: [dict(r) for r in v] for k, v in TABLES.items()}, "reps": REPS}
    tables.update({"opportunities": opps, "stage_events": events})
    folder = write_tiny(tmp_path / "few", tables=tables)
    assert resources.training_frame(open_report(str(folder), "2026-10", "华东")).empty


def test_owner_is_the_rep_else_the_region_else_sales_operations(report):
    assert owner_of(report, {"region": "华东", "rep_id": "R3"}) == "王五（R3）"
    assert owner_of(report, {"region": "华南"}) == "华南区域负责人"
    assert owner_of(report, {}) == "华东区域负责人"  # the report's region
    company = open_report(period="2026-10", region="ALL", dataset=report.ds)
    assert owner_of(company, {}) == "销售运营负责人"
    assert (
        owner_of(open_report(period="2026-10", region="ALL", lang="en", dataset=report.ds), {"region": "华南"})
        == "华南 region lead"
    )


def test_due_dates_follow_severity_in_the_month_after(report):
    assert due_date(report, "high") == "2026-11-15"
    assert due_date(report, "medium") == "2026-11-30"
    january = open_report(period="2026-01", region="华东", dataset=report.ds)
    assert due_date(january, "low") == "2026-02-28"


def test_every_root_finding_is_an_action_with_owner_due_and_metric(sample):
    report = open_report(period="2026-10", region="华东", dataset=sample)
    doc = actions.actions_document(report)
    assert doc["for_month"] == "2026-11" and doc["actions"]
    for item in doc["actions"]:
        assert item["owner"] and item["metric"] and pd.Timestamp(item["due"]).strftime("%Y-%m") == "2026-11"
        assert item["action"]


def test_an_unknown_training_kind_in_the_configuration_is_refused(report):
    from dataclasses import replace

    from salesnb.errors import ConfigError

    config = {**report.config, "pack": {**report.config["pack"], "training_stages": {"juggling": ["技术交流"]}}}
    with pytest.raises(ConfigError, match="juggling"):
        resources.training_kind(replace(report, config=config), "技术交流")
