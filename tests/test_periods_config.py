import pandas as pd
import pytest

from salesnb.config import default_config, load_config, merge
from salesnb.errors import ConfigError, ParameterError
from salesnb.periods import baselines, month_end_exclusive, month_start, parse_period, year_to_date


def test_parse_period_and_bounds():
    p = parse_period("2026-3")
    assert str(p) == "2026-03"
    assert month_start(p) == pd.Timestamp("2026-03-01")
    assert month_end_exclusive(p) == pd.Timestamp("2026-04-01")
    for bad in ("2026-13", "26-01", "March", ""):
        with pytest.raises(ParameterError):
            parse_period(bad)


def test_baselines_cross_year():
    b = baselines("2026-02", trailing_months=3)
    assert str(b.previous_month) == "2026-01"
    assert str(b.same_month_last_year) == "2025-02"
    assert b.trailing_labels == ["2025-11", "2025-12", "2026-01"]
    assert [str(p) for p in year_to_date("2026-03")] == ["2026-01", "2026-02", "2026-03"]


def test_config_defaults_and_override(tmp_path):
    cfg = default_config()
    assert cfg["stages"][0] == "初步接触" and cfg["stages"][-1] == "合同签订"
    assert cfg["commission"]["tiers"][0]["rate"] == 0.08
    user = tmp_path / "my.yaml"
    user.write_text("thresholds:\n  attainment_warning: 0.8\nstages: [A, B]\n", encoding="utf-8")
    merged = load_config(user, {"thresholds": {"ticket_sla_hours": 24}})
    assert merged["thresholds"]["attainment_warning"] == 0.8
    assert merged["thresholds"]["ticket_sla_hours"] == 24
    assert merged["thresholds"]["first_response_hours"] == 2  # untouched default survives
    assert merged["stages"] == ["A", "B"]  # lists replace whole


def test_config_unknown_key_fails_loudly(tmp_path):
    with pytest.raises(ConfigError, match="thresholds.attainment_warnign"):
        merge(default_config(), {"thresholds": {"attainment_warnign": 1}})
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
