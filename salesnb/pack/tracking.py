"""上月行动跟踪: last month's actions, each with its owner and due date, its metric then and now, and its outcome.

Last month's timetable is recomputed from the data (:func:`~salesnb.pack.actions.previous_actions`); whether an
action worked is read from its finding this month (:func:`salesnb.followup.followup_frame`): ``done`` when the
finding is gone, ``not_done`` while it persists, ``worse`` when its severity rose or its revenue at stake grew,
``unconfirmed`` when it is not found in a partial month (too early to call it done:
:func:`~salesnb.followup.gone_status`).
"""

from __future__ import annotations

import pandas as pd

from ..display.panel import Panel
from ..followup import followup_frame, metric_name, previous_months, then_now
from ..i18n import t
from ..report import Report
from .actions import previous_actions

OUTCOME = {"resolved": "done", "unconfirmed": "unconfirmed", "persisting": "not_done", "worse": "worse"}
COLUMNS = ["id", "action", "owner", "due", "metric", "value_then", "value_now", "outcome"]


def tracking_frame(report: Report) -> pd.DataFrame:
    """One row per action of last month: ``COLUMNS`` (``outcome``: done / not_done / worse, or unconfirmed)."""
    actions = {a["id"]: a for a in previous_actions(report)}
    follow = followup_frame(report)
    rows = []
    for row in follow.itertuples(index=False):
        action = actions.get(row.id)
        if action is None:  # a root last month only through this month's linking: not on last month's timetable
            continue
        rows.append(
            {
                "id": row.id, "action": action["action"], "owner": action["owner"], "due": action["due"],
                "metric": row.metric, "value_then": row.value_then, "value_now": row.value_now,
                "outcome": OUTCOME[row.status],
            }
        )  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def tracking_panel(report: Report) -> Panel:
    """The pack's opening section: did last month's actions happen, and did their metric move?"""
    lang = report.lang
    back = previous_months(report)
    if not back:
        return Panel(note=t("followup_no_history", lang))
    frame = tracking_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("pack_tracking_none", lang, period=back[0]))
    table = pd.DataFrame(
        {
            t("col_action", lang): frame["action"],
            t("pack_col_owner", lang): frame["owner"],
            t("pack_col_due", lang): frame["due"],
            t("pack_col_metric", lang): frame["metric"].map(lambda m: metric_name(m, lang)),
            **then_now(frame, frame["outcome"].isin(["done", "unconfirmed"]), lang, so_far=report.partial),
            t("pack_col_outcome", lang): frame["outcome"].map(lambda o: t(f"pack_outcome_{o}", lang)),
        }
    )
    counts = {o: int((frame["outcome"] == o).sum()) for o in ("done", "unconfirmed", "not_done", "worse")}
    key = "pack_tracking_counts_partial" if report.partial else "pack_tracking_counts"  # partial: none is done yet
    return Panel(frame=frame, table=table, note=t(key, lang, period=back[0], day=report.through_day, **counts))
