"""The process angle's own small helpers: its facts as the report reads them, its usual months, its tables.

The "usual" level a month is tested against is the ``process.history_months`` months before it, clipped to the
months the orders *and* the table at hand cover (so a dataset whose leads start later than its orders is not
judged against empty months). That clip is why :func:`history` is not :meth:`Report.history`.
"""

from __future__ import annotations

import pandas as pd

from ..data import facts
from ..data.deals import deal_facts, snapshot, stage_stays
from ..data.leads import lead_facts
from ..i18n import t
from ..periods import ALL, parse_period
from ..report import Report

NAME = "process"


def edges(report: Report) -> tuple[float, ...]:
    """Company-size band edges (``customers.size_bands``)."""
    return tuple(report.config["customers"]["size_bands"])


def stages(report: Report) -> list[str]:
    """The configured sales stages, in order."""
    return [str(s) for s in report.config["stages"]]


def deals(report: Report) -> pd.DataFrame:
    """Every deal (all regions), see :func:`salesnb.data.deals.deal_facts`."""
    return deal_facts(report.ds, edges(report))


def stays(report: Report) -> pd.DataFrame:
    """Every stage stay (all regions), see :func:`salesnb.data.deals.stage_stays`."""
    return stage_stays(report.ds, stages(report), edges(report))


def leads(report: Report) -> pd.DataFrame:
    """Every lead (all regions), see :func:`salesnb.data.leads.lead_facts`."""
    return lead_facts(report.ds, edges(report))


def snapshot_at(report: Report, month: str) -> pd.DataFrame:
    """The report region's deals open at the end of ``month``, with the stage each sat in then."""
    return facts.in_region(snapshot(report.ds, report.window(month)[1], stages(report), edges(report)), report.region)


def month_leads(report: Report, months: list[str]) -> pd.DataFrame:
    """The report region's leads created in ``months`` (the fact layer's slice: filtered once per scope and months)."""
    return facts.scoped(leads(report), report.region, list(months))


def first_month(report: Report, table: str, column: str) -> str:
    """The first month both the orders and ``table.column`` cover."""
    first, _ = facts.data_months(report.ds)
    frame = report.ds.get(table)
    if frame is not None and frame[column].notna().any():
        first = max(first, frame[column].min().strftime("%Y-%m"))
    return first


def n_history(report: Report) -> int:
    """``process.history_months``: how many months make the usual level."""
    return int(report.settings(NAME)["history_months"])


def history(
    report: Report, table: str = "opportunities", column: str = "created_at", months: int | None = None
) -> list[str]:
    """The ``process.history_months`` (or ``months``) months before the report month the orders and ``table`` cover."""
    first = first_month(report, table, column)
    end = parse_period(report.period)
    count = n_history(report) if months is None else months
    return [str(end - k) for k in range(count, 0, -1) if str(end - k) >= first]


def trailing(report: Report, table: str = "opportunities", column: str = "created_at") -> list[str]:
    """The ``baselines.trailing_months`` months before the report month that the orders and ``table`` cover."""
    first = first_month(report, table, column)
    return [m for m in report.baselines.trailing_labels if m >= first]


def unknown_stages(report: Report) -> dict[str, int]:
    """Stage names in stage_events that are not in the configured ``stages`` (name → rows).

    Counted once per dataset and stages: every funnel panel notes them, and each read every stage event.
    """

    def build(ds) -> dict[str, int]:
        events = ds.get("stage_events")
        if events is None:
            return {}
        names = events["stage"].astype(str).str.strip()
        counts = names[~names.isin(stages(report))].value_counts()
        return {str(k): int(v) for k, v in counts.sort_index().items()}

    return dict(report.cached(NAME, ("unknown_stages", tuple(stages(report))), build))


def _pipeline_per_lead(report: Report) -> pd.Series:
    """Deal value per lead by source (and ``ALL``) over the 12 months before the report month, company-wide.

    A lead is worth the deal it became. Where no lead names its deal (a CRM exporting leads and deals apart), a
    converted lead is worth the year's average deal: a value of 0 made every lead finding low, however many
    leads a source lost or gained.
    """

    def build(_ds) -> pd.Series:
        start, end = report.window(report.period)
        rows = leads(report)
        year = ((rows["created_at"] >= start - pd.DateOffset(months=12)) & (rows["created_at"] < start)).to_numpy()
        rows = rows.loc[year, ["source", "opportunity_id", "status"]]  # a year of leads: only the columns read
        value = pd.Series(0.0, index=rows.index)
        if report.ds.has("opportunities"):
            all_deals = deals(report)
            amounts = all_deals[all_deals["created_at"] < end].set_index("opportunity_id")["amount"]
            value = facts.lookup(rows["opportunity_id"], amounts).fillna(0.0).astype(float)
            if rows["opportunity_id"].isna().all():  # leads and deals exported apart
                made = all_deals["created_at"]
                typical = all_deals.loc[(made >= start - pd.DateOffset(months=12)) & (made < start), "amount"].mean()
                value = rows["status"].eq("converted").astype(float) * (0.0 if pd.isna(typical) else float(typical))
        per_source = value.groupby(rows["source"]).sum() / rows.groupby("source").size()
        per_source[ALL] = float(value.sum()) / len(rows) if len(rows) else 0.0
        return per_source.fillna(0.0)

    return report.cached(NAME, ("ppl", report.period, edges(report)), build)


def lead_value(report: Report, source: str) -> float:
    """What one lead of ``source`` usually brings in deal value (all sources' value when ``source`` has none)."""
    values = _pipeline_per_lead(report)
    value = values.get(source)
    return float(value) if value is not None and value > 0 else float(values.get(ALL, 0.0))


# ---------------------------------------------------------------------------------------------- display


def dim_label(by: str, lang: str) -> str:
    """The header of a funnel split: lead source, region or company size."""
    return t({"source": "proc_source", "region": "region", "size_band": "proc_size_band"}[by], lang)


def days_text(value: float | None) -> str:
    """Whole days, ``—`` when unknown."""
    return "—" if value is None or pd.isna(value) else f"{value:.0f}"
