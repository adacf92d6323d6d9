"""Causes and symptoms on a small planted dataset: which finding explains which, and the folded summary."""

from pathlib import Path

import pandas as pd
import pytest

from salesnb import cause_tree, causes
from salesnb.config import default_config
from salesnb.findings import finding_id, make_finding
from salesnb.relations import COMPANY_FALL
from salesnb.report import open_report


def write_region_drop(folder: Path, south_falls: bool = True) -> Path:
    """华东's revenue halves in 2026-10: rep R1 sells 100 a month, then 20; R2 stays at 50; 华南's R3 falls too.

    Orders carry ``amount`` (no order_lines), one per rep per month from 2026-07 to 2026-10. With ``south_falls``
    false 华南 holds at 80, so 华东's expected 150 is not scaled down by its peers: 华东's gap to it is 70.
    """
    folder.mkdir(parents=True)
    reps = [("R1", "华东"), ("R2", "华东"), ("R3", "华南")]
    pd.DataFrame([{"customer_id": f"C{rep}", "region": region, "employee_count": 100} for rep, region in reps]).to_csv(
        folder / "customers.csv", index=False
    )
    pd.DataFrame([{"rep_id": rep, "rep_name": rep, "region": region} for rep, region in reps]).to_csv(
        folder / "reps.csv", index=False
    )
    amounts = {"R1": [100, 100, 100, 20], "R2": [50, 50, 50, 60], "R3": [80, 80, 80, 10 if south_falls else 80]}
    orders = [
        {"order_id": f"O{rep}{m}", "customer_id": f"C{rep}", "order_date": f"2026-{m:02d}-10",
         "region": dict(reps)[rep], "rep_id": rep, "channel": "直营", "amount": amounts[rep][m - 7]}
        for rep in amounts for m in (7, 8, 9, 10)
    ]  # fmt: skip
    pd.DataFrame(orders).to_csv(folder / "orders.csv", index=False)
    return folder


def made(code, segment, effect, angle="market", scope="ALL", metric="test", value=1.0, baseline=2.0, **kw):
    """A finding of ``code`` on ``segment``; its value and baseline are not money unless ``metric`` says so."""
    return make_finding(
        angle=angle, code=code, segment=segment, metric=metric, value=value, baseline=baseline, effect=effect,
        revenue=1000.0, config=default_config(), title=f"{code} {segment}", detail="d", action=f"do {code}",
        scope=scope, **kw,
    )  # fmt: skip


@pytest.fixture
def report(tmp_path):
    return open_report(str(write_region_drop(tmp_path / "drop")), "2026-10", "ALL")


def test_a_regions_reps_and_channel_sit_under_its_drop(tmp_path):
    # 华南 holds at 80: 华东's expected 150 is its baseline (its peers did not fall with it), 70 above its 80
    report = open_report(str(write_region_drop(tmp_path / "drop", south_falls=False)), "2026-10", "ALL")
    region = made("region_underperform", {"region": "华东"}, 120)
    r1 = made("rep_underperform", {"rep_id": "R1"}, 80, angle="team")  # R1's shortfall: 80 of the region's 120
    r2, r3 = (made("rep_underperform", {"rep_id": r}, 30, angle="team") for r in ("R2", "R3"))
    channel = made("channel_underperform", {"region": "华东", "channel": "直营"}, 80)
    company_channel = made("channel_underperform", {"channel": "直营"}, 90)
    linked = {f["id"]: f for f in causes.link(report, [r1, r2, r3, channel, company_channel, region])}
    assert region["id"] == "ALL/market.region_underperform/region=华东"
    assert linked[r2["id"]]["parent"] is None  # R2 is in 华东 but sold more (60 > 50): not a symptom
    assert linked[r3["id"]]["parent"] is None  # R3 is in 华南
    # the region explains its channel before the company-wide channel finding does (first relation wins)
    assert linked[channel["id"]]["parent"] == region["id"]
    assert linked[company_channel["id"]]["parent"] is None
    # 华东 fell 70 below its expected 150 and R1 80 below its 100 while R2 rose: the region's fall is R1's, who heads
    # it; the link says the gap the region's finding states (70), R1 by name and id
    assert linked[r1["id"]]["parent"] is None and linked[region["id"]]["parent"] == r1["id"]
    assert linked[region["id"]]["explained"] == {"match": "share_of_fall", "by": "R1", "part": 80.0,
                                                 "whole": 70.0, "unit": "amount"}  # fmt: skip


def test_a_rep_short_of_half_the_regions_gap_to_its_expected_level_does_not_head_it(tmp_path):
    """华南 holds, so 华东 is 70 short of its expected 150 (its target gap, the finding's effect of 120, is not what
    the rep must hold). R1 short of 30 holds the trailing fall but not half the gap: the region heads it; short of
    40 it heads the region."""
    report = open_report(str(write_region_drop(tmp_path / "drop", south_falls=False)), "2026-10", "ALL")
    from salesnb.market.regions import region_gap

    assert region_gap(report, "华东") == pytest.approx(70) and region_gap(report, "华南") == 0.0
    region = made("region_underperform", {"region": "华东"}, 120)
    small = made("rep_underperform", {"rep_id": "R1"}, 30, angle="team")
    linked = {f["id"]: f for f in causes.link(report, [small, region])}
    assert linked[small["id"]]["parent"] == region["id"] and linked[region["id"]]["parent"] is None
    holding = made("rep_underperform", {"rep_id": "R1"}, 40, angle="team")
    linked = {f["id"]: f for f in causes.link(report, [holding, region])}
    assert linked[holding["id"]]["parent"] is None and linked[region["id"]]["parent"] == holding["id"]


def test_a_region_falling_across_its_reps_heads_them(tmp_path):
    """R2 falls as R1 does (50 → 10): no rep holds most of 华东's fall with the rest holding up, so the region heads
    both reps (each in the falling region, each selling less than usual)."""
    folder = write_region_drop(tmp_path / "both")
    orders = pd.read_csv(folder / "orders.csv")
    orders.loc[orders["order_id"] == "OR210", "amount"] = 10
    orders.to_csv(folder / "orders.csv", index=False)
    both = open_report(str(folder), "2026-10", "ALL")
    region = made("region_underperform", {"region": "华东"}, 120)
    r1, r2 = (made("rep_underperform", {"rep_id": r}, 30, angle="team") for r in ("R1", "R2"))
    linked = {f["id"]: f for f in causes.link(both, [r1, r2, region])}
    assert linked[region["id"]]["parent"] is None
    assert linked[r1["id"]]["parent"] == region["id"] and linked[r2["id"]]["parent"] == region["id"]


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
    folded = cause_tree.fold([grandchild, orphan, child, root_a, root_b])
    assert [(d, f["code"]) for d, f in folded] == [
        (0, "customer_churn_rise"), (0, "region_underperform"), (1, "channel_underperform"),
        (2, "rep_underperform"), (0, "new_customer_drop"),
    ]  # fmt: skip
    frame = cause_tree.summary_frame([grandchild, orphan, child, root_a, root_b])
    assert list(frame["depth"]) == [0, 0, 1, 2, 0]
    assert list(frame["root"]) == [root_b["id"], root_a["id"], root_a["id"], root_a["id"], orphan["id"]]
    ranked = cause_tree.roots([child, root_a, root_b])
    assert [f["code"] for f in ranked] == ["customer_churn_rise", "region_underperform"]


def test_a_cause_ranks_with_the_gravest_symptom_it_explains():
    """A medium fall that explains a high one stands before another medium root with more at stake (and before a
    high root with less), its own symptoms ranked the same way; each finding keeps its own severity."""
    region = made("region_underperform", {"region": "华东"}, 100, severity="medium")
    bigger = made("customer_churn_rise", {}, 300, severity="medium")
    high_root = made("new_customer_drop", {}, 50, severity="high")
    rep = {**made("rep_underperform", {"rep_id": "R1"}, 40, angle="team", severity="high"), "parent": region["id"]}
    folded = cause_tree.fold([bigger, high_root, region, rep])
    assert [(d, f["code"]) for d, f in folded] == [
        (0, "region_underperform"), (1, "rep_underperform"), (0, "new_customer_drop"), (0, "customer_churn_rise"),
    ]  # fmt: skip
    assert [f["severity"] for _, f in folded] == ["medium", "high", "high", "medium"]
    assert [f["code"] for f in cause_tree.roots([bigger, region])] == ["customer_churn_rise", "region_underperform"]


def test_relations_are_declared_once_over_known_codes_and_matches():
    from salesnb.angle import angle_of_code

    codes = set(angle_of_code()) | {causes.SAME, COMPANY_FALL}  # the company's fall: a region_underperform
    for relation in causes.RELATIONS:
        assert {relation.parent, relation.child} <= codes and relation.match in causes.MATCHES, relation
    pairs = [(r.parent, r.child) for r in causes.RELATIONS]
    assert len(pairs) == len(set(pairs))


def write_line_channel_world(folder: Path, october: dict[tuple[str, str], float]) -> Path:
    """华东 sells lines A (product PA) and B (PB) through 直营 and 电商, 100 a month in each line × channel cell.

    2026-07..09 are usual; ``october`` gives the 2026-10 revenue per (line, channel) cell (100 where not given).
    """
    folder.mkdir(parents=True)
    pd.DataFrame({"product_id": ["PA", "PB"], "product_line": ["A", "B"]}).to_csv(folder / "products.csv", index=False)
    orders, lines = [], []
    for month in (7, 8, 9, 10):
        for line in ("A", "B"):
            for channel in ("直营", "电商"):
                order = f"O{month}{line}{channel}"
                amount = october.get((line, channel), 100.0) if month == 10 else 100.0
                orders.append(
                    {
                        "order_id": order,
                        "customer_id": f"C{line}{channel}",
                        "region": "华东",
                        "order_date": f"2026-{month:02d}-{30 if month == 10 else 10}",
                        "channel": channel,
                    }
                )
                lines.append({"order_id": order, "product_id": f"P{line}", "quantity": 1, "unit_price": amount})
    pd.DataFrame(orders).to_csv(folder / "orders.csv", index=False)
    pd.DataFrame(lines).to_csv(folder / "order_lines.csv", index=False)
    return folder


def _linked_pair(tmp_path, october):
    report = open_report(str(write_line_channel_world(tmp_path / "w", october)), "2026-10", "华东")
    line = made("product_line_decline", {"product_line": "A"}, 180, angle="product", scope="华东")
    channel = made("channel_underperform", {"channel": "直营"}, 90, scope="华东")
    linked = {f["code"]: f for f in causes.link(report, [channel, line])}
    return line, channel, linked


def test_a_line_that_collapses_in_every_channel_explains_the_channel(tmp_path):
    # line A: 200 → 20 (−90 %), in 直营 and 电商 alike; 直营's other line B holds at 100. 直营 falls 90, all of it A's.
    line, channel, linked = _linked_pair(tmp_path, {("A", "直营"): 10.0, ("A", "电商"): 10.0})
    assert linked["channel_underperform"]["parent"] == line["id"]
    assert linked["product_line_decline"]["parent"] is None


def test_a_channel_that_collapses_for_every_line_explains_the_line(tmp_path):
    # 直营: 200 → 20 (−90 %), A and B alike; line A holds at 100 in 电商. A falls 90, all of it in 直营.
    line, channel, linked = _linked_pair(tmp_path, {("A", "直营"): 10.0, ("B", "直营"): 10.0})
    assert linked["product_line_decline"]["parent"] == channel["id"]
    assert linked["channel_underperform"]["parent"] is None


def test_the_link_keeps_how_much_of_the_channels_fall_the_line_explains(tmp_path):
    # 直营 falls 80 (A 100 → 30, B 100 → 90); A falls 70 of 200 (35 %), all in 直营; B fell 10 % in 直营
    line, channel, linked = _linked_pair(tmp_path, {("A", "直营"): 30.0, ("B", "直营"): 90.0})
    assert linked["channel_underperform"]["parent"] == line["id"]
    assert linked["channel_underperform"]["explained"] == {
        "match": "share_of_fall", "by": "A", "part": 70.0, "whole": 80.0, "unit": "amount"
    }  # fmt: skip
    assert linked["product_line_decline"]["explained"] is None  # a root


def test_the_link_says_the_gap_the_channels_own_finding_states(tmp_path):
    # 直营 sold 120 (A 30, B 90) against the 200 of its cells' months; its finding states a baseline of 220 (its own
    # method): the summary's "比预期少" is that finding's 100, and A's cell, expected in proportion (110), fell 80
    report = open_report(str(write_line_channel_world(tmp_path / "w", {("A", "直营"): 30.0, ("B", "直营"): 90.0})),
                         "2026-10", "华东")  # fmt: skip
    line = made("product_line_decline", {"product_line": "A"}, 180, angle="product", scope="华东")
    channel = made("channel_underperform", {"channel": "直营"}, 100, scope="华东", metric="channel_revenue",
                   value=120.0, baseline=220.0)  # fmt: skip
    linked = {f["code"]: f for f in causes.link(report, [channel, line])}
    assert linked["channel_underperform"]["parent"] == line["id"]
    assert linked["channel_underperform"]["explained"] == {
        "match": "share_of_fall", "by": "A", "part": 80.0, "whole": 100.0, "unit": "amount"
    }  # fmt: skip


def test_a_line_and_a_channel_that_fell_apart_are_two_problems(tmp_path):
    # line A falls 60, all in 电商; 直营 falls 60, all in line B: the A × 直营 cell holds, neither explains the other
    line, channel, linked = _linked_pair(tmp_path, {("A", "电商"): 40.0, ("B", "直营"): 40.0})
    assert linked["channel_underperform"]["parent"] is None
    assert linked["product_line_decline"]["parent"] is None


def test_a_lines_dip_inside_a_broad_channel_fall_is_the_channels_symptom(tmp_path):
    # 直营 falls 100 (A 30, B 70): A is under half of it, so A does not explain 直营; A's whole fall (30) is in 直营,
    # while 直营 fell for B too: the channel explains the line
    line, channel, linked = _linked_pair(tmp_path, {("A", "直营"): 70.0, ("B", "直营"): 30.0})
    assert linked["channel_underperform"]["parent"] is None
    assert linked["product_line_decline"]["parent"] == channel["id"]


def test_of_a_line_and_a_channel_each_holding_most_of_a_regions_fall_the_one_holding_more_heads_it(tmp_path):
    # 华东 falls 180 (400 → 220): line A 150 of it (直营 90, 电商 60), channel 直营 120 (A 90, B 30). Both hold
    # most of the fall; the line holds more, though the channel has more at stake and its relation comes first
    october = {("A", "直营"): 10.0, ("A", "电商"): 40.0, ("B", "直营"): 70.0}
    report = open_report(str(write_line_channel_world(tmp_path / "w", october)), "2026-10", "华东")
    region = made("region_underperform", {"region": "华东"}, 180, scope="华东")
    line = made("product_line_decline", {"product_line": "A"}, 150, angle="product", scope="华东")
    channel = made("channel_underperform", {"channel": "直营"}, 200, scope="华东")
    linked = {f["code"]: f for f in causes.link(report, [region, channel, line])}
    assert linked["region_underperform"]["parent"] == line["id"]
    assert linked["region_underperform"]["explained"] == {
        "match": "share_of_fall", "by": "A", "part": 150.0, "whole": 180.0, "unit": "amount"
    }  # fmt: skip


def test_a_reps_low_activity_explains_the_same_reps_shortfall(report):
    region = made("region_underperform", {"region": "华东"}, 120)
    idle = made("activity_low", {"rep_id": "R1"}, 10, angle="team")
    team = made("activity_low", {}, 50, angle="team")  # the whole team: not one rep's story
    r1, r3 = (made("rep_underperform", {"rep_id": r}, 30, angle="team") for r in ("R1", "R3"))
    linked = {f["id"]: f for f in causes.link(report, [region, idle, team, r1, r3])}
    assert linked[r1["id"]]["parent"] == idle["id"]  # the rep's own activity before the region it sits in
    assert linked[r3["id"]]["parent"] is None  # R3 (华南) did not have an activity finding


def write_lost_deals(folder: Path) -> Path:
    """华东 orders from 2026-07 to 2026-10; in 2026-10 R1 loses OP1-OP3 (100 each) and R2 loses OP4 (50) to 云帆.

    Each deal entered 初步接触 on 2026-09-01 and 商务谈判 on 2026-10-01, and was lost on 2026-10-15 (in 商务谈判).
    """
    folder.mkdir(parents=True)
    orders = [
        {"order_id": f"O{m}", "customer_id": "C1", "order_date": f"2026-{m:02d}-{30 if m == 10 else 10}",
         "region": "华东", "rep_id": "R1", "channel": "直营", "amount": 100}
        for m in (7, 8, 9, 10)
    ]  # fmt: skip
    pd.DataFrame(orders).to_csv(folder / "orders.csv", index=False)
    deals = [("OP1", "R1", 100), ("OP2", "R1", 100), ("OP3", "R1", 100), ("OP4", "R2", 50)]
    pd.DataFrame(
        [{"opportunity_id": o, "created_at": "2026-09-01", "status": "lost", "customer_id": "C1", "rep_id": rep,
          "region": "华东", "amount": amount, "closed_at": "2026-10-15", "competitor": "云帆"}
         for o, rep, amount in deals]
    ).to_csv(folder / "opportunities.csv", index=False)  # fmt: skip
    pd.DataFrame(
        [{"opportunity_id": o, "stage": stage, "entered_at": day}
         for o, _, _ in deals for stage, day in (("初步接触", "2026-09-01"), ("商务谈判", "2026-10-01"))]
    ).to_csv(folder / "stage_events.csv", index=False)  # fmt: skip
    return folder


def test_deals_lost_to_a_competitor_explain_the_reps_and_the_stages_shortfall(tmp_path):
    report = open_report(str(write_lost_deals(tmp_path / "lost")), "2026-10", "华东")
    rival = made("lost_to_competitor", {"competitor": "云帆"}, 300, angle="product", scope="华东")
    r1, r2 = (made("rep_underperform", {"rep_id": r}, 500, angle="team", scope="华东") for r in ("R1", "R2"))
    talks = made("stage_conversion_low", {"stage": "商务谈判"}, 600, angle="process", scope="华东")
    first = made("stage_conversion_low", {"stage": "初步接触"}, 100, angle="process", scope="华东")
    linked = {f["id"]: f["parent"] for f in causes.link(report, [rival, r1, r2, talks, first])}
    assert linked[r1["id"]] == rival["id"]  # R1 lost 300 to 云帆: at least half of its 500 short
    assert linked[r2["id"]] is None  # R2 lost 50: not most of its 500
    assert linked[talks["id"]] == rival["id"]  # 350 lost in 商务谈判 against 600 at stake there
    assert linked[first["id"]] is None  # every deal moved on from 初步接触
    explained = {f["id"]: f["explained"] for f in causes.link(report, [rival, r1, r2, talks, first])}
    assert explained[r1["id"]] == {"match": "competitor_took", "by": "云帆", "part": 300.0, "whole": 500.0,
                                   "unit": "amount"}  # fmt: skip
    assert explained[talks["id"]]["part"] == 350.0 and explained[talks["id"]]["whole"] == 600.0


def test_stages_piling_up_together_sit_under_the_one_with_most_at_stake(tmp_path):
    from process.helpers import config, rep, stock_scenario

    from salesnb.followup import scope_findings

    # October: 12 deals of 50 pile up in 技术交流 (usual 1: 11 × 50 = 550 at stake) and 8 of 100 in 方案报价
    # (usual 0: 8 × 100 = 800): one pile-up headed by 方案报价, of 1,350 at stake in all
    r = rep(stock_scenario(tmp_path, quoted=8), config_path=config(tmp_path, min_stays=5))
    found = {(f["code"], f["segment"]["stage"]): f for f in scope_findings(r) if f["code"] != "customer_concentration"}
    quote, tech = found["stage_stock_surge", "方案报价"], found["stage_stock_surge", "技术交流"]
    assert (quote["effect"], tech["effect"]) == (800.0, 550.0)
    assert quote["parent"] is None and tech["parent"] == quote["id"]
    assert tech["explained"] == {"match": "pipeline_pileup", "by": "方案报价", "part": 550.0, "whole": 1350.0,
                                 "unit": "amount"}  # fmt: skip
    assert found["stalled_deals", "技术交流"]["parent"] == tech["id"]  # the stage's stalled deals stay under it
    alone = rep(stock_scenario(tmp_path / "alone"), config_path=config(tmp_path, min_stays=5))
    surges = [f for f in scope_findings(alone) if f["code"] == "stage_stock_surge"]
    assert [f["parent"] for f in surges] == [None]  # one stage piling up is its own root


def test_the_stage_heading_a_pile_up_says_how_many_stages_and_the_total_once(tmp_path):
    from process.helpers import config, rep, stock_scenario

    from salesnb.findings import explained_text, heads_text
    from salesnb.overview import executive_summary_panel

    # 方案报价 (800 at stake) heads 技术交流 (550): two stages, 1,350 in all, said on the root's line only
    r = rep(stock_scenario(tmp_path, quoted=8), config_path=config(tmp_path, min_stays=5))
    panel = executive_summary_panel(r)
    quote = next(f for f in panel.findings if f["code"] == "stage_stock_surge")
    symptoms = panel.symptoms[quote["id"]]
    tech = next(f for _, f in symptoms if f["code"] == "stage_stock_surge")
    assert heads_text(quote, symptoms, "zh") == "（共 2 个阶段积压，合计 1,350）"
    assert heads_text(quote, symptoms, "en") == " (2 stages piling up, 1.4K at stake in all)"
    assert explained_text(tech, "zh") == "：与“方案报价”同属一次多阶段积压，本阶段占 550（41%）"
    assert explained_text(tech, "en") == ": part of the same pile-up as 方案报价, 550 (41%) of it here"
    rows = list(panel.table.iloc[:, 1])
    assert f"{quote['title']}（共 2 个阶段积压，合计 1,350）" in rows
    assert "（共 2 个阶段积压，合计 1,350）" in panel.to_html()
    assert heads_text(tech, [], "zh") == ""  # a stage alone, or a symptom, heads nothing


def test_a_stage_pile_up_in_another_segment_is_not_headed():
    report = None  # the match reads the report only once the two findings sit in the same segment
    head = made("stage_stock_surge", {"stage": "方案报价", "source": "展会"}, 800, angle="process")
    other = made("stage_stock_surge", {"stage": "技术交流", "source": "转介绍"}, 550, angle="process")
    assert causes.MATCHES["pipeline_pileup"](report, head, other) is None
    assert causes.MATCHES["pipeline_pileup"](report, other, head) is None  # less at stake never heads


def test_a_lead_source_explains_the_stage_it_piles_up_in_with_its_share(tmp_path):
    from process.helpers import rep, stock_scenario

    from salesnb.findings import explained_text

    # 技术交流 holds 12 展会 deals at October's end against one 转介绍 deal at a usual month end: 11 more in all,
    # 展会 12 more (the 转介绍 one is gone)
    r = rep(stock_scenario(tmp_path))
    fit = made("lead_fit_low", {"source": "展会", "company_size": "<50"}, 100, angle="process", scope="华东")
    other = made("lead_fit_low", {"source": "转介绍"}, 100, angle="process", scope="华东")
    surge = made("stage_stock_surge", {"stage": "技术交流"}, 550, angle="process", scope="华东")
    assert causes.MATCHES["surge_source"](r, other, surge) is None
    linked = {f["code"]: f for f in causes.link(r, [fit, surge])}
    assert linked["stage_stock_surge"]["parent"] == fit["id"]
    assert linked["stage_stock_surge"]["explained"] == {"match": "surge_source", "by": "展会", "part": 12.0,
                                                        "whole": 11.0, "unit": "deals"}  # fmt: skip
    said = "：在手商机比常态多出 11 个，全部来自展会（展会多了 12 个，其他来源有所减少）"
    assert explained_text(linked["stage_stock_surge"], "zh") == said


def _leaning_on(customer, region, metric="period_largest_customer_share"):
    return make_finding(
        angle="market", code="customer_concentration", segment={"customer_id": customer, "region": region},
        metric=metric, value=0.75, baseline=0.33, effect=10.0, revenue=1000.0, config=default_config(),
        title="t", detail="d", action="a", scope="ALL",
    )  # fmt: skip


def test_a_month_leaning_on_one_customer_because_the_others_left_sits_under_the_churn(report):
    """华东 in 2026-10: CR2 bought 60 (usually 50) while CR1 fell from 100 to 20: CR2's share rose from a third to
    three quarters because the other customer left (20 ≤ 0.8 × 100). It is the churn's symptom, in 华东 only, and
    only the month's lean: a standing dependence over the window is no symptom of this month's churn.
    """
    churn = made("customer_churn_rise", {"region": "华东"}, 50)
    fall = made("region_underperform", {"region": "华东"}, 120)
    month, standing = _leaning_on("CR2", "华东"), _leaning_on("CR2", "华东", "largest_customer_share")
    own_fall, elsewhere = _leaning_on("CR1", "华东"), _leaning_on("CR3", "华南")
    linked = {f["id"]: f for f in causes.link(report, [churn, fall, month, own_fall, elsewhere])}
    assert linked[month["id"]]["parent"] == churn["id"]  # the churn before the region's fall (declared first)
    assert linked[own_fall["id"]]["parent"] is None  # CR1's others (CR2) bought more, 60 > 0.8 × 50
    assert linked[elsewhere["id"]]["parent"] is None  # 华南's customer is no symptom of 华东's churn
    assert causes.link(report, [churn, standing])[1]["parent"] is None
    assert causes.link(report, [fall, month])[1]["parent"] == fall["id"]


def test_a_region_that_fell_because_its_customers_stopped_coming_back_sits_under_the_churn(tmp_path):
    """The churn's missing customers bring 60 of 华东's gap of 70 to its expected level (at least half): the churn
    heads the region, and the summary says how much of the gap it holds. With 30 of 70 the region heads the churn."""
    from salesnb.findings import explained_text

    report = open_report(str(write_region_drop(tmp_path / "drop", south_falls=False)), "2026-10", "ALL")
    region = made("region_underperform", {"region": "华东"}, 120)
    churn = made("customer_churn_rise", {"region": "华东"}, 60)
    linked = {f["id"]: f for f in causes.link(report, [region, churn])}
    assert linked[churn["id"]]["parent"] is None and linked[region["id"]]["parent"] == churn["id"]
    assert explained_text(linked[region["id"]], "zh") == "：缺口 70，其中约 60（86%）是少回购的老客户带来的"
    small = made("customer_churn_rise", {"region": "华东"}, 30)
    linked = {f["id"]: f for f in causes.link(report, [small, region])}
    assert linked[region["id"]]["parent"] is None and linked[small["id"]]["parent"] == region["id"]
    south = made("customer_churn_rise", {"region": "华南"}, 500)  # another region's churn explains nothing here
    assert {f["id"]: f for f in causes.link(report, [region, south])}[region["id"]]["parent"] is None


def test_in_a_regions_own_report_its_fall_is_the_total_not_a_cause(tmp_path):
    """华东's own report: its region_underperform explains neither its channel nor a churn too small to hold its
    fall (both stay roots, as in a report without the region's finding); R1 holding the fall still heads it."""
    east = open_report(str(write_region_drop(tmp_path / "drop", south_falls=False)), "2026-10", "华东")
    region = made("region_underperform", {"region": "华东"}, 120, scope="华东")
    channel = made("channel_underperform", {"channel": "直营"}, 80, scope="华东")
    churn = made("customer_churn_rise", {}, 40, scope="华东")
    r1 = made("rep_underperform", {"rep_id": "R1"}, 80, angle="team", scope="华东")
    linked = {f["id"]: f for f in causes.link(east, [region, channel, churn, r1])}
    assert [linked[f["id"]]["parent"] for f in (channel, churn, r1)] == [None, None, None]
    assert linked[region["id"]]["parent"] == r1["id"]


def write_churn_world(folder: Path) -> Path:
    """Three regions of four customers, each buying 10 every month from 2026-01 to 2026-09 (retention 100 %).

    In 2026-10 three of 华东's four stay away (E1 buys 10), 华南's four all come back but buy 2 each, 华北 holds.
    """
    folder.mkdir(parents=True)
    regions = {"华东": "E", "华南": "S", "华北": "N"}
    orders = [
        {"order_id": f"O{p}{i}-{m}", "customer_id": f"{p}{i}", "order_date": f"2026-{m:02d}-10", "region": region,
         "amount": 2 if (m, region) == (10, "华南") else 10}
        for region, p in regions.items() for i in range(1, 5) for m in range(1, 11)
        if not (m == 10 and region == "华东" and i > 1)
    ]  # fmt: skip
    pd.DataFrame(orders).to_csv(folder / "orders.csv", index=False)
    return folder


def test_a_company_wide_churn_holds_a_regions_fall_only_by_that_regions_own_missing_customers(tmp_path):
    """The company's churn: 12 window customers, 9 back against a usual 100 %, 3 missing × 10 = 30, all in 华东
    (4 × 100 % − 1 back = 3 × 10 = 30); 华南's four all came back (0). 华南 fell by buying less: its gap is its own,
    not the churn's, though the company's 30 exceeds it; 华东's gap sits under the churn, which holds 30 of it."""
    from salesnb.market.regions import region_gap
    from salesnb.market.retention import churn_in_region, retention_test

    report = open_report(str(write_churn_world(tmp_path / "churn")), "2026-10", "ALL")
    assert retention_test(report, "ALL")["effect"] == pytest.approx(30.0)
    assert churn_in_region(report, "华东") == pytest.approx(30.0)
    assert churn_in_region(report, "华南") == 0.0
    assert 0 < region_gap(report, "华南") < 30 and 0 < region_gap(report, "华东") <= 60
    churn = made("customer_churn_rise", {}, 30)
    east, south = (made("region_underperform", {"region": r}, 15) for r in ("华东", "华南"))
    linked = {f["id"]: f for f in causes.link(report, [churn, east, south])}
    assert linked[south["id"]]["parent"] is None
    assert linked[east["id"]]["parent"] == churn["id"]
    assert linked[east["id"]]["explained"]["part"] == 30.0
    assert linked[east["id"]]["explained"]["whole"] == round(region_gap(report, "华东"), 2)


def test_a_regions_fall_held_by_its_own_cell_says_that_findings_gap_and_heads_alike_on_every_page(sample):
    # the sample's 2026-10: 西南's fall is held by its channel 分销, whose finding states "本月 4.7万，对比基准 59.8万":
    # the link says that 55.2万 (as the region's split and the finding do), not the cell's level scaled to the
    # region's; 华南's fall is headed by 智能硬件 (64.9万) on both pages, 华南's own report also holding a 分销
    # finding stating 50.2万: candidates rank by the cells' levels, read alike on every page
    from salesnb.findings import all_findings, explained_text

    def by_code(region):
        found = all_findings(open_report(dataset=sample, period="2026-10", region=region))
        return {(f["code"], f["id"].split("/", 1)[1]): f for f in found}

    west = {code: f for (code, _), f in by_code("西南").items()}
    region, channel = west["region_underperform"], west["channel_underperform"]
    assert region["parent"] == channel["id"]
    assert region["explained"]["part"] == pytest.approx(round(channel["baseline"] - channel["value"], 2))
    assert explained_text(region, "zh") == "：比预期少 50.1万，全部来自分销（分销少了 55.2万，其余高于预期）"
    assert "rank" not in region["explained"]
    company = {key: f for (_, key), f in by_code("ALL").items()}
    south = {code: f for (code, _), f in by_code("华南").items()}
    assert south["channel_underperform"]["segment"] == {"channel": "分销"}
    for page, found in (
        ("华南", south["region_underperform"]),
        ("ALL", company["market.region_underperform/region=华南"]),
    ):
        assert found["parent"].endswith("product_line=智能硬件" + (",region=华南" if page == "ALL" else "")), page
        assert explained_text(found, "zh") == "：比预期少 76.1万，其中 64.9万（85%）来自智能硬件", page


def write_one_big_order(folder: Path) -> Path:
    """华东's four reps each sell 100 a month (two customers of 50) from 2026-07; in 2026-10 R1's customer CR1a
    buys 1,050: R1 holds 1,100 of the month's 1,400 and the reps' Gini goes from 0 to 0.5357."""
    folder.mkdir(parents=True)
    reps = ["R1", "R2", "R3", "R4"]
    customers = [(f"C{rep}{x}", rep) for rep in reps for x in "ab"]
    pd.DataFrame([{"customer_id": c, "region": "华东", "employee_count": 100} for c, _ in customers]).to_csv(
        folder / "customers.csv", index=False
    )
    reps_table = pd.DataFrame([{"rep_id": r, "rep_name": r, "region": "华东"} for r in reps])
    reps_table.to_csv(folder / "reps.csv", index=False)
    orders = [
        {"order_id": f"O{c}{m}", "customer_id": c, "order_date": f"2026-{m:02d}-10", "region": "华东", "rep_id": rep,
         "channel": "直营", "amount": 1050 if (c, m) == ("CR1a", 10) else 50}
        for c, rep in customers for m in (7, 8, 9, 10)
    ]  # fmt: skip
    pd.DataFrame(orders).to_csv(folder / "orders.csv", index=False)
    return folder


def test_a_team_split_by_one_customers_big_order_sits_under_that_customer(tmp_path):
    """Without CR1a's 1,000 beyond its usual 50 (all of it R1's), R1 is back at 100 like the others: the Gini's rise
    of 0.5357 over its trailing 0 is all the customer's order (part 0.54 of 0.54, "_all"). Another customer's month
    (CR2a, who bought its usual 50) takes nothing back; a standing dependence (the window's metric) is no month's
    order."""
    from salesnb.findings import explained_text
    from salesnb.team.polarisation import rise_without

    report = open_report(str(write_one_big_order(tmp_path / "big")), "2026-10", "华东")
    rise, left = rise_without(report, "CR1a")
    assert rise == pytest.approx(2 * 5000 / (4 * 1400) - 5 / 4) and left == pytest.approx(0.0)
    assert rise_without(report, "CR2a") == pytest.approx((rise, rise))  # its 50 is its usual month: no extra
    split = made("rep_polarization", {}, 0.0, angle="team", scope="华东", metric="gini", value=0.54, baseline=0.0)
    month = make_finding(
        angle="market", code="customer_concentration", segment={"customer_id": "CR1a"},
        metric="period_largest_customer_share", value=0.75, baseline=0.125, effect=875.0, revenue=1400.0,
        config=default_config(), title="t", detail="d", action="a", scope="华东",
    )  # fmt: skip
    linked = {f["id"]: f for f in causes.link(report, [month, split])}
    assert linked[split["id"]]["parent"] == month["id"]
    assert linked[split["id"]]["explained"] == {"match": "one_customer", "by": "CR1a", "part": 0.54, "whole": 0.54,
                                                "unit": "gini"}  # fmt: skip
    said = "：销售代表业绩的基尼系数比近期均值高 0.54，剔除CR1a本月的订单后已不高于近期均值"
    assert explained_text(linked[split["id"]], "zh") == said
    standing = {**month, "id": "x", "metric": "largest_customer_share"}
    assert causes.MATCHES["one_customer"](report, standing, split) is None
    other = {**month, "id": "y", "segment": {"customer_id": "CR2a"}}
    assert causes.MATCHES["one_customer"](report, other, split) is None
