"""Builders shared by the process tests: tiny process tables on top of the tiny dataset, and the scenarios."""

import json
from pathlib import Path

import pandas as pd
from tiny import TABLES, write_tiny

from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"
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


def config(tmp_path: Path, **threshold_keys) -> str:
    """A configuration file overriding ``thresholds.process`` keys."""
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps({"thresholds": {"process": threshold_keys}}), encoding="utf-8")  # JSON is YAML
    return str(path)


def rep(folder, period="2026-10", region="华东", **kw):
    return open_report(str(folder), period, region, **kw)


def stock_scenario(tmp_path, quoted: int = 0) -> Path:
    """History: deals pass 技术交流 in 10 days; one a month sits there at month end. October: 12 pile up.

    With ``quoted``, as many deals of 100 (from 转介绍) also pile up in 方案报价 in October (none sits there at a
    usual month end).
    """
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
    for j in range(quoted):
        path = [(stage, ts("2026-10", day)) for stage, day in zip(STAGES[:4], (1, 2, 3, 4), strict=True)]
        tb.deal(f"Q{j:02d}", ts("2026-10", 1), path, source="转介绍", amount=100)
    return tb.write(tmp_path / "stock")


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


def won_history() -> Tables:
    """Four won deals a month of the history, each passing 技术交流 in 10 days."""
    tb = Tables()
    for k, month in enumerate(HISTORY):
        for j in range(4):
            days = [3, 5, 8, 18, 22, 26]
            tb.deal(f"H{k}{j}", ts(month, 3), [(s, ts(month, d)) for s, d in zip(STAGES, days, strict=True)],
                    status="won", closed=ts(month, 26))  # fmt: skip
    return tb
