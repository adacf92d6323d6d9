import json
from pathlib import Path

import nbformat
import pytest
from tiny import TABLES, write_tiny

from salesnb.batch.rendering import extract_result, presentable
from salesnb.batch.runner import available_angles, merge_results, plan_jobs, safe_dirname, write_atomic
from salesnb.data.loading import load_dataset
from salesnb.errors import ParameterError
from salesnb.report import RESULT_MIME, clean_json, dumps


@pytest.mark.parametrize(
    "name", ["../../etc", "..", ".", "a/b", "a\\b", "C:", "华东/../../x", "\x00", "", " 华东 ", "con<>|?*"]
)
def test_safe_dirname_never_escapes(tmp_path, name):
    safe = safe_dirname(name)
    assert safe and "/" not in safe and "\\" not in safe and ".." not in safe
    target = (tmp_path / safe).resolve()
    assert target.parent == tmp_path.resolve()


def test_safe_dirname_keeps_chinese_and_separates_lookalikes():
    assert safe_dirname("华东") == "华东"
    assert safe_dirname("华东/北") != safe_dirname("华东_北")


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    path = tmp_path / "x" / "metrics.json"
    write_atomic(path, "one")
    write_atomic(path, "two")
    assert path.read_text(encoding="utf-8") == "two"
    assert [p.name for p in path.parent.iterdir()] == ["metrics.json"]


def test_write_atomic_gives_shareable_permissions(tmp_path):
    import os
    import stat

    umask = os.umask(0o022)
    os.umask(umask)
    write_atomic(tmp_path / "index.html", "<p>ok</p>")
    mode = stat.S_IMODE((tmp_path / "index.html").stat().st_mode)
    assert mode == 0o666 & ~umask and mode & stat.S_IRGRP  # not a temp file's private 0o600


def test_clean_json_is_stable():
    value = {"b": float("nan"), "a": 1.23456789, "c": 2.0, "d": [float("inf")], "e": None}
    assert clean_json(value) == {"a": 1.234568, "b": None, "c": 2, "d": [None], "e": None}
    assert dumps(value) == dumps(dict(reversed(list(value.items()))))


def test_plan_jobs_checks_scope(tmp_path):
    ds = load_dataset(write_tiny(tmp_path / "t"))
    jobs = plan_jobs(ds, [], [], ["overview"], all_regions=True)
    assert [(j.period, j.region) for j in jobs] == [("2026-10", "ALL"), ("2026-10", "华东"), ("2026-10", "华南")]
    orders = [{**o, "order_date": "2026-10-20"} if o["order_id"] == "O7" else o for o in TABLES["orders"]]
    tables = {**TABLES, "orders": orders}  # the data now ends on Oct 25: October is partial
    partial = load_dataset(write_tiny(tmp_path / "p", tables=tables))
    assert [j.period for j in plan_jobs(partial, [], ["ALL"], ["overview"])] == ["2026-09"]  # latest complete
    assert [j.period for j in plan_jobs(partial, ["2026-10"], ["ALL"], ["overview"])] == ["2026-10"]  # asked for
    with pytest.raises(ParameterError, match="华西"):
        plan_jobs(ds, ["2026-10"], ["华西"], ["overview"])
    with pytest.raises(ParameterError, match="outside"):
        plan_jobs(ds, ["2030-01"], ["ALL"], ["overview"])
    with pytest.raises(ParameterError, match="no notebook"):
        plan_jobs(ds, ["2026-10"], ["ALL"], ["astrology"])


def test_merge_results_accumulates_angles(tmp_path):
    merge_results(
        tmp_path,
        {"overview": {"metrics": {"revenue": 5}, "findings": [{"angle": "overview", "code": "x", "severity": "low"}]}},
    )
    merge_results(
        tmp_path,
        {"market": {"metrics": {"hhi": 0.2}, "findings": [{"angle": "market", "code": "y", "severity": "high"}]}},
    )
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    findings = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert metrics == {"market": {"hhi": 0.2}, "revenue": 5}
    assert [f["code"] for f in findings] == ["y", "x"]  # high severity first
    merge_results(tmp_path, {"market": {"metrics": {}, "findings": []}})
    findings = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in findings] == ["x"]  # a re-run angle replaces its own findings


def test_presentable_hides_parameters_stderr_and_payload():
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})
    body = nbformat.v4.new_code_cell("y")
    body.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="warning"),
        nbformat.v4.new_output("display_data", data={RESULT_MIME: {"angle": "a"}, "text/plain": "r"}),
        nbformat.v4.new_output("display_data", data={"text/plain": "shown"}),
    ]
    nb.cells = [params, body]
    assert extract_result(nb) == {"angle": "a"}
    shown = presentable(nb)
    assert len(shown.cells) == 1 and [o["data"]["text/plain"] for o in shown.cells[0].outputs] == ["shown"]
    assert len(presentable(nb, show_code=True).cells) == 2


def test_notebooks_committed_without_outputs():
    for path in sorted(Path("notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path} holds outputs"


def test_notebook_parameters_are_literals():
    import ast

    for path in sorted(Path("notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path} needs exactly one parameters cell"
        for node in ast.parse(tagged[0].source).body:
            assert isinstance(node, ast.AnnAssign), f"{path}: parameters must be annotated assignments"
            ast.literal_eval(node.value)  # literals only: anything derived belongs in the next cell
        assert all(line.split("#")[1].strip() for line in tagged[0].source.splitlines()), (
            "each parameter needs a comment"
        )


def test_merge_results_lists_summary_findings_once(tmp_path):
    market = {"angle": "market", "code": "y", "severity": "high", "segment": {"channel": "分销"}}
    merge_results(
        tmp_path, {"overview": {"metrics": {}, "findings": [market]}, "market": {"metrics": {}, "findings": [market]}}
    )
    assert json.loads((tmp_path / "findings.json").read_text(encoding="utf-8")) == [market]
    merge_results(tmp_path, {"market": {"metrics": {}, "findings": []}})  # the problem is gone after a re-run
    assert json.loads((tmp_path / "findings.json").read_text(encoding="utf-8")) == []


def test_every_notebook_takes_the_same_parameters():
    """The runner passes one parameter set to every angle: papermill must see the same names and defaults."""
    import papermill

    seen = {
        path.stem: {name: p["default"] for name, p in papermill.inspect_notebook(str(path)).items()}
        for path in sorted(Path("notebooks").glob("*.ipynb"))
    }
    assert set(seen) == {*available_angles(), "pack"}  # the review pack runs when asked for (--pack)
    first = seen["overview"]
    assert {"data", "period", "region", "config_path", "mapping_path", "lang", "thresholds"} <= set(first)
    for angle, params in seen.items():
        assert params == first, angle


def test_the_run_summary_speaks_the_runs_language():
    from salesnb.batch.jobs import Job
    from salesnb.batch.runner import RunSummary

    done, skipped, broken = (Job("2026-10", "华东", angle) for angle in ("market", "team", "product"))
    summary = RunSummary(done=[done], skipped=[skipped], failed=[(broken, "CellTimeoutError")], seconds=28.64)
    summary.reasons = [(done, "data changed")]
    assert summary.text(lang="zh").splitlines() == [
        "完成 1 份，跳过 1 份（已是最新），失败 1 份，用时 28.6 秒",
        "  失败 2026-10 华东 product: CellTimeoutError",
    ]
    english = summary.text(verbose=True).splitlines()
    assert english[0] == "  run  2026-10 华东 market: data changed"
    assert english[1] == "  skip (up to date) 2026-10 华东 team"
    assert english[2] == "done 1, skipped 1 (up to date), failed 1, 28.6 s"
