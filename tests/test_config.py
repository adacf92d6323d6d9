import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from salesnb.angle import ANGLE_NAMES
from salesnb.config import default_config, load_config, merge
from salesnb.errors import ConfigError

PACKAGE = Path(__file__).resolve().parent.parent / "salesnb"
DATA_MAPPINGS = {("market", "cadence")}  # mappings whose keys are data (tier names), not settings


def test_config_defaults_and_override(tmp_path):
    cfg = default_config()
    assert cfg["stages"][0] == "初步接触" and cfg["stages"][-1] == "合同签订"
    assert cfg["commission"]["tiers"][0]["rate"] == 0.08
    user = tmp_path / "my.yaml"
    user.write_text("thresholds:\n  severity_revenue_share: {high: 0.1}\nstages: [A, B]\n", encoding="utf-8")
    merged = load_config(user, {"thresholds": {"severity_revenue_share": {"medium": 0.01}}})
    assert merged["thresholds"]["severity_revenue_share"] == {"high": 0.1, "medium": 0.01}
    assert merged["report"]["top_n"] == 10  # untouched default survives
    assert merged["stages"] == ["A", "B"]  # lists replace whole


def test_config_unknown_key_fails_loudly(tmp_path):
    with pytest.raises(ConfigError, match="thresholds.severity_revenue_shar"):
        merge(default_config(), {"thresholds": {"severity_revenue_shar": 1}})
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")


def test_a_retired_key_warns_and_is_left_out():
    """A company's file that still sets the old fixed receivables alert line keeps loading; it is told why not used."""
    with pytest.warns(UserWarning, match="overdue_rate_warning.*own usual unpaid rate"):
        merged = merge(default_config(), {"thresholds": {"support": {"overdue_rate_warning": 0.4, "fdr": 0.1}}})
    assert "overdue_rate_warning" not in merged["thresholds"]["support"]
    assert merged["thresholds"]["support"]["fdr"] == 0.1  # the rest of the file applies


def test_each_default_has_one_home():
    """Every default file parses, and no setting is defined in two files (default_config raises if so)."""
    folder = resources.files("salesnb").joinpath("defaults")
    names = sorted(e.name for e in folder.iterdir() if e.name.endswith(".yaml"))
    assert "common.yaml" in names
    for name in names:
        assert isinstance(yaml.safe_load(folder.joinpath(name).read_text(encoding="utf-8")), dict), name
    default_config()


def _leaf_keys(tree: dict, path: tuple[str, ...] = ()):
    for key, value in tree.items():
        where = (*path, str(key))
        if isinstance(value, dict) and where not in DATA_MAPPINGS:
            yield from _leaf_keys(value, where)
        else:
            yield where


def _names_in(paths) -> set[str]:
    code = "\n".join(p.read_text(encoding="utf-8") for p in paths)
    return set(re.findall(r"""["']([A-Za-z_][A-Za-z0-9_]*)["']""", code))


OWNER = {"commission": "commission"}  # a settings section read by a module of another name


def test_every_setting_is_read_by_code():
    """A key in the defaults that no code names is dead: it suggests a knob that does nothing.

    An angle's keys (``<angle>.*``, ``thresholds.<angle>.*``) must be named by that angle's own code.
    """
    everywhere = _names_in(PACKAGE.rglob("*.py"))
    dead = []
    for path in _leaf_keys(default_config()):
        section = path[1] if path[0] == "thresholds" and len(path) > 2 else path[0]
        owner = OWNER.get(section, section if section in ANGLE_NAMES else "")
        files = [*(PACKAGE / owner).rglob("*.py"), *PACKAGE.glob(f"{owner}.py")] if owner else []
        names = _names_in(files) if files else everywhere
        if path[-1] not in names:
            dead.append(".".join(path))
    assert dead == []
