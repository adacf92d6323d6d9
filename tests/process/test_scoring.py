"""Lead scoring in the report: the month's fitted models are shared by the regions, never served stale."""

import copy
from dataclasses import replace
from pathlib import Path

import pandas as pd

from salesnb.data.dataset import Dataset
from salesnb.models import lead_scoring as ls
from salesnb.process import scoring
from salesnb.report import Report, open_report

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"


def _with(report: Report, **scoring_settings) -> Report:
    config = copy.deepcopy(report.config)
    config["process"]["scoring"].update(scoring_settings)
    return replace(report, config=config)


def test_the_month_models_are_shared_by_regions_and_keyed_by_every_input():
    east = open_report(str(SAMPLE), "2026-10", "华东")
    south = replace(east, region="华南")
    everyone = replace(east, region="ALL")
    store = scoring.fitted_models(east, holdout_months=3, C=1.0)
    assert scoring.fitted_models(south, holdout_months=3, C=1.0) is store
    assert scoring.fitted_models(everyone, holdout_months=3, C=1.0) is store
    others = [
        scoring.fitted_models(replace(east, period="2026-09"), holdout_months=3, C=1.0),
        scoring.fitted_models(east, holdout_months=2, C=1.0),
        scoring.fitted_models(east, holdout_months=3, C=0.5),
        scoring.fitted_models(replace(east, ds=Dataset(tables=dict(east.ds.tables))), holdout_months=3, C=1.0),
    ]
    config = copy.deepcopy(east.config)
    config["customers"]["size_bands"] = [0, 20, 200, 1000]  # other size bands: other features
    others.append(scoring.fitted_models(replace(east, config=config), holdout_months=3, C=1.0))
    assert all(other is not store for other in others)
    assert len({id(other) for other in others}) == len(others)


def test_a_changed_setting_is_not_served_the_models_fitted_before(monkeypatch):
    east = open_report(str(SAMPLE), "2026-10", "华东")
    scoring.lead_scoring_result(east)  # fills the month's store with C = 1
    south = _with(replace(east, region="华南"), C=0.01)
    fits = []
    real_fit = ls.fit
    monkeypatch.setattr(ls, "fit", lambda frame, *a: fits.append(a) or real_fit(frame, *a))
    result = scoring.lead_scoring_result(south)
    assert [a[1] for a in fits] == [0.01, 0.01]  # both models fitted anew with the changed setting
    leads = scoring.leads(south)
    days = int(south.config["process"]["open_lead_days"])
    fresh = ls.score_leads(leads, "2026-10", region="华南", C=0.01, open_days=days)
    assert result["auc"] == fresh["auc"]
    pd.testing.assert_frame_equal(result["scores"], fresh["scores"])
    fits.clear()
    again = scoring.lead_scoring_result(replace(south, region="西南"))  # the same setting: nothing fitted
    assert fits == [] and again["n_decided"] == result["n_decided"]
