"""The market angle's own small helpers: the usual-level window, last year, the peer factor, number texts.

The **usual level** a month is tested against is the mean (or pooled rate) of the ``market.history_months``
months before it, scaled by a **peer factor** (at most 1): how comparable segments did this month against their
own usual level. A fall is judged against the lower of that and the same month last year.

A fired rule's **evidence** (its Benjamini–Hochberg q-value) sets how sure the finding is: below
``thresholds.market.fdr`` it is confirmed (its severity follows the revenue at stake, high only below
``strong_q``); below ``thresholds.market.indicative_q`` it is indicated — reported, at most medium — since a
region's channel, new customers or returning buyers are often a few dozen a month, too few for a 30% fall to
reach a 5% false-discovery rate (:func:`supported`, :func:`rule_severity`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..data import facts
from ..data.dataset import Dataset
from ..display.formatting import format_pct
from ..evidence import confirmed, q_values, severity
from ..i18n import days_through, t
from ..periods import ALL, shift_month
from ..report import Report
from .openings import opening_months, region_starts, warm_up_length

NAME = "market"  # the angle: its settings section and thresholds


def history(report: Report, period: str | None = None, region: str | None = None) -> list[str]:
    """The ``market.history_months`` months before ``period`` (default: the report's) that the data covers.

    ``region``: those of that region (default: the report's), without its gap months (:meth:`Report.covered`).
    """
    return report.history(report.settings(NAME)["history_months"], period, region)


def acquisition_history(report: Report, months: list[str], region: str | None = None) -> list[str]:
    """``months`` without the data's warm-up (:func:`~salesnb.data.customers.acquisition_start`) nor the opening.

    A month whose first-seen buyers include customers of long before the export began is no usual level of new
    customers: only the months after the warm-up are. Nor are the months of ``region``'s (default: the report's)
    opening warm-up, as long as the data's and at least its first month (:func:`.openings.opening_months`; in
    ``ALL`` the first month of every region opened late).
    """
    start = acquisition_from(report)
    scope = report.region if region is None else region
    skip = opening_months(report.ds, scope, warm_up_length(facts.data_months(report.ds)[0], start))
    return [m for m in months if m >= start and m not in skip]


def scope_warm_up(report: Report) -> tuple[str, str]:
    """The report scope's first month and first month counted for new customers (a region opened late: its own)."""
    first, start = facts.data_months(report.ds)[0], acquisition_from(report)
    opened = region_starts(report.ds).get(report.region)
    if opened is None:
        return first, start
    return opened, max(start, shift_month(opened, -max(warm_up_length(first, start), 1)))


def acquisition_from(report: Report) -> str:
    """The first month whose first-seen buyers are new customers (:func:`~salesnb.data.customers.acquisition_start`).

    After the data's last month when the export is too short to tell.
    """
    from ..data.customers import acquisition_start

    cfg = report.settings(NAME)
    return acquisition_start(
        report.ds, cfg["acquisition_warm_up_quantile"], cfg["acquisition_warm_up_max"], cfg["acquisition_warm_up_span"]
    )


def buyer_split(report: Report, customer_ids: pd.Series, months: pd.Series | str) -> pd.Series:
    """:func:`~salesnb.data.customers.buyer_kinds` with the report's warm-up: new, returning, or not told apart.

    The bridge, the revenue composition and the headline's returning share split buyers with it, so they agree
    with the new customers counted here (:func:`acquisition_from`).
    """
    from ..data.customers import buyer_kinds

    return buyer_kinds(report.ds, customer_ids, months, acquisition_from(report))


def last_year(report: Report, period: str | None = None, region: str | None = None) -> str | None:
    """The same month a year before ``period`` (default: the report's), ``None`` when the data does not cover it.

    ``region``: as that region's data covers it (default: the report's region, :meth:`Report.covered`).
    """
    month = shift_month(period or report.period, 12)
    return month if report.covered([month], region) else None


def all_months(ds: Dataset) -> list[str]:
    """Every month from the first to the last order month, without gaps."""
    first, last = facts.data_months(ds)
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def scope_orders(report: Report, region: str | None = None) -> pd.DataFrame:
    """The order facts of ``region`` (default: the report's region; ``ALL``: every order)."""
    return facts.in_region(facts.order_facts(report.ds), report.region if region is None else region)


def scope_months(
    report: Report, months: list[str] | str, region: str | None = None, *, whole: bool = False
) -> pd.DataFrame:
    """The order facts of ``region`` (default: the report's) in ``months``, in their order.

    From the fact layer's kept month rows, then the region's among them: the ALL report reads every region in
    turn, month by month, and the month rows stay kept where a region's rows would push each other out.
    ``whole``: every day of the months even in a partial month's report (:attr:`Report.whole`), for a state
    of the customer base over a window (RFM tiers, concentration), not a month compared with its baselines.
    """
    rows = facts.in_months(facts.order_facts(report.whole if whole else report.ds), months)
    scope = report.region if region is None else region
    return rows if scope == ALL else rows[rows["region"] == scope]


def peer_factor(
    now: float | pd.Series,
    usual: float | pd.Series,
    *,
    rises: bool = False,
    error: float | pd.Series | None = None,
) -> float | pd.Series:
    """How far comparable segments moved this month against their usual level: now ÷ usual, 1 when unknown.

    Scaling a segment's usual level by it keeps a seasonal or company-wide dip from being blamed on one segment.
    The factor is at most 1 (growth elsewhere never raises the bar) unless ``rises``: where the rest's usual
    level is its own expectation with the season in it (:func:`salesnb.expect.expected`), a month the rest of the
    company sells far above it is a peak the history could not foresee (a 双十一 in a data's first year), and a
    segment that stayed flat through it fell behind. ``error``: the usual level's relative standard error (log
    scale, :func:`salesnb.expect.relative_spread`). A rise is then raised only as far as it stands out of that
    noise (:func:`shrunk_rise`): three peers each swinging ±25 % a month sell 1.3× their expectation in one month
    in ten by chance alone, and that luck is no peak a segment fell behind.
    """
    cap = math.inf if rises else 1.0
    if isinstance(now, pd.Series):
        ratio = (now / usual.where(usual > 0)).clip(upper=cap).fillna(1.0)
        if error is None:
            return ratio
        noise = error if isinstance(error, pd.Series) else pd.Series(error, index=ratio.index)
        return pd.Series([shrunk_rise(f, e) for f, e in zip(ratio, noise, strict=True)], index=ratio.index)
    if usual is None or not usual > 0 or now is None or math.isnan(now):
        return 1.0
    return shrunk_rise(min(cap, float(now) / float(usual)), error)


def shrunk_rise(factor: float, error: float | None) -> float:
    """A factor above 1 shrunk towards 1 as far as ``error`` explains it (:func:`shrunk`); a dip as it is.

    A factor of 1 or less, or without a finite error, is returned as it is: a dip lowers a bar, never raises it.
    """
    return shrunk(factor, error) if factor > 1 else factor


def shrunk(factor: float, error: float | None) -> float:
    """A factor shrunk towards 1 as far as ``error`` (its relative standard error, log scale) explains it.

    Empirical Bayes from the one month there is: the real move's variance is estimated by the log factor's square
    less its noise's (at least 0), and the log factor keeps the share ``max(0, 1 − error² / log(factor)²)``. A move
    of twice its noise keeps three quarters of its log, one within its noise none. Either side of 1; returned as
    it is without a finite error.
    """
    if not (factor > 0 and factor != 1 and error is not None and math.isfinite(error) and error > 0):
        return factor
    log = math.log(factor)
    return math.exp(log * max(0.0, 1.0 - (error / log) ** 2))


def fmt_num(value: float | None, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals, ``—`` when missing."""
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def fmt_count(value: float | None) -> str:
    """A count of customers, or its usual level: ``287`` when whole (not ``287.0 个``), else one decimal (``178.3``).

    Thousands separated as :func:`~salesnb.display.formatting.format_int` writes counts (``1,234.5``).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def partial_days(report: Report) -> str:
    """In a partial month "（各月 1–9 日）": its counts and their baselines are each month's days 1..9; else ""."""
    return (
        t("mk_partial_days", report.lang, days=days_through(report.through_day, report.lang)) if report.partial else ""
    )


def signed(value: float | None) -> str:
    """A change as a signed percentage (``+12.0%``)."""
    return format_pct(value, signed=True)


def supported(q: float | pd.Series, thr: dict) -> bool | pd.Series:
    """Whether a fired rule's evidence is enough to report it: q-value(s) below ``thresholds.market.indicative_q``."""
    return confirmed(q, thr["indicative_q"])


def rule_severity(report: Report, effect: float | None, q: float, change: float | None) -> str:
    """Severity of a supported finding: :func:`salesnb.evidence.severity`, at most medium unless confirmed.

    Revenue at stake, raised to medium by a collapse, high only when the q-value is below ``strong_q``; at most
    medium when the q-value is not below ``fdr`` (indicated, not confirmed).
    """
    thr = report.thresholds(NAME)
    return severity(
        report, effect, q, change=change, strong_q=thr["strong_q"], collapse=thr["collapse"],
        cap=not confirmed(q, thr["fdr"]),
    )  # fmt: skip


def report_rows(
    report: Report, rows_of: Callable[[Report, str], pd.DataFrame]
) -> list[tuple[dict[str, str], Any, float]]:
    """``(segment, row, q)`` for each row a rule fires for, in every scope of the report, q adjusted over all tests.

    ``rows_of(report, region)`` is a per-scope frame with every segment's ``p_value`` and a ``q_value`` set on the
    rows the rule fires for. A region's report reads its own few segments: the family is the rows the rule fires
    for, as in every market rule. The ALL report scans every region's segments at once (five regions × three
    channels and the company's own): an ordinary month's dip with p = 0.03 in one of them is expected there, so
    its Benjamini–Hochberg adjustment runs over every segment it tests, as one family.
    """
    tested = []
    for region, segment in report.scopes(company=True):
        frame = rows_of(report, region)
        family = frame["p_value"].notna() if report.region == ALL else frame["q_value"].notna()
        for row in frame[family].itertuples():
            tested.append((segment, row))
    qs = q_values([row.p_value for _, row in tested])
    return [(seg, row, float(q)) for (seg, row), q in zip(tested, qs, strict=True) if not pd.isna(row.q_value)]
