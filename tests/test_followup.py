"""Memory across months on planted findings: new, persisting for N months, resolved, and the follow-up table."""

from dataclasses import dataclass, field

import pytest

from salesnb import followup
from salesnb.angle import ANGLE_NAMES
from salesnb.config import default_config
from salesnb.findings import make_finding
from salesnb.report import open_report
from tests.test_causes import write_region_drop

# code -> {month: (effect, severity)}: the findings planted in each month of the 华东 report
PLANTED = {
    "customer_churn_rise": {"2026-09": (40, None), "2026-10": (40, None)},  # two months running
    "new_customer_drop": {"2026-10": (10, None)},  # new this month
    "channel_underperform": {"2026-09": (30, None)},  # gone this month: resolved
    "region_underperform": {"2026-07": (5, None), "2026-10": (5, None)},  # back after a gap: new
    "acquisition_cost_high": {m: (20, "low") for m in ("2026-08", "2026-09")} | {"2026-10": (90, "high")},
}


@dataclass
class PlantedAngle:
    """Stands in for an angle: its 'rules' return the planted findings of the report month."""

    name: str
    calls: list
    read: dict = field(default_factory=dict)  # month -> the dataset its report read

    def rule_findings(self, report, codes=None):
        self.calls.append((report.period, None if codes is None else tuple(sorted(codes))))
        self.read[report.period] = report.ds
        if self.name != "market":
            return []
        return [
            make_finding(
                angle="market", code=code, segment={"channel": "直营"}, metric="revenue",
                value=months[report.period][0], baseline=1.0, effect=months[report.period][0], revenue=1000.0,
                config=default_config(), title=code, detail="d", action=f"do {code}",
                severity=months[report.period][1], scope=report.region,
            )
            for code, months in PLANTED.items()
            if report.period in months and (codes is None or code in codes)
        ]  # fmt: skip


@pytest.fixture
def planted(tmp_path, monkeypatch):
    calls = []
    angles = {name: PlantedAngle(name, calls) for name in ANGLE_NAMES}
    monkeypatch.setattr(followup, "get", angles.__getitem__)
    report = open_report(str(write_region_drop(tmp_path / "drop")), "2026-10", "华东")
    return report, calls


def test_status_new_persisting_and_resolved(planted):
    report, calls = planted
    found = {f["code"]: f for f in followup.scope_findings(report)}
    assert (found["customer_churn_rise"]["status"], found["customer_churn_rise"]["months"]) == ("persisting", 2)
    assert (found["new_customer_drop"]["status"], found["new_customer_drop"]["months"]) == ("new", 1)
    assert (found["region_underperform"]["status"], found["region_underperform"]["months"]) == ("new", 1)
    assert found["acquisition_cost_high"]["months"] == 3  # 2026-08 to 2026-10 (the data starts in 2026-07)
    assert "channel_underperform" not in found
    resolved = followup.resolved_findings(report)
    assert [(f["code"], f["status"]) for f in resolved] == [("channel_underperform", "resolved")]
    assert resolved[0]["id"] == "华东/market.channel_underperform/channel=直营"
    assert followup.resolved_metrics(report)["resolved_findings"][0]["id"] == resolved[0]["id"]
    # last month is read whole; before it only the rules whose findings were still present, and only once
    assert ("2026-09", None) in calls and ("2026-08", ("acquisition_cost_high", "customer_churn_rise")) in calls
    assert ("2026-07", ("acquisition_cost_high",)) in calls and len(calls) == 4 + 4 * 2  # others: now + last
    before = len(calls)
    followup.scope_findings(report)
    assert len(calls) == before  # memoised per scope


def test_ids_match_across_months(planted):
    report, _ = planted
    from dataclasses import replace

    now = {f["id"] for f in followup.scope_findings(report)}
    last = {f["id"] for f in followup.scope_findings(replace(report, period="2026-09"))}
    assert now & last == {
        "华东/market.customer_churn_rise/channel=直营",
        "华东/market.acquisition_cost_high/channel=直营",
    }


def test_look_back_is_capped_by_the_setting(planted):
    report, _ = planted
    report.config["findings"]["status_months"] = 1
    found = {f["code"]: f for f in followup.scope_findings(report)}
    assert found["acquisition_cost_high"]["months"] == 2 and found["customer_churn_rise"]["months"] == 2


def test_followup_frame_says_resolved_persisting_or_worse(planted):
    report, _ = planted
    frame = followup.followup_frame(report).set_index("code")
    assert frame.loc["channel_underperform", "status"] == "resolved"
    assert frame.loc["customer_churn_rise", "status"] == "persisting"
    assert frame.loc["acquisition_cost_high", "status"] == "worse"  # low → high, 20 → 90 at stake
    assert (
        frame.loc["acquisition_cost_high", "value_then"] == 20 and frame.loc["acquisition_cost_high", "value_now"] == 90
    )
    assert frame.loc["channel_underperform", "action"] == "do channel_underperform"
    panel = followup.followup_panel(report)
    assert "已解决 1 个，仍存在 1 个，恶化 1 个" in panel.note
    assert list(panel.table.iloc[:, -1]).count("已解决") == 1 and "未再触发" in set(panel.table.iloc[:, 4])


def test_every_finding_metric_has_a_readers_name_and_format() -> None:
    """The follow-up table names each finding's metric in words (no raw keys like credit_risk_deal_amount)."""
    import ast
    from pathlib import Path

    from salesnb import followup

    def constants(value: ast.expr) -> list[str]:  # metric="a", or metric="a" if targeted else "b"
        if isinstance(value, ast.IfExp):
            return constants(value.body) + constants(value.orelse)
        return [value.value] if isinstance(value, ast.Constant) and isinstance(value.value, str) else []

    package = Path(followup.__file__).parent
    named = {
        metric
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "metric"
        for metric in constants(keyword.value)
    }
    assert {"credit_risk_deal_amount", "revenue_vs_expected"} <= named
    named |= {"nps", "csat"}  # the satisfaction rule's metrics come from its frame: nps, csat, score_<aspect>
    assert [m for m in sorted(named) if followup.metric_name(m, "zh") == m] == []
    assert followup.metric_name("score_交付", "zh") == "“交付”评分"
    assert followup.format_metric("revenue_vs_expected", 0.3, "zh") == "30.0%"  # a rep at 30 % of its usual level
    assert followup.format_metric("credit_risk_deal_amount", 43500.0, "zh") != "43500.0"
    assert followup.format_metric("new_customers", 0.0, "zh") == "0"  # a count, not 0.0
    assert followup.format_metric("stage_stock", 12.5, "zh") == "12.5"  # a usual level may be a mean


def test_a_partial_months_follow_up_lists_what_last_months_report_raised(planted, monkeypatch):
    """The data ends on 2026-10-10: this month is read on days 1..10, but last month and before are read whole, as
    their own reports read them (a problem of September's first ten days that September's report did not raise is
    not last month's problem), and the note says which column counts what."""
    report, _ = planted
    assert report.partial and report.through_day == 10
    angles = {name: PlantedAngle(name, []) for name in ANGLE_NAMES}
    monkeypatch.setattr(followup, "get", angles.__getitem__)
    partial = open_report(str(report.whole.source), "2026-10", "华东")
    followup.scope_findings(partial)
    read = angles["market"].read
    assert partial.ds is not partial.whole and read["2026-10"] is partial.ds  # this month: days 1..10
    assert all(read[m] is partial.whole for m in ("2026-09", "2026-08", "2026-07"))
    assert "“上月”一列是上月报告的整月数字，“本月”一列只计 1–10 日" in followup.followup_panel(report).note
