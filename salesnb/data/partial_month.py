"""The data's last month when it is partial: orders ending inside it, or a monthly summary exported mid-month.

Orders say how far they reach: data ending on Oct 9 makes October partial through day 9
(:func:`~.facts.through_day`). A monthly summary (月度销售汇总: 月份 × 大区 × 门店 × 品类 with 销售额) has no days:
every row is dated its month's last day (:mod:`.dates`), and a sheet exported on the 12th carries a current month
holding about 40 % of a month that looks whole — every store and category seems to collapse at once.

Such a month is told apart by what a cut export does and a real fall does not (:func:`summary_partial`):

- a date in the file's name (``销售汇总_20261012.xlsx``, ``截至2026-10-12``) inside the last month says so, and
  how far it reaches; a date after it says the month is complete;
- otherwise every series of the sheet (each row's combination of region, store, rep and category) is set against
  its own trailing three months, with the change the company's season and trend expect taken out
  (:func:`salesnb.expect.expected`, 春节 by :mod:`salesnb.seasons`). A cut export scales every series by the
  same share: the company's month lies improbably far below its expectation, the series' common change (their
  weighted median) is a fall, and their spread around it stays as usual. A real fall is uneven — one store down
  60 %, one region down — or expected — the festival month the season knows — and is not called partial.

:func:`last_month_partial` is the one definition the default period (:func:`latest_complete_month`), ``validate``
and a report's header read.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import default_config
from ..expect import below, expected
from ..i18n import t
from ..seasons import festival_months, in_festival_block, season_keys
from . import facts
from .dataset import Dataset
from .dates import all_month_ends
from .store_read import order_keys, stored_tables

TRAILING = 3  # a series' reference: the mean of its three months before
CALIBRATION_MONTHS = 24  # the months before the last one whose series' spread is the usual one
MIN_CALIBRATION = 6  # fewer calibrating months than this: no test (too little history to know the usual)
MIN_SERIES = 3  # fewer series than this: a cut and a real fall cannot be told apart by their evenness
MIN_DROP = 0.10  # the company's month and its series' common change must be a fall of at least 10 % ...
LEVEL_P = 1e-4  # ... and the company's month this improbably low against its own expectation (trend, season):
# at 1e-3 a clean sheet ending on a January the season model misjudged (p 4e-4) was called partial (3 × 100 sheets)
FESTIVAL_DROP = 0.25  # in January or February: a fall of at least 25 %, as the season is least sure there (the
# month without 春节 is a January one year and a February of 28 days the next; two clean sheets ending on such a
# January were over-forecast by 14 % and called partial at a 10 % bar)
EVEN_FACTOR = 1.5  # the series' spread around the common change at most this many times its usual (median) one
FLOOR_SHARE = 0.02  # a series at 0 in the month counts as 2 % of its reference (a log needs a value)
SALES_TABLES = ("orders", "order_lines", "products")  # what the series are read from
SERIES_COLUMNS = ("region", "channel", "rep_id", "product_id")  # what a summary's rows total by, as facts name it
_NAMED_DATE = re.compile(  # 20261012, 2026-10-12, 2026.10.12, 2026年10月12日; not 2025年1-10月 (a span of months)
    r"(?<!\d)(20\d\d)(?:(\d\d)(\d\d)|([-_./])(\d{1,2})\4(\d{1,2})|年(\d{1,2})月(\d{1,2})日?)(?!\d)"
)


def _month_ends(ds: Dataset) -> bool:
    """Whether the data's last order date (and first, read from a store) is its month's last day: told at once."""
    stored = order_keys(ds)
    return all_month_ends(stored.dates if stored is not None else pd.Series([facts.last_order_date(ds)]))


def monthly_grain(ds: Dataset) -> bool:
    """Whether every dated order is its month's last day: the rows total months (a summary), no day is known."""
    if not _month_ends(ds):  # most order data
        return False
    return all_month_ends(facts.order_facts(ds)["order_date"])


def named_date(ds: Dataset) -> pd.Timestamp | None:
    """The latest date a source file's name carries (``销售汇总_20261012.csv``), ``None`` without one."""
    source = Path(str(ds.source))
    names = [source.stem] + ([p.stem for p in source.iterdir() if p.is_file()] if source.is_dir() else [])
    found = []
    for name in names:
        for match in _NAMED_DATE.finditer(name):
            year, *parts = (g for k, g in enumerate(match.groups()) if g and k != 3)  # group 4: the separator
            month, day = parts
            try:
                found.append(pd.Timestamp(int(year), int(month), int(day)))
            except ValueError:  # 20261399: no day of the calendar
                continue
    return max(found) if found else None


def series_months(ds: Dataset) -> pd.DataFrame:
    """Revenue per series (rows: each combination of :data:`SERIES_COLUMNS` the data has) and month (columns)."""
    lines = facts.line_facts(ds)
    rows = lines if len(lines) else facts.order_facts(ds)
    keys = [c for c in SERIES_COLUMNS if c in rows.columns and rows[c].notna().any()]
    keyed = rows[keys + ["month", "revenue"]].dropna(subset=["month"])
    keyed = keyed.assign(**{c: keyed[c].astype("string").fillna("") for c in keys})
    if not keys:
        keyed = keyed.assign(series="")
        keys = ["series"]
    table = keyed.pivot_table(index=keys, columns="month", values="revenue", aggfunc="sum", fill_value=0.0)
    return table.reindex(columns=pd.period_range(table.columns.min(), table.columns.max(), freq="M").astype(str))


def month_changes(values: np.ndarray, months: list[str], festivals: dict[int, int]) -> np.ndarray:
    """Each series' change in each month (log scale) beyond what the company's season and trend expect.

    ``values``: series × months. Column ``k`` (from :data:`TRAILING` on) is each series' month against the mean of
    its three months before, less the company's expected month against the company's same three months
    (:func:`~salesnb.expect.expected` on the months before ``k``). NaN where a series had no sales before.
    """
    total = values.sum(axis=0)
    out = np.full(values.shape, np.nan)
    for k in range(TRAILING, values.shape[1]):
        reference = values[:, k - TRAILING : k].mean(axis=1)
        forecast = expected(total[:k], keys=season_keys(months[: k + 1], festivals)).value
        company = total[k - TRAILING : k].mean()
        if not (math.isfinite(forecast) and forecast > 0 and company > 0):
            continue
        seen = reference > 0
        own = np.maximum(values[seen, k], FLOOR_SHARE * reference[seen]) / reference[seen]
        out[seen, k] = np.log(own) - math.log(forecast / company)
    return out


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def common_change(changes: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """The series' common change in a month (weighted median) and their spread around it (weighted sd)."""
    kept = np.isfinite(changes) & (weights > 0)
    if kept.sum() < MIN_SERIES:
        return math.nan, math.nan
    x, w = changes[kept], weights[kept]
    centre = _weighted_median(x, w)
    return centre, float(math.sqrt(np.average((x - centre) ** 2, weights=w)))


def summary_partial(ds: Dataset) -> dict | None:
    """``{"month", "share", "through_day", "evidence"}`` when a monthly summary's last month looks partial.

    ``share``: the share of an expected month the last month holds (or the file name's day says); ``through_day``:
    the day a file name's date gives (``None`` when only the figures say so); ``evidence``: ``"file_date"`` or
    ``"even_fall"``. ``None`` for order data (days are known: :func:`~.facts.through_day`), for a summary whose
    last month looks whole, or too short or too few series to tell.
    """

    def build() -> dict | None:
        last = facts.data_months(ds)[1]
        if not isinstance(last, str) or not _month_ends(ds):
            return None
        planned = stored_tables(ds, SALES_TABLES)  # a run's plan holds no table: a summary's are read back
        if planned is not None:
            return summary_partial(planned)
        if not monthly_grain(ds):
            return None
        end = pd.Period(last, freq="M").to_timestamp(how="end").normalize()
        said = named_date(ds)
        if said is not None and said.strftime("%Y-%m") == last:
            if said.day <= said.days_in_month - facts.COMPLETE_WITHIN_DAYS:
                return {"month": last, "share": said.day / said.days_in_month, "through_day": int(said.day),
                        "evidence": "file_date"}  # fmt: skip
            return None
        if said is not None and said > end:  # exported after the month ended: complete
            return None
        return _even_fall(ds, last)

    return facts.per_dataset(ds, ("partial_month", "summary"), build)


def _even_fall(ds: Dataset, last: str) -> dict | None:
    """:func:`summary_partial`'s test on the figures: every series down together, the company far below its forecast.

    The company's month is improbably low against what its own history expects (:func:`~salesnb.expect.below`
    under :data:`LEVEL_P`), it and its series' common change are a fall of :data:`MIN_DROP` or more
    (:data:`FESTIVAL_DROP` in January or February), and their spread around it is no wider than
    :data:`EVEN_FACTOR` times their usual spread in the months before. The share: the company's month over its
    expectation.
    """
    table = series_months(ds)
    months = [str(m) for m in table.columns]
    if len(table) < MIN_SERIES or len(months) < TRAILING + MIN_CALIBRATION + 1:
        return None
    values = table.to_numpy(dtype=float)
    festivals = festival_months(default_config())
    changes = month_changes(values, months, festivals)
    weights = np.vstack([np.zeros((TRAILING, len(table)))] + [
        values[:, k - TRAILING : k].mean(axis=1)[None, :] for k in range(TRAILING, len(months))
    ]).T  # fmt: skip
    history = [common_change(changes[:, k], weights[:, k]) for k in range(len(months) - 1)]
    spreads = [spread for centre, spread in history if math.isfinite(centre)][-CALIBRATION_MONTHS:]
    if len(spreads) < MIN_CALIBRATION:
        return None
    centre, spread = common_change(changes[:, -1], weights[:, -1])
    total = values.sum(axis=0)
    forecast = expected(total[:-1], keys=season_keys(months, festivals))
    share = float(total[-1] / forecast.value) if forecast.value > 0 else math.nan
    drop = FESTIVAL_DROP if in_festival_block(last) else MIN_DROP
    fallen = max(share, math.exp(centre)) <= 1 - drop and below(forecast, float(total[-1])) < LEVEL_P
    if not (fallen and spread <= EVEN_FACTOR * float(np.median(spreads))):
        return None
    return {"month": last, "share": share, "through_day": None, "evidence": "even_fall"}


def last_month_partial(ds: Dataset) -> dict | None:
    """The data's last month when it is partial: ``{"month", "through_day", "share", "evidence"}``, else ``None``.

    Orders ending inside it (:func:`~.facts.through_day`: ``evidence`` ``"orders"``, ``share`` the days' share of
    the month) or a monthly summary whose last month looks partial (:func:`summary_partial`).
    """
    last = facts.data_months(ds)[1]
    if not isinstance(last, str):
        return None
    day = facts.through_day(ds, last)
    if day is not None:
        days = pd.Period(last, freq="M").days_in_month
        return {"month": last, "through_day": day, "share": day / days, "evidence": "orders"}
    return summary_partial(ds)


def latest_complete_month(ds: Dataset) -> str:
    """The latest complete month of the data: what a report shows when no period is asked for.

    The last month unless it is partial (:func:`last_month_partial`), then the latest month before it that the
    export did not leave out (:func:`~.facts.empty_months`: a busy business's month without any order, which a
    report refuses): the default was such a month, and ``run`` without ``--period`` stopped on it. A thin
    business's month without orders is a real zero and stays the default (``validate`` says it holds none). A
    dataset holding one partial month only gives that month.
    """
    first, last = facts.data_months(ds)
    if last_month_partial(ds) is None or first == last:
        return last
    missing = set(facts.empty_months(ds))
    before = pd.period_range(first, pd.Period(last, freq="M") - 1, freq="M").astype(str)
    return next((month for month in reversed(before) if month not in missing), last)


def looks_partial(ds: Dataset, period: str) -> dict | None:
    """A summary's month read whole though it looks partial (:func:`summary_partial`): what to warn of, or ``None``.

    Only a summary's: an order month's partial days are read as such (:attr:`~salesnb.report.Report.through_day`).
    """
    found = summary_partial(ds)
    return found if found is not None and found["month"] == period else None


def partial_reason(found: dict, lang: str = "zh") -> str:
    """Why a summary's month looks partial (:func:`summary_partial`'s ``found``), as a reader is told."""
    if found["evidence"] == "file_date":
        date = f"{found['month']}-{found['through_day']:02d}"
        return t("partial_reason_file_date", lang, date=date, day=found["through_day"])
    return t("partial_reason_even_fall", lang, share=f"{found['share']:.0%}")
