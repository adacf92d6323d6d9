"""收入桥: a waterfall from the baseline's revenue to the period's.

Its steps: new customers (acquired in the period), customers back after a pause, the baseline's buyers who did not
order again, and the continuing customers' volume, price and mix.
"""

from __future__ import annotations

import pandas as pd

from ..data import facts
from ..data.customers import NEW, UNSPLIT
from ..display import plotting
from ..display.formatting import format_amount, format_pct, signed_amount
from ..display.panel import Panel
from ..i18n import t
from ..market.common import buyer_split
from ..report import Report
from .common import baseline_label, baseline_months, scoped_lines, scoped_orders

BRIDGE_STEPS: tuple[str, ...] = (
    "baseline", "new_customers", "returning_customers", "lost_customers", "volume", "price", "mix", "unnamed",
    "period",
)  # fmt: skip
_SOMETIMES = ("new_or_returning", "continuing", "unnamed")  # steps only some data has: their keys appear only then


def revenue_bridge(report: Report, baseline: str = "previous_month") -> pd.DataFrame:
    """Revenue bridge from the baseline to the period: one row per waterfall bar.

    With ``R0``/``R1`` the baseline/period revenue of the scope (a trailing baseline is the average month):

    - ``new_customers`` = period revenue of buyers acquired in the period (their first order, or an earlier
      ``customers.acquired_at``: the market page's new customers, :func:`~salesnb.market.common.buyer_split`);
    - ``returning_customers`` = period revenue of the other buyers with no order in the baseline: customers
      before it who came back; in the data's warm-up (a period before the market page counts new customers)
      the two are one step, ``new_or_returning``: a buyer first seen may have bought before the export began;
    - ``lost_customers`` = − baseline revenue of buyers with no order in the period;
    - continuing customers (orders in both) at product level, with ``q`` units and ``p = revenue / units`` per
      product, ``Q = Σ q`` and ``P̄₀ = R0_cont / Q0`` the baseline average price:
      ``volume`` = (Q1 − Q0) × P̄₀; ``price`` = Σ (p1 − p0) × q1 over products sold in both;
      ``mix`` = (R1_cont − R0_cont) − volume − price (the remainder, so the parts add up exactly).

    Without order_lines the continuing customers' change is one ``continuing`` step. When the orders name no
    customer there are no customer steps: volume, price and mix (or ``continuing``) split the whole change.
    When some orders name no customer (walk-in sales, guests), their revenue's change is one ``unnamed`` step.
    Columns: step (key), label, value, is_total; the first row is the baseline total, the last the period total,
    and the steps in between add up to their difference. Empty frame when the data does not cover the baseline.
    """
    months = baseline_months(report, baseline)
    lang = report.lang
    columns = ["step", "label", "value", "is_total"]
    if not months:
        return pd.DataFrame(columns=columns)
    n = len(months)
    period, base = scoped_orders(report, report.period), scoped_orders(report, months)
    now = period.groupby("customer_id")["revenue"].sum()  # orders without a customer are left out here ...
    before = base.groupby("customer_id")["revenue"].sum() / n
    r1, r0 = float(period["revenue"].sum()), float(base["revenue"].sum()) / n
    unnamed = (r1 - float(now.sum())) - (r0 - float(before.sum()))  # ... and are one step of their own
    steps = [("baseline", r0, True)]
    if report.buyers_named:
        continuing = now.index.intersection(before.index)
        absent = now.drop(continuing)
        kinds = buyer_split(report, absent.index.to_series(), report.period).to_numpy()
        if (kinds == UNSPLIT).any():  # the data's warm-up: first seen is not new, nor known to be back
            steps.append(("new_or_returning", float(absent.sum()), False))
        else:
            steps += [
                ("new_customers", float(absent[kinds == NEW].sum()), False),
                ("returning_customers", float(absent[kinds != NEW].sum()), False),
            ]
        steps.append(("lost_customers", -float(before.drop(continuing).sum()), False))
        change = float(now[continuing].sum() - before[continuing].sum())
    else:  # orders without customers: every sale is the volume, price and mix of one whole
        continuing, change = None, r1 - r0
        unnamed = 0.0
    if report.ds.has("order_lines") and not facts.line_facts(report.ds).empty:
        parts = _volume_price_mix(
            scoped_lines(report, report.period), scoped_lines(report, months), continuing, n, change
        )  # fmt: skip
        steps += [(k, parts[k], False) for k in ("volume", "price", "mix")]
    else:
        steps.append(("continuing", change, False))
    if period["customer_id"].isna().any() or base["customer_id"].isna().any():
        steps.append(("unnamed", unnamed, False))
    steps.append(("period", r1, True))
    label = {"baseline": baseline_label(baseline, lang, report.config["baselines"]["trailing_months"])}
    return pd.DataFrame(
        [(key, label.get(key) or t(f"drv_step_{key}", lang), float(value), total) for key, value, total in steps],
        columns=columns,
    )


def _volume_price_mix(
    now: pd.DataFrame, before: pd.DataFrame, customers: pd.Index | None, months: int, change: float
) -> dict[str, float]:
    """Volume, price and mix of the continuing customers' (every line's, when ``None``) revenue ``change``."""
    if customers is not None:
        now, before = now[now["customer_id"].isin(customers)], before[before["customer_id"].isin(customers)]
    q1 = now.groupby("product_id")[["quantity", "revenue"]].sum()
    q0 = before.groupby("product_id")[["quantity", "revenue"]].sum() / months
    units1, units0 = float(q1["quantity"].sum()), float(q0["quantity"].sum())
    average0 = float(q0["revenue"].sum()) / units0 if units0 > 0 else 0.0
    volume = (units1 - units0) * average0
    both = q1.add_suffix("1").join(q0.add_suffix("0"), how="inner")
    both = both[(both["quantity1"] > 0) & (both["quantity0"] > 0)]
    p1 = both["revenue1"] / both["quantity1"]
    p0 = both["revenue0"] / both["quantity0"]
    price = float(((p1 - p0) * both["quantity1"]).sum())
    return {"volume": volume, "price": price, "mix": change - volume - price}


def bridge_metrics(report: Report) -> dict[str, float | None]:
    """The bridge against last month as plain numbers: ``bridge_<step>`` per step (``None`` when not computable)."""
    frame = revenue_bridge(report, "previous_month")
    values = dict(zip(frame["step"], frame["value"], strict=True))
    keys = [*BRIDGE_STEPS, "new_or_returning", "continuing"]
    return {
        f"bridge_{k}": (float(values[k]) if k in values else None) for k in keys if k in values or k not in _SOMETIMES
    }


def bridge_panel(report: Report, baseline: str = "previous_month") -> Panel:
    """收入桥: a waterfall from the baseline's revenue to this month's, with the table of parts and their shares."""
    lang = report.lang
    frame = revenue_bridge(report, baseline)
    name = baseline_label(baseline, lang, report.config["baselines"]["trailing_months"])
    if frame.empty:
        return Panel(frame=frame, note=t("drv_no_baseline", lang, baseline=name))
    ax = plotting.plot_waterfall(
        frame, label="label", value="value", total="is_total", lang=lang,
        title=f"{t('drv_bridge_title', lang)} · {report.region_label} · {name} → "
              f"{report.period_label}",
    )  # fmt: skip
    base = float(frame["value"].iloc[0])
    total = float(frame["value"].iloc[-1]) - base
    steps = frame[~frame["is_total"]]
    table = pd.DataFrame(
        {
            t("drv_step", lang): frame["label"],
            t("drv_amount", lang): [
                format_amount(v, lang) if k else signed_amount(v, lang)
                for v, k in zip(frame["value"], frame["is_total"], strict=True)
            ],
            t("drv_pull", lang): [
                "" if k else format_pct(v / base if base else None, signed=True)
                for v, k in zip(frame["value"], frame["is_total"], strict=True)
            ],
        }
    )
    growth = format_pct(total / base if base else None, signed=True)
    key = "drv_bridge_note" if report.buyers_named else "drv_bridge_note_orders"
    note = t(key, lang, total=signed_amount(total, lang), growth=growth) if len(steps) else ""
    if "new_or_returning" in set(frame["step"]):
        note += " " + t("drv_bridge_warm_up_note", lang)
    if "unnamed" in set(frame["step"]):
        note += " " + t("drv_bridge_unnamed_note", lang)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)
