"""The lead-scoring model: split, fit, hold-out AUC, scores."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from salesnb.data.facts import size_band
from salesnb.data.leads import lead_facts
from salesnb.models import lead_scoring as ls
from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"


def synthetic(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Leads over 2025-01..2026-10 whose conversion depends on the source (A 60%, B 10%) and a little on size."""
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.uniform(0, 668, n), unit="D")
    source = np.where(rng.random(n) < 0.5, "A", "B")
    size = np.round(np.exp(rng.normal(np.log(100), 1.0, n)))
    p = np.where(source == "A", 0.6, 0.1)
    converted = (rng.random(n) < p).astype(float)
    decided = created + pd.Timedelta(days=2)
    open_ = decided >= pd.Timestamp("2026-11-01")
    converted[open_] = np.nan
    frame = pd.DataFrame(
        {
            "lead_id": [f"L{i:05d}" for i in range(n)],
            "created_at": created,
            "source": source,
            "region": np.where(rng.random(n) < 0.5, "华东", "华南"),
            "company_size": size,
            "size_band": size_band(pd.Series(size), (0, 50, 200, 1000)),
            "first_response_at": created + pd.Timedelta(hours=1),
            "response_hours": 1.0,
            "rep_id": "R1",
            "status": np.where(np.isnan(converted), "qualified", np.where(converted == 1, "converted", "disqualified")),
            "decided_at": decided.where(~np.isnan(converted)),
            "converted": converted,
        }
    )
    return frame.sort_values("created_at").reset_index(drop=True)


def test_auc_clearly_above_chance_when_conversion_depends_on_a_feature():
    result = ls.score_leads(synthetic(), "2026-10")
    assert result["status"] == "ok"
    assert result["auc"] > 0.75  # source alone separates 60% from 10%
    assert result["n_holdout"] > 200 and result["n_train"] > 1500
    assert result["cutoff"] == "2026-07-01" and result["holdout_end"] == "2026-09-30"
    scores = result["scores"]
    assert scores["score"].between(0, 1).all()
    by_source = scores.groupby("source")["score"].mean()
    assert by_source["A"] > by_source["B"] + 0.3
    assert scores["score"].is_monotonic_decreasing


def test_models_learn_from_the_most_recent_decided_leads_only():
    leads = synthetic(6000)
    full = ls.score_leads(leads, "2026-10")
    capped = ls.score_leads(leads, "2026-10", max_train=1000)
    assert full["n_train"] > 3000 and capped["n_train"] == 1000
    assert capped["n_decided"] == 1000 < full["n_decided"]  # the counts say what each model learnt from
    assert capped["auc"] > 0.75  # a thousand leads teach the source effect as well
    train, *_ = ls.split(leads, "2026-10")
    recent = ls._most_recent(train, 1000)
    assert len(recent) == 1000 and recent["decided_at"].min() >= train["decided_at"].sort_values().iloc[-1000]


def test_split_never_trains_on_leads_decided_after_the_cutoff():
    leads = synthetic()
    train, holdout, decided, open_ = ls.split(leads, "2026-10", holdout_months=3)
    cutoff, start, end = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-01")
    assert train["decided_at"].max() < cutoff
    assert holdout["decided_at"].min() >= cutoff and holdout["decided_at"].max() < start
    assert set(train["lead_id"]).isdisjoint(holdout["lead_id"])
    assert decided["decided_at"].max() < end
    assert open_["converted"].isna().sum() + (open_["decided_at"] >= end).sum() == len(open_)


def test_no_leakage_labels_after_the_cutoff_do_not_change_the_model():
    leads = synthetic()
    cutoff = pd.Timestamp("2026-07-01")
    flipped = leads.copy()
    later = flipped["converted"].notna() & (flipped["decided_at"] >= cutoff)
    flipped.loc[later, "converted"] = 1 - flipped.loc[later, "converted"]
    flipped.loc[later, "source"] = "A"  # and their features too
    train_a = ls.split(leads, "2026-10")[0]
    train_b = ls.split(flipped, "2026-10")[0]
    pd.testing.assert_frame_equal(train_a, train_b)
    coef_a = ls.fit(train_a).named_steps["model"].coef_
    coef_b = ls.fit(train_b).named_steps["model"].coef_
    np.testing.assert_array_equal(coef_a, coef_b)
    # the hold-out labels flipped: the same untouched model now ranks them the wrong way round
    auc_a = ls.score_leads(leads, "2026-10")["auc"]
    hold = flipped["converted"].notna() & (flipped["decided_at"] >= cutoff) & (flipped["decided_at"] < "2026-10-01")
    only_labels = leads.copy()
    only_labels.loc[hold, "converted"] = 1 - only_labels.loc[hold, "converted"]
    assert ls.score_leads(only_labels, "2026-10")["auc"] == pytest.approx(1 - auc_a)


def test_deterministic():
    a = ls.score_leads(synthetic(), "2026-10", region="华东")
    b = ls.score_leads(synthetic(), "2026-10", region="华东")
    assert a["auc"] == b["auc"]
    pd.testing.assert_frame_equal(a["scores"], b["scores"])


def test_too_few_samples_reports_no_number():
    small = synthetic(n=150)
    result = ls.score_leads(small, "2026-10")
    assert result["status"] == "few_train" and result["auc"] is None
    assert result["scores"]["score"].isna().all()
    few_holdout = ls.score_leads(synthetic(), "2026-10", min_holdout=100_000)
    assert few_holdout["status"] == "few_holdout" and few_holdout["auc"] is None
    assert few_holdout["scores"]["score"].notna().all()


def test_open_leads_are_recent_and_in_region():
    result = ls.score_leads(synthetic(), "2026-10", region="华南", open_days=30)
    scores = result["scores"]
    assert (scores["region"] == "华南").all()
    assert (scores["created_at"] >= pd.Timestamp("2026-10-02")).all()


def test_accurate_on_the_sample():
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    leads = lead_facts(report.ds, (0, 50, 200, 1000))
    result = ls.score_leads(leads, "2026-10")
    assert 0.55 < result["auc"] < 0.95 and result["n_holdout"] >= 100


def test_a_models_store_fits_each_model_once_for_every_region_and_changes_nothing(monkeypatch):
    leads = synthetic()
    alone = {region: ls.score_leads(leads, "2026-10", region=region) for region in ("华东", "华南", "ALL")}
    fits = []
    real_fit = ls.fit
    monkeypatch.setattr(ls, "fit", lambda frame, *a: fits.append(len(frame)) or real_fit(frame, *a))
    store: dict = {}
    shared = {region: ls.score_leads(leads, "2026-10", region=region, models=store) for region in alone}
    assert len(fits) == 2 and set(store) == {"holdout", "final"}  # hold-out model and final model, once each
    for region, result in alone.items():
        assert shared[region]["auc"] == result["auc"] and shared[region]["n_holdout"] == result["n_holdout"]
        pd.testing.assert_frame_equal(shared[region]["scores"], result["scores"])
    assert shared["华东"]["n_holdout"] + shared["华南"]["n_holdout"] == shared["ALL"]["n_holdout"]


def _most_recent_by_full_sort(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The definition: sort every row by (decided_at, lead_id), keep the last ``limit``, in their original order."""
    if len(frame) <= limit:
        return frame
    keep = frame.sort_values(["decided_at", "lead_id"], kind="stable").index[-limit:]
    return frame.loc[frame.index.isin(keep)]


@pytest.mark.parametrize("seed", range(6))
def test_most_recent_keeps_the_rows_a_full_sort_keeps(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    frame = pd.DataFrame(
        {  # few distinct times and ids: ties on both keys, and at the cut-off
            "decided_at": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 12, n), unit="D"),
            "lead_id": pd.array([f"L{i}" for i in rng.integers(0, 30, n)], dtype=pd.StringDtype("pyarrow", np.nan)),
            "converted": rng.integers(0, 2, n).astype(float),
        },
        index=rng.permutation(n) + 100,
    )
    frame.loc[rng.random(n) < 0.05, "decided_at"] = pd.NaT  # a missing time sorts last: the latest
    zoned = frame.assign(decided_at=frame["decided_at"].dt.tz_localize("UTC"))
    for rows in (frame, zoned):
        for limit in {1, n // 3 + 1, n // 2 + 1, n - 1, n, n + 5} - {0}:
            pd.testing.assert_frame_equal(ls._most_recent(rows, limit), _most_recent_by_full_sort(rows, limit))


def test_scores_match_the_frame_by_frame_definition():
    """score_leads on masks and positions gives what the frames of :func:`split` give (the sets, the counts)."""
    leads = synthetic(4000, seed=3)
    for region in ("ALL", "华东"):
        result = ls.score_leads(leads, "2026-10", region=region, max_train=900)
        train, holdout, decided, open_ = ls.split(leads, "2026-10")
        train, decided = _most_recent_by_full_sort(train, 900), _most_recent_by_full_sort(decided, 900)
        if region != "ALL":
            holdout, open_ = holdout[holdout["region"] == region], open_[open_["region"] == region]
        open_ = open_[open_["created_at"] >= pd.Timestamp("2026-11-01") - pd.Timedelta(days=90)]
        assert (result["n_train"], result["n_decided"], result["n_holdout"]) == (len(train), len(decided), len(holdout))
        auc = roc_auc_score(holdout["converted"].astype(int), ls.predict(ls.fit(train), holdout))
        assert result["auc"] == auc
        scores = ls.predict(ls.fit(decided), open_, as_of=pd.Timestamp("2026-11-01"))
        expected = open_.assign(score=scores).sort_values(
            ["score", "created_at", "lead_id"], ascending=[False, False, True], kind="stable"
        )
        pd.testing.assert_frame_equal(result["scores"], expected.reset_index(drop=True))
