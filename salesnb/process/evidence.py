"""Triggers and evidence of the process rules: the business rule fires, the evidence confirms and sizes it.

Every process rule follows one pattern (issue 11, item 4):

- the business rule fires: a change of the configured size (``thresholds.process.<rule key>``) on at least
  :func:`min_excess` deals or leads beyond the usual level, a minimum scaled to the scope (a region's stage
  holding four deals cannot gain five more "beyond usual" before the alert is obvious);
- the evidence confirms it: the p-values of the segments the rule tests in the report are adjusted together
  (Benjamini–Hochberg) and a q-value below ``thresholds.process.fdr`` confirms it;
- the severity is :func:`salesnb.evidence.severity` with ``thresholds.process.{strong_q, collapse}``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def min_excess(
    report: Report, volume: float | pd.Series | np.ndarray, floor_key: str = "min_count_floor"
) -> float | np.ndarray:
    """How many deals or leads beyond the usual level a rule needs, for a scope whose usual volume is ``volume``.

    ``thresholds.process.min_count_share`` of the volume the rule's share or count is taken of (the deals due,
    a stage's usual stock, the leads of a source …), at least ``min_count_floor`` and at most ``min_count``: a big
    scope needs ``min_count`` more, a region's small stage a few (never a single one). ``floor_key`` names the
    floor's threshold (a rule whose usual count is nearly zero has its own).
    """
    thr = report.thresholds(NAME)
    scaled = np.asarray(volume, dtype=float) * float(thr["min_count_share"])
    out = np.clip(np.nan_to_num(scaled, nan=0.0), float(thr[floor_key]), float(thr["min_count"]))
    return float(out) if np.ndim(out) == 0 else out


def count_rise_min_p(count: pd.Series, base_total: pd.Series, months: int) -> np.ndarray:
    """The smallest p-value :func:`salesnb.stats.count_rise` can give with ``count + base_total`` events.

    Given the events, each falls in the month with probability 1/(months + 1); all of them there is the extreme.
    """
    total = np.floor(np.nan_to_num(np.asarray(count, dtype=float) + np.asarray(base_total, dtype=float)))
    return (1.0 / (months + 1)) ** total if months else np.ones(len(total))


def confirm(
    report: Report,
    frame: pd.DataFrame,
    fired: pd.Series | np.ndarray,
    p_column: str = "p_value",
    min_p: pd.Series | np.ndarray | None = None,
) -> None:
    """Add ``q_value`` (BH over every segment tested) and ``flagged`` (fired, q below ``fdr``).

    BH over the fired segments only found more planted problems but was too loud on clean data
    (tests/process/test_angle.py::test_clean_data_is_quiet), so every tested segment counts — every one that
    could be confirmed when ``min_p`` is given (:func:`salesnb.evidence.testable`); the others get q = 1.
    """
    fdr = report.thresholds(NAME)["fdr"]
    p = frame[p_column].astype(float)
    q = evidence.q_values(p) if min_p is None else evidence.tarone_q_values(p, min_p, fdr)
    frame["q_value"] = pd.Series(q, index=frame.index)
    confirmed = evidence.confirmed(frame["q_value"], fdr)
    frame["flagged"] = np.asarray(fired, dtype=bool) & confirmed
