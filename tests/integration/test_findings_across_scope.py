"""The runner on the sample for one scope: every finding in findings.json has id, parent and status, consistent
between the overview (which publishes every angle's findings) and the angle's own notebook."""

import json

from salesnb.batch import runner
from salesnb.report import bundled_sample


def test_findings_json_carries_id_parent_status(tmp_path):
    out = tmp_path / "out"
    summary = runner.run_reports(
        bundled_sample(), periods=["2026-10"], regions=["华东"], angles=["overview", "process"], out_dir=out,
        progress=False, jobs=1,
    )  # fmt: skip
    assert summary.ok, summary.text()
    folder = out / "2026-10" / "华东"
    findings = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    assert findings and all({"id", "parent", "status", "months"} <= set(f) for f in findings)
    assert all(f["status"] in {"new", "persisting"} and f["months"] >= 1 for f in findings)
    ids = {f["id"] for f in findings}
    assert len(ids) == len(findings) and all(f["parent"] is None or f["parent"] in ids for f in findings)
    by_code = {f["code"]: f for f in findings}
    shift, fit, surge = (by_code[c] for c in ("lead_source_shift", "lead_fit_low", "stage_stock_surge"))
    assert surge["parent"] == fit["id"] and fit["parent"] == shift["id"] and shift["parent"] is None
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert isinstance(metrics["resolved_findings"], list)
    assert not {f["id"] for f in metrics["resolved_findings"]} & ids  # resolved ones are not current findings
    html = (folder / "overview.html").read_text(encoding="utf-8")
    assert "上月问题跟踪" in html
