import pytest

from salesnb.config import default_config
from salesnb.findings import explained_text, findings_panel, make_finding, rank_findings, severity_of, stated_amounts


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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_measured_link_is_said_in_words_never_as_a_text_key(lang):
    """Each match :func:`salesnb.causes.link` measures has wording for a part of the symptom and for all of it.

    A company's fall headed by one region (``company_share``) printed ``explained_company_share_amount``.
    """
    measured = [("share_of_fall", "amount"), ("company_share", "amount"), ("churn_holds", "amount"),
                ("competitor_took", "amount"), ("pipeline_pileup", "amount"), ("late_customers", "complaints"),
                ("late_customers", "points"), ("channel_lapsed", "customers"), ("surge_source", "deals")]  # fmt: skip
    for match, unit in measured:
        for part in (300.0, 1200.0):
            evidence = {"match": match, "by": "华东", "part": part, "whole": 1000.0, "unit": unit}
            said = explained_text({"explained": evidence}, lang)
            assert said and "explained_" not in said and "{" not in said, (match, unit, part, said)
    region = {"match": "company_share", "by": "华东", "part": 600.0, "whole": 1000.0, "unit": "amount"}
    assert explained_text({"explained": region}, "zh") == "：比预期少 1,000，其中 600（60%）来自华东"


def test_a_symptom_says_how_much_of_it_its_cause_explains():
    fall = {"match": "share_of_fall", "by": "智能硬件", "part": 318000.0, "whole": 421000.0, "unit": "amount"}
    child = {**finding("channel_underperform", 30), "title": "电商渠道销售下滑", "explained": fall}
    assert explained_text(child, "zh") == "：比预期少 42.1万，其中 31.8万（76%）来自智能硬件"
    assert explained_text(child, "en") == ": 421.0K below expectation, 318.0K (76%) of it in 智能硬件"
    more = {**child, "explained": {**fall, "part": 500000.0}}  # the rest of the channel rose
    assert explained_text(more, "zh") == "：比预期少 42.1万，全部来自智能硬件（智能硬件少了 50.0万，其余高于预期）"
    late = {"match": "late_customers", "by": "", "part": 4.67, "whole": 7.0, "unit": "complaints"}
    assert explained_text({"explained": late}, "zh") == "：比常态多出约 7 件投诉，其中约 5 件（67%）来自交付延误的客户"
    points = {"match": "late_customers", "by": "", "part": 4.0, "whole": 6.65, "unit": "points"}
    said = "：比常态低 6.7 分，剔除交付延误客户的评分后可收回 4.0 分（60%）"
    assert explained_text({"explained": points}, "zh") == said
    assert explained_text(finding("a", 1), "zh") == "" and explained_text({"explained": {}}, "zh") == ""
    root = {**finding("product_line_decline", 80), "title": "智能硬件产品线收入下滑"}
    panel = findings_panel([root], show_angle=True)
    panel.symptoms = {root["id"]: [(1, child)]}
    assert '电商渠道销售下滑<span class="salesnb-explained" style="color:#666">：比预期少 42.1万' in panel.to_html()
    pileup = {"match": "pipeline_pileup", "by": "技术交流", "part": 469201.74, "whole": 1885569.75, "unit": "amount"}
    said = "：与“技术交流”同属一次多阶段积压，本阶段占 46.9万（25%）"  # the total is said once, on the root
    assert explained_text({"explained": pileup}, "zh") == said


def test_stated_amounts_only_money_metrics_with_a_positive_baseline():
    """A channel's "本月 4.7万，对比基准 62.8万" is its gap in money; a rate or an empty baseline states none."""
    assert stated_amounts({"metric": "channel_revenue", "baseline": 628_000, "value": 47_000}) == (628_000.0, 47_000.0)
    assert stated_amounts({"metric": "revenue", "baseline": 450_000.0, "value": 185_000.0}) == (450_000.0, 185_000.0)
    assert stated_amounts({"metric": "return_rate", "baseline": 0.05, "value": 0.12}) is None
    assert stated_amounts({"metric": "revenue", "baseline": 0.0, "value": 10.0}) is None
    assert stated_amounts({"metric": "revenue", "baseline": float("nan"), "value": 10.0}) is None
    assert stated_amounts({"metric": "revenue", "baseline": 10.0, "value": None}) is None
