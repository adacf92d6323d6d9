"""Lead scoring (线索评分): the chance, 0–1, that an open lead turns into an opportunity, learned from past leads.

A lead is *decided* when it was converted (the time its opportunity was created) or disqualified (its first
response, else its creation: the data holds no status date, so a disqualification is taken as decided when the
lead was first handled). Leads still new or qualified — or decided only after a moment — are *open* at that
moment. For a report month the model is

1. trained on leads decided before a hold-out window (the ``holdout_months`` months just before the month),
2. evaluated on the leads decided inside that window, which it never saw (ROC AUC: the chance that a converted
   lead scores above a disqualified one; 0.5 is guessing),
3. refitted on every lead decided up to the month's end and used to score the leads open at that end.

Features are what is known when a lead arrives or is first answered: source, company-size band, region,
company size and first-response hours. The model is a one-hot + logistic-regression pipeline (scikit-learn,
fixed ``random_state``): fast, deterministic, and its coefficients can be read.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ..data import facts
from ..data.dataset import Dataset
from ..data.facts import UNKNOWN
from ..periods import month_end_exclusive, month_start, parse_period

CATEGORICAL: tuple[str, ...] = ("source", "size_band", "region")
NUMERIC: tuple[str, ...] = ("log_size", "log_response_hours", "no_response")
MAX_RESPONSE_HOURS = 168.0  # a week: slower answers count as a week
RANDOM_STATE = 0

_LEAD_STATUS = {
    "new": "new",
    "新": "new",
    "新线索": "new",
    "qualified": "qualified",
    "跟进中": "qualified",
    "已确认": "qualified",
    "disqualified": "disqualified",
    "无效": "disqualified",
    "已淘汰": "disqualified",
    "converted": "converted",
    "已转化": "converted",
    "已转商机": "converted",
}


# ----------------------------------------------------------------------------------------- lead facts


def size_band_labels(edges: list[float] | tuple[float, ...]) -> list[str]:
    """Labels of the company-size bands cut at ``edges`` (employees).

    ``[0, 50, 200, 1000]`` gives ``["<50", "50-199", "200-999", "1000+"]``.
    """
    cuts = [int(e) for e in edges]
    if not cuts or cuts[0] > 0:
        cuts = [0, *cuts]
    labels = []
    for low, high in zip(cuts, [*cuts[1:], None], strict=True):
        if high is None:
            labels.append(f"{low}+")
        elif low == 0:
            labels.append(f"<{high}")
        else:
            labels.append(f"{low}-{high - 1}")
    return labels


def size_band(values: pd.Series, edges: list[float] | tuple[float, ...]) -> pd.Series:
    """Company-size band label of each employee count; ``未知`` where the count is missing."""
    cuts = [float(e) for e in edges]
    if not cuts or cuts[0] > 0:
        cuts = [0.0, *cuts]
    labels = size_band_labels(edges)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    position = np.searchsorted(np.array(cuts[1:]), numbers, side="right")
    out = np.array(labels, dtype=object)[np.clip(position, 0, len(labels) - 1)]
    out = np.where(np.isnan(numbers), UNKNOWN, out)
    return pd.Series(out, index=values.index, dtype=object)


def _cached(ds: Dataset, key: tuple, build) -> pd.DataFrame:
    return facts.per_dataset(ds, ("lead_scoring", key), build)


def lead_facts(ds: Dataset, size_edges: list[float] | tuple[float, ...]) -> pd.DataFrame:
    """One row per lead, ready for the funnel, the source analyses and scoring.

    Columns: lead_id, created_at, month, source, region (the lead's, else its rep's, else its opportunity's),
    company_size, size_band, rep_id, first_response_at, response_hours, status (new / qualified /
    disqualified / converted), opportunity_id, converted_at (its opportunity's creation), decided_at,
    converted (1.0 converted, 0.0 disqualified, NaN undecided).
    """
    return _cached(ds, ("leads", tuple(size_edges)), lambda: _build_leads(ds, size_edges))


def _build_leads(ds: Dataset, size_edges) -> pd.DataFrame:
    leads = ds["leads"]
    frame = pd.DataFrame(
        {
            "lead_id": leads["lead_id"].astype(str),
            "created_at": leads["created_at"],
            "source": leads["source"].fillna(UNKNOWN).astype(str).str.strip(),
            "company_size": pd.to_numeric(leads["company_size"], errors="coerce").astype(float),
            "rep_id": leads["rep_id"],
            "first_response_at": leads["first_response_at"],
            "opportunity_id": leads["opportunity_id"],
        }
    )
    frame["month"] = frame["created_at"].dt.strftime("%Y-%m")
    frame["size_band"] = size_band(frame["company_size"], size_edges)
    hours = (frame["first_response_at"] - frame["created_at"]).dt.total_seconds() / 3600.0
    frame["response_hours"] = hours.where(hours >= 0)
    region = leads["region"]
    reps = ds.get("reps")
    if reps is not None:
        region = region.fillna(frame["rep_id"].map(reps.drop_duplicates("rep_id").set_index("rep_id")["region"]))
    opps = ds.get("opportunities")
    converted_at = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if opps is not None:
        by_id = opps.drop_duplicates("opportunity_id").set_index("opportunity_id")
        region = region.fillna(frame["opportunity_id"].map(by_id["region"]))
        converted_at = frame["opportunity_id"].map(by_id["created_at"]).astype("datetime64[ns]")
    frame["region"] = region.fillna(UNKNOWN).astype(str)
    status = leads["status"].astype(str).str.strip().str.lower().map(_LEAD_STATUS)
    has_opp = frame["opportunity_id"].notna()
    status = status.where(status.notna(), np.where(has_opp, "converted", "new"))
    status = status.mask(has_opp & status.isin(["new", "qualified"]), "converted")
    frame["status"] = status.astype(str)
    frame["converted_at"] = converted_at
    handled = frame["first_response_at"].fillna(frame["created_at"])
    decided = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    is_conv, is_disq = frame["status"].eq("converted"), frame["status"].eq("disqualified")
    decided = decided.mask(is_conv, converted_at.fillna(handled)).mask(is_disq, handled)
    frame["decided_at"] = decided
    frame["converted"] = np.where(is_conv, 1.0, np.where(is_disq, 0.0, np.nan))
    return frame


# ------------------------------------------------------------------------------------------ model


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
) -> dict[str, Any]:
    """Train, evaluate on the later hold-out and score the open leads of ``region`` (see the module docstring).

    Each model learns from the ``max_train`` most recently decided leads of its window: a logistic model
    with a handful of features gains nothing from more, and time and memory stay bounded on large data
    (at a million order lines the full history doubled the process report's peak memory).

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
    if not _enough(train, min_train, min_class):
        result["status"] = "few_train"
    else:
        if _enough(holdout, min_holdout, min_class):
            model = fit(train, random_state, C)
            result["auc"] = float(roc_auc_score(holdout["converted"].astype(int), predict(model, holdout)))
        else:
            result["status"] = "few_holdout"
        final = fit(decided, random_state, C)
        scored = open_.assign(score=predict(final, open_, as_of=end))
    scored = scored.sort_values(["score", "created_at", "lead_id"], ascending=[False, False, True], kind="stable")
    result["scores"] = scored.reset_index(drop=True)
    return result
