"""Lead scoring (线索评分): the chance, 0–1, that an open lead turns into an opportunity, learned from past leads.

It reads the lead facts of :func:`salesnb.data.leads.lead_facts` (one row per lead with ``converted`` and
``decided_at``); leads still new or qualified — or decided only after a moment — are *open* at that moment.
For a report month the model is

1. trained on leads decided before a hold-out window (the ``holdout_months`` months just before the month),
2. evaluated on the leads decided inside that window, which it never saw (ROC AUC: the chance that a converted
   lead scores above a disqualified one; 0.5 is guessing),
3. refitted on every lead decided up to the month's end and used to score the leads open at that end.

Features are what is known when a lead arrives or is first answered: source, company-size band, region,
company size and first-response hours. The model is a one-hot + logistic-regression pipeline (scikit-learn,
fixed ``random_state``): fast, deterministic, and its coefficients can be read.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ..data.facts import UNKNOWN
from ..periods import month_end_exclusive, month_start, parse_period

CATEGORICAL: tuple[str, ...] = ("source", "size_band", "region")
NUMERIC: tuple[str, ...] = ("log_size", "log_response_hours", "no_response")
INPUTS: tuple[str, ...] = (*CATEGORICAL, "company_size", "response_hours", "first_response_at")  # what features reads
MAX_RESPONSE_HOURS = 168.0  # a week: slower answers count as a week
RANDOM_STATE = 0


def features(leads: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """The model's input columns for ``leads``; a first response at or after ``as_of`` counts as none yet."""
    hours = leads["response_hours"]
    if as_of is not None:
        hours = hours.where(leads["first_response_at"] < as_of)
    out = pd.DataFrame(index=leads.index)
    for column in CATEGORICAL:
        out[column] = leads[column].fillna(UNKNOWN).astype(str).astype(object)
    out["log_size"] = np.log1p(leads["company_size"].clip(lower=0))
    out["log_response_hours"] = np.log1p(hours.clip(lower=0, upper=MAX_RESPONSE_HOURS))
    out["no_response"] = hours.isna().astype(float)
    return out


def build_model(random_state: int = RANDOM_STATE, C: float = 1.0) -> Pipeline:
    """One-hot categorical features + scaled numeric features → logistic regression."""
    numeric = Pipeline(
        [("impute", SimpleImputer(strategy="median", keep_empty_features=True)), ("scale", StandardScaler())]
    )
    columns = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL)), ("num", numeric, list(NUMERIC))]
    )
    model = LogisticRegression(C=C, max_iter=1000, random_state=random_state)
    return Pipeline([("features", columns), ("model", model)])


def fit(leads: pd.DataFrame, random_state: int = RANDOM_STATE, C: float = 1.0) -> Pipeline:
    """Fit the model on decided ``leads`` (their ``converted`` column is the label)."""
    model = build_model(random_state, C)
    model.fit(features(leads), leads["converted"].astype(int).to_numpy())
    return model


def predict(model: Pipeline, leads: pd.DataFrame, as_of: pd.Timestamp | None = None) -> np.ndarray:
    """Probability 0–1 that each lead converts."""
    if leads.empty:
        return np.zeros(0)
    return model.predict_proba(features(leads, as_of))[:, 1]


def split(
    leads: pd.DataFrame, period: str, holdout_months: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split leads for a report month into training, hold-out, all-decided and open sets.

    ``train``: decided before the hold-out window; ``holdout``: decided in the ``holdout_months`` months before
    ``period`` (never in ``train``); ``decided``: decided before the end of ``period`` (the final model's data);
    ``open``: created before the end of ``period`` and not decided by then.
    """
    return tuple(leads[mask] for mask in _split_masks(leads, period, holdout_months))  # type: ignore[return-value]


def _split_masks(leads: pd.DataFrame, period: str, holdout_months: int) -> tuple[np.ndarray, ...]:
    """:func:`split`'s four sets as boolean arrays over ``leads``: no frame is copied until one is needed."""
    p = parse_period(period)
    start, end = month_start(p), month_end_exclusive(p)
    cutoff = month_start(p - holdout_months)
    decided_at, created_at = leads["decided_at"], leads["created_at"]
    known = (leads["converted"].notna() & (decided_at < end) & (created_at < end)).to_numpy()
    train = known & (decided_at < cutoff).to_numpy()
    holdout = known & ((decided_at >= cutoff) & (decided_at < start)).to_numpy()
    open_ = (created_at < end).to_numpy() & ~known
    return train, holdout, known, open_


def _most_recent(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The ``limit`` most recently decided rows (ties by lead id), in their original order."""
    return frame.iloc[_recent_positions(frame, np.arange(len(frame)), limit)]


def _recent_positions(leads: pd.DataFrame, at: np.ndarray, limit: int) -> np.ndarray:
    """Of the rows at positions ``at`` (ascending), the positions of the ``limit`` most recently decided.

    The rows a stable sort by (decided_at, lead_id) puts last. Only the rows decided at or after the
    ``limit``-th latest time can be among them: found by a partition, they alone are sorted (a full sort of
    millions of leads by a text id cost seconds). The partition runs on the times' integers (numpy's on
    datetimes is forty times slower), a missing time counting as the latest, as the sort puts it last.
    """
    if len(at) <= limit:
        return at
    column = leads["decided_at"].to_numpy(dtype="datetime64[ns]")[at]  # (zoned: UTC, the same order)
    times = np.where(np.isnat(column), np.iinfo(np.int64).max, column.view(np.int64))
    latest = np.partition(times, len(times) - limit)[len(times) - limit]
    near = at[times >= latest]
    rows = leads[["decided_at", "lead_id"]].iloc[near].reset_index(drop=True)
    order = rows.sort_values(["decided_at", "lead_id"], kind="stable").index.to_numpy()
    return np.sort(near[order[-limit:]])


def _enough(labels: pd.Series | np.ndarray, minimum: int, min_class: int) -> bool:
    """At least ``minimum`` decided leads (``labels``: 1 converted, 0 not), ``min_class`` of each outcome."""
    positives = int(labels.sum())
    return len(labels) >= minimum and positives >= min_class and len(labels) - positives >= min_class


def score_leads(
    leads: pd.DataFrame,
    period: str,
    *,
    region: str = "ALL",
    holdout_months: int = 3,
    min_train: int = 200,
    min_holdout: int = 50,
    min_class: int = 10,
    open_days: int = 90,
    max_train: int = 50_000,
    random_state: int = RANDOM_STATE,
    C: float = 1.0,
    models: MutableMapping[str, Pipeline] | None = None,
) -> dict[str, Any]:
    """Train, evaluate on the later hold-out and score the open leads of ``region`` (see the module docstring).

    Each model learns from the ``max_train`` most recently decided leads of its window: a logistic model
    with a handful of features gains nothing from more, and time and memory stay bounded on large data
    (at a million order lines the full history doubled the process report's peak memory).

    Both models learn from every region's leads (only the hold-out and the scored leads are the region's), so
    they depend on ``leads``, ``period``, ``holdout_months``, ``max_train``, ``random_state`` and ``C`` alone.
    ``models``, when given, keeps them between calls with those same inputs (the regions of one month, or
    ``ALL``): a model is fitted once and then read from it. The caller keys it by all of those inputs.

    Returns
    -------
    dict
        ``auc`` (``None`` when the hold-out is too small or one-sided), ``n_train``, ``n_holdout``,
        ``holdout_converted``, ``n_decided``, ``cutoff`` and ``holdout_end`` (ISO dates), ``status``
        (``ok``, ``few_holdout`` — AUC not reported — or ``few_train`` — nothing scored), and ``scores``: the
        open leads of ``region`` created within ``open_days`` days of the month's end, with a ``score``
        column, best first.
    """
    train_rows, holdout_rows, decided_rows, open_rows = _split_masks(leads, period, holdout_months)
    p = parse_period(period)
    end = month_end_exclusive(p)
    open_rows &= (leads["created_at"] >= end - pd.Timedelta(days=open_days)).to_numpy()
    if region != "ALL":
        here = leads["region"].eq(region).to_numpy(dtype=bool, na_value=False)
        holdout_rows &= here
        open_rows &= here
    # the models' rows as positions: their frames are taken only for a fit the store does not hold yet
    train, decided = (_recent_positions(leads, np.flatnonzero(rows), max_train) for rows in (train_rows, decided_rows))
    holdout = leads.loc[holdout_rows, [*INPUTS, "converted"]]  # what its AUC reads (ALL: 3 months of every lead)
    open_ = leads[open_rows]
    result: dict[str, Any] = {
        "auc": None,
        "n_train": int(len(train)),
        "n_holdout": int(len(holdout)),
        "holdout_converted": int(holdout["converted"].sum()) if len(holdout) else 0,
        "n_decided": int(len(decided)),
        "cutoff": str(month_start(p - holdout_months).date()),
        "holdout_end": str((month_start(p) - pd.Timedelta(days=1)).date()),
        "status": "ok",
    }
    scored = open_.assign(score=np.nan)

    def fitted(name: str, at: np.ndarray) -> Pipeline:
        if models is None:
            return fit(leads.iloc[at], random_state, C)
        if name not in models:
            models[name] = fit(leads.iloc[at], random_state, C)
        return models[name]

    if not _enough(leads["converted"].to_numpy()[train], min_train, min_class):
        result["status"] = "few_train"
    else:
        if _enough(holdout["converted"], min_holdout, min_class):
            model = fitted("holdout", train)
            result["auc"] = float(roc_auc_score(holdout["converted"].astype(int), predict(model, holdout)))
        else:
            result["status"] = "few_holdout"
        final = fitted("final", decided)
        scored = open_.assign(score=predict(final, open_, as_of=end))
    scored = scored.sort_values(["score", "created_at", "lead_id"], ascending=[False, False, True], kind="stable")
    result["scores"] = scored.reset_index(drop=True)
    return result
