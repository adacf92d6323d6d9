"""Configuration files as careless users write them, read by ``load_config`` (what ``--config`` and a notebook's
``config_path`` reach): a bad one is a :class:`ConfigError` naming the file or the key, never a bare Python error
later inside a report; Notepad's encodings are read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.config import load_config
from salesnb.errors import ConfigError

BAD: list[tuple[str, bytes, tuple[str, ...]]] = [  # id, file content, words the message must hold
    ("bad-yaml", b"thresholds: {market: [\n", ("config.yaml", "not valid YAML")),
    ("tab-indented", b"report:\n\ttop_n: 5\n", ("config.yaml", "not valid YAML")),
    ("a-list", b"- report\n- top_n\n", ("config.yaml", "mapping of keys")),
    ("a-number", b"42\n", ("config.yaml", "mapping of keys")),
    ("unknown-top-key", b"reprot:\n  top_n: 5\n", ("'reprot'", "report")),
    ("unknown-threshold", b"thresholds:\n  market:\n    nonsense: 1\n", ("thresholds.market.nonsense", "fdr")),
    ("unknown-angle", b"thresholds:\n  sales: {p_value: 0.1}\n", ("thresholds.sales",)),
    ("number-as-text", b"report:\n  top_n: '10'\n", ("report.top_n", "a number", "'10'")),
    ("threshold-as-text", b"thresholds:\n  market:\n    fdr: 1%\n", ("thresholds.market.fdr", "'1%'")),
    ("list-as-text", "stages: 初步接触, 需求确认\n".encode(), ("stages", "a list")),
    ("section-as-number", b"thresholds:\n  market: 0.1\n", ("thresholds.market", "section")),
    ("number-as-list", b"report:\n  top_n: [10]\n", ("report.top_n", "a number")),
    ("boolean-as-number", b"report:\n  top_n: yes\n", ("report.top_n", "True")),
    ("binary-garbage", b"\xff\xfe\x00\x81\x00", ("config.yaml", "UTF-8")),
]


@pytest.mark.parametrize(("content", "says"), [pytest.param(c, s, id=i) for i, c, s in BAD])
def test_bad_configuration_file_is_named(tmp_path: Path, content: bytes, says: tuple[str, ...]) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert [word for word in says if word not in message] == [], message


def test_missing_file_and_folder_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nope.yaml"):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="cannot read configuration file"):
        load_config(tmp_path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_notepad_encodings_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes("# 月例会配置\nstages: [初步接触, 商务谈判]\nreport:\n  top_n: 5\n".encode(encoding))
    config = load_config(path)
    assert config["stages"] == ["初步接触", "商务谈判"] and config["report"]["top_n"] == 5


def test_integers_and_decimals_are_both_numbers(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("report:\n  top_n: 12.0\nthresholds:\n  market:\n    fdr: 1\n", encoding="utf-8")
    config = load_config(path)
    assert config["report"]["top_n"] == 12.0 and config["thresholds"]["market"]["fdr"] == 1


def test_notebook_thresholds_of_the_wrong_kind_are_named() -> None:
    with pytest.raises(ConfigError, match=r"thresholds\.market\.fdr.*'0\.01'"):
        load_config(None, {"thresholds": {"market": {"fdr": "0.01"}}})
