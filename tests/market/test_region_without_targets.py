"""region_underperform without targets says why there is no attainment instead of printing "—"."""

from tiny import write_tiny

from market.helpers import steady
from salesnb import market
from salesnb.relations import kind
from salesnb.report import open_report


def test_region_underperform_without_a_targets_table_names_it(tmp_path):
    tables = steady("churn")
    del tables["targets"]
    folder = write_tiny(tmp_path / "no_targets", tables=tables)
    for lang, text in (("zh", "数据中没有目标表，达成率无法计算。"), ("en", "No targets table in the data")):
        found = [f for f in market.angle_findings(open_report(str(folder), "2026-10", "ALL", lang=lang))
                 if kind(f) == "region_underperform"]  # a region's fall, not the company's  # fmt: skip
        assert [f["segment"] for f in found] == [{"region": "华东"}]  # 10,000 against a usual 40,000
        assert text in found[0]["detail"] and "—" not in found[0]["detail"]
        assert found[0]["metric"] == "revenue_vs_baseline"
    assert found[0]["detail"].startswith(
        "Revenue 10.0K this month; the region's own trend and season led one to expect about 40.0K (range "
    )
    # every regular stayed away: 直营 and 分销 lost 15,000 each of the fall of 30,000, 电商's new buyers held
    assert (
        "so it came in 75.0% below that. Of the 30.0K below expectation, the largest parts: "
        "channel 分销 (15.0K, 50%; usually 37% of sales), "
        "channel 直营 (15.0K, 50%; usually 37% of sales). No targets table"
    ) in found[0]["detail"]
    zh = [f for f in market.angle_findings(open_report(str(folder), "2026-10", "ALL"))
          if kind(f) == "region_underperform"]  # a region's fall, not the company's  # fmt: skip
    assert zh[0]["detail"] == (
        "本月销售额 1.0万；按本区域自身的趋势和季节，本月应在 4.0万 左右（区间 4.0万–4.0万），实际比预期低 75.0%。"
        "比预期少的 3.0万 主要在渠道「分销」（少 1.5万，占 50%；平时占销售额 37%）、"
        "渠道「直营」（少 1.5万，占 50%；平时占销售额 37%）。"
        "数据中没有目标表，达成率无法计算。"
    )


def test_region_ranking_without_targets_says_it_ranks_by_growth(tmp_path):
    """Without targets the panel ranks by growth on the trailing months, and its note says so; with them, none."""
    tables = steady("churn")
    del tables["targets"]
    folder = write_tiny(tmp_path / "no_targets", tables=tables)
    zh = market.region_panel(open_report(str(folder), "2026-10", "ALL"))
    assert zh.note == (
        "数据中没有目标表，达成率无法计算。"
        "本图按各区域本月销售额较自身近 3 个月均值的变化排名，即与本区域平时的水平相比，而非达成率。"
    )
    en = market.region_panel(open_report(str(folder), "2026-10", "ALL", lang="en"))
    assert en.note == (
        "No targets table in the data; attainment not computed. Regions are ranked by this month's revenue against "
        "their own average of the last 3 months — against their usual level, not a target."
    )
    assert market.region_panel(open_report(str(write_tiny(tmp_path / "with_targets")), "2026-10", "ALL")).note == ""
