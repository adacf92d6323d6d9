import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tiny import TABLES, write_tiny

from salesnb import process
from salesnb.demo import generate_dataset, write_dataset
from salesnb.display import plotting
from salesnb.report import clean_json, open_report

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
CODES = {
    "stage_conversion_low",
    "stage_stock_surge",
    "lead_source_shift",
    "lead_fit_low",
    "slow_first_response",
    "sales_cycle_lengthening",
    "stalled_deals",
    "pipeline_slippage",
}
STAGES = ["初步接触", "需求确认", "技术交流", "方案报价", "商务谈判", "合同签订"]
HISTORY = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]


# ------------------------------------------------------------------------------------------ tiny builders


def ts(month: str, day: int, hour: int = 10) -> str:
    return f"{month}-{day:02d} {hour:02d}:00:00"


def next_month(month: str) -> str:
    return str(pd.Period(month, freq="M") + 1)


class Tables:
    """Process tables on top of the tiny dataset (whose orders give the months 2025-10..2026-10)."""

    def __init__(self):
        self.leads, self.opps, self.events = [], [], []

    def deal(
        self,
        oid,
        created,
        path,
        *,
        status="open",
        closed=None,
        amount=100.0,
        region="华东",
        source="展会",
        expected=None,
        customer=None,
    ):
        self.opps.append(
            {
                "opportunity_id": oid,
                "created_at": created,
                "status": status,
                "customer_id": customer,
                "region": region,
                "source": source,
                "amount": amount,
                "expected_close_at": expected,
                "closed_at": closed,
            }
        )
        self.events += [{"opportunity_id": oid, "stage": stage, "entered_at": when} for stage, when in path]

    def lead(self, lid, created, source, *, size=100, hours=0.5, status="disqualified", opp=None, region="华东"):
        responded = None if hours is None else str(pd.Timestamp(created) + pd.Timedelta(hours=hours))
        self.leads.append(
            {
                "lead_id": lid,
                "created_at": created,
                "source": source,
                "region": region,
                "company_size": size,
                "first_response_at": responded,
                "status": status,
                "opportunity_id": opp,
            }
        )

    def write(self, folder: Path, drop: tuple[str, ...] = ()) -> Path:
        tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
        tables.update({"leads": self.leads, "opportunities": self.opps, "stage_events": self.events})
        tables = {k: v for k, v in tables.items() if v}
        return write_tiny(folder, tables=tables, drop=drop)


def config(tmp_path: Path, **process_keys) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps({"process": process_keys}), encoding="utf-8")  # JSON is YAML
    return str(path)


@pytest.fixture
def basic(tmp_path):
    """A handful of leads and deals in 2026-09..10 whose figures are worked out by hand in the tests."""
    tb = Tables()
    tb.lead("L1", ts("2026-10", 2, 9), "展会", size=20, hours=0.5, status="converted", opp="OP1")
    tb.lead("L2", ts("2026-10", 3), "展会", size=30, hours=5, status="disqualified")
    tb.lead("L3", ts("2026-10", 5), "转介绍", size=300, hours=0.5, status="converted", opp="OP2")
    tb.lead("L4", ts("2026-09", 10), "转介绍", size=100, hours=1, status="converted", opp="OP3")
    tb.lead("L5", ts("2026-10", 6), "线上广告", size=60, hours=None, status="new", region="华南")
    tb.lead("L6", ts("2026-10", 20), "展会", size=10, hours=1 / 6, status="qualified")
    tb.deal(
        "OP1",
        ts("2026-10", 4),
        [("初步接触", ts("2026-10", 4)), ("需求确认", ts("2026-10", 8)), ("技术交流", ts("2026-10", 15))],
        amount=100,
        source="",
        expected="2026-10-25",
    )
    tb.deal(
        "OP2",
        ts("2026-10", 6),
        [(s, ts("2026-10", d)) for s, d in zip(STAGES, [6, 8, 10, 12, 15, 20], strict=True)],
        status="won",
        closed=ts("2026-10", 20),
        amount=200,
        source="转介绍",
        expected="2026-11-15",
    )
    tb.deal(
        "OP3",
        ts("2026-09", 12),
        [("初步接触", ts("2026-09", 12)), ("需求确认", ts("2026-09", 20))],
        status="lost",
        closed=ts("2026-10", 10),
        amount=50,
        source="转介绍",
        expected="2026-10-30",
    )
    tb.deal(
        "OP4",
        ts("2026-08", 1),
        [("初步接触", ts("2026-08", 1)), ("需求确认", ts("2026-08", 10)), ("技术交流", ts("2026-09", 1))],
        amount=300,
        source="老客户",
        customer="C1",
        expected="2026-12-01",
    )
    tb.deal(
        "OP5",
        ts("2026-09", 1),
        [("初步接触", ts("2026-09", 1)), ("合同签订", ts("2026-09", 20))],
        status="won",
        closed=ts("2026-09", 20),
        amount=80,
        source="老客户",
    )
    tb.deal("OP6", ts("2026-09", 15), [("初步接触", ts("2026-09", 15))], amount=999, region="华南")
    return tb.write(tmp_path / "basic")


def rep(folder, period="2026-10", region="华东", **kw):
    return open_report(str(folder), period, region, **kw)


# ------------------------------------------------------------------------------------- hand-computed figures


def test_cohort_funnel_hand_computed(basic):
    frame = process.funnel_frame(rep(basic)).set_index("step")
    assert list(frame.index) == ["leads", "opportunities", *STAGES, "won"]
    counts = frame["count"].to_dict()
    assert counts == {
        "leads": 4,
        "opportunities": 2,
        "初步接触": 2,
        "需求确认": 2,
        "技术交流": 2,
        "方案报价": 1,
        "商务谈判": 1,
        "合同签订": 1,
        "won": 1,
    }
    assert frame.at["opportunities", "value"] == 300 and frame.at["won", "value"] == 200
    assert frame.at["opportunities", "pct_prev"] == pytest.approx(0.5)
    assert frame.at["方案报价", "pct_prev"] == pytest.approx(0.5)
    assert frame.at["won", "pct_first"] == pytest.approx(0.25)
    assert np.isnan(frame.at["leads", "pct_prev"]) and frame.at["leads", "pct_first"] == 1
    assert (frame["basis"] == "cohort").all()


def test_funnel_by_source_and_size(basic):
    by_source = process.funnel_frame(rep(basic), by="source").set_index(["segment", "step"])["count"]
    assert by_source[("展会", "leads")] == 3 and by_source[("展会", "opportunities")] == 1  # OP1's source from L1
    assert by_source[("展会", "技术交流")] == 1 and by_source[("展会", "won")] == 0
    assert by_source[("转介绍", "leads")] == 1 and by_source[("转介绍", "won")] == 1
    by_size = process.funnel_frame(rep(basic), by="size_band")
    assert list(dict.fromkeys(by_size["segment"])) == ["<50", "200-999"]  # band order, not counts
    sizes = by_size.set_index(["segment", "step"])["count"]
    assert sizes[("<50", "leads")] == 3 and sizes[("<50", "opportunities")] == 1
    assert sizes[("200-999", "won")] == 1
    regions = process.funnel_frame(rep(basic, region="ALL"), by="region").set_index(["segment", "step"])["count"]
    assert regions[("华东", "leads")] == 4 and regions[("华南", "leads")] == 1


def test_snapshot_funnel_counts_what_sits_in_each_stage(basic):
    frame = process.funnel_frame(rep(basic), basis="snapshot").set_index("step")
    assert frame.at["open_leads", "count"] == 1  # L6 qualified; L1-L4 decided, L5 is 华南
    assert frame.at["open_deals", "count"] == 2 and frame.at["open_deals", "value"] == 400  # OP1, OP4
    assert frame.at["技术交流", "count"] == 2 and frame.at["技术交流", "pct_first"] == 1.0
    assert frame.at["初步接触", "count"] == 0 and np.isnan(frame.at["技术交流", "pct_prev"])
    panel = process.funnel_panel(rep(basic), basis="snapshot")
    assert "月末快照" in panel.note and "本期流量" not in panel.note
    assert "本期流量" in process.funnel_panel(rep(basic)).note


def test_pipeline_flow_hand_computed_and_adds_up(basic):
    frame = process.pipeline_flow_frame(rep(basic)).set_index("step")
    assert frame["value"].to_dict() == {
        "start": 350,
        "new": 300,
        "won": -200,
        "lost": -50,
        "slipped": -100,
        "value_change": 0,
        "end": 300,
    }
    assert frame["count"].to_dict() == {
        "start": 2,
        "new": 2,
        "won": 1,
        "lost": 1,
        "slipped": 1,
        "value_change": 0,
        "end": 1,
    }
    assert frame.attrs["slipped_due"] == 1 and frame.attrs["slipped_stale"] == 0
    assert frame.attrs["open_end_total"] == 400


def test_pipeline_flow_adds_up_exactly_on_the_sample():
    base = open_report(str(SAMPLE), "2026-10", "ALL")
    for period in ("2026-06", "2026-10"):
        for region in ("ALL", "华东", "西南"):
            frame = process.pipeline_flow_frame(open_report("", period, region, dataset=base.ds))
            steps = frame[~frame["is_total"]]["cents"].sum()
            assert frame["cents"].iloc[0] + steps == frame["cents"].iloc[-1]  # whole cents: exact
            assert frame["value"].iloc[0] + frame[~frame["is_total"]]["value"].sum() == pytest.approx(
                frame["value"].iloc[-1], abs=1e-6
            )


def test_velocity_hand_computed(basic):
    frame = process.velocity_frame(rep(basic)).set_index("metric")["value"]
    assert frame["won"] == 1 and frame["lost"] == 1 and frame["win_rate"] == pytest.approx(0.5)
    assert frame["avg_won"] == 200 and frame["open"] == 2
    assert frame["cycle_mean"] == pytest.approx(14.0)  # OP2: 10-06 → 10-20
    assert frame["velocity_day"] == pytest.approx(2 * 200 * 0.5 / 14)
    assert frame["velocity_month"] == pytest.approx(2 * 200 * 0.5 / 14 * 31)


def test_stage_exits_and_conversion(basic):
    frame = process.stage_conversion_frame(rep(basic)).set_index("stage")
    assert frame.at["初步接触", "exits"] == 2 and frame.at["初步接触", "advanced"] == 2
    assert frame.at["需求确认", "exits"] == 3 and frame.at["需求确认", "rate"] == pytest.approx(2 / 3)  # OP3 lost
    assert frame.at["合同签订", "exits"] == 1 and frame.at["合同签订", "rate"] == 1  # won as it entered
    assert not frame["flagged"].any()
    stays = process.time_in_stage_frame(rep(basic))
    assert stays.loc[(stays["opportunity_id"] == "OP1") & (stays["stage"] == "初步接触"), "days"].iloc[0] == 4


def test_source_mix_and_response(basic):
    mix = process.source_mix_frame(rep(basic)).set_index("source")
    assert mix.at["展会", "share"] == pytest.approx(0.75) and mix.at["转介绍", "share"] == pytest.approx(0.25)
    assert mix["share"].sum() == pytest.approx(1.0) and mix["usual_share"].sum() == pytest.approx(1.0)
    assert mix.at["转介绍", "usual_share"] == 1.0  # L4 in September is the only earlier lead
    speed = process.first_response_frame(rep(basic)).set_index("source")
    assert speed.at["ALL", "answered"] == 4 and speed.at["ALL", "share"] == pytest.approx(0.75)  # L2 took 5 h
    assert speed.at["展会", "share"] == pytest.approx(2 / 3) and speed.at["展会", "median_hours"] == pytest.approx(0.5)
    south = process.first_response_frame(rep(basic, region="华南")).set_index("source")
    assert south.at["ALL", "unanswered"] == 1 and np.isnan(south.at["ALL", "share"])


def test_stage_stock_snapshot(basic):
    frame = process.stage_stock_frame(rep(basic)).set_index("stage")
    assert frame.at["技术交流", "stock"] == 2 and frame.at["技术交流", "value"] == 400
    assert frame.at["技术交流", "previous_month"] == 1  # OP4 at the end of September
    # the deals start in 2026-08, so the usual level is the end of August (OP4 in 需求确认) and of September
    assert frame.at["技术交流", "usual"] == pytest.approx(1 / 2) and frame.at["需求确认", "usual"] == pytest.approx(1)
    assert not frame["flagged"].any()  # 2 deals: below process.min_count


def test_panels_render_in_both_languages(basic):
    for lang in ("zh", "en"):
        r = rep(basic, lang=lang)
        panels = [
            process.funnel_panel(r),
            process.funnel_panel(r, by="source"),
            process.funnel_panel(r, basis="snapshot"),
            process.velocity_panel(r),
            process.pipeline_flow_panel(r),
            process.stage_stock_panel(r),
            process.source_mix_panel(r),
            process.lead_fit_panel(r),
            process.first_response_panel(r),
            process.time_in_stage_panel(r),
            process.cycle_panel(r),
            process.stalled_deals_panel(r),
            process.lead_scoring_panel(r),
        ]
        for panel in panels:
            assert not panel.is_skipped
        plotting.close_all()
        watch = process.daily_watch_panel(r)  # no stage has 5 earlier exits to set a warning line
        assert watch.frame.empty and watch.note == (
            "本期没有可计算的阶段数据。" if lang == "zh" else "No stage data for this period."
        )
    r = rep(basic, lang="en")
    assert "Basis: cohort" in process.funnel_panel(r).note
    assert "Step" in process.funnel_panel(r).table.columns
    assert "too few" in process.lead_scoring_panel(r).note  # 6 leads cannot train a model


def test_missing_tables_are_skipped(basic, tmp_path):
    tb = Tables()
    tb.deal("OP1", ts("2026-10", 4), [], amount=100)
    no_stages = tb.write(tmp_path / "nostages", drop=("stage_events", "leads"))
    r = rep(no_stages)
    for panel in (process.stage_stock_panel(r), process.daily_watch_panel(r), process.stalled_deals_panel(r)):
        assert panel.is_skipped and "stage_events" in panel.note
    for panel in (process.source_mix_panel(r), process.first_response_panel(r), process.lead_scoring_panel(r)):
        assert panel.is_skipped and "leads" in panel.note
    funnel = process.funnel_frame(r)
    assert list(funnel["step"]) == ["opportunities", "won"]
    assert process.angle_findings(r) == []
    metrics = process.angle_metrics(r)
    assert "lead_score_auc" not in metrics and "stage_stock_技术交流" not in metrics and metrics["open_deals"] == 1
    nothing = write_tiny(tmp_path / "plain")
    r = rep(nothing)
    assert process.funnel_panel(r).is_skipped and "opportunities" in process.funnel_panel(r).note
    assert process.angle_findings(r) == [] and process.angle_metrics(r) == {}


def test_unknown_stage_names_are_named(tmp_path):
    tb = Tables()
    tb.deal("OP1", ts("2026-10", 4), [("初步接触", ts("2026-10", 4)), ("试用", ts("2026-10", 6))])
    r = rep(tb.write(tmp_path / "t"))
    assert process.unknown_stages(r) == {"试用": 1}
    assert "试用" in process.funnel_panel(r).note


# ---------------------------------------------------------------------------------------- finding scenarios


def stock_scenario(tmp_path) -> Path:
    """History: deals pass 技术交流 in 10 days; one a month sits there at month end. October: 12 pile up."""
    tb = Tables()
    k = 0
    for month in HISTORY:
        for _ in range(4):
            k += 1
            days = [3, 5, 8, 18, 22, 26]
            tb.deal(
                f"H{k:03d}",
                ts(month, 3),
                [(s, ts(month, d)) for s, d in zip(STAGES, days, strict=True)],
                status="won",
                closed=ts(month, 26),
                source="转介绍",
            )
        k += 1
        nxt = next_month(month)
        tb.deal(
            f"H{k:03d}",
            ts(month, 25),
            [
                ("初步接触", ts(month, 25)),
                ("需求确认", ts(month, 26)),
                ("技术交流", ts(month, 27)),
                ("方案报价", ts(nxt, 7)),
            ],
            status="lost",
            closed=ts(nxt, 9),
            source="转介绍",
        )
    for j in range(12):
        tb.deal(
            f"N{j:02d}",
            ts("2026-10", 2),
            [("初步接触", ts("2026-10", 2)), ("需求确认", ts("2026-10", 3)), ("技术交流", ts("2026-10", 5))],
            source="展会",
            amount=50,
        )
        tb.lead(f"LN{j:02d}", ts("2026-10", 1), "展会", size=20, status="converted", opp=f"N{j:02d}")
    return tb.write(tmp_path / "stock")


def test_stage_stock_surge_and_stalled_deals(tmp_path):
    folder = stock_scenario(tmp_path)
    r = rep(folder, config_path=config(tmp_path, min_stays=5))
    stock = process.stage_stock_frame(r).set_index("stage")
    assert stock.at["技术交流", "stock"] == 12 and stock.at["技术交流", "usual"] == 1
    assert stock.at["技术交流", "change"] == pytest.approx(11.0) and stock.at["技术交流", "flagged"]
    stalled = process.stalled_deals_frame(r)
    assert len(stalled) == 12 and (stalled["stage"] == "技术交流").all()
    assert stalled["days_in_stage"].iloc[0] == pytest.approx(26 + 14 / 24)  # 10-05 10:00 → 11-01 00:00
    summary = process.stalled_summary_frame(r).set_index("stage")
    assert summary.at["技术交流", "usual"] == 0 and summary.at["技术交流", "flagged"]
    found = {f["code"]: f for f in process.angle_findings(r)}
    assert found["stage_stock_surge"]["segment"] == {"stage": "技术交流"}
    assert found["stage_stock_surge"]["value"] == 12 and found["stage_stock_surge"]["baseline"] == 1
    assert "展会" in found["stage_stock_surge"]["detail"] and "<50" in found["stage_stock_surge"]["detail"]
    assert found["stalled_deals"]["segment"] == {"stage": "技术交流"} and found["stalled_deals"]["value"] == 12
    assert found["stalled_deals"]["effect"] == pytest.approx(12 * 50)
    assert {f["severity"] for f in found.values()} == {"high"}  # 600 at stake against 300 of revenue
    # a stage needs process.min_stays completed stays (30 here) before anything is judged stalled in it
    assert process.stalled_deals_frame(rep(folder, config_path=config(tmp_path, min_stays=31))).empty


def test_stalled_limit_hand_computed(tmp_path):
    r = rep(stock_scenario(tmp_path), config_path=config(tmp_path, min_stays=5, stall_quantile=0.5))
    limits = process.stall_limits(r, pd.Timestamp("2026-11-01"))
    assert limits["技术交流"] == pytest.approx(10.0)  # 24 stays of 10 days, 6 of 11 days
    assert np.isnan(limits["合同签订"])  # stays of no length (won on entry) do not count


def conversion_scenario(tmp_path) -> Path:
    """History: 9 of 10 deals a month move on from 需求确认. October: 8 of 20, one leaving a day."""
    tb = Tables()
    k = 0
    for month in [*HISTORY, "2026-10"]:
        n, good = (20, 8) if month == "2026-10" else (10, 9)
        for j in range(n):
            k += 1
            day = 1 + j
            path = [("初步接触", ts(month, day, 8)), ("需求确认", ts(month, day, 9))]
            good_one = (j % 5 < 2) if month == "2026-10" else j < good
            if good_one:
                path.append(("技术交流", ts(month, day, 15)))
                tb.deal(f"D{k:03d}", ts(month, day, 8), path, status="won", closed=ts(month, day, 16))
            else:
                tb.deal(f"D{k:03d}", ts(month, day, 8), path, status="lost", closed=ts(month, day, 15))
    return tb.write(tmp_path / "conversion")


def test_stage_conversion_low_and_daily_watch(tmp_path):
    r = rep(conversion_scenario(tmp_path))
    frame = process.stage_conversion_frame(r).set_index("stage")
    assert frame.at["需求确认", "exits"] == 20 and frame.at["需求确认", "rate"] == pytest.approx(0.4)
    assert frame.at["需求确认", "usual"] == pytest.approx(0.9)
    assert frame.at["需求确认", "lost_excess"] == pytest.approx(10.0) and frame.at["需求确认", "flagged"]
    found = [f for f in process.angle_findings(r) if f["code"] == "stage_conversion_low"]
    assert [f["segment"] for f in found] == [{"stage": "需求确认"}]
    assert found[0]["effect"] == pytest.approx(10 * 100)
    watch = process.daily_watch_frame(r)
    stage = watch[watch["stage"] == "需求确认"].reset_index(drop=True)
    assert stage.at[0, "warning_line"] == pytest.approx(0.72)  # 0.9 × 80%
    assert np.isnan(stage.at[3, "conversion"]) and stage.at[4, "exits"] == 5  # under 5 deals: not computed
    assert stage.at[6, "conversion"] == pytest.approx(4 / 7)  # days 1-7: j = 0..6, good when j % 5 < 2
    assert (stage["alert"] == (stage["streak"] >= 3)).all()
    first_alert = stage.index[stage["alert"]][0]
    assert stage.at[first_alert, "streak"] == 3 and stage.loc[first_alert - 2 : first_alert, "below"].all()
    assert "需求确认" in process.daily_watch_panel(r).note
    path = tmp_path / "lines.yaml"
    path.write_text("process:\n  warning_lines: [{stage: 需求确认, line: 0.3}]\n", encoding="utf-8")
    lines = process.daily_watch_frame(rep(conversion_scenario(tmp_path), config_path=str(path)))
    lines = lines[lines["stage"] == "需求确认"]
    assert (lines["warning_line"] == 0.3).all() and not lines["alert"].any()


def lead_scenario(tmp_path) -> Path:
    """History: 20 leads a month answered in half an hour, 展会 from mid-size firms. October: a trade fair of small
    firms, and 线上广告 answered after 6 hours. Earlier leads (2025) show that small firms rarely buy."""
    tb = Tables()
    k = 0
    for month in ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]:
        for j in range(10):
            k += 1
            tb.lead(f"F{k:03d}", ts(month, 1 + j), "自然流量", size=20)
            won = j < 4
            tb.lead(
                f"G{k:03d}",
                ts(month, 1 + j),
                "转介绍",
                size=300,
                status="converted" if won else "disqualified",
                opp=f"GO{k:03d}" if won else None,
            )
            if won:
                tb.deal(
                    f"GO{k:03d}", ts(month, 2 + j), [], status="won", closed=ts(month, 20), amount=100, source="转介绍"
                )
    for month in HISTORY:
        for j in range(20):
            k += 1
            source = "展会" if j < 2 else "线上广告" if j < 12 else "自然流量"
            tb.lead(f"H{k:03d}", ts(month, 1 + j), source, size=300 if source == "展会" else 100)
    for j in range(30):
        tb.lead(f"N{j:03d}", ts("2026-10", 8), "展会", size=20 if j < 25 else 300)
    for j in range(10):
        tb.lead(f"O{j:03d}", ts("2026-10", 1 + j), "线上广告", hours=6)
    for j in range(8):
        tb.lead(f"P{j:03d}", ts("2026-10", 1 + j), "自然流量")
    return tb.write(tmp_path / "leads")


def test_lead_source_shift_fit_and_slow_response(tmp_path):
    r = rep(lead_scenario(tmp_path))
    mix = process.source_mix_frame(r).set_index("source")
    assert mix.at["展会", "share"] == pytest.approx(30 / 48) and mix.at["展会", "usual_share"] == pytest.approx(0.1)
    assert mix.at["展会", "excess"] == pytest.approx(30 - 4.8) and mix.at["展会", "flagged"] == "rise"
    assert (mix.drop(index="展会")["flagged"] == "").all()
    fit = process.band_fit_frame(r).set_index("size_band")
    # leads created 2025-07..2026-06: 180 in all, 66 of 200-999 staff (60 转介绍 + 6 展会), 24 wins of 100
    assert fit.at["<50", "fit_ratio"] == 0 and fit.at["200-999", "fit_ratio"] == pytest.approx(180 / 66)
    bands = process.lead_fit_frame(r).set_index(["source", "size_band"])
    assert bands.at[("展会", "<50"), "share"] == pytest.approx(25 / 30) and bands.at[("展会", "<50"), "flagged"]
    assert bands["flagged"].sum() == 1
    speed = process.first_response_frame(r).set_index("source")
    assert speed.at["线上广告", "share"] == 0 and speed.at["线上广告", "usual_share"] == 1
    assert speed.at["线上广告", "flagged"] and speed["flagged"].sum() == 1
    found = {f["code"]: f for f in process.angle_findings(r)}
    assert set(found) == {"lead_source_shift", "lead_fit_low", "slow_first_response"}
    assert found["lead_source_shift"]["segment"] == {"source": "展会"}
    assert found["lead_fit_low"]["segment"] == {"source": "展会", "company_size": "<50"}
    assert found["slow_first_response"]["segment"] == {"source": "线上广告"}
    assert "<50" in found["lead_source_shift"]["detail"]
    # deal value per lead over the 12 months before October: 线上广告 leads opened none, so all sources count —
    # 12 deals of 100 from the 60 leads of 2025-10..12 and the 120 of 2026-04..09
    assert found["slow_first_response"]["effect"] == pytest.approx(10 * 1200 / 180, rel=1e-9)


def test_lead_source_drop(tmp_path):
    tb = Tables()
    for month in HISTORY:
        for j in range(10):
            tb.lead(f"R{month}{j}", ts(month, 1 + j), "转介绍")
            tb.lead(f"S{month}{j}", ts(month, 1 + j), "自然流量")
    for j in range(20):
        tb.lead(f"S{j}", ts("2026-10", 1 + j), "自然流量")
    r = rep(tb.write(tmp_path / "drop"))
    mix = process.source_mix_frame(r).set_index("source")
    assert mix.at["转介绍", "leads"] == 0 and mix.at["转介绍", "usual_leads"] == 10
    assert mix.at["转介绍", "flagged"] == "drop"
    assert (
        mix.at["自然流量", "share"] == 1 and mix.at["自然流量", "flagged"] == ""
    )  # 20 against 10 a month: not improbable enough
    (finding,) = process.angle_findings(r)
    assert finding["code"] == "lead_source_shift" and finding["segment"] == {"source": "转介绍"}
    assert finding["title"] == "转介绍线索明显减少" and finding["value"] == 0 and finding["baseline"] == 0.5


def test_english_findings(tmp_path):
    r = rep(lead_scenario(tmp_path), lang="en")
    found = {f["code"]: f for f in process.angle_findings(r)}
    assert found["lead_source_shift"]["title"] == "Lead mix shifted: 展会 share jumped"
    assert "light package" in found["lead_fit_low"]["action"]
    assert "SLA" in found["slow_first_response"]["action"]
    for f in found.values():
        text = f["title"] + f["detail"] + f["action"]
        for value in f["segment"].values():
            text = text.replace(value, "")
        assert not re.search(r"[线索商机企业月]", text.replace("技术交流", ""))


def cycle_scenario(tmp_path) -> Path:
    tb = Tables()
    k = 0
    for month in [*HISTORY, "2026-10"]:
        length = 60 if month == "2026-10" else 20
        for j in range(6):
            k += 1
            won = pd.Timestamp(ts(month, 5 + j))
            created = str(won - pd.Timedelta(days=length))
            tb.deal(f"D{k:03d}", created, [("初步接触", created)], status="won", closed=str(won), amount=100)
    return tb.write(tmp_path / "cycle")


def test_sales_cycle_lengthening(tmp_path):
    r = rep(cycle_scenario(tmp_path))
    summary = process.cycle_summary(r)
    assert summary["n"] == 6 and summary["median"] == 60 and summary["usual_median"] == 20
    assert summary["rise"] == pytest.approx(2.0) and summary["flagged"]
    (finding,) = [f for f in process.angle_findings(r) if f["code"] == "sales_cycle_lengthening"]
    assert finding["effect"] == pytest.approx(600 * (1 - 20 / 60))
    assert finding["segment"] == {}


def slippage_scenario(tmp_path) -> Path:
    tb = Tables()
    k = 0
    for month in [*HISTORY, "2026-10"]:
        for j in range(10):
            k += 1
            slipped = month == "2026-10" and j < 8
            tb.deal(
                f"D{k:03d}",
                ts(month, 1),
                [],
                status="open" if slipped else "won",
                closed=None if slipped else ts(month, 12),
                expected=f"{month}-15",
                amount=100,
            )
    return tb.write(tmp_path / "slip")


def test_pipeline_slippage(tmp_path):
    r = rep(slippage_scenario(tmp_path))
    frame = process.pipeline_slippage_frame(r)
    now = frame[frame["is_period"]].iloc[0]
    assert now["due"] == 10 and now["slipped"] == 8 and now["share"] == pytest.approx(0.8)
    assert (frame.loc[~frame["is_period"], "slipped"] == 0).all()
    (finding,) = [f for f in process.angle_findings(r) if f["code"] == "pipeline_slippage"]
    assert finding["value"] == pytest.approx(0.8) and finding["baseline"] == 0
    assert finding["effect"] == pytest.approx(800)
    flow = process.pipeline_flow_frame(r).set_index("step")
    assert flow.at["slipped", "count"] == 8 and flow.attrs["slipped_due"] == 8


# ------------------------------------------------------------------------------------------------ the sample


@pytest.fixture(scope="module")
def sample():
    return open_report(str(SAMPLE), "2026-10", "ALL")


def test_planted_process_problems_are_found(sample):
    planted = json.loads((SAMPLE / "planted.json").read_text(encoding="utf-8"))
    mine = [p for p in planted if p["code"] in CODES]
    assert {p["code"] for p in mine} == {
        "lead_source_shift",
        "lead_fit_low",
        "stage_stock_surge",
        "slow_first_response",
    }
    for plant in mine:
        r = open_report("", plant["period"], plant["region"], dataset=sample.ds)
        hits = [
            f
            for f in process.angle_findings(r)
            if f["code"] == plant["code"] and plant["segment"].items() <= f["segment"].items()
        ]
        assert hits, plant
        assert hits[0]["severity"] in ("medium", "high"), (plant, hits[0])


def test_seed_case_trade_fair_small_firms_stuck_in_tech_talk(sample):
    r = open_report("", "2026-10", "华东", dataset=sample.ds)
    found = {f["code"]: f for f in process.angle_findings(r)}
    assert found["lead_source_shift"]["segment"] == {"source": "展会"}
    assert found["lead_fit_low"]["segment"] == {"source": "展会", "company_size": "<50"}
    assert found["stage_stock_surge"]["segment"] == {"stage": "技术交流"}
    for code in ("lead_source_shift", "lead_fit_low", "stage_stock_surge"):
        text = found[code]["title"] + found[code]["detail"] + found[code]["action"]
        assert "展会" in text and "<50" in text and "技术交流" in text, code
    assert "轻量化" in found["lead_fit_low"]["action"] and "准入" in found["lead_fit_low"]["action"]
    assert "重新分配" in found["stage_stock_surge"]["action"]
    assert found["lead_source_shift"]["value"] == pytest.approx(60 / 154)
    assert 0.10 < found["lead_source_shift"]["baseline"] < 0.14


def test_findings_are_deterministic_and_json_safe(sample):
    a = process.angle_findings(open_report("", "2026-10", "华东", dataset=sample.ds))
    b = process.angle_findings(open_report("", "2026-10", "华东", dataset=sample.ds))
    assert json.dumps(clean_json(a), ensure_ascii=False) == json.dumps(clean_json(b), ensure_ascii=False)
    for f in a:
        assert f["angle"] == "process" and f["code"] in CODES and f["effect"] > 0


def test_angle_metrics(sample):
    m = process.angle_metrics(open_report("", "2026-10", "华东", dataset=sample.ds))
    assert 0 < m["win_rate"] < 1 and m["sales_velocity_per_day"] > 0 and m["median_cycle_days"] > 0
    assert m["stage_stock_技术交流"] == 37 and m["open_pipeline"] > 0
    shares = [v for k, v in m.items() if k.startswith("source_share_")]
    assert sum(shares) == pytest.approx(1.0) and m["source_share_展会"] == pytest.approx(60 / 154)
    assert 0.9 < m["first_response_within_goal"] <= 1 and 0.55 < m["lead_score_auc"] < 0.95
    assert json.loads(json.dumps(clean_json(m)))["lead_score_holdout"] > 0


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean")
    tables, planted = generate_dataset(seed=11, scale=1.0, plant=False)
    write_dataset(tables, planted, folder)
    return open_report(str(folder), "2026-10", "ALL")


def test_clean_data_is_quiet(clean):
    months = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    scopes = ["ALL", "华东", "华南", "华北", "华中", "西南"]
    total, high, loud_reports = 0, 0, 0
    for month in months:
        for region in scopes:
            found = process.angle_findings(open_report("", month, region, dataset=clean.ds))
            total += len(found)
            highs = sum(f["severity"] == "high" for f in found)
            high += highs
            loud_reports += highs > 0
    reports = len(months) * len(scopes)
    assert total <= reports // 6  # at most one finding in six reports
    assert high <= 2 and loud_reports <= 2
