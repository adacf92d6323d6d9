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
    p = parse_period(period)
    start, end = month_start(p), month_end_exclusive(p)
    cutoff = month_start(p - holdout_months)
    known = leads["converted"].notna() & (leads["decided_at"] < end) & (leads["created_at"] < end)
    train = leads[known & (leads["decided_at"] < cutoff)]
    holdout = leads[known & (leads["decided_at"] >= cutoff) & (leads["decided_at"] < start)]
    decided = leads[known]
    open_ = leads[(leads["created_at"] < end) & ~known]
    return train, holdout, decided, open_


def _most_recent(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The ``limit`` most recently decided rows (ties by lead id), in their original order."""
    if len(frame) <= limit:
        return frame
    keep = frame.sort_values(["decided_at", "lead_id"], kind="stable").index[-limit:]
    return frame.loc[frame.index.isin(keep)]


def _enough(frame: pd.DataFrame, minimum: int, min_class: int) -> bool:
    positives = int(frame["converted"].sum())
    return len(frame) >= minimum and positives >= min_class and len(frame) - positives >= min_class


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
    train, holdout, decided, open_ = split(leads, period, holdout_months)
    train, decided = (_most_recent(frame, max_train) for frame in (train, decided))
    p = parse_period(period)
    end = month_end_exclusive(p)
    if region != "ALL":
        holdout = holdout[holdout["region"] == region]
        open_ = open_[open_["region"] == region]
    open_ = open_[open_["created_at"] >= end - pd.Timedelta(days=open_days)]
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

    def fitted(name: str, frame: pd.DataFrame) -> Pipeline:
        if models is None:
            return fit(frame, random_state, C)
        if name not in models:
            models[name] = fit(frame, random_state, C)
        return models[name]

    if not _enough(train, min_train, min_class):
        result["status"] = "few_train"
    else:
        if _enough(holdout, min_holdout, min_class):
            model = fitted("holdout", train)
            result["auc"] = float(roc_auc_score(holdout["converted"].astype(int), predict(model, holdout)))
        else:
            result["status"] = "few_holdout"
        final = fitted("final", decided)
        scored = open_.assign(score=predict(final, open_, as_of=end))
    scored = scored.sort_values(["score", "created_at", "lead_id"], ascending=[False, False, True], kind="stable")
    result["scores"] = scored.reset_index(drop=True)
    return result
