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


def test_needs_name_tables_or_columns_and_sections_make_an_angle_ready():
    import pandas as pd

    from salesnb.angle import Section, missing
    from salesnb.data.dataset import Dataset

    orders = pd.DataFrame({"order_id": ["O1"], "promised_at": [pd.NaT], "delivered_at": [pd.NaT]})
    ds = Dataset({"orders": orders}, present_columns={"orders": frozenset({"order_id", "promised_at"})})
    assert missing(ds, ("orders", "orders.promised_at", "orders.delivered_at", "tickets")) == [
        "orders.delivered_at", "tickets"
    ]  # fmt: skip
    assert missing(Dataset({"orders": orders}), ("orders.promised_at",)) == ["orders.promised_at"]  # all empty
    # orders naming no customer are the one reason a customers table is lacking too; with them, the table is named
    needs = ("marketing_spend", "customers", "orders.customer_id")
    assert missing(ds, needs) == ["marketing_spend", "orders.customer_id"]
    ds.present_columns["orders"] |= {"customer_id"}
    assert missing(ds, needs) == ["marketing_spend", "customers"]
    ds.present_columns["orders"] = frozenset({"order_id", "promised_at"})
    angle = Angle(
        "demo",
        rules=(Rule("late", lambda report: [], needs=("orders.delivered_at",)), Rule("a", lambda report: [])),
        sections=(Section("delivery", ("orders.promised_at", "orders.delivered_at")), Section("sla", ("tickets",))),
    )
    assert [rule.code for rule in angle.runnable_rules(ds)] == ["a"]
    assert not angle.ready(ds) and angle.runnable_sections(ds) == []
    ds.present_columns["orders"] = frozenset({"order_id", "promised_at", "delivered_at"})
    assert angle.ready(ds) and [s.key for s in angle.runnable_sections(ds)] == ["delivery"]
    assert Angle("plain").ready(ds) and not Angle("plain", needs=("reps",)).ready(ds)


def test_a_finding_in_the_unknown_segment_is_dropped():
    class Data:
        def has(self, table):
            return True

    class Report:
        ds = Data()

        def memo(self, key, build):
            return build()

    segments = [{"channel": "未知"}, {"channel": "直营"}, {}, {"region": "华东", "size_band": "未知"}]
    found = [{"code": "a", "segment": segment} for segment in segments]
    angle = Angle("demo", rules=(Rule("a", lambda report: found),))
    assert [f["segment"] for f in angle.rule_findings(Report())] == [{"channel": "直营"}, {}]
