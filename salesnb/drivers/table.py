"""驱动因素排名: each segment's contribution to the change against the baseline and to the gap to target.

Split into volume, mix and rate effects, per region (ALL report), product line, channel, rep and company size band.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..data import facts
from ..data.early_ends import ended_on
from ..data.targets import segment_targets, total_target
from ..display.formatting import format_amounts, signed_amount
from ..display.panel import Panel
from ..display.plotting.drivers import plot_drivers
from ..errors import ParameterError
from ..i18n import joined, t
from ..periods import ALL
from ..report import Report, scope_memo
from .common import baseline_label, baseline_months, scoped_lines, scoped_orders

DIMENSIONS: tuple[str, ...] = ("region", "product_line", "channel", "rep_id", "size_band")
UNALLOCATED = "__unallocated__"  # driver-table segment holding target not allocated to any segment


def _driver_size_band(report: Report, customer_ids: pd.Series) -> pd.Series:
    """Each customer's size band (:func:`~salesnb.data.facts.size_band`; unknown without an employee count)."""
    customers = report.ds.get("customers")
    if customers is None:
        return pd.Series(facts.UNKNOWN, index=customer_ids.index)
    size = customer_ids.map(customers.set_index("customer_id")["employee_count"])
    return facts.size_band(size, list(report.config["customers"]["size_bands"]))


def _dimensions(report: Report) -> tuple[list[str], list[str], dict[str, str]]:
    """The dimensions the driver ranking uses, those the data lacks, and those of one value (dimension → value).

    Region only in the ALL report; a dimension whose every value in the data is unknown (no region, no channel
    or rep column, no product lines, no employee counts) is skipped rather than ranked as one "未知" segment. So is
    one holding a single value on every order (an ERP's 分销渠道 of 批发 alone), or on every order of the report's
    region (a region selling through one channel of several): its one segment is the whole change, and ranked
    first it named the whole company (or region) as the driver.
    """
    used, lacking, single = [], [], {}
    for dim in DIMENSIONS:
        if dim == "region" and report.region != ALL:
            continue
        values = _present(report, dim)
        if len(values) > 1 and report.region != ALL and dim != "size_band":
            values = _present(report, dim, report.region)  # the region's own: several company-wide, one here
        if not values:
            lacking.append(dim)
        elif len(values) == 1 and values[0] != facts.UNKNOWN:
            single[dim] = values[0]
        else:
            used.append(dim)
    return used, lacking, single


def _present(report: Report, dim: str, region: str = ALL) -> tuple[str, ...]:
    """The values of ``dim`` in the data of ``region``, up to two: none known, one, or several (unknown is one).

    A property of the dataset: looked at once per dataset and region, not by every report (it scans whole columns).
    """
    return report.cached("drivers", ("present", dim, region), lambda ds: _holds(ds, dim, region))


def _holds(ds: Any, dim: str, region: str = ALL) -> tuple[str, ...]:
    if dim == "product_line":
        lines = facts.line_facts(ds) if ds.has("order_lines") else None
        return () if lines is None else _values(facts.in_region(lines, region)["product_line"])
    if dim == "size_band":
        customers = ds.get("customers")
        counts = None if customers is None else customers["employee_count"]
        return () if counts is None or counts.isna().all() else _values(counts.astype("string").fillna(facts.UNKNOWN))
    return _values(facts.in_region(facts.order_facts(ds), region)[dim])


def _values(values: pd.Series) -> tuple[str, ...]:
    """Up to two distinct values of a column, an unknown one as :data:`~salesnb.data.facts.UNKNOWN`.

    ``()`` when every value is unknown.
    """
    unknown = facts.is_unknown(values)
    if unknown.all():
        return ()
    known = pd.unique(values[~unknown].astype("string").str.strip())[:2]
    return tuple(str(v) for v in known) + ((facts.UNKNOWN,) if unknown.any() and len(known) < 2 else ())


def _segment_amounts(report: Report, dim: str, months: list[str] | str) -> pd.DataFrame:
    """Revenue and volume (orders; orders containing the line for product lines) per segment, per average month."""
    n = 1 if isinstance(months, str) else max(len(months), 1)
    if dim == "product_line":
        data = scoped_lines(report, months)
        groups = data.groupby("product_line")
        grouped = pd.DataFrame({"revenue": groups["revenue"].sum(), "orders": groups["order_id"].nunique()})
    else:  # plain reductions: named aggregation costs more to set up than to run at a report's size
        data = scoped_orders(report, months)
        key = _driver_size_band(report, data["customer_id"]) if dim == "size_band" else data[dim].fillna(facts.UNKNOWN)
        groups = data.groupby(key.astype(str).rename("segment"))
        grouped = pd.DataFrame({"revenue": groups["revenue"].sum(), "orders": groups["order_id"].size()})
    return (grouped / n).rename_axis("segment")


def _segment_target_values(report: Report, dim: str) -> pd.Series | None:
    """Targets per segment set in the data (regions, product lines, reps), or ``None`` (split by baseline shares)."""
    ds = report.ds
    if not ds.has("targets"):
        return None
    if dim == "region":
        values = {r: total_target(ds, [report.period], r) for r in facts.regions(ds)}
        values = {r: v for r, v in values.items() if v is not None}
        return pd.Series(values, dtype=float) if values else None
    if dim in ("product_line", "rep_id"):
        values = segment_targets(ds, report.period, report.region, dim)
        return values if len(values) else None
    return None


def _split(r1: pd.Series, v1: pd.Series, ref: pd.Series, v_ref: pd.Series, rate0: pd.Series) -> pd.DataFrame:
    """Volume, mix and rate effects of ``r1 − ref`` per segment (see :func:`driver_table`); they add up exactly."""
    total_v1, total_ref_v = float(v1.sum()), float(v_ref.sum())
    scale = total_v1 / total_ref_v if total_ref_v > 0 else float("nan")
    volume = (scale - 1) * ref
    mix = v1 * rate0 - scale * ref
    rate = r1 - v1 * rate0
    return pd.DataFrame({"volume": volume, "mix": mix, "rate": rate})


@scope_memo  # the panel and the published metrics read one computation
def driver_table(report: Report, baseline: str = "previous_month") -> pd.DataFrame:
    """Ranked drivers: each segment's contribution to the change against the baseline and to the gap to target.

    Dimensions: region (ALL report only), product_line (needs order_lines), channel, rep_id, size_band (company
    size bands of ``customers.size_bands``; needs customers). Within a dimension, segment ``s`` has revenue ``R_s``
    and volume ``V_s`` = its orders (for product lines: the orders containing the line), so revenue per order
    ``r_s = R_s / V_s``; ``V = Σ V_s``, order share ``m_s = V_s / V``; suffix 1 = period, 0 = baseline.

    Change against the baseline, ``gap = R1_s − R0_s`` = volume + mix + rate:

    - ``volume`` = (V1 / V0 − 1) × R0_s — the whole dimension's order count changed, at the baseline mix and rate;
    - ``mix`` = V1 × (m1_s − m0_s) × r0_s — the segment's share of orders changed, at its baseline rate;
    - ``rate`` = V1_s × (r1_s − r0_s) — the segment's own revenue per order changed.

    (A segment without baseline orders takes the dimension's baseline revenue per order as ``r0_s``.)

    Gap to target, ``target_gap = R1_s − T_s``, is split the same way with the target in the baseline's place: the
    target is read as the orders it needs at the baseline revenue per order, ``VT_s = T_s / r0_s``. Segment
    targets come from the data for regions, product lines and reps; otherwise (and for channel and size band)
    the report's total target is split by baseline revenue shares (``target_source`` = ``allocated``). Target
    not allocated to any segment is a row of its own (segment ``__unallocated__``), so every dimension's
    segments add up to the total gap: Σ gap = R1 − R0 and Σ target_gap = R1 − T per dimension.

    Columns: dimension, segment, label, revenue, baseline_revenue, orders, baseline_orders, gap, volume, mix,
    rate, target, target_gap, target_volume, target_mix, target_rate, target_source, rank. Ranked by the
    contribution to the change against the baseline in the direction of the total change (the segments that
    explain most of a fall come first when revenue fell).
    """
    months = baseline_months(report, baseline)
    columns = ["dimension", "segment", "label", "revenue", "baseline_revenue", "orders", "baseline_orders", "gap",
               "volume", "mix", "rate", "target", "target_gap", "target_volume", "target_mix", "target_rate",
               "target_source", "rank"]  # fmt: skip
    if not months:
        return pd.DataFrame(columns=columns)
    total_target_value = total_target(report.ds, [report.period], report.region)
    names = _rep_names(report)
    parts = []
    for dim in _dimensions(report)[0]:
        now = _segment_amounts(report, dim, report.period)
        before = _segment_amounts(report, dim, months)
        frame = now.add_suffix("1").join(before.add_suffix("0"), how="outer").fillna(0.0)
        frame = frame.rename(columns={"revenue1": "revenue", "revenue0": "baseline_revenue", "orders1": "orders",
                                      "orders0": "baseline_orders"})  # fmt: skip
        overall = (
            frame["baseline_revenue"].sum() / frame["baseline_orders"].sum()
            if frame["baseline_orders"].sum()
            else np.nan
        )
        rate0 = (frame["baseline_revenue"] / frame["baseline_orders"].where(frame["baseline_orders"] > 0)).fillna(
            overall
        )
        split = _split(frame["revenue"], frame["orders"], frame["baseline_revenue"], frame["baseline_orders"], rate0)
        frame = frame.join(split)
        frame["gap"] = frame["revenue"] - frame["baseline_revenue"]
        frame = _with_target(frame, rate0, overall, total_target_value, _segment_target_values(report, dim))
        frame = frame.rename_axis("segment").reset_index()
        frame.insert(0, "dimension", dim)
        labels = frame["segment"].map(names) if dim == "rep_id" else frame["segment"]
        frame["label"] = (
            labels.astype(object)
            .fillna(frame["segment"])  # no rep named: all NaN, a float column pandas 4 won't fill
            .where(frame["segment"] != UNALLOCATED, t("drv_unallocated", report.lang))
            .where(frame["segment"] != facts.UNKNOWN, t("drv_unknown", report.lang))
        )
        parts.append(frame)
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if table.empty:
        return pd.DataFrame(columns=columns)
    total_change = float(table.loc[table["dimension"] == table["dimension"].iloc[0], "gap"].sum())
    direction = -1.0 if total_change < 0 else 1.0
    table["_key"] = table["gap"] * direction
    table = table.sort_values(["_key", "dimension", "segment"], ascending=[False, True, True], kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    return table.drop(columns="_key").reset_index(drop=True)[columns]


def _with_target(
    frame: pd.DataFrame, rate0: pd.Series, overall: float, total: float | None, targets: pd.Series | None
) -> pd.DataFrame:
    """Add target, target_gap and its volume/mix/rate split (see :func:`driver_table`)."""
    out = frame.copy()
    for column in ("target", "target_gap", "target_volume", "target_mix", "target_rate"):
        out[column] = np.nan
    out["target_source"] = ""
    if total is None:
        return out
    if targets is not None:
        target = targets.reindex(out.index.union(targets.index)).fillna(0.0)
        source = "set"
    else:
        base = out["baseline_revenue"]
        if base.sum() <= 0:
            return out
        target = total * base / base.sum()
        source = "allocated"
    out = out.reindex(target.index.astype(str)).fillna({c: 0.0 for c in ("revenue", "baseline_revenue", "orders",
                                                                          "baseline_orders", "gap", "volume", "mix",
                                                                          "rate")})  # fmt: skip
    target.index = target.index.astype(str)
    rate0 = rate0.reindex(out.index).fillna(overall)
    residual = total - float(target.sum())
    if abs(residual) > 1e-9 * max(abs(total), 1.0):
        extra = pd.DataFrame({c: [0.0] for c in out.columns if c != "target_source"}, index=[UNALLOCATED])
        out = pd.concat([out, extra])
        target = pd.concat([target, pd.Series({UNALLOCATED: residual})])
        rate0 = pd.concat([rate0, pd.Series({UNALLOCATED: overall})])
    out["target"] = target.reindex(out.index)
    out["target_gap"] = out["revenue"] - out["target"]
    needed = out["target"] / rate0
    split = _split(out["revenue"], out["orders"], out["target"], needed, rate0)
    out["target_volume"], out["target_mix"], out["target_rate"] = split["volume"], split["mix"], split["rate"]
    out["target_source"] = source
    return out


def _rep_names(report: Report) -> pd.Series:
    """``rep_id → rep_name`` (empty without a reps table)."""
    reps = report.ds.get("reps")
    if reps is None:
        return pd.Series(dtype=object)
    return reps.set_index("rep_id")["rep_name"].dropna().astype(str)


def driver_panel(report: Report, baseline: str = "previous_month", against: str = "baseline") -> Panel:
    """驱动因素排名: the segments explaining most of the change (``against="baseline"``) or of the gap to target."""
    lang = report.lang
    if against not in ("baseline", "target"):
        raise ParameterError(f"against must be 'baseline' or 'target'; got {against!r}")
    frame = driver_table(report, baseline)
    name = baseline_label(baseline, lang, report.config["baselines"]["trailing_months"])
    if frame.empty:
        covered = bool(baseline_months(report, baseline))
        note = t("no_data", lang) if covered else t("drv_no_baseline", lang, baseline=name)
        if not _dimensions(report)[0]:  # nothing to rank by: the month has data, the export has no split of it
            return Panel(frame=frame, note=t("drv_no_dimensions", lang) + _skipped_note(report))
        return Panel(frame=frame, note=note + _skipped_note(report))
    prefix = "" if against == "baseline" else "target_"
    if against == "target" and frame["target"].isna().all():
        return Panel(frame=frame, note=t("drv_no_target", lang))
    ranked = frame
    if against == "target":
        total_gap = float(frame.loc[frame["dimension"] == frame["dimension"].iloc[0], "target_gap"].sum())
        key = frame["target_gap"] * (-1.0 if total_gap < 0 else 1.0)
        ranked = frame.assign(_k=key).sort_values(
            ["_k", "dimension", "segment"], ascending=[False, True, True], kind="stable"
        )
    shown = ranked.head(report.config["report"]["top_n"]).copy()
    shown["label"] = _early_end_labels(report, shown)
    shown["row"] = [f"{t('drv_dim_' + d, lang)} · {s}" for d, s in zip(shown["dimension"], shown["label"], strict=True)]
    title_key = "drv_drivers_title" if against == "baseline" else "drv_drivers_title_target"
    split = report.orders_counted  # a summary's rows are no orders: its change is not split by them
    total_column = "gap" if against == "baseline" else "target_gap"
    ax = plot_drivers(
        shown, label="row", parts=(f"{prefix}volume", f"{prefix}mix", f"{prefix}rate") if split else (total_column,),
        total=total_column, lang=lang,
        title=f"{t(title_key, lang)} · {report.region_label}",
    )  # fmt: skip

    def money(column: str) -> list[str]:
        return [signed_amount(v, lang) if not pd.isna(v) else "—" for v in shown[column]]

    table = pd.DataFrame(
        {
            t("drv_dimension", lang): shown["dimension"].map(lambda d: t(f"drv_dim_{d}", lang)),
            t("drv_segment", lang): shown["label"],
            t("drv_value", lang): format_amounts(shown["revenue"], lang),
            name: format_amounts(shown["baseline_revenue"], lang),
            t("drv_gap_baseline", lang): money("gap"),
            t("drv_part_volume", lang): money(f"{prefix}volume"),
            t("drv_part_mix", lang): money(f"{prefix}mix"),
            t("drv_part_rate", lang): money(f"{prefix}rate"),
            t("drv_target", lang): format_amounts(shown["target"], lang),
            t("drv_gap_target", lang): money("target_gap"),
        }
    )
    if not split:
        table = table.drop(columns=[t(f"drv_part_{part}", lang) for part in ("volume", "mix", "rate")])
    first = frame["dimension"].iloc[0]
    total = float(frame.loc[frame["dimension"] == first, total_column].sum())
    key = "drv_drivers_note" if split else "drv_drivers_totals_note"
    note = t(key, lang, total=signed_amount(total, lang)) + _skipped_note(report)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def _early_end_labels(report: Report, shown: pd.DataFrame) -> list[str]:
    """Each row's label, ``Kadehome（数据止于 2022-09-06）`` where its part of the export ends days early.

    Its fall is the export's, not the segment's (:mod:`salesnb.data.early_ends`): the header says so and no rule
    makes it a finding, but the ranking sums what the data holds and would still lead with it.
    """
    ends = {d: ended_on(report.ds, d, report.period) for d in ("channel", "region")}
    return [
        f"{label}{t('drv_early_end', report.lang, last=ends[d][s])}" if s in ends.get(d, {}) else label
        for d, s, label in zip(shown["dimension"], shown["segment"].astype(str), shown["label"], strict=True)
    ]


def _skipped_note(report: Report) -> str:
    """`` 未纳入排名：渠道（数据中没有）`` naming the dimensions the data lacks or holds one value of, or nothing."""
    _, lacking, single = _dimensions(report)
    note = ""
    if lacking:
        names = joined((t(f"drv_dim_{d}", report.lang) for d in lacking), report.lang)
        note += " " + t("drv_dims_skipped", report.lang, dimensions=names)
    if single:
        names = joined((t("drv_dim_single", report.lang, dimension=t(f"drv_dim_{d}", report.lang), value=v)
                        for d, v in single.items()), report.lang)  # fmt: skip
        note += " " + t("drv_dims_single", report.lang, dimensions=names)
    return note


def driver_metrics(report: Report) -> dict[str, Any]:
    """The top driver against last month: its dimension, segment and contribution (``None`` when not computable).

    The top driver is a real segment: the unknown segment (blank region, channel, rep ...) and the target not
    split are shown in the table but never named here.
    """
    frame = driver_table(report, "previous_month")
    frame = frame[~facts.is_unknown(frame["segment"]) & (frame["segment"] != UNALLOCATED)]
    if frame.empty:
        return {"top_driver_dimension": None, "top_driver_segment": None, "top_driver_gap": None}
    top = frame.iloc[0]
    return {
        "top_driver_dimension": str(top["dimension"]),
        "top_driver_segment": str(top["segment"]),
        "top_driver_gap": float(top["gap"]),
    }
