from salesnb.config import default_config
from salesnb.findings import findings_panel, make_finding, rank_findings, severity_of


def finding(code, effect, revenue=1000.0, severity=None, segment=None):
    return make_finding(
        angle="market", code=code, segment=segment or {"channel": "分销"}, metric="revenue", value=1.0,
        baseline=2.0, effect=effect, revenue=revenue, config=default_config(), title=f"t {code}",
        detail="<b>d</b>", action="a", severity=severity,
    )  # fmt: skip


def test_severity_from_revenue_share():
    config = default_config()  # high >= 5%, medium >= 2%
    assert severity_of(50, 1000, config) == "high"
    assert severity_of(-49.9, 1000, config) == "medium"  # the sign of the effect does not matter
    assert severity_of(20, 1000, config) == "medium"
    assert severity_of(19.9, 1000, config) == "low"
    assert severity_of(None, 1000, config) == "low" and severity_of(10, 0, config) == "low"


def test_finding_shape_and_ranking():
    low, high, medium = finding("a", 1), finding("b", 80), finding("c", 30)
    assert high["severity"] == "high" and high["effect"] == 80 and high["segment"] == {"channel": "分销"}
    assert [f["code"] for f in rank_findings([low, medium, high])] == ["b", "c", "a"]
    forced = finding("d", 1, severity="high")
    assert forced["severity"] == "high"


def test_findings_panel_escapes_and_limits():
    panel = findings_panel([finding("a", 1), finding("b", 80)], limit=1)
    assert list(panel.frame["code"]) == ["b"]
    html = panel.to_html()
    assert "<b>d</b>" not in html and "&lt;b&gt;d&lt;/b&gt;" in html
    assert "高" in html
    assert "未发现" in findings_panel([]).to_html()


def test_large_datasets_drop_angle_tables_after_use_small_ones_keep_them():
    from salesnb import market
    from salesnb.data import facts
    from salesnb.report import open_report

    report = open_report("", "2026-10", "华东")
    facts.order_facts(report.ds)
    market.angle_findings(report)
    store = facts._CACHE[report.ds]
    assert any(key[0] == "market" for key in store)
    facts.forget_derived(report.ds)  # the sample is small: kept, the angle notebooks reuse them
    assert any(key[0] == "market" for key in store)
    facts.forget_derived(report.ds, min_rows=1)  # as for a million order lines: small aggregates stay
    limit = sum(len(table) for table in report.ds.tables.values()) * facts.SMALL_DERIVED_SHARE
    left = [k for k in store if k[0] not in facts.SHARED_FACTS]
    assert "facts" in {key[0] for key in store} and ("market", "order_rows") not in store
    assert left and sum(facts._held_rows(store[k]) for k in left) <= limit
    before = len(market.angle_findings(report))  # memoised findings survive; tables rebuild on demand
    assert before == len(market.angle_findings(report)) and market.channel_panel(report).table is not None


def test_flagged_keeps_the_true_rows_in_order():
    import pandas as pd

    from salesnb.findings import flagged

    frame = pd.DataFrame({"name": ["a", "b", "c"], "flagged": [True, False, True], "other": [0, 1, 0]})
    assert [row.name for row in flagged(frame)] == ["a", "c"]
    assert [row.name for row in flagged(frame, "other")] == ["b"]


def test_no_findings_is_said_of_the_angle_or_of_every_angle_in_the_summary():
    angle, summary = findings_panel([], "zh"), findings_panel([], "zh", show_angle=True)
    assert angle.note == "本期此角度未发现需要关注的问题。" and "此角度" in angle.to_html()
    assert summary.note == "本期各个角度都未发现需要关注的问题。" and "各个角度" in summary.to_html()
