"""How a CRM writes a deal's or a lead's status, reduced to one key before it is looked up.

Salesforce and Zoho write ``Closed Won`` / ``Closed Lost`` and ``Closed - Converted`` / ``Closed - Not Converted``,
HubSpot's API ``closedwon``, others ``closed_won`` or ``Won``: case, spaces and the marks between the words
(``-``, ``_``, ``/``, ``:``, ``.``) are dropped, so each spelling is one key of :data:`DEAL_WORDS` /
:data:`LEAD_WORDS` (read by :mod:`salesnb.data.deals` and :mod:`salesnb.data.leads`).
"""

from __future__ import annotations

import pandas as pd

DEAL_WORDS: dict[str, str] = {
    "won": "won",
    "win": "won",
    "closedwon": "won",  # Salesforce, Zoho, HubSpot (its API: closedwon)
    "赢单": "won",
    "已赢单": "won",
    "成交": "won",
    "已成交": "won",
    "lost": "lost",
    "lose": "lost",
    "closedlost": "lost",
    "closedlosttocompetition": "lost",  # Zoho
    "输单": "lost",
    "已输单": "lost",
    "丢单": "lost",
    "open": "open",
    "进行中": "open",
}

LEAD_WORDS: dict[str, str] = {
    "new": "new",
    "opennotcontacted": "new",  # Salesforce's lead statuses
    "新": "new",
    "新线索": "new",
    "qualified": "qualified",
    "workingcontacted": "qualified",
    "跟进中": "qualified",
    "已确认": "qualified",
    "disqualified": "disqualified",
    "unqualified": "disqualified",
    "closednotconverted": "disqualified",
    "无效": "disqualified",
    "已淘汰": "disqualified",
    "converted": "converted",
    "closedconverted": "converted",
    "已转化": "converted",
    "已转商机": "converted",
}


def status_key(status: pd.Series) -> pd.Series:
    """Each raw status as a lookup key: lower case, without spaces and the marks ``-_/:.`` between words.

    Each distinct status is reduced once and handed to its rows: a million leads hold a handful of statuses, and
    the regular expression per row cost a second there. Same values, dtype, index and name as reducing every row.
    """
    codes, distinct = pd.factorize(status, use_na_sentinel=False)
    keys = _reduced(pd.Series(distinct, dtype=status.dtype))
    return pd.Series(keys.array.take(codes), index=status.index, name=status.name)


def _reduced(status: pd.Series) -> pd.Series:
    return status.astype(str).str.lower().str.replace(r"[\s\-_/:.]+", "", regex=True)
