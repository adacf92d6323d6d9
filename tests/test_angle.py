"""The angle registry: every angle declares itself once, its codes are those of the analyses, and they are worded."""

import json
import re
from pathlib import Path

import pytest

from salesnb.angle import ANGLE_NAMES, Angle, Rule, angle_of_code, get
from salesnb.i18n import texts

REPO = Path(__file__).resolve().parent.parent
ANALYSES = REPO.parent / "shared" / "analyses.md"


def test_every_angle_declares_itself():
    for name in ANGLE_NAMES:
        angle = get(name)
        assert isinstance(angle, Angle) and angle.name == name
        assert all(isinstance(rule, Rule) for rule in angle.rules)
        assert "orders" in angle.needs or name == "process"  # process runs on opportunities alone
    with pytest.raises(KeyError, match="unknown angle"):
        get("finance")


def test_codes_are_unique_worded_and_cover_the_planted_problems():
    codes = [code for name in ANGLE_NAMES for code in get(name).codes]
    assert len(codes) == len(set(codes)) == len(angle_of_code())
    words = texts()
    for code in codes:  # each code has its texts (a variant may replace the plain title)
        assert any(key.startswith(f"finding_{code}") and key.endswith("_title") for key in words), code
    planted = {p["code"] for p in json.loads((REPO / "data" / "sample" / "planted.json").read_text(encoding="utf-8"))}
    assert planted <= set(codes)


@pytest.mark.skipif(not ANALYSES.exists(), reason="the shared analyses.md is not next to the repository")
def test_codes_are_those_of_the_analyses():
    listed = set(re.findall(r"`([a-z]+(?:_[a-z]+)+)`", ANALYSES.read_text(encoding="utf-8")))
    codes = set(angle_of_code())
    assert codes <= listed, sorted(codes - listed)


def test_findings_run_only_the_rules_whose_tables_exist():
    class Data:
        def has(self, table):
            return table != "leads"

    class Report:
        ds = Data()

        def memo(self, key, build):
            return build()

    angle = Angle(
        "demo",
        rules=(
            Rule("a", lambda report: [{"code": "a"}]),
            Rule("b", lambda report: [{"code": "b"}], needs=("leads",)),
            Rule("c", lambda report: [{"code": "c"}, {"code": "c"}], needs=("orders",)),
        ),
        metrics_of=(lambda report: {"x": 1, "y": 2}, lambda report: {"y": 3}),
    )
    assert [f["code"] for f in angle.rule_findings(Report())] == ["a", "c", "c"]
    assert [f["code"] for f in angle.rule_findings(Report(), {"c"})] == ["c", "c"]
    assert angle.codes == ("a", "b", "c")
    assert [rule.code for rule in angle.runnable_rules(Data())] == ["a", "c"]
    assert angle.metrics(Report()) == {"x": 1, "y": 3}
