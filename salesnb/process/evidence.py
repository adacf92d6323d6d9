"""Evidence sets severity in the process rules: :func:`salesnb.evidence.severity` with the process thresholds."""

from __future__ import annotations

from .. import evidence
from ..report import Report
from .common import NAME


def severity(
    report: Report,
    effect: float,
    q: float,
    *,
    change: float | None = None,
    strengthen: bool = False,
    cap: bool = False,
) -> str:
    """:func:`salesnb.evidence.severity` for the process angle (``thresholds.process.{strong_q, collapse}``)."""
    thr = report.thresholds(NAME)
    return evidence.severity(
        report, effect, q, strong_q=thr["strong_q"], collapse=thr["collapse"], change=change,
        strengthen=strengthen, cap=cap,
    )  # fmt: skip
