"""Lead facts shared by every angle: one row per lead, with its size band, response time and decision.

A lead is *decided* when it was converted (the time its opportunity was created) or disqualified (its first
response, else its creation: the data holds no status date, so a disqualification is taken as decided when the
lead was first handled). Leads still new or qualified are *open*.

A lead's size band is :func:`salesnb.data.facts.size_band` of its company size, the one band every angle uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dataset import Dataset
from .event_months import event_months
from .facts import UNKNOWN, per_dataset, positions, size_band, take
from .lookups import map_distinct
from .status_words import LEAD_WORDS, status_key

LEAD_STATUS: dict[str, str] = LEAD_WORDS  # spellings included: Closed - Not Converted (status_words)


def lead_facts(ds: Dataset, size_edges: list[float] | tuple[float, ...]) -> pd.DataFrame:
    """One row per lead, ready for the funnel, the source analyses and scoring (computed once per dataset).

    Columns: lead_id, created_at, month, source, region (the lead's, else its rep's, else its opportunity's),
    company_size, size_band, industry, rep_id, first_response_at, response_hours, status (new / qualified /
    disqualified / converted), opportunity_id, converted_at (its opportunity's creation), decided_at,
    converted (1.0 converted, 0.0 disqualified, NaN undecided).
    """
    return per_dataset(ds, ("leads", tuple(size_edges)), lambda: _build_leads(ds, size_edges))


def _build_leads(ds: Dataset, size_edges) -> pd.DataFrame:
    leads = ds["leads"]
    frame = pd.DataFrame(
        {
            "lead_id": leads["lead_id"].astype(str),
            "created_at": leads["created_at"],
            "source": leads["source"].fillna(UNKNOWN).astype(str).str.strip(),
            "company_size": pd.to_numeric(leads["company_size"], errors="coerce").astype(float),
            "industry": leads["industry"].fillna(UNKNOWN).astype(str).str.strip(),
            "rep_id": leads["rep_id"],
            "first_response_at": leads["first_response_at"],
            "opportunity_id": leads["opportunity_id"],
        }
    )
    frame["month"] = event_months(ds, frame["created_at"])
    frame["size_band"] = size_band(frame["company_size"], size_edges)
    hours = (frame["first_response_at"] - frame["created_at"]).dt.total_seconds() / 3600.0
    frame["response_hours"] = hours.where(hours >= 0)
    region = leads["region"]
    reps = ds.get("reps")
    if reps is not None:
        region = region.fillna(frame["rep_id"].map(reps.drop_duplicates("rep_id").set_index("rep_id")["region"]))
    opps = ds.get("opportunities")
    converted_at = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if opps is not None:
        by_id = opps.drop_duplicates("opportunity_id")
        at = positions(by_id["opportunity_id"], frame["opportunity_id"])  # one lookup for both columns
        region = region.fillna(take(by_id["region"], at, frame.index))
        converted_at = take(by_id["created_at"], at, frame.index).astype("datetime64[ns]")
    frame["region"] = region.fillna(UNKNOWN).astype(str)
    status = map_distinct(status_key(leads["status"]), LEAD_STATUS)
    has_opp = frame["opportunity_id"].notna()
    status = status.where(status.notna(), np.where(has_opp, "converted", "new"))
    status = status.mask(has_opp & status.isin(["new", "qualified"]), "converted")
    frame["status"] = status.astype(str)
    frame["converted_at"] = converted_at
    handled = frame["first_response_at"].fillna(frame["created_at"])
    decided = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    is_conv, is_disq = frame["status"].eq("converted"), frame["status"].eq("disqualified")
    decided = decided.mask(is_conv, converted_at.fillna(handled)).mask(is_disq, handled)
    frame["decided_at"] = decided
    frame["converted"] = np.where(is_conv, 1.0, np.where(is_disq, 0.0, np.nan))
    return frame
