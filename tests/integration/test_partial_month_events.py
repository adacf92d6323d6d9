"""A partial month reads every table through the same days, not only the orders.

The sample exported on 2026-10-09 (every row created after it gone, every later payment, answer, close and
delivery blanked, as an export of that day holds them): its October report compared nine days of deals, tickets
and invoices with whole months and reported 13 high findings that October as a whole does not have (every open
deal "stalled" at a month end three weeks ahead, every deal due in October "slipped", invoices due after the
9th "overdue"). Read through days 1..9 of every month, none is left in the process and support angles.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb import process, support
from salesnb.data.event_months import event_cutoffs, event_months
from salesnb.data.loading import load_dataset
from salesnb.periods import window
from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
CREATED = {
    "orders": "order_date", "leads": "created_at", "opportunities": "created_at", "stage_events": "entered_at",
    "activities": "occurred_at", "invoices": "issued_at", "tickets": "created_at", "surveys": "responded_at",
    "returns": "returned_at",
}  # fmt: skip
LATER = {
    "orders": ["delivered_at"], "leads": ["first_response_at"], "opportunities": ["closed_at"],
    "invoices": ["paid_at"], "tickets": ["first_response_at", "resolved_at"],
}  # fmt: skip


def export_on(source: Path, folder: Path, day: str) -> Path:
    """``source`` as exported at the end of ``day``: what happened after it is not in the files."""
    cut = pd.Timestamp(day) + pd.Timedelta(days=1)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {f.stem: pd.read_csv(f, dtype=str, keep_default_na=False) for f in source.glob("*.csv")}
    for name, frame in tables.items():
        if name in CREATED:
            frame = frame[~(pd.to_datetime(frame[CREATED[name]], errors="coerce") >= cut)].copy()
        for column in LATER.get(name, []):
            late = pd.to_datetime(frame[column], errors="coerce") >= cut
            frame.loc[late, column] = ""
            if name == "opportunities":
                frame.loc[late, ["status", "lost_reason", "competitor"]] = ["open", "", ""]
            if name == "invoices":
                frame.loc[late, "paid_amount"] = ""
        tables[name] = frame
    deals = set(tables["opportunities"]["opportunity_id"])
    leads = tables["leads"]
    gone = (leads["opportunity_id"] != "") & ~leads["opportunity_id"].isin(deals)
    leads.loc[gone & (leads["status"] == "converted"), "status"] = "qualified"
    leads.loc[gone, "opportunity_id"] = ""
    lines = tables["order_lines"]
    tables["order_lines"] = lines[lines["order_id"].isin(set(tables["orders"]["order_id"]))]
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def test_a_months_window_is_its_first_days_in_a_partial_report() -> None:
    assert window("2026-10") == (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-01"))
    assert window("2026-10", 9) == (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-10"))
    assert window("2026-02", 30) == (pd.Timestamp("2026-02-01"), pd.Timestamp("2026-03-01"))  # not past its end


def test_events_after_the_day_have_no_month_and_are_judged_on_the_day(tmp_path: Path) -> None:
    orders = "order_id,customer_id,order_date,amount\n" + "".join(
        f"O{m}{d},C1,2026-{m:02d}-{d:02d},100\n" for m in (8, 9, 10) for d in (2, 9) if (m, d) != (10, 2)
    )
    (tmp_path / "orders.csv").write_text(orders, encoding="utf-8")
    spend = "period,channel,amount\n2026-09,展会,3000\n2026-10,展会,3100\n"
    (tmp_path / "marketing_spend.csv").write_text(spend, encoding="utf-8")
    report = open_report(data=str(tmp_path), period="2026-10", region="ALL")
    assert report.through_day == 9 and report.window("2026-09") == window("2026-09", 9)
    assert report.ds["marketing_spend"]["amount"].tolist() == pytest.approx([900.0, 900.0])  # 9 of 30 and of 31 days
    dates = pd.Series(pd.to_datetime(["2026-09-09 18:00", "2026-09-10 08:00", "2026-10-09 00:00"]))
    assert event_months(report.ds, dates).fillna("-").tolist() == ["2026-09", "-", "2026-10"]
    assert event_cutoffs(report.ds, dates).tolist() == [pd.Timestamp("2026-09-10")] * 2 + [pd.Timestamp("2026-10-10")]
    whole = load_dataset(tmp_path)  # the data itself: whole months
    assert event_months(whole, dates).tolist() == ["2026-09", "2026-09", "2026-10"]
    assert event_cutoffs(whole, dates).tolist() == [pd.Timestamp("2026-10-01")] * 2 + [pd.Timestamp("2026-11-01")]


def test_the_orders_decide_a_partial_month_and_later_tickets_wait_for_their_days(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\nA,C1,2026-09-03,100\nB,C1,2026-10-03,100\n", encoding="utf-8"
    )
    (tmp_path / "tickets.csv").write_text(  # exported on another day than the orders: they run on
        "ticket_id,customer_id,created_at,category\nT1,C1,2026-09-02,咨询\nT2,C1,2026-09-20,咨询\n"
        "T3,C1,2026-10-02,咨询\nT4,C1,2026-10-30,咨询\n",
        encoding="utf-8",
    )
    report = open_report(data=str(tmp_path), period="2026-10", region="ALL")
    assert report.through_day == 3  # October's orders end on the 3rd: the month is read through day 3
    assert event_months(report.ds, report.ds["tickets"]["created_at"]).fillna("-").tolist() == [
        "2026-09", "-", "2026-10", "-",
    ]  # fmt: skip


def test_the_partial_sample_month_reports_no_process_or_support_high_that_the_whole_month_lacks(
    tmp_path: Path,
) -> None:
    partial = open_report(data=str(export_on(SAMPLE, tmp_path / "cut", "2026-10-09")), period="2026-10")
    whole = open_report(data=str(SAMPLE), period="2026-10")
    assert partial.through_day == 9
    for angle in (process, support):
        known = {(f["code"], str(f["segment"])) for f in angle.angle_findings(whole)}
        new = [f for f in angle.angle_findings(partial) if (f["code"], str(f["segment"])) not in known]
        assert [(f["code"], f["segment"]) for f in new if f["severity"] == "high"] == []
