"""An id column that does not identify its customers (or reps): ``salesnb map`` reads them by name instead.

Some exports carry a number beside the customer's name that is not the customer's: an account, a ship-to, a
franchise code. Adidas' US sales sheet has ``Retailer ID`` 1185732 on rows of Foot Locker, Sports Direct,
West Gear and Amazon alike, and Foot Locker under three such numbers. Read as the customer id, four retailers
became one customer and the customer analyses (churn, concentration, new customers) spoke of nobody real.

The test is the crossing of the two columns: rows whose id carries several names *and* whose name carries
several ids (each pairing on at least :data:`LEAST` of its id's rows and of its name's, so a typo does not count).
A customer renamed once (one id, two names, each name its own id) is not crossed, nor are namesakes (one name,
two ids, each id one name): there the id still identifies. Past :data:`CROSSED` of the rows, the id is
dropped from the matched columns and the name serves as the id, as for an export that names its customers only.
"""

from __future__ import annotations

import pandas as pd

CROSSED = 0.25  # share of rows in crossed pairings from which the id column is not read as an id
LEAST = 0.05  # share of an id's (a name's) rows a pairing needs to count as one of its several
PAIRS = (("customer_id", "customer_name"), ("rep_id", "rep_name"))  # (the id concept, the name concept)
EXAMPLES = 2  # ids named in the note


def crossed_share(ids: pd.Series, names: pd.Series) -> tuple[float, list[str]]:
    """Share of the rows holding both whose pairing is crossed (see the module doc), and the ids most crossed.

    Names are compared with case and surrounding spaces folded (``Foot Locker``, ``FOOT LOCKER ``: one name).
    """
    both = pd.DataFrame({"id": ids.astype("str").str.strip(), "name": names.astype("str").str.strip().str.casefold()})
    both = both[ids.notna().to_numpy() & names.notna().to_numpy()]
    if both.empty:
        return 0.0, []
    pairs = both.groupby(["id", "name"]).size()
    of_id = pairs / pairs.groupby(level="id").transform("sum")
    of_name = pairs / pairs.groupby(level="name").transform("sum")
    kept = pairs[(of_id >= LEAST) & (of_name >= LEAST)]  # a rare pairing on either side is a typo or a stray row
    several_names = kept.groupby(level="id").transform("size") > 1
    several_ids = kept.groupby(level="name").transform("size") > 1
    crossed = kept[several_names & several_ids]
    share = float(crossed.sum() / len(both))
    worst = crossed.groupby(level="id").sum().sort_values(ascending=False, kind="stable")
    return share, [str(i) for i in worst.index[:EXAMPLES]]


def name_for_crossed_ids(frame: pd.DataFrame, found: dict[str, str]) -> tuple[dict[str, str], list[tuple]]:
    """``found`` (concept -> column) without an id column that crosses its name column, and what was dropped.

    Each dropped id is ``(its concept, id column, name column, share of rows crossed, example ids)``.
    """
    dropped = []
    for key, name in PAIRS:
        if key not in found or name not in found or found[key] == found[name]:
            continue
        share, examples = crossed_share(frame[found[key]], frame[found[name]])
        if share > CROSSED:
            dropped.append((key, found[key], found[name], share, examples))
            found = {concept: column for concept, column in found.items() if concept != key}
    return found, dropped
