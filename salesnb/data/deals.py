"""Deal facts shared by every angle: one row per opportunity, its stage stays, and what was open when.

The one rule of what a deal's status means is :data:`DEAL_STATUS` (read through :func:`deal_outcome`): ``赢单``
and ``won`` are won, ``输单`` and ``lost`` are lost, anything else is open. Everything is read *as of* a moment
by the callers: a deal closed later counts as open then, a stage entered later is not entered yet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dataset import Dataset
from .facts import UNKNOWN, last_day, per_dataset, positions, size_band, take
from .lookups import lookup, map_distinct
from .status_words import DEAL_WORDS, status_key

DAY_SECONDS = 86_400.0
DEFAULT_SIZE_EDGES: tuple[float, ...] = (0, 50, 200, 1000)
DEAL_STATUS: dict[str, str] = DEAL_WORDS  # the one rule, spellings included (status_words)


def deal_outcome(status: pd.Series) -> pd.Series:
    """``won`` / ``lost`` / ``open`` for each raw ``opportunities.status`` (``Closed Won`` is won; unknown → open)."""
    return map_distinct(status_key(status), DEAL_STATUS).fillna("open")


def deal_facts(ds: Dataset, size_edges: tuple[float, ...] = DEFAULT_SIZE_EDGES) -> pd.DataFrame:
    """One row per opportunity (computed once per dataset).

    Columns: opportunity_id, created_at, closed_at (missing for open deals; a closed deal without a date takes
    its last stage entry), outcome (won / lost / open, see :func:`deal_outcome`), amount (0 when missing),
    expected_close_at (an open deal's close date where none is given: a CRM's close date of an open deal is
    its forecast), rep_id, customer_id, region (the deal's, else its customer's, its lead's or its rep's),
    source (the deal's, else its lead's), company_size (its lead's, else its customer's employee count) and
    size_band.
    """
    return per_dataset(ds, ("deals", tuple(size_edges)), lambda: _build_deals(ds, size_edges))


def _build_deals(ds: Dataset, size_edges) -> pd.DataFrame:
    opps = ds["opportunities"].drop_duplicates("opportunity_id")
    frame = pd.DataFrame(
        {
            "opportunity_id": opps["opportunity_id"].astype(str),
            "created_at": opps["created_at"],
            "amount": pd.to_numeric(opps["amount"], errors="coerce").fillna(0.0).astype(float),
            "expected_close_at": opps["expected_close_at"],
            "rep_id": opps["rep_id"],
            "customer_id": opps["customer_id"],
        }
    ).reset_index(drop=True)
    outcome = deal_outcome(opps["status"]).reset_index(drop=True)
    fallback = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    events = ds.get("stage_events")
    if events is not None and len(events):
        last = events.groupby("opportunity_id")["entered_at"].max()
        fallback = lookup(frame["opportunity_id"], last).astype("datetime64[ns]")
    recorded = opps["closed_at"].reset_index(drop=True)
    closed = recorded.fillna(fallback.fillna(frame["created_at"]))
    frame["closed_at"] = closed.where(outcome != "open")
    # an open deal's close date is when it is expected to close (Salesforce's Close Date): its forecast
    frame["expected_close_at"] = frame["expected_close_at"].fillna(recorded.where(outcome == "open"))
    frame["outcome"] = outcome.astype(str)

    region = opps["region"].reset_index(drop=True)
    source = opps["source"].reset_index(drop=True)
    size = pd.Series(np.nan, index=frame.index)
    leads = ds.get("leads")
    if leads is not None:  # one lookup per linked table, shared by the columns taken from it
        by_opp = leads[leads["opportunity_id"].notna()].drop_duplicates("opportunity_id")
        at_lead = positions(by_opp["opportunity_id"], frame["opportunity_id"])
        source = source.fillna(take(by_opp["source"], at_lead, frame.index))
        size = take(by_opp["company_size"], at_lead, frame.index).astype(float)
    customers = ds.get("customers")
    if customers is not None:
        by_customer = customers.drop_duplicates("customer_id")
        at_customer = positions(by_customer["customer_id"], frame["customer_id"])
        region = region.fillna(take(by_customer["region"], at_customer, frame.index))
        size = size.fillna(take(by_customer["employee_count"], at_customer, frame.index).astype(float))
    if leads is not None:
        region = region.fillna(take(by_opp["region"], at_lead, frame.index))
    reps = ds.get("reps")
    if reps is not None:
        region = region.fillna(frame["rep_id"].map(reps.drop_duplicates("rep_id").set_index("rep_id")["region"]))
    frame["region"] = region.fillna(UNKNOWN).astype(str)
    frame["source"] = source.fillna(UNKNOWN).astype(str).str.strip()
    frame["company_size"] = size
    frame["size_band"] = size_band(size, size_edges)
    return frame


def stage_stays(ds: Dataset, stages: list[str], size_edges: tuple[float, ...] = DEFAULT_SIZE_EDGES) -> pd.DataFrame:
    """One row per stage entry of a configured stage: how long the deal stayed and whether it moved forward.

    Columns: opportunity_id, stage, stage_index, entered_at, left_at (the next stage entry, else the close;
    missing while the deal is still in the stage), advanced (1.0 when it next entered a later stage or was won,
    0.0 when it went back or was lost, NaN while in the stage), plus the deal's region, source, size_band and
    amount. Events naming a stage outside ``stages`` are left out.
    """
    key = ("stays", tuple(stages), tuple(size_edges))
    return per_dataset(ds, key, lambda: _build_stays(ds, stages, size_edges))


def _build_stays(ds: Dataset, stages: list[str], size_edges) -> pd.DataFrame:
    deals = deal_facts(ds, size_edges).set_index("opportunity_id")
    events = ds["stage_events"]
    ev = pd.DataFrame(
        {
            "opportunity_id": events["opportunity_id"].astype(str),
            "stage": events["stage"].astype(str).str.strip(),
            "entered_at": events["entered_at"],
        }
    )
    ev["stage_index"] = map_distinct(ev["stage"], {name: i for i, name in enumerate(stages)})
    at = positions(deals.index, ev["opportunity_id"])  # each event's deal, looked up once
    keep = (ev["stage_index"].notna() & ev["entered_at"].notna()).to_numpy() & (at >= 0)
    ev, at = ev[keep], at[keep]
    rank = np.empty(len(deals), dtype=np.intp)  # each deal's place when the ids are sorted as text
    rank[deals.index.argsort()] = np.arange(len(deals))
    entered = ev["entered_at"].to_numpy(dtype="datetime64[ns]")  # (zoned: UTC, the same order)
    order = np.lexsort((ev["stage_index"].to_numpy(), entered, rank[at]))  # stable, like the sort by id text
    ev, at = ev.iloc[order].reset_index(drop=True), at[order]
    ev["stage_index"] = ev["stage_index"].astype(int)
    same_deal = np.r_[at[1:] == at[:-1], False]  # the next row belongs to the same deal
    next_at = ev["entered_at"].shift(-1).where(same_deal)
    next_index = ev["stage_index"].shift(-1).where(same_deal)
    close = take(deals["closed_at"], at, ev.index)
    won = take(deals["outcome"], at, ev.index).eq("won").to_numpy()
    has_next = next_at.notna().to_numpy()
    left = next_at.where(next_at.notna(), close)
    ev["left_at"] = left.where(left.isna() | (left >= ev["entered_at"]), ev["entered_at"])
    forward = (next_index.to_numpy(dtype=float, na_value=np.nan) > ev["stage_index"].to_numpy()).astype(float)
    ev["advanced"] = np.where(has_next, forward, np.where(close.notna().to_numpy(), won.astype(float), np.nan))
    for column in ("region", "source", "size_band", "amount"):
        ev[column] = take(deals[column], at, ev.index)
    per_dataset(ds, ("stays", "deal_at", tuple(stages), tuple(size_edges)), lambda: at)  # for snapshot()
    return ev


def last_deal_day(ds: Dataset) -> pd.Timestamp | None:
    """The last day the deals are read up to: :func:`~.facts.last_day` over what the CRM records.

    The orders' last day, or a later day a deal was created, closed or entered a stage on (a CRM exported after
    the orders) -- never an expected close date, a forecast. A deal expected to close on that day or later and
    still open is not slipped yet (:func:`not_due_yet`).
    """

    def build() -> pd.Timestamp | None:
        opps, events = ds["opportunities"], ds.get("stage_events")
        recorded = [opps["created_at"], opps["closed_at"].where(deal_outcome(opps["status"]) != "open")]
        return last_day(ds, *recorded, *([events["entered_at"]] if events is not None else []))

    return per_dataset(ds, ("deals", "last_deal_day"), build)


def not_due_yet(deals: pd.DataFrame, last: pd.Timestamp | None) -> pd.Series:
    """Which of ``deals`` (:func:`deal_facts` rows) are open, expected to close on the data's ``last`` day or later.

    The export may be taken during that day and such a deal may still close on it: it has not slipped, however
    early the month it is judged in ends (:func:`last_deal_day`).
    """
    if last is None:
        return pd.Series(False, index=deals.index)
    return deals["closed_at"].isna() & (deals["expected_close_at"] >= last)


def open_at(deals: pd.DataFrame, when: pd.Timestamp) -> pd.Series:
    """Which of ``deals`` (:func:`deal_facts` rows) were open at ``when``: created before it, not closed by then."""
    return (deals["created_at"] < when) & (deals["closed_at"].isna() | (deals["closed_at"] >= when))


def snapshot(
    ds: Dataset, when: pd.Timestamp, stages: list[str], size_edges: tuple[float, ...] = DEFAULT_SIZE_EDGES
) -> pd.DataFrame:
    """Deals open at ``when`` (all regions) with the stage each sat in then and the days spent in it.

    A deal without any stage entry before ``when`` (or a dataset without stage_events) sits in the first of
    ``stages`` since its creation. Adds columns stage, stage_entered_at and days_in_stage to :func:`deal_facts`.
    """
    key = ("snapshot", tuple(stages), tuple(size_edges), when)

    def build() -> pd.DataFrame:
        deals = deal_facts(ds, size_edges)
        snap = deals[open_at(deals, when)].copy()
        snap["stage"], snap["stage_entered_at"] = stages[0], snap["created_at"]
        if ds.has("stage_events"):
            stays = stage_stays(ds, stages, size_edges)
            deal_at = per_dataset(ds, ("stays", "deal_at", tuple(stages), tuple(size_edges)), lambda: None)
            if deal_at is None or len(deal_at) != len(stays):  # each stay's row in ``deals``
                deal_at = positions(deals["opportunity_id"], stays["opportunity_id"])
            before = (stays["entered_at"] < when).to_numpy()
            # a deal's stays are consecutive rows in time order: its last stay before ``when`` is a row entered
            # before it whose next row is another deal's or entered later
            same_deal_next = np.r_[deal_at[1:] == deal_at[:-1], False]
            rows = np.flatnonzero(before & ~(same_deal_next & np.r_[before[1:], False]))
            last_of_deal = np.full(len(deals), -1, dtype=np.intp)  # deal position -> its last stay's row
            last_of_deal[deal_at[rows]] = rows
            at = last_of_deal[np.flatnonzero(open_at(deals, when).to_numpy())]  # the open deals, in snap's order
            snap["stage"] = take(stays["stage"], at, snap.index).fillna(stages[0]).astype(str)
            snap["stage_entered_at"] = take(stays["entered_at"], at, snap.index).fillna(snap["created_at"])
        snap["days_in_stage"] = (when - snap["stage_entered_at"]).dt.total_seconds() / DAY_SECONDS
        return snap.reset_index(drop=True)

    return per_dataset(ds, key, build)
