"""How a helpdesk writes a ticket's priority (紧急/高/中/低, Urgent/High, P1..P4), reduced to one level.

The words are data (``priority_words.yaml``), compared as :func:`~.status_words.status_key` compares a deal's
status, so ``P1``, ``p-1`` and ``P 1`` are one word. The support angle judges each ticket against its level's
SLA (``thresholds.support.priority_sla_hours``); a word not listed has no level (the fallback SLA).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources

import pandas as pd
import yaml

from .status_words import status_key

_LEVELS = yaml.safe_load(resources.files("salesnb").joinpath("data", "priority_words.yaml").read_text("utf-8"))
PRIORITY_WORDS: dict[str, str] = {
    str(word).casefold(): level for level, words in _LEVELS["levels"].items() for word in words
}


def priority_level(values: pd.Series, own: Mapping[str, Iterable[str]] | None = None) -> pd.Series:
    """Each ticket's priority level (``urgent``/``high``/``medium``/``low``), missing when empty or not a known word.

    ``own``: the company's own words per level (``support.priority_words`` of the configuration: a helpdesk that
    writes VIP or 加急单), read before the bundled ones, so a company may also move a word to another level.
    """
    words = dict(PRIORITY_WORDS)
    for level, extra in (own or {}).items():
        words.update({status_key(pd.Series([str(word)])).iloc[0]: str(level) for word in extra})
    known = values.notna()
    levels = pd.Series(pd.NA, index=values.index, dtype="object")
    levels[known] = status_key(values[known]).map(words)
    return levels
