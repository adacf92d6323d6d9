"""The business rule fires a finding; statistical evidence confirms it and sets its severity (issue 11, item 4).

One pattern for every angle. A rule tests many segments in one report (every channel, rep, stage …): reading each
p-value against a fixed very low gate hides real problems of sample-like volume, while a loose gate flags noise.
Instead the configured business rule (a change of the configured size on enough volume) fires the finding, the
p-values of the segments the rule tests in the report are adjusted together (Benjamini–Hochberg, :func:`q_values`)
and a q-value below ``thresholds.<angle>.fdr`` confirms it (:func:`confirmed`). The severity
(:func:`severity`) comes from the revenue at stake, raised to medium when the segment's own change is a collapse
(``thresholds.<angle>.collapse``, where the angle sets one) and held at medium when the q-value is above
``thresholds.<angle>.strong_q``. The angles pass their thresholds in, so each names the keys it reads.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from . import stats
from .findings import severity_of

LEVELS = ("low", "medium", "high")


def q_values(pvalues: np.ndarray | pd.Series | list) -> np.ndarray:
    """Benjamini–Hochberg q-values of the p-values of one rule's tests in one report (see :func:`stats.bh_adjust`)."""
    return stats.bh_adjust(pvalues)


def testable(min_p: pd.Series | np.ndarray | list, fdr: float) -> np.ndarray:
    """Which segments count in the Benjamini–Hochberg family: Tarone's rule for discrete tests (Gilbert 2005).

    ``min_p`` is the smallest p-value each segment's test could give with its counts (a region's stage that held
    one deal in six months cannot be confirmed whatever happens). The family is the segments with
    ``min_p ≤ fdr / K`` for the smallest K that makes them at most K: a test that can never confirm does not
    dilute the ones that can.
    """
    low = np.nan_to_num(np.asarray(min_p, dtype=float), nan=1.0)
    for k in range(1, len(low) + 1):
        family = low <= fdr / k
        if family.sum() <= k:
            return family
    return np.ones(len(low), dtype=bool)


def tarone_q_values(
    pvalues: pd.Series | np.ndarray | list, min_p: pd.Series | np.ndarray | list, fdr: float
) -> np.ndarray:
    """:func:`q_values` over the segments that could be confirmed (:func:`testable`); the others get q = 1.

    A segment without a p-value keeps a NaN q-value (it was not tested at all).
    """
    p = np.asarray(pvalues, dtype=float)
    family = testable(min_p, fdr)
    q = q_values(np.where(family, p, np.nan))
    return np.where(family | np.isnan(p), q, 1.0)


def confirmed(q: Any, fdr: float) -> Any:
    """Whether the evidence confirms a fired rule: q-value(s) below ``fdr`` (a NaN q-value never confirms)."""
    if isinstance(q, pd.Series | np.ndarray):
        return np.asarray(q, dtype=float) < fdr
    return q is not None and not math.isnan(float(q)) and float(q) < fdr


def severity(
    report: Any,
    effect: float | None,
    q: float,
    *,
    strong_q: float,
    collapse: float | None = None,
    change: float | None = None,
    strengthen: bool = False,
    cap: bool = False,
) -> str:
    """Severity of a confirmed finding: revenue at stake, raised by a collapse, capped by weak evidence.

    - from the revenue at stake against the report's revenue (:func:`salesnb.findings.severity_of`);
    - at least medium when ``|change|`` (the segment's relative change) reaches ``collapse`` (the angle's
      ``thresholds.<angle>.collapse``: a segment losing that share is a problem however small its share of
      revenue) or ``strengthen`` (history confirms it);
    - at most medium when the q-value is above ``strong_q`` or ``cap`` (the problem rests on the configuration
      alone).
    """
    level = severity_of(effect, report.revenue, report.config)
    big = change is not None and collapse is not None and math.isfinite(change) and abs(change) >= collapse
    if level == "low" and (big or strengthen):
        level = "medium"
    level = stats.capped_severity(level, q, strong_q)
    return "medium" if cap and level == "high" else level
