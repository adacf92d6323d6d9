"""投诉趋势: complaint tickets (:func:`complaint_categories`) per month, and spikes against the usual month."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import nbinom, norm, poisson

from .. import evidence, stats
from ..data import facts
from ..display.formatting import format_amount, format_decimal, format_int
from ..display.panel import Panel, needs
from ..display.plotting.service import plot_lines
from ..findings import finding
from ..i18n import joined, t
from ..periods import ALL
from ..report import Report, scope_memo
from .common import NAME, at_stake, excess, in_scope, usual_months
from .tickets import month_tickets, ticket_counts


def complaint_categories(report: Report) -> tuple[list[str], str]:
    """The ticket categories counted as complaints, and how they were chosen (``configured``/``keywords``/``all``).

    ``support.complaint_categories`` (every one, present in the data or not, so a quiet category shows as 0),
    then the data's other categories whose name holds one of ``support.complaint_keywords`` (投诉, 质量, 故障 …:
    a company's export names its complaints its own way, 产品质量 or 物流延误, and a list of our names alone left
    it without any complaint analysis). ``configured`` when that adds nothing; ``keywords`` when it does;
    ``all`` when no category of the data is configured or looks like a complaint: every ticket is then counted,
    and the panel says so.
    """
    settings = report.settings(NAME)
    configured = [str(c) for c in settings["complaint_categories"]]

    def build(ds) -> list[str]:
        return sorted(str(c) for c in ticket_counts(report)["category"].unique())

    present = report.cached(NAME, "ticket_categories", build)
    keywords = [str(k).lower() for k in settings.get("complaint_keywords") or []]
    looks = [c for c in present if c not in configured and any(k in c.lower() for k in keywords)]
    if not set(present) & set(configured) and not looks:
        return present, "all"
    return configured + looks, "keywords" if looks else "configured"


def complaint_counts(report: Report, region: str | None = None) -> pd.DataFrame:
    """Complaints per month (index, every month of the data) and category (:func:`complaint_categories`)."""
    categories, _ = complaint_categories(report)
    scope = region or report.region

    def build(ds) -> pd.DataFrame:
        first, last = facts.data_months(ds)
        months = [str(p) for p in pd.period_range(first, last, freq="M")]
        tickets = in_scope(ticket_counts(report), scope)  # counted per region once: no ticket row read here
        tickets = tickets[tickets["category"].isin(categories)]
        counts = tickets.groupby(["month", "category"])["tickets"].sum().unstack("category", fill_value=0)
        return counts.reindex(index=months, columns=categories, fill_value=0).astype(float).rename_axis("period")

    return report.cached(NAME, f"complaints:{scope}:{'|'.join(categories)}", build)


def order_exposure(report: Report, region: str | None = None) -> pd.Series:
    """Orders that a month's complaints can be about, per month of the data (the scope's orders).

    The month's orders and the month before's, averaged: a ticket follows its order by a week or two.
    Complaints come from orders: a month that sells a third more brings a third more complaints, and against a
    flat usual count it read as a spike on clean data. The first month of the data counts its own orders.
    """
    scope = region or report.region

    def build(ds) -> pd.Series:
        first, last = facts.data_months(ds)
        months = [str(p) for p in pd.period_range(first, last, freq="M")]
        counts = facts.in_region(facts.order_facts(ds), scope).groupby("month").size()
        counts = counts.reindex(months, fill_value=0).astype(float)
        return (counts + counts.shift(1).fillna(counts)) / 2

    return report.cached(NAME, f"complaint_exposure:{scope}", build)


def _scaled(counts: pd.Series, exposure: pd.Series, months: list[str], now: float) -> tuple[float, float]:
    """The complaints ``months`` give at ``now`` orders (their rate per order × now), and their spread φ.

    φ (:func:`salesnb.stats.dispersion_around`) is how far each month's count strayed from its own orders × the
    rate: the volume's swings are explained, not counted as noise. Without orders in those months (or now) the
    plain average and :func:`salesnb.stats.dispersion` of the counts.
    """
    if not months:
        return float("nan"), 1.0
    past, volume = counts.loc[months], exposure.reindex(months).fillna(0.0)
    if volume.sum() <= 0 or now <= 0:
        return float(past.mean()), stats.dispersion(past)
    rate = float(past.sum() / volume.sum())
    observed = past.to_frame().T
    expected = (volume * rate).to_frame().T.set_axis(observed.index)  # one row, named as the counts' (aligned by it)
    return rate * now, float(stats.dispersion_around(observed, expected, months).iloc[0])


@scope_memo  # the rule (region by region), the panel and the metrics read one computation
def complaint_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """Complaints per category this period against the trailing average, last year and the usual month.

    Columns: category, count, baseline (trailing months' average), last_year (same month last year, NaN
    outside the data), usual_mean (the plain monthly average of the ``support.history_months`` before), usual
    (the complaints those months give at this month's orders: their rate per order × :func:`order_exposure`, or
    the trailing months' when higher — what the rule reads, shown as such), ratio (count / usual),
    z (spreads above usual, the spread being √(φ × usual), φ how far the months strayed from their own orders ×
    the rate, at least 1),
    at_stake (revenue of the complaints' orders), p_exact (:func:`exact_rise`, the evidence), p_value (the z's
    one-sided normal p-value, shown only), q_value (Benjamini–Hochberg of p_exact over the categories), rule (at least
    ``thresholds.support.spike_ratio`` × usual and ``thresholds.support.min_count`` more than usual), flagged —
    the rule confirmed by a q_value below ``thresholds.support.fdr``.
    """
    thr = report.thresholds(NAME)
    counts = complaint_counts(report, region)
    history, trailing = usual_months(report, region), report.trailing(region)
    last_year = str(report.baselines.same_month_last_year)
    tickets = month_tickets(report, region)
    exposure = order_exposure(report, region)
    now = float(exposure.get(report.period, 0.0))
    rows = []
    for category in counts.columns:
        past = counts.loc[history, category] if history else pd.Series(dtype=float)
        usual, phi = _scaled(counts[category], exposure, history, now)
        recent, _ = _scaled(counts[category], exposure, trailing, now)
        usual = float(np.nanmax([usual, recent])) if len(past) else float("nan")  # a rising rate's level
        spread = math.sqrt(phi * usual) if usual > 0 else 1.0
        count = float(counts[category].get(report.period, 0.0))
        rows.append(
            {
                "category": category,
                "count": count,
                "baseline": float(counts.loc[trailing, category].mean()) if trailing else float("nan"),
                "last_year": float(counts[category].get(last_year, np.nan)),
                "usual_mean": float(past.mean()) if len(past) else float("nan"),
                "usual": usual,
                "ratio": count / usual if usual > 0 else float("nan"),
                "z": (count - (usual if not math.isnan(usual) else 0.0)) / spread,
                "p_exact": exact_rise(count, usual, phi),
                "at_stake": at_stake(report, tickets[tickets["category"] == category]) if count else 0.0,
            }
        )
    columns = ["category", "count", "baseline", "last_year", "usual_mean", "usual", "ratio", "z", "at_stake"]
    columns += ["p_exact"]
    frame = pd.DataFrame(rows, columns=columns)
    base = frame["usual"].fillna(0.0)
    frame["p_value"] = norm.sf(frame["z"])
    frame["p_exact"] = frame["p_exact"].fillna(frame["p_value"])
    frame["rule"] = (frame["count"] >= thr["spike_ratio"] * base) & (frame["count"] - base >= thr["min_count"])
    frame["q_value"] = evidence.q_values(frame["p_exact"].where(frame["rule"]))  # the family: the rule's rows
    frame["flagged"] = frame["rule"] & evidence.confirmed(frame["q_value"], thr["fdr"])
    return frame


def report_spikes(report: Report) -> list[tuple[dict[str, str], Any]]:
    """``(segment, row)`` of the complaint spikes of the report, its tests controlled together.

    A region's report reads its own few categories: the family is the categories where the business rule fired
    (:func:`complaint_frame`'s q_value, as in the market and product rules), so a spike of a few complaints in a
    small category (1 → 6 where 2.4 are usual, p = 0.014) is not diluted by the quiet categories beside it. The
    ALL report scans every region's categories at once, so its Benjamini–Hochberg q-value runs over all of them
    (5 regions × 4 categories): judged region by region, the ALL report's 20 tests let about one clean
    region-category through every other report. ``row.q_value`` (= ``row.q_exact``) is the report's q-value over
    the exact tests (:func:`exact_rise`): the normal approximation confirmed 4 complaints where 1 is usual (normal
    p 0.001, exact 0.019) on clean data. ``row.q_strong``, what a high finding needs, is always over every
    category the report tests: a family picked by the rule itself (the categories that rose) makes a lone fired
    category's q its own p, and a clean region's chance month (5 合同争议 where 0.93 are usual, p 0.0027, q 0.0107
    over its 4 categories: foreign seed 79 #058) was high.
    """
    thr = report.thresholds(NAME)
    parts = [(segment, complaint_frame(report, region)) for region, segment in report.scopes(company=False)]
    if not parts:
        return []
    fired = np.concatenate([f["rule"].to_numpy(dtype=bool) for _, f in parts])
    family = fired if report.region != ALL else np.ones(len(fired), dtype=bool)
    exact = np.concatenate([f["p_exact"].to_numpy() for _, f in parts])
    q = evidence.q_values(np.where(family, exact, np.nan))
    strong = evidence.q_values(exact)  # the high tier: every category the report tests, not only the fired ones
    out, start = [], 0
    for segment, frame in parts:
        part = slice(start, start + len(frame))
        frame = frame.assign(q_value=q[part], q_exact=q[part], q_strong=strong[part])
        start += len(frame)
        frame["flagged"] = frame["rule"] & evidence.confirmed(frame["q_value"], thr["fdr"])
        out += [(segment, row) for row in frame.itertuples() if row.flagged]
    return out


def exact_rise(count: float, usual: float, spread: float) -> float:
    """Chance of at least ``count`` complaints when ``usual`` are expected: the exact count test behind severity.

    Poisson, or negative binomial when the scope's months swing more (``spread`` = variance ÷ mean above 1, see
    :func:`salesnb.stats.dispersion`); 1 without complaints, NaN when nothing is usual (the normal test decides).
    For a few complaints the normal approximation overstates the evidence about tenfold (7 where 2 are usual:
    0.001 against 0.006), so this test alone confirms a spike and sets its severity.
    """
    if not count:
        return 1.0
    if math.isnan(usual) or usual <= 0:
        return float("nan")
    k = int(round(count)) - 1
    if spread <= 1.0 + 1e-9:
        return float(poisson.sf(k, usual))
    return float(nbinom.sf(k, usual / (spread - 1.0), 1.0 / spread))


def complaint_trend_frame(report: Report, months: int = 13) -> pd.DataFrame:
    """Complaints per month (rows) and category (columns) for the ``months`` months up to the period."""
    counts = complaint_counts(report)
    counts = counts[counts.index <= report.period].tail(months)
    return counts.reset_index()


def complaint_spike(report: Report) -> list[dict[str, Any]]:
    """Rule complaint_spike: the spikes of :func:`report_spikes`, region by region in the ALL report.

    Thresholds: ``thresholds.support.{spike_ratio, min_count, fdr}``; the effect is the complaints' order
    revenue above the usual count; severity: :func:`salesnb.evidence.severity` (``collapse``; high only when the
    exact test's q-value over every category the report tests, ``q_strong``, is below ``strong_q``).
    """
    thr = report.thresholds(NAME)
    months = report.settings(NAME)["history_months"]
    complaint_frame(report)  # the panel's frame, while the rows are at hand (they go once the findings are known)
    out = []
    for segment, row in report_spikes(report):
        values = {
            "where": report.where(segment),
            "category": row.category,
            "m": months,
            "count": format_int(row.count),
            "baseline": f"{row.usual:.1f}",
            "ratio": format_decimal(row.ratio),
            "effect": format_amount(row.at_stake, report.lang),
        }
        out.append(
            finding(
                report, "complaint_spike", {**segment, "category": row.category}, values, angle=NAME,
                metric="complaints", value=row.count, baseline=row.usual,
                effect=excess(row.at_stake, row.count, row.usual),
                severity=evidence.severity(
                    report, excess(row.at_stake, row.count, row.usual), row.q_strong, change=row.ratio - 1,
                    strong_q=thr["strong_q"], collapse=thr["collapse"],
                ),
            )
        )  # fmt: skip
    return out


@needs("tickets")
def complaints_panel(report: Report) -> Panel:
    """投诉: complaints per category per month, and this month against the trailing average, last year and usual.

    Two usual levels side by side: the plain monthly average of the ``support.history_months`` before, and the
    one the rule judges against, their complaints per order at this month's orders (labelled so: a SaaS export
    whose orders tripled showed 60.9 as "近12月常态" where 20.9 a month was usual).
    """
    lang = report.lang
    months = report.settings(NAME)["history_months"]
    frame = complaint_frame(report)
    trend = complaint_trend_frame(report)
    ax = plot_lines(
        trend, highlight=report.period, lang=lang, title=f"{t('sup_complaints_title', lang)} · {report.region_label}"
    )
    table = pd.DataFrame(
        {
            t("sup_category", lang): frame["category"],
            t("sup_count", lang): frame["count"].map(format_int),
            t("sup_baseline_count", lang, n=len(report.baselines.trailing)): frame["baseline"].map(format_decimal),
            t("sup_last_year", lang): frame["last_year"].map(format_int),
            t("sup_baseline_count", lang, n=months): frame["usual_mean"].map(format_decimal),
            t("sup_usual_scaled", lang, n=months): frame["usual"].map(format_decimal),
            t("sup_ratio", lang): frame["ratio"].map(format_decimal),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=categories_note(report))


def categories_note(report: Report) -> str:
    """What the panel says when the complaints are not (only) the configured categories; empty otherwise."""
    categories, how = complaint_categories(report)
    if how == "configured":
        return ""
    configured = [str(c) for c in report.settings(NAME)["complaint_categories"]]
    found = joined((c for c in categories if c not in configured), report.lang)
    return t(f"sup_complaints_{how}", report.lang, configured=joined(configured, report.lang), found=found)


def metrics(report: Report) -> dict[str, Any]:
    """``complaints`` this period (every complaint category); nothing without tickets."""
    if not report.ds.has("tickets"):
        return {}
    return {"complaints": int(complaint_frame(report)["count"].sum())}
