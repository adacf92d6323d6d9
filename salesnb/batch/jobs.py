"""One report: what it is (a :class:`Job`), how it is executed and rendered, how it is written.

Shared by the local workers (:mod:`salesnb.batch.runner`) and the Dask workers (:mod:`salesnb.batch.cluster`):
a report is built the same way wherever it runs, and written by whoever holds the output folder.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from ..i18n import t
from ..periods import ALL
from .engine import NotebookFailed, WarmKernel, parameterize
from .output import output_errors, write_atomic
from .pages import PACK, error_page
from .printing import print_pdf
from .rendering import extract_result, to_html
from .stopping import stop_requested

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


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


@dataclass(frozen=True)
class Job:
    """One notebook execution: an angle for one period and region."""

    period: str
    region: str
    angle: str

    def folder(self, out_dir: Path) -> Path:
        return out_dir / self.period / safe_dirname(self.region)


@dataclass
class JobResult:
    """What a worker sends back for one report."""

    job: Job
    payload: dict | None = None
    error: str | None = None


@dataclass
class JobOutput:
    """One executed report before it is written: its result, the files of its folder and the files it replaces."""

    result: JobResult
    files: dict[str, str] = field(default_factory=dict)
    stale: tuple[str, ...] = ()


def page_title(job: Job, lang: str) -> str:
    """A report page's title in the reader's language: ``概览 · 全公司 · 2025-03``, not the angle's and ALL's ids."""
    region = t("all_regions", lang) if job.region == ALL else job.region
    return f"{t('angle_' + job.angle, lang)} · {region} · {job.period}"


def build_job(
    kernel: WarmKernel, job: Job, parameters: dict[str, Any], show_code: bool, notebook_dir: Path | None = None
) -> JobOutput:
    """Execute one notebook (from ``notebook_dir``, default the package's) in ``kernel``, render its pages."""
    notebook = (notebook_dir or NOTEBOOK_DIR) / f"{job.angle}.ipynb"
    title = page_title(job, parameters["lang"])
    nb = parameterize(notebook, {**parameters, "period": job.period, "region": job.region})
    try:
        kernel.execute(nb)
    except NotebookFailed as failure:
        if stop_requested():  # the run was stopped: the report did not fail, it was not finished
            raise KeyboardInterrupt from None
        failed_name = f"{job.angle}.failed.ipynb"
        page = error_page(failure.nb, failure.cell_index, str(failure), title=title, notebook_name=failed_name)
        files = {failed_name: nbformat.writes(failure.nb), f"{job.angle}.error.html": page}
        return JobOutput(JobResult(job, error=str(failure)[:300]), files)
    page = to_html(nb, title=title, show_code=show_code, lang=parameters["lang"])
    files = {f"{job.angle}.ipynb": nbformat.writes(nb), f"{job.angle}.html": page}
    stale = (f"{job.angle}.failed.ipynb", f"{job.angle}.error.html")
    return JobOutput(JobResult(job, payload=extract_result(nb) or {}), files, stale)


def write_job(output: JobOutput, out_dir: Path) -> JobResult:
    """Write a report's files into its folder under ``out_dir``, remove the ones it replaces."""
    folder = output.result.job.folder(out_dir)
    with output_errors(out_dir):
        for name, content in output.files.items():
            write_atomic(folder / name, content)
        for name in output.stale:
            (folder / name).unlink(missing_ok=True)
        if f"{PACK}.html" in output.files:  # the review pack is printed beside its page where Chromium is installed
            print_pdf(folder / f"{PACK}.html", folder / f"{PACK}.pdf")
    return output.result


def run_scope(
    kernel: WarmKernel,
    jobs: list[Job],
    parameters: dict[str, Any],
    show_code: bool,
    deliver: Callable[[JobOutput], JobResult],
    notebook_dir: Path | None = None,
) -> list[JobResult]:
    """Run the angles of one period × region in ``kernel``, handing each report to ``deliver`` as it is done.

    ``deliver(output) -> JobResult`` writes the report (a local worker) or keeps it to send back (a Dask
    worker); an error it raises (a folder that cannot be written) stops the batch.
    """
    results = []
    for job in jobs:
        try:
            output = build_job(kernel, job, parameters, show_code, notebook_dir)
        except Exception as exc:  # a kernel that would not start, an unreadable notebook ...: report, go on
            output = JobOutput(JobResult(job, error=f"{type(exc).__name__}: {exc}"[:300]))
        results.append(deliver(output))
        if stop_requested():
            raise KeyboardInterrupt
    return results
