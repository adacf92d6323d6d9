"""The team angle's shared tables: each rep's revenue, orders and target per month in the report's scope.

A rep's figures are those of the report's scope: in a region report, the rep's orders in that region and the
rep targets of reps belonging to it (as :func:`salesnb.overview.attainment_frame` counts them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..data import facts
from ..data.dataset import Dataset
from ..data.event_months import event_months
from ..data.reps import rep_info
from ..evidence import confirmed
from ..i18n import t
from ..periods import ALL, month_end
from ..report import Report, scope_memo
from ..stats import dispersion_around

MIN_PEERS = 3  # settled peers needed before a month's common movement is read from them (their median)


def rep_sales(report: Report) -> pd.DataFrame:
    """Revenue and order count per rep, region and month (orders without a rep are left out)."""

    def build(ds: Dataset) -> pd.DataFrame:
        orders = facts.order_facts(ds)[["rep_id", "region", "month", "revenue", "order_id"]]
        grouped = orders.groupby(["rep_id", "region", "month"], sort=True).agg(  # drops the orders without a rep
            revenue=("revenue", "sum"), orders=("order_id", "size")
        )
        return grouped.reset_index()

    return report.cached("team", "rep_sales", build)


def rep_targets(report: Report) -> pd.DataFrame:
    """Rep-level targets (rows with a rep and no product line) with the rep's region filled from reps."""

    def build(ds: Dataset) -> pd.DataFrame:
        targets = ds.get("targets")
        if targets is None:
            return pd.DataFrame(columns=["rep_id", "region", "month", "target"])
        rows = targets[targets["rep_id"].notna() & targets["product_line"].isna()]
        region = rows["region"].fillna(rows["rep_id"].map(rep_info(ds)["region"]))
        frame = pd.DataFrame(
            {"rep_id": rows["rep_id"], "region": region, "month": rows["period"], "target": rows["target_amount"]}
        )
        return frame.groupby(["rep_id", "region", "month"], dropna=False)["target"].sum().reset_index()

    return report.cached("team", "rep_targets", build)


def rep_months(report: Report) -> pd.DataFrame:
    """Revenue, orders and target per (rep_id, month) in the report's region, over all months of the data.

    A rep's revenue counts the rep's orders in the region; a rep's target counts where the rep belongs
    to the region. ``target`` is NaN where the rep has none.
    """

    def build(ds: Dataset) -> pd.DataFrame:
        sales = facts.in_region(rep_sales(report), report.region)
        sales = sales.groupby(["rep_id", "month"])[["revenue", "orders"]].sum()
        targets = rep_targets(report)
        if report.region != ALL:
            targets = targets[targets["region"] == report.region]
        targets = targets.groupby(["rep_id", "month"])["target"].sum()
        frame = pd.concat([sales, targets], axis=1)
        frame[["revenue", "orders"]] = frame[["revenue", "orders"]].fillna(0.0)
        frame.index.names = ["rep_id", "month"]
        return frame.astype(float)

    return report.cached("team", f"rep_months:{report.region}", build)


@scope_memo  # the executive summary's rules ask for the months the panels show, once the tables are dropped
def month_rows(report: Report, month: str) -> pd.DataFrame | None:
    """The rows of :func:`rep_months` for ``month`` indexed by rep, or ``None`` when the data has no such month.

    The rows of each month are found once per scope (their positions): the sections ask for a dozen months
    each, and a membership test and ``xs`` per month scanned the whole table every time.
    """
    months = rep_months(report)
    at = report.cached("team", f"month_rows:{report.region}", lambda _: months.groupby(level="month").indices)
    return months.iloc[at[month]].droplevel("month") if month in at else None


def activity_facts(report: Report) -> pd.DataFrame:
    """Activities with ``month`` and ``region`` (the rep's region, else the customer's)."""

    def build(ds: Dataset) -> pd.DataFrame:
        acts = ds["activities"]
        region = facts.lookup(acts["rep_id"], rep_info(ds)["region"])
        customers, unknown = ds.get("customers"), region.isna()
        if customers is not None and unknown.any():  # only the activities whose rep has no region
            by_customer = customers.set_index("customer_id")["region"]
            region = region.fillna(facts.lookup(acts["customer_id"][unknown], by_customer))
        return pd.DataFrame(
            {
                "rep_id": acts["rep_id"],
                "type": acts["type"].fillna(facts.UNKNOWN),
                "month": event_months(ds, acts["occurred_at"]),
                "region": region.fillna(facts.UNKNOWN),
            }
        )

    return report.cached("team", "activity_facts", build)


def deal_moves(report: Report) -> pd.DataFrame:
    """Stage entries of each rep's deals per month in the report's region: how much the rep's deals moved.

    Columns: rep_id, month, moves (a deal's region is its rep's, else the deal's own, as for activities). Empty
    without the opportunities or stage_events table.
    """

    def build(ds: Dataset) -> pd.DataFrame:
        events, deals = ds.get("stage_events"), ds.get("opportunities")
        if events is None or deals is None:
            return pd.DataFrame(columns=["rep_id", "region", "month", "moves"])
        deals = deals[["opportunity_id", "rep_id", "region"]].drop_duplicates("opportunity_id")
        at = facts.positions(deals["opportunity_id"], events["opportunity_id"])  # one lookup for both columns
        rep = facts.take(deals["rep_id"], at, events.index)
        region = facts.lookup(rep, rep_info(ds)["region"]).fillna(facts.take(deals["region"], at, events.index))
        frame = pd.DataFrame(
            {
                "rep_id": rep,
                "region": region.fillna(facts.UNKNOWN),
                "month": event_months(ds, events["entered_at"]),
            }
        )
        frame = frame[frame["rep_id"].notna() & frame["month"].notna()]
        return frame.groupby(["rep_id", "region", "month"]).size().rename("moves").reset_index()

    moves = facts.in_region(report.cached("team", "deal_moves", build), report.region)
    return moves.groupby(["rep_id", "month"], as_index=False)["moves"].sum()


def peer_expectation(
    values: pd.DataFrame,
    period: str,
    history: list[str],
    groups: pd.Series | None = None,
    *,
    floor: pd.Series | None = None,
    absent: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each rep's figure this period against what the rep's own history and the rep's peers this month expect.

    ``values``: reps (rows) × months (columns, NaN or 0 where nothing was recorded). A rep's ``level`` is the mean
    over the ``history`` months from the rep's first recorded month on; the month's ``factor`` is the median, over
    the rep's settled peers (``groups``: the same value, e.g. region; reps with at least half the history months;
    the rep itself left out, so a rep's own fall does not lower what is expected of it; at least
    :data:`MIN_PEERS` of them, else every settled rep; fewer: 1), of
    their figure against their level — what the season or a common shock did to everyone, so a January or a quiet
    month for the whole team is not one rep's fall. ``expected`` = level × factor of the period; ``spread`` is the
    standard deviation of log(figure ÷ level × factor) over the rep's history months, at least ``floor`` (e.g. the
    Poisson spread of a count, 1/√count); ``z`` = log(figure ÷ expected) ÷ (spread·√(1 + 1/n)) and ``p_value`` its
    lower tail (Student t with n − 1 degrees of freedom on an observed spread, normal on the floor). A month with
    nothing counts as a 95% fall, so one empty month does not give an infinite z. ``absent`` (reps × months, True
    where the rep was not there the whole month, :func:`absent_months`) leaves those months out: a rep who left
    is no peer selling nothing (two departed reps of three made a region's month factor 0), nor a month of its own.

    Columns: now, level, factor, expected, ratio (now ÷ expected), spread, months, z, p_value (indexed by rep).
    """
    months, frame, started, level, factor = _peer_levels(values, period, history, groups, absent)
    rel = frame.fillna(0.0).where(started).div(level.where(level > 0), axis=0)
    n = started[months].sum(axis=1)  # the months since the rep's first, absent ones out
    logs = np.log((rel / factor).clip(lower=0.05))
    spread = logs[months].std(axis=1, ddof=1) if months else pd.Series(np.nan, index=frame.index)
    low = floor.reindex(frame.index).astype(float) if floor is not None else pd.Series(0.0, index=frame.index)
    observed = spread.fillna(0.0) >= low.fillna(0.0)
    spread = np.fmax(spread, low)
    z = logs[period] / (spread * np.sqrt(1 + 1 / n.where(n > 0)))
    p = np.where(observed, stats.t.cdf(z, np.maximum(n - 1, 1)), stats.norm.cdf(z))
    expected = level * factor[period]
    out = pd.DataFrame(
        {
            "now": frame[period].fillna(0.0),
            "level": level,
            "factor": factor[period].astype(float),
            "expected": expected,
            "ratio": frame[period].fillna(0.0) / expected.where(expected > 0),
            "spread": spread,
            "months": n,
            "z": z,
            "p_value": pd.Series(p, index=frame.index).where(z.notna() & (n > 0)),
        }
    )
    out.index.name = "rep_id"
    return out


def _peer_levels(
    values: pd.DataFrame, period: str, history: list[str], groups: pd.Series | None, absent: pd.DataFrame | None
) -> tuple[list[str], pd.DataFrame, pd.DataFrame, pd.Series, pd.DataFrame]:
    """(history months there are, reps × those months and ``period``, started, level, month factors).

    As :func:`peer_expectation` reads them: ``started`` from each rep's first recorded month on, absent months
    out; ``level`` the rep's mean over the history months since; ``factor`` per month the median over the
    settled peers of their figure against their level (NaN where not above 0).
    """
    months = [m for m in history if m in values.columns]
    frame = values.reindex(columns=[*months, period]).astype(float)
    started = frame.fillna(0.0).gt(0).cummax(axis=1)  # from the rep's first recorded month on
    if absent is not None:
        started &= ~absent.reindex(index=frame.index, columns=frame.columns, fill_value=False).astype(bool)
    past = frame[months].fillna(0.0).where(started[months])
    level = past.mean(axis=1)
    rel = frame.fillna(0.0).where(started).div(level.where(level > 0), axis=0)
    keys = (groups.reindex(frame.index) if groups is not None else pd.Series("", index=frame.index)).astype(object)
    keys = keys.fillna("")  # a rep without a group (all-NaN groups are float: cast before filling with text)
    n = past.notna().sum(axis=1)
    settled = (level > 0) & (n >= max(len(months) // 2, 1))  # peers with a known level (not a rep just starting)
    factor = pd.DataFrame(
        peer_medians(rel.to_numpy(dtype=float), keys.to_numpy(), settled.to_numpy(dtype=bool)),
        index=frame.index,
        columns=rel.columns,
    )
    return months, frame, started, level, factor.where(factor > 0)


def count_swing(
    counts: pd.DataFrame, period: str, history: list[str], groups: pd.Series | None, absent: pd.DataFrame | None
) -> pd.DataFrame:
    """Each rep's order count: what the month did to the peers' counts, and how far the rep's counts swing.

    ``counts``: reps × months. ``factor``: the peers' count this ``period`` against their level (as
    :func:`peer_expectation` reads revenue: their orders may fall in a month their revenue rises, on larger
    orders). ``dispersion``: φ, the variance ÷ mean of the rep's monthly counts around level × the peers' factor
    over the ``history`` months (:func:`salesnb.stats.dispersion_around`, at least 1): a rep whose customers
    order in bursts has months far emptier than a Poisson count of the same mean.
    """
    months, frame, started, level, factor = _peer_levels(counts, period, history, groups, absent)
    around = factor.mul(level.where(level > 0), axis=0)
    phi = dispersion_around(frame.where(started), around, months)
    return pd.DataFrame({"factor": factor[period], "dispersion": phi}).rename_axis("rep_id")


def absent_months(report: Report, values: pd.DataFrame) -> pd.DataFrame:
    """Per rep × month of ``values`` (reps × months): whether the rep was gone for (part of) the month.

    Gone: the rep's leave date falls before the month's end, or (without one) the rep sold nothing in the month
    nor in any later month of ``values`` — a rep who stopped selling had left. The last month of ``values``
    cannot tell the second way and stays present.
    """
    columns = list(values.columns)
    leave = pd.to_datetime(pd.Series(values.index, index=values.index).map(rep_info(report.ds)["leave_date"]))
    ends = np.array([month_end(m) for m in columns], dtype="datetime64[ns]")
    left = leave.to_numpy(dtype="datetime64[ns]")[:, None] < ends[None, :]  # NaT compares False
    selling = values.fillna(0.0).gt(0).to_numpy()
    later = np.flip(np.logical_or.accumulate(np.flip(selling, axis=1), axis=1), axis=1)  # a sale now or after
    stopped = ~later
    stopped[:, -1:] = False
    return pd.DataFrame(left | stopped, index=values.index, columns=values.columns)


def peer_medians(values: np.ndarray, groups: np.ndarray, settled: np.ndarray) -> np.ndarray:
    """Each row's median of its peers' values per column, the row itself left out: the month factors.

    A row's peers are the ``settled`` rows of its group other than itself with a value in the column; with fewer
    than :data:`MIN_PEERS`, every settled row's but its own; still fewer: 1.0 (a median would mostly be one or
    two reps' month, so the rep's history alone). NaN values are skipped, so a peer gone that month does not
    count towards the :data:`MIN_PEERS`. Per column the pool's values are sorted once and each row's median read
    from them with the row's own value taken out, instead of a median per rep over all its peers: at a million
    order lines (3,000 reps) 34 s became a fraction of a second.
    """
    out = np.ones(values.shape)
    rows = np.arange(len(values))
    wide, wide_count = _medians_without(values, np.flatnonzero(settled), rows, settled)
    for key in pd.unique(groups):
        members = np.flatnonzero(groups == key)
        own, own_count = _medians_without(values, members[settled[members]], members, settled[members])
        enough = own_count >= MIN_PEERS
        fallback = ~enough & (wide_count[members] >= MIN_PEERS)
        out[members] = np.where(enough, own, np.where(fallback, wide[members], 1.0))
    return out


def _medians_without(
    values: np.ndarray, pool: np.ndarray, rows: np.ndarray, in_pool: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per column, the median of ``values[pool]`` without each of ``rows`` (taken out where ``in_pool``).

    With how many values each median is of (0 and a NaN median where none is left).
    """
    out = np.full((len(rows), values.shape[1]), np.nan)
    sizes = np.zeros((len(rows), values.shape[1]), dtype=int)
    for column in range(values.shape[1]):
        pooled = values[pool, column]
        ordered = np.sort(pooled[~np.isnan(pooled)])
        if not len(ordered):
            continue
        own = values[rows, column]
        drop = in_pool & ~np.isnan(own)
        size = len(ordered) - drop
        where = np.searchsorted(ordered, np.where(drop, own, 0.0))  # where one copy of the row's value sits
        low = _order_statistic(ordered, (size - 1) // 2, drop, where)
        high = _order_statistic(ordered, size // 2, drop, where)
        out[:, column] = np.where(size > 0, (low + high) / 2, np.nan)
        sizes[:, column] = size
    return out, sizes


def _order_statistic(ordered: np.ndarray, k: np.ndarray, drop: np.ndarray, where: np.ndarray) -> np.ndarray:
    """The ``k``-th smallest of ``ordered`` once the value at ``where`` is taken out (where ``drop``)."""
    shifted = k + (drop & (k >= where))  # at or past the removed value: the next one
    return ordered[np.clip(shifted, 0, len(ordered) - 1)]


def peer_groups(report: Report, reps: pd.Index) -> pd.Series | None:
    """Who a rep is compared with: in the ALL report the reps of the same region; in a region report, its reps.

    A rep's region is the reps table's, else the region of most of the rep's sales (an export without a reps table).
    """
    if report.region != ALL:
        return None
    region = pd.Series(reps, index=reps).map(rep_info(report.ds)["region"])
    if region.isna().any():  # no reps table, or a rep without a region: the region most of its sales are in
        sales = rep_sales(report).groupby(["rep_id", "region"], sort=True)["revenue"].sum().reset_index()
        sales = sales.sort_values(["rep_id", "revenue"], ascending=[True, False], kind="stable")
        main = sales.drop_duplicates("rep_id").set_index("rep_id")["region"]
        region = region.astype(object).fillna(pd.Series(reps, index=reps).map(main).astype(object))
    return region


def revenue_peers(
    report: Report, revenue: pd.DataFrame, column: str = "revenue"
) -> tuple[pd.DataFrame, pd.Series | None]:
    """``revenue`` (the scope's reps × months) with the reps a month's common movement may be read from, and groups.

    For :func:`peer_expectation`: in the company report the rows and :func:`peer_groups` as they are. In a region
    report the region's reps are one group and the company's other reps (their revenue in every region) join the
    pool as a group of their own, so a region of fewer than :data:`MIN_PEERS` settled reps reads its month from
    every settled rep of the company, as the company report reads that region's reps: a season (春节) or a
    company-wide quiet month is not each of two reps' own fall (from the region alone the factor was 1: the rep's
    average month). A region with enough reps keeps its own; the rows added are only peers (their own factors are
    not read). ``column``: the figure of :func:`rep_sales` the other reps join with (``orders`` for counts).
    """
    if report.region == ALL:
        return revenue, peer_groups(report, revenue.index)
    sales = rep_sales(report)
    others = sales[~sales["rep_id"].isin(revenue.index)]
    company = others.groupby(["rep_id", "month"])[column].sum().unstack("month")
    pool = pd.concat([revenue, company]).reindex(columns=revenue.columns.union(company.columns))
    groups = pd.Series(report.region, index=pool.index, dtype=object)
    groups.iloc[len(revenue) :] = ALL  # no region is called ALL: the rest of the company is never the region's group
    return pool, groups


def unusual(p_value: float, q_value: float, strong_q: float, lang: str) -> str:
    """How unusual a rep's month is, in words, with its one-sided p-value.

    Beyond the usual ups and downs (``q_value`` below ``strong_q``), or rare against them but possibly still a
    normal low month (weak evidence).
    """
    key = "team_unusual_strong" if confirmed(q_value, strong_q) else "team_unusual_weak"
    return t(key, lang, p=f"={p_value:.3f}" if p_value >= 0.001 else "<0.001")


def company_shows(report: Report, q_value: float, strong_q: float) -> bool:
    """Whether a single rep's finding belongs in this report: in the company (ALL) report only on strong evidence.

    In the company report a rep's finding is shown only when its ``q_value`` is below ``strong_q``: a weak-evidence
    month of one rep belongs to the rep's region report, where the rep's manager reviews it, and the company
    report is not a list of every rep's low month.
    """
    return report.region != ALL or bool(confirmed(q_value, strong_q))
