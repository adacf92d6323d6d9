"""Batch runner: execute the angle notebooks for each period × region with papermill and publish the results.

Layout of the output folder::

    OUT/index.html
    OUT/<period>/<region>/<angle>.ipynb   executed notebook
    OUT/<period>/<region>/<angle>.html    shareable page, code hidden
    OUT/<period>/<region>/metrics.json    numbers of every angle run for this scope
    OUT/<period>/<region>/findings.json   findings of every angle run for this scope

The data is loaded and validated once before anything is written, so bad input never damages
an existing output folder; every file is written to a temporary name and moved into place.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from . import facts
from .errors import ParameterError
from .loading import load_dataset
from .periods import ALL, parse_period
from .rendering import extract_result, to_html
from .report import dumps

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
ANGLE_ORDER = ("overview", "market", "product", "team", "process", "support")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def available_angles(notebook_dir: Path = NOTEBOOK_DIR) -> list[str]:
    """Angles that have a notebook, in report order."""
    present = {p.stem for p in notebook_dir.glob("*.ipynb")}
    return [a for a in ANGLE_ORDER if a in present] + sorted(present - set(ANGLE_ORDER))


def safe_dirname(name: str) -> str:
    """A folder name for a region that cannot escape the output folder, whatever the name holds.

    Chinese and other letters are kept; separators, control and reserved characters are replaced.
    When anything had to change, a short hash of the original keeps distinct names distinct.
    """
    normal = unicodedata.normalize("NFC", str(name))
    cleaned = _UNSAFE.sub("_", normal).strip(" .")
    cleaned = cleaned.replace("..", "_")
    if cleaned == normal and cleaned:
        return cleaned
    digest = hashlib.sha1(normal.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned or 'region'}-{digest}"


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` via a temporary file in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(content, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": "\n"})) as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Job:
    """One notebook execution: an angle for one period and region."""

    period: str
    region: str
    angle: str

    def folder(self, out_dir: Path) -> Path:
        return out_dir / self.period / safe_dirname(self.region)


@dataclass
class RunSummary:
    """What a batch did."""

    done: list[Job] = field(default_factory=list)
    failed: list[tuple[Job, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def text(self) -> str:
        lines = [f"done {len(self.done)}, failed {len(self.failed)}, {self.seconds:.1f} s"]
        lines += [f"  FAILED {j.period} {j.region} {j.angle}: {err}" for j, err in self.failed]
        return "\n".join(lines)


def plan_jobs(ds, periods: list[str], regions: list[str], angles: list[str], *, all_regions: bool = False) -> list[Job]:
    """Check the requested scope against the data and list the jobs, in a stable order."""
    first, last = facts.data_months(ds)
    periods = [str(parse_period(p)) for p in periods] or [last]
    for p in periods:
        if not first <= p <= last:
            raise ParameterError(f"period {p} is outside the data, which covers {first} to {last}")
    known = facts.regions(ds)
    if all_regions:
        regions = [ALL, *known]
    regions = regions or [ALL]
    unknown = [r for r in regions if r != ALL and r not in known]
    if unknown:
        raise ParameterError(f"unknown region(s) {', '.join(unknown)}; use ALL or one of: {', '.join(known)}")
    have = available_angles()
    angles = angles or have
    missing = [a for a in angles if a not in have]
    if missing:
        raise ParameterError(f"no notebook for angle(s) {', '.join(missing)}; available: {', '.join(have)}")
    ordered_regions = list(dict.fromkeys(regions))
    return [Job(p, r, a) for p in dict.fromkeys(periods) for r in ordered_regions for a in angles]


def _check_parameters(notebook: Path, parameters: dict[str, Any]) -> None:
    """Fail loudly on a parameter the notebook does not declare (papermill would only warn)."""
    import papermill

    declared = set(papermill.inspect_notebook(str(notebook)))
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise ParameterError(
            f"{notebook.name} has no parameter(s) {', '.join(unknown)}; it declares: {', '.join(sorted(declared))}"
        )


def execute_job(job: Job, parameters: dict[str, Any], out_dir: Path, *, show_code: bool = False) -> dict | None:
    """Execute one notebook and write its ``.ipynb`` and ``.html``; return its published result.

    A failing notebook is still written (with the error in its cells) before the error is raised.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebook = NOTEBOOK_DIR / f"{job.angle}.ipynb"
    params = {**parameters, "period": job.period, "region": job.region}
    _check_parameters(notebook, params)
    folder = job.folder(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".run-") as tmp:
        executed_path = Path(tmp) / f"{job.angle}.ipynb"
        try:
            papermill.execute_notebook(
                str(notebook),
                str(executed_path),
                parameters=params,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(NOTEBOOK_DIR),
            )
        except PapermillExecutionError:
            if executed_path.exists():
                write_atomic(folder / f"{job.angle}.failed.ipynb", executed_path.read_bytes())
            raise
        nb = nbformat.read(executed_path, as_version=4)
    title = f"{job.angle} · {job.region} · {job.period}"
    write_atomic(folder / f"{job.angle}.ipynb", nbformat.writes(nb))
    write_atomic(folder / f"{job.angle}.html", to_html(nb, title=title, show_code=show_code))
    (folder / f"{job.angle}.failed.ipynb").unlink(missing_ok=True)
    return extract_result(nb)


def _read_json(path: Path, default):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def merge_results(folder: Path, results: dict[str, dict]) -> None:
    """Fold the angles' published results into the folder's ``metrics.json`` and ``findings.json``.

    Metrics of the overview sit at the top level; other angles' metrics under their angle name.
    Findings of an angle that was re-run replace its earlier findings.
    """
    metrics = _read_json(folder / "metrics.json", {})
    findings = _read_json(folder / "findings.json", [])
    for angle, result in results.items():
        if angle == "overview":
            metrics.update(result.get("metrics", {}))
        else:
            metrics[angle] = result.get("metrics", {})
        findings = [f for f in findings if f.get("angle") != angle] + list(result.get("findings", []))
    severity_rank = {"high": 0, "medium": 1, "low": 2}
    findings.sort(key=lambda f: (severity_rank.get(f.get("severity"), 3), f.get("angle", ""), f.get("code", "")))
    write_atomic(folder / "metrics.json", dumps(metrics))
    write_atomic(folder / "findings.json", dumps(findings))


def run_reports(
    data: str | os.PathLike,
    *,
    periods: list[str],
    regions: list[str],
    angles: list[str],
    out_dir: str | os.PathLike,
    all_regions: bool = False,
    config_path: str = "",
    mapping_path: str = "",
    lang: str = "zh",
    show_code: bool = False,
    progress: bool = True,
) -> RunSummary:
    """Validate the data, then execute and publish every requested report.

    Raises :class:`~salesnb.errors.DataValidationError` or :class:`~salesnb.errors.ParameterError`
    before anything is written when the data or the request is wrong.
    """
    from tqdm.auto import tqdm

    started = time.monotonic()
    source = str(data)
    ds = load_dataset(source, mapping=mapping_path or None)
    jobs = plan_jobs(ds, periods, regions, angles, all_regions=all_regions)
    out = Path(out_dir)
    parameters = {
        "data": str(Path(source).resolve()) if "://" not in source else source,
        "config_path": str(Path(config_path).resolve()) if config_path else "",
        "mapping_path": str(Path(mapping_path).resolve()) if mapping_path else "",
        "lang": lang,
    }
    summary = RunSummary()
    results: dict[Path, dict[str, dict]] = {}
    bar = tqdm(jobs, desc="salesnb run", unit="report", disable=not progress)
    for job in bar:
        bar.set_postfix_str(f"{job.period} {job.region} {job.angle}")
        try:
            result = execute_job(job, parameters, out, show_code=show_code)
        except Exception as exc:  # keep going: one failed report must not stop the batch
            summary.failed.append((job, _short_error(exc)))
            continue
        summary.done.append(job)
        results.setdefault(job.folder(out), {})[job.angle] = result or {}
    for folder, by_angle in results.items():
        merge_results(folder, by_angle)
    write_index(out)
    summary.seconds = time.monotonic() - started
    return summary


def _short_error(exc: Exception) -> str:
    name = getattr(exc, "ename", type(exc).__name__)
    value = getattr(exc, "evalue", str(exc))
    return f"{name}: {value}".strip()[:300]


def write_index(out_dir: Path) -> None:
    """Write ``index.html``: one row per report folder, one link per angle, with its findings counts."""
    rows = []
    for metrics_path in sorted(out_dir.glob("*/*/metrics.json")):
        folder = metrics_path.parent
        metrics = _read_json(metrics_path, {})
        findings = _read_json(folder / "findings.json", [])
        links = " ".join(
            f'<a href="{html.escape(folder.relative_to(out_dir).as_posix())}/{a}.html">{a}</a>'
            for a in available_angles()
            if (folder / f"{a}.html").exists()
        )
        high = sum(1 for f in findings if f.get("severity") == "high")
        top = html.escape(findings[0].get("title", "")) if findings else ""
        rows.append(
            "<tr>"
            f"<td>{html.escape(str(metrics.get('period', folder.parent.name)))}</td>"
            f"<td>{html.escape(str(metrics.get('region', folder.name)))}</td>"
            f"<td>{links}</td><td>{high}</td><td>{top}</td></tr>"
        )
    page = (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>salesnb reports</title>'
        "<style>body{font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;margin:2em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}</style>"
        "</head><body><h1>销售分析报告 / Sales reports</h1><table>"
        "<tr><th>月份 Period</th><th>区域 Region</th><th>报告 Reports</th><th>高风险发现 High</th>"
        "<th>首要发现 Top finding</th></tr>" + "".join(rows) + "</table></body></html>\n"
    )
    write_atomic(out_dir / "index.html", page)
