"""The defaults parsed once and the memo's copies: each caller gets its own, an override is never served stale."""

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal
from tiny import write_tiny

from salesnb import config as config_module
from salesnb.config import default_config, load_config
from salesnb.report import isolated, open_report, scope_memo


def test_defaults_parsed_once_each_caller_gets_its_own_copy(tmp_path):
    first = default_config()
    first["report"]["top_n"] = -1
    first["stages"].append("changed")
    again = load_config()
    assert again["report"]["top_n"] == 10 and again["stages"][-1] == "合同签订"
    assert again == config_module._packaged_defaults() and again is not config_module._packaged_defaults()
    merged = load_config(None, {"report": {"top_n": 3}})
    assert merged["report"]["top_n"] == 3
    assert load_config()["report"]["top_n"] == 10  # the override reached neither the defaults nor the next caller
    user = tmp_path / "mine.yaml"
    user.write_text("report: {top_n: 4}\n", encoding="utf-8")
    assert load_config(user)["report"]["top_n"] == 4 and default_config()["report"]["top_n"] == 10


def test_isolated_copies_reach_nothing_shared():
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]})
    value = {"frame": frame, "rows": [{"k": [1, 2]}], "pair": (frame["a"], np.array([1, 2])), "n": 3}
    copied = isolated(value)
    assert_frame_equal(copied["frame"], frame) and copied["n"] == 3
    copied["frame"].loc[0, "a"] = 99.0
    copied["frame"]["c"] = 1
    copied["rows"][0]["k"].append(3)
    copied["pair"][0].iloc[0] = -5.0
    copied["pair"][1][0] = 7
    assert frame["a"].tolist() == [1.0, 2.0] and list(frame.columns) == ["a", "b"]
    assert value["rows"] == [{"k": [1, 2]}] and value["pair"][1].tolist() == [1, 2]


def test_scope_memo_follows_the_thresholds_override(tmp_path):
    data = str(write_tiny(tmp_path / "tiny"))
    calls = []

    @scope_memo
    def fdr_of(report):
        calls.append(report.thresholds("process")["fdr"])
        return pd.DataFrame({"fdr": [report.thresholds("process")["fdr"]]})

    plain = open_report(data, "2026-10", "华东")
    strict = open_report(data, "2026-10", "华东", thresholds={"process": {"fdr": 0.01}})
    default_fdr = plain.thresholds("process")["fdr"]
    assert fdr_of(plain)["fdr"].tolist() == [default_fdr]
    assert fdr_of(strict)["fdr"].tolist() == [0.01]  # another configuration: computed again, not served stale
    assert fdr_of(open_report(data, "2026-10", "华东"))["fdr"].tolist() == [default_fdr]
    plain.config["thresholds"]["process"]["fdr"] = 0.5  # a report's configuration changed in place
    assert fdr_of(plain)["fdr"].tolist() == [0.5]
    assert calls == [default_fdr, 0.01, 0.5]
    shown = fdr_of(strict)
    shown["fdr"] = -1.0
    assert fdr_of(strict)["fdr"].tolist() == [0.01]
