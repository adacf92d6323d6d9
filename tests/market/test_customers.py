import pandas as pd

from salesnb import market
from salesnb.data import customers, facts
from salesnb.report import open_report


def test_size_bands():
    assert market.size_band_labels([0, 50, 200, 1000]) == ["<50", "50-199", "200-999", "1000+"]
    bands = market.size_band(pd.Series([3, 49, 50, 999, 1000, None]), [0, 50, 200, 1000])
    assert bands.tolist() == ["<50", "<50", "50-199", "200-999", "1000+", "未知"]
    assert market.size_band is facts.size_band  # one home: salesnb.data.facts


def test_customer_facts_and_names(tiny):
    ds = open_report(str(tiny), "2026-10", "ALL").ds
    facts = customers.customer_facts(ds)
    assert list(facts.index) == ["C1", "C2", "C3", "C4"]
    assert facts.loc["C4", "first_month"] == "2026-10" and facts.loc["C4", "acquired_month"] == "2026-10"
    assert facts.loc["C1", "region"] == "华东" and facts.loc["C1", "industry"] == "未知"
    names = customers.customer_names(ds, pd.Series(["C2", "X9"]))
    assert names.tolist() == ["宁波小林贸易", "X9"]  # an unknown id keeps its id
