"""Ids a file of its own names that a flat export's derived table lacks: a rep with a target who sold nothing.

A flat sales export (one row per order line) makes the reps, customers and products tables from the ids its rows
carry, so one who sold (or bought, or was sold) nothing in the export is in none of them. A target sheet kept
beside it names every rep given a target; one who sold nothing (a manager whose target is the team's, a rep who
left) made the whole dataset invalid: ``targets.rep_id not found in reps.rep_id``. Such an id is the derived
table's all the same, with no sales: it is added as a row of its own and said. When most of the other file's ids
are missing, the two files name the entities differently (工号 beside names): that stays a problem.
"""

from __future__ import annotations

import pandas as pd

from .contract import TABLES
from .messages import Message, counted
from .validation import MAX_EXAMPLES, show_value

MIN_FOUND = 0.5  # share of the other file's distinct ids the derived table must hold: else a naming mismatch


def _derived(raw: dict[str, tuple[str, pd.DataFrame]]) -> set[str]:
    """The keyed tables made from the orders' own file beside the orders (a flat export's reps, customers ...)."""
    orders = raw.get("orders", (None,))[0]
    return {name for name, (source, _) in raw.items() if source == orders and name != "orders" and TABLES[name].key}


def add_unsold(
    tables: dict[str, pd.DataFrame], raw: dict[str, tuple[str, pd.DataFrame]]
) -> tuple[dict[str, pd.DataFrame], list[Message]]:
    """Add to each derived table the ids another file's rows name and it lacks, with one warning per reference.

    ``raw`` maps each contract table to (its source file, its frame); ``tables`` are the contract frames, the
    derived ones one row per id. Returns the tables (the derived ones grown) and the warnings.
    """
    derived, out, warnings = _derived(raw), dict(tables), []
    for name, frame in tables.items():
        if name not in raw or raw[name][0] == raw.get("orders", (None,))[0]:
            continue
        for column, target in TABLES[name].references.items():
            key = TABLES[target].key
            if target not in derived or target not in out or column not in frame.columns or key not in out[target]:
                continue
            named = frame[column].dropna()
            ids = pd.Index(named.unique())
            missing = ids[~ids.isin(out[target][key].dropna())]
            if missing.empty or len(missing) > (1 - MIN_FOUND) * len(ids):
                continue
            rows = named[named.isin(missing)].value_counts().reindex(missing)
            shown = [f"{show_value(value)} ×{n:,}" for value, n in rows.head(MAX_EXAMPLES).items()]
            extra = pd.DataFrame({key: pd.Series(list(missing), dtype=out[target][key].dtype)})
            out[target] = pd.concat([out[target], extra], ignore_index=True)
            warnings.append(
                counted("problem_unsold", len(missing), table=name, column=column, target=target, examples=shown)
            )
    return out, warnings
