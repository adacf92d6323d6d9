"""Months an export left out for one region: a busy region without a single order in a month of its own range.

A monthly sheet per branch that was never copied in, a branch's system down for the export: the region reads as a
real zero, so its report shows revenue −100 %, every channel and customer lost, and its later months compare
against a month of nothing. The company's own empty months (:func:`~salesnb.data.facts.empty_months`) are caught
where the whole export is empty; this is the same check per region.

A region's empty months that leave the company's order count whole were taken over by other regions, not left
out (:func:`taken_over`): they are real months of nothing for the region and no gap.

A month left out for one region also dents the company's total of that month: read as the company's season
(the factors a region's forecast borrows), it is a dip of the region's share. :func:`fill_factors` and
:func:`company_fill` say how much to scale such a month's company total to make it whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .dataset import Dataset
from .facts import MISSING_MONTH_ORDERS, UNKNOWN, data_months, empty_months, order_facts, per_dataset, through_day


def region_gaps(ds: Dataset) -> dict[str, dict[str, float]]:
    """``{region: {month: usual orders}}``: the complete months inside a region's range without any of its orders.

    A region's range runs from its first to its last month with orders (a region opened or closed later is not
    missing before or after). Only a region whose median month of that range has :data:`MISSING_MONTH_ORDERS`
    orders or more: such a month is empty by chance with probability e^-10. The usual orders are that median.
    The data's partial last month and the company's empty months are not listed here, nor the empty months the
    other regions took over (the company's orders did not dip there: :func:`taken_over`). Read from the orders'
    own dates, so a partial month's same-days view finds the same gaps as the whole data.
    """

    def build() -> dict[str, dict[str, float]]:
        names, counts, labels, judged = _month_counts(ds)
        company = counts.sum(axis=0)
        out: dict[str, dict[str, float]] = {}
        for name, row in zip(names, counts, strict=True):
            sold = np.flatnonzero(row)
            span = range(sold[0], sold[-1] + 1)  # the region's own range: first to last month with orders
            usual = float(np.median(row[span.start : span.stop]))
            if usual < MISSING_MONTH_ORDERS:
                continue
            empty = [k for k in span if row[k] == 0 and judged[k]]
            gaps = [labels[k] for run in _runs(empty) if not taken_over(row, company, run, judged) for k in run]
            if gaps:
                out[str(name)] = dict.fromkeys(gaps, usual)
        return out

    return per_dataset(ds, ("facts", "region_gaps"), build)


def _month_counts(ds: Dataset) -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """Orders per region (rows, by name) and month (columns, the orders' first to last month) and what is judged.

    Returns the region names, the counts, the months' labels and whether each month is judged: complete (not the
    data's partial last month) and not one of the company's empty months. Read from the orders' own dates.
    """
    orders = order_facts(ds)
    first, last = data_months(ds)
    if orders.empty or not isinstance(first, str) or not isinstance(last, str):
        return [], np.zeros((0, 0), dtype=int), [], np.zeros(0, dtype=bool)
    complete = last if through_day(ds, last) is None else str(pd.Period(last, freq="M") - 1)
    skip = set(empty_months(ds))
    region = orders["region"]
    dated = (orders["order_date"].notna() & region.notna() & region.ne(UNKNOWN)).to_numpy()
    codes, names = pd.factorize(region[dated], sort=True)
    months = orders["order_date"].to_numpy()[dated].astype("datetime64[M]").view(np.int64)
    if not len(months):
        return [], np.zeros((0, 0), dtype=int), [], np.zeros(0, dtype=bool)
    low, width = int(months.min()), int(months.max() - months.min()) + 1
    counts = np.bincount(codes * width + (months - low), minlength=len(names) * width).reshape(len(names), width)
    labels = [str(pd.Period(np.datetime64(low + k, "M"), freq="M")) for k in range(width)]
    judged = np.array([label <= complete and label not in skip for label in labels])
    return [str(n) for n in names], counts, labels, judged


def openings(ds: Dataset) -> dict[str, list[str]]:
    """``{region: months}``: the company's months before a busy region's first one, where the region opened then.

    No gap of the region (its own report reads them as months it did not sell yet: :func:`region_gaps`), but
    the company's months before it hold every region but the new one: read as the company's season or trend, the
    opening is a rise of the months after it (a region opening in July, 40 % of the business, read as a July to
    December season 70 % above February to June: every region's September then expected 30 % above any it had).
    Only a region whose median month of its range has :data:`MISSING_MONTH_ORDERS` orders or more (as for a gap)
    and whose months before were not taken over from the others (:func:`taken_over`: a region split off one that
    sold there before, the company's orders not dented), over the judged months since the company's first.
    """

    def build() -> dict[str, list[str]]:
        names, counts, labels, judged = _month_counts(ds)
        company = counts.sum(axis=0)
        out: dict[str, list[str]] = {}
        for name, row in zip(names, counts, strict=True):
            sold = np.flatnonzero(row)
            if not sold[0] or float(np.median(row[sold[0] : sold[-1] + 1])) < MISSING_MONTH_ORDERS:
                continue
            before = [k for k in range(sold[0]) if judged[k]]
            if before and not taken_over(row, company, before, judged):
                out[name] = [labels[k] for k in before]
        return out

    return per_dataset(ds, ("facts", "openings"), build)


TAKEN_OVER_SHARE = 0.2  # a region this large a part of the company's orders around its empty months dents the
# company's count visibly when the export leaves it out (a smaller one's dent is lost in the month's own swing)


def _runs(months: list[int]) -> list[list[int]]:
    """Consecutive month positions grouped: [3, 4, 5, 9] → [[3, 4, 5], [9]]."""
    runs: list[list[int]] = []
    for k in months:
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def taken_over(row: np.ndarray, company: np.ndarray, run: list[int], judged: np.ndarray) -> bool:
    """Whether the other regions took a region's empty months ``run`` over: the company's orders did not dip there.

    ``row`` and ``company``: the region's and the company's orders per month position. An export that left a
    region's month out is short of that region's orders: the company's month holds about (1 − share) of its
    level in the region's months with orders around the run (within :data:`FILL_MONTHS`), the share being the
    region's part of those months. Where the company's months in the run hold at least (1 − share / 2) of it —
    nearer a whole month than a dented one — the orders were there, booked under other regions (a territory
    handed over for a while; DataCo's markets, each selling a few months in turn while the company's ~160 orders
    a month went on). Judged only for a region of :data:`TAKEN_OVER_SHARE` or more: a smaller one's dent is no
    larger than an ordinary month's swing, and its empty month stays a gap.
    """
    positions = np.arange(len(row))
    near = (np.abs(positions - run[0]) <= FILL_MONTHS) | (np.abs(positions - run[-1]) <= FILL_MONTHS)
    near &= (row > 0) & judged
    level = float(company[near].sum())
    if not near.any() or level <= 0:
        return False
    share = float(row[near].sum()) / level
    ratio = float(company[run].mean()) / (level / int(near.sum()))
    return share >= TAKEN_OVER_SHARE and ratio >= 1 - share / 2


def gap_months(ds: Dataset, region: str) -> tuple[str, ...]:
    """The months :func:`region_gaps` finds for ``region`` (none for the company or a region without gaps)."""
    return tuple(region_gaps(ds).get(region, {}))


def gap_label(name: str, usual: float, lang: str) -> str:
    """A left-out region or month named with its usual orders a month: ``成都（70）`` / ``Chengdu (70)``."""
    return f"{name}（{usual:,.0f}）" if lang == "zh" else f"{name} ({usual:,.0f})"


FILL_MONTHS = 6  # a gap month's company total is made whole from the covered regions' share this many months around


def fill_factors(
    total: pd.Series, parts: Mapping[str, pd.Series], gaps: Mapping[str, Iterable[str]]
) -> dict[str, float]:
    """``{month: factor}``: how much to scale ``total`` (month → the company's) in each region's gap month.

    ``parts``: the regions of ``gaps`` (region → its gap months), each as its months (month → its part of
    ``total``, the same measure). In a gap month the total holds only the regions the export covered; their
    usual share of the company is read over the months within :data:`FILL_MONTHS` either side where no region
    has a gap (for a month of a longer run, a region's months before it opened: the :data:`FILL_MONTHS`
    nearest such months): factor = Σ total ÷ Σ (total − the missing regions), over those months. A month where
    the covered regions had nothing there is left as it is (no factor).
    """
    missing: dict[str, list[str]] = {}
    for region, months in gaps.items():
        for month in months:
            missing.setdefault(str(month), []).append(region)
    if not missing:
        return {}
    index = {m: pd.Period(m, freq="M").ordinal for m in total.index.astype(str)}
    clean = [m for m in index if m not in missing]
    out = {}
    for month, regions in sorted(missing.items()):
        at = pd.Period(month, freq="M").ordinal
        near = [m for m in clean if abs(index[m] - at) <= FILL_MONTHS]
        near = near or sorted(clean, key=lambda m: abs(index[m] - at))[:FILL_MONTHS]  # a long run: the nearest
        whole = float(total.reindex(near).sum())
        part = whole - sum(float(parts[r].reindex(near).fillna(0.0).sum()) for r in regions)
        if near and part > 0 and whole > 0:
            out[month] = whole / part
    return out


def company_fill(ds: Dataset) -> dict[str, float]:
    """:func:`fill_factors` of the company's revenue per month: ``{month: factor}`` (``{}`` without gaps).

    A company season built from the orders' monthly totals times these factors counts each region's gap months
    and the months before it opened (:func:`openings`) at the region's usual share, not as a dip or a step of
    the season and trend (``salesnb.market.regions``, ``salesnb.team.targets``, ``salesnb.planning``).
    """

    def build() -> dict[str, float]:
        gaps = {region: list(months) for region, months in region_gaps(ds).items()}
        for region, months in openings(ds).items():  # before a region opened: the company without it, as a gap
            gaps[region] = sorted({*gaps.get(region, []), *months})
        if not gaps:
            return {}
        orders = order_facts(ds)
        total = orders.groupby("month")["revenue"].sum()
        mine = orders[orders["region"].isin(list(gaps))]
        by_region = mine.groupby(["region", "month"], observed=True)["revenue"].sum()
        return fill_factors(total, {r: by_region.xs(r, level="region") for r in gaps}, gaps)

    return per_dataset(ds, ("facts", "company_fill"), build)


def filled(ds: Dataset, totals: pd.Series) -> pd.Series:
    """``totals`` (month → the company's revenue) with each region's gap months made whole (:func:`company_fill`)."""
    factors = company_fill(ds)
    if not factors:
        return totals
    scale = pd.Series(factors, dtype=float).reindex(totals.index.astype(str)).fillna(1.0).to_numpy()
    return totals * scale
