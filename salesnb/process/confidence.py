"""How sure a stage finding is: the business rule fires at medium on weak evidence, high needs strong evidence.

Issue 11, item 4, for the stage rules (stock surge, conversion drop): a region's stage sees a handful of deals a
month, so a change of the configured size is rarely "significant" on its own. The finding fires when the
business rule is met and the Benjamini–Hochberg q over the report's stages (or sources) is below
``thresholds.process.indicative_q``, as the market and product rules read weak evidence: a medium finding that
says it may still be normal fluctuation. The stage's own p alone (below 0.1) fired in nearly half of the clean
region reports of six stages. Once q is below ``fdr`` the detail says the change is beyond the usual swing, and
severity follows the revenue at stake (high only with q below ``strong_q``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import evidence
from ..i18n import t
from ..report import Report
from .common import NAME
from .evidence import severity


def flag_weak(report: Report, frame: pd.DataFrame, fired: pd.Series | np.ndarray) -> None:
    """Set ``flagged`` (rule fired, q below ``indicative_q``) and ``confirmed`` (q below ``fdr``) on ``frame``.

    ``frame`` carries ``p_value`` and ``q_value`` (:func:`salesnb.process.evidence.confirm`).
    """
    thr = report.thresholds(NAME)
    fired = np.asarray(fired, dtype=bool)
    frame["flagged"] = fired & (frame["q_value"].astype(float) < float(thr["indicative_q"])).to_numpy()
    frame["confirmed"] = frame["flagged"] & (frame["q_value"].astype(float) < float(thr["fdr"]))


def flag_indicated(
    report: Report, frame: pd.DataFrame, fired: pd.Series | np.ndarray, min_p: pd.Series | np.ndarray
) -> None:
    """:func:`flag_weak` for a rule whose family is Tarone's (:func:`salesnb.evidence.tarone_q_values`): ``min_p``.

    Set ``flagged`` (fired, indicated) and ``confirmed`` (q below ``fdr``) on a frame
    :func:`~salesnb.process.evidence.confirm` has read with ``min_p``. Tarone's family depends on the level it is
    read at: a stage whose smallest possible p lies between ``fdr`` / K and ``indicative_q`` / K (two stalled deals
    where none are usual, p ≈ 0.02, beside two stages that could confirm) is left out of ``fdr``'s family (q = 1)
    and could never be indicated, while a stage kept in that smaller family was read at ``indicative_q`` against
    fewer tests than could reach it. So a fired stage is indicated once its q over Tarone's family at
    ``thresholds.process.indicative_q`` (``indicated_q``: the stages that could be indicated) is below it;
    ``confirmed`` keeps the q over the family that can confirm (a wider family never unflags a confirmed stage).
    """
    gate = float(report.thresholds(NAME)["indicative_q"])
    weak = evidence.tarone_q_values(frame["p_value"].astype(float), min_p, gate)
    frame["indicated_q"] = pd.Series(weak, index=frame.index)
    frame["confirmed"] = frame["flagged"].astype(bool)
    frame["flagged"] = frame["confirmed"] | np.asarray(fired, dtype=bool) & (frame["indicated_q"] < gate).to_numpy()


def stage_severity(report: Report, effect: float, q: float, confirmed: bool) -> str:
    """Medium on weak evidence; once confirmed, from the revenue at stake (at least medium, high below strong_q).

    The stage rules' and the first response's: a confirmed finding never ranks below an unconfirmed one.
    """
    return severity(report, effect, q, strengthen=True) if confirmed else "medium"


def confidence_text(report: Report, confirmed: bool, p: float, subject: str = "stage") -> str:
    """The detail's sentence on how sure the finding is (beyond the usual swing, or possibly still within it).

    ``subject``: what was tested, ``stage`` (deals at a stage) or ``source`` (a lead source's leads).
    """
    key = "proc_f_beyond_swing" if confirmed else "proc_f_maybe_swing"
    key += "" if subject == "stage" else f"_{subject}"
    return t(key, report.lang, p=f"p={p:.2f}" if p >= 0.01 else "p<0.01")
