"""折扣加深的检验: a product line's discount against its own usual discount in the same channel, order by order.

Two things make a line's average discount move without anyone discounting more:

- **Channel mix.** Channels are priced differently (a distributor or an online shop always gets a deeper
  discount than direct sales); a month in which more of the line went through the deep channel has a deeper
  average. So each of this month's orders is compared with the line's usual depth *in the order's channel* over
  the trailing months (direct standardisation: this month's channel mix at the usual channel depths); an order in
  a channel where the line did not sell in the trailing months is left out of the comparison. Without a channel
  column every order has the one channel :data:`~salesnb.data.facts.UNKNOWN`: the line's pooled usual depth.
- **Lines of one order are not independent.** The lines of one order share one negotiation (often one discount),
  so a standard error over order lines counts one decision many times and makes a small shift look certain. Here
  the order is the unit: each order's lines are summed first (revenue and revenue × depth), and the spread is
  that of one order's depth around its channel's level, pooled over this month's and the trailing months' orders
  (:func:`order_spread`), read on Student's t (:func:`normal_z`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm
from scipy.stats import t as student_t

from ..data import facts
from ..data.grouping import sorted_codes
from ..periods import ALL
from ..report import Report
from .common import NAME, coded, lines

CHANNEL_KEYS = ["scope", "line", "channel"]  # an order's usual level is its line's in its channel, in its scope


def order_codes(ds) -> tuple[np.ndarray, np.ndarray]:
    """Each order line's order and channel as integer codes (``-1``: missing); once per dataset."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        data = lines(ds)
        return sorted_codes(data["order_id"])[0], sorted_codes(data["channel"])[0]

    return facts.per_dataset(ds, (NAME, "order_channel_codes"), build)


def order_sums(report: Report, at: np.ndarray, data: pd.DataFrame, now: np.ndarray) -> pd.DataFrame:
    """One row per product line and order among the lines ``at`` (``data``: their :func:`priced` columns).

    Columns: line, channel, region (codes), now (the order is of the report's period), w (list revenue of the
    lines), wx (list revenue × discount over them: the order's depth is 1 − paid ÷ list). Lines without a list
    price or revenue are left out.
    """
    value, weight = data["discount"].to_numpy(dtype=float), data["list_revenue"].to_numpy(dtype=float)
    return orders_of(report, at, np.where(data["revenue"].to_numpy(dtype=float) > 0, value, np.nan), weight, now)


def orders_of(report: Report, at: np.ndarray, value: np.ndarray, weight: np.ndarray, now: np.ndarray) -> pd.DataFrame:
    """:func:`order_sums` of any per-line ``value`` (NaN: left out) with the lines' ``weight`` (e.g. revenue).

    One row per product line and order: the order's weighted value is ``wx ÷ w``.
    """
    order, channel = order_codes(report.ds)
    found = coded(report.ds)
    value = np.asarray(value, dtype=float)
    line = found.codes["product_line"][at]
    weight = np.asarray(weight, dtype=float)
    keep = ~np.isnan(value) & (weight > 0) & (line >= 0) & (order[at] >= 0)
    rows = pd.DataFrame(
        {
            "line": line[keep],
            "order": order[at][keep],
            "channel": channel[at][keep],
            "region": found.codes["region"][at][keep],
            "now": np.asarray(now, dtype=bool)[keep],
            "w": weight[keep],
            "wx": weight[keep] * value[keep],
        }
    )
    sums = {"channel": "first", "region": "first", "now": "first", "w": "sum", "wx": "sum"}
    return rows.groupby(["line", "order"], sort=False).agg(sums).reset_index()


def with_scopes(report: Report, orders: pd.DataFrame, company: pd.DataFrame | None = None) -> pd.DataFrame:
    """``orders`` with a ``scope`` column: the report's region, or in an ALL report ALL and each known region.

    ``company``: the ALL scope's own rows when a line's value depends on its scope (a margin fall is measured
    against the company's usual margin in the ALL scope and the region's in a region's); else ``orders``.
    """
    labels = coded(report.ds).labels["region"]
    region = pd.Series(labels.take(orders["region"].to_numpy()).astype(object), index=orders.index)
    if report.region != ALL:
        return orders.assign(scope=region)
    regional = orders.assign(scope=region)[region.to_numpy() != facts.UNKNOWN]
    whole = orders if company is None else company
    return pd.concat([whole.assign(scope=ALL), regional], ignore_index=True)


def order_spread(orders: pd.DataFrame) -> pd.DataFrame:
    """Per scope and product line: the spread of one order's depth around its channel's depth in its period.

    Each order's depth (wx ÷ w) is compared with the average order's depth of its channel in its period (this
    month, or the trailing months): ``variance`` = Σ residual² ÷ (orders − channel-periods), ``df`` that
    denominator. The orders of this month and of the trailing months are pooled (under no change they scatter
    alike, and the trailing months hold most of them), each around its own period's level, so a deepening
    this month does not widen the spread it is judged by. NaN without a degree of freedom.
    """
    keys = ["scope", "line", "channel", "now"]
    depth = orders["wx"] / orders["w"]
    residual = depth - depth.groupby([orders[k] for k in keys], sort=False).transform("mean")
    frame = orders[["scope", "line"]].assign(ss=residual**2, n=1)
    groups = orders.drop_duplicates(keys).groupby(["scope", "line"], sort=True).size()
    sums = frame.groupby(["scope", "line"], sort=True)[["ss", "n"]].sum()
    df = (sums["n"] - groups.reindex(sums.index)).astype(float)
    return pd.DataFrame({"variance": sums["ss"] / df.where(df > 0), "df": df})


def normal_z(points: pd.Series, se: pd.Series, df: pd.Series) -> pd.Series:
    """``points ÷ se`` read on Student's t with ``df`` degrees of freedom, as the normal z of the same p-value.

    A standard error from a handful of orders is itself uncertain (4 orders can show half the true spread): a
    t of 4 on 3 degrees of freedom is as likely by chance as a normal z of 1.9, not of 4. A spread of zero with a
    difference is certain (±inf); no standard error (no degree of freedom) is NaN.
    """
    ratio = points / se.where(se > 0)
    sure = pd.Series(np.where(points > 0, np.inf, np.where(points < 0, -np.inf, 0.0)), index=points.index)
    ratio = ratio.where(se > 0, sure.where(points.notna())).where(se.notna())
    p = student_t.sf(ratio.to_numpy(dtype=float), np.maximum(df.to_numpy(dtype=float), 1.0))
    return pd.Series(norm.isf(p), index=points.index).where(ratio.notna())


def discount_test(report: Report, at: np.ndarray, data: pd.DataFrame, now: np.ndarray) -> pd.DataFrame:
    """Per scope and product line: this month's discount against the line's usual depth in the same channels.

    ``at``: positions of the report's order lines of the period and the trailing months (``now``: the period's),
    ``data`` their :func:`priced` columns. Columns (indexed by scope and product_line label):

    - ``compared_discount`` — this month's depth (list-price weighted) over the orders compared (in a channel where
      the line sold in the trailing months);
    - ``usual_discount`` — the same orders at the usual depth of their channel: this month's
      channel mix at the usual depths; ``discount_points`` = compared − usual, the size of the finding;
    - ``discount_shift`` — the test's estimate: the average order's depth above its channel's usual order, each
      order counted once (one order is one pricing decision, and a money weight lets one large order carry the
      test); ``discount_se`` = σ × √(1 ÷ n + Σ (n_c ÷ n)² ÷ n_c,usual) its standard error, σ² the spread of one
      order's depth (:func:`order_spread`), n this month's orders, n_c those of channel c and n_c,usual that
      channel's trailing orders;
    - ``discount_z`` — shift ÷ se read on Student's t with the spread's degrees of freedom, as a normal z
      (:func:`normal_z`); ``orders`` — this month's orders compared; ``compared_weight`` — their list revenue
      behind the depth (the weight of ``compared_discount``).
    """
    orders = with_scopes(report, order_sums(report, at, data, now))
    orders = orders.assign(x=orders["wx"] / orders["w"], n=1)
    spread = order_spread(orders)
    base = orders[~orders["now"]].groupby(CHANNEL_KEYS, sort=True)[["w", "wx", "x", "n"]].sum()
    at_usual = pd.MultiIndex.from_frame(orders[CHANNEL_KEYS])
    current = orders.assign(usual=(base["wx"] / base["w"]).reindex(at_usual).to_numpy(),
                            typical=(base["x"] / base["n"]).reindex(at_usual).to_numpy(),
                            base_n=base["n"].reindex(at_usual).to_numpy())  # fmt: skip
    current = current[current["now"] & current["usual"].notna()]
    current = current.assign(wu=current["w"] * current["usual"])
    sums = current.groupby(["scope", "line"], sort=True)[["w", "wx", "wu"]].sum()
    test = shift_test(current, spread)
    frame = pd.DataFrame(
        {
            "compared_discount": sums["wx"] / sums["w"],
            "usual_discount": sums["wu"] / sums["w"],
            "discount_points": (sums["wx"] - sums["wu"]) / sums["w"],
            "discount_shift": test["shift"],
            "discount_se": test["se"],
            "discount_z": test["z"],
            "orders": test["n"],
            "compared_weight": sums["w"],
        }
    )
    return labelled(report, frame)


def shift_test(current: pd.DataFrame, spread: pd.DataFrame) -> pd.DataFrame:
    """Per scope and line: this month's orders (``current``: x, n, typical, base_n) above their channel's usual.

    ``typical`` is the average trailing order's x in the order's channel, ``base_n`` how many trailing orders it
    rests on. ``shift`` = the average order's gap (x − typical), ``se`` = σ × √(1 ÷ n + Σ (n_c ÷ n)² ÷ n_c,usual):
    this month's orders' own scatter plus the error of each channel's usual level, weighted by the channel's share
    of this month's orders (a usual resting on two orders is as uncertain as two orders), σ² from ``spread``
    (:func:`order_spread`); ``z`` = shift ÷ se on Student's t (:func:`normal_z`); ``n`` this month's orders.
    """
    current = current.assign(gap=current["x"] - current["typical"])
    sums = current.groupby(["scope", "line"], sort=True)[["gap", "n"]].sum()
    per_channel = current.groupby(CHANNEL_KEYS, sort=True).agg(n=("n", "sum"), base_n=("base_n", "first"))
    share = per_channel["n"] / per_channel.groupby(level=["scope", "line"])["n"].transform("sum")
    base_factor = (share**2 / per_channel["base_n"]).groupby(level=["scope", "line"]).sum()
    spread = spread.reindex(sums.index)
    shift = sums["gap"] / sums["n"]
    se = np.sqrt(spread["variance"] * (1 / sums["n"] + base_factor.reindex(sums.index)))
    return pd.DataFrame({"shift": shift, "se": se, "z": normal_z(shift, se, spread["df"]), "n": sums["n"]})


def labelled(report: Report, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` indexed by scope and line code, re-indexed by scope and product_line label."""
    labels = coded(report.ds).labels["product_line"]
    index = pd.MultiIndex.from_arrays(
        [frame.index.get_level_values("scope"), labels.take(frame.index.get_level_values("line").to_numpy())],
        names=["scope", "product_line"],
    )
    return frame.set_axis(index)
