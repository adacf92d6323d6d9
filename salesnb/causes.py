"""Causes and symptoms: link each finding of a report to the finding that explains it (its ``parent``).

With one region's revenue halved, its channel, its product lines and its reps all fall too: one problem, not
ten. :data:`~salesnb.relations.RELATIONS` declares, as data, which finding code can explain which and how the two
must sit together (the *match*); :func:`link` gives every finding of one report scope the ``id`` of its explaining
finding as ``parent`` (``None`` for a root cause); :mod:`salesnb.cause_tree` orders a report's findings as roots,
each followed by its symptoms, for the executive summary. Segment containment is read from the fact layer: the
region of a rep, a customer or a product's line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from .data import facts
from .data.customers import customer_facts, customer_regions
from .data.deals import deal_facts
from .data.reps import rep_info
from .falls import FALL_KEYS, fall_dimension, fall_facts
from .findings import stated_amounts
from .lapsed import excess_lapsed
from .link_levels import company_levels, pair_levels, value_label
from .market.company import company_gap
from .market.regions import region_gap
from .market.retention import churn_in_region
from .periods import ALL
from .relations import COMPANY_FALL, RELATIONS, SAME, Relation, kind

WEIGHED = frozenset({"share_of_fall", "company_share"})  # matches whose parts, of one child, share one whole
Evidence = dict[str, Any]  # a match's measure: {"by", "part", "whole", "unit"}, {} (nothing to measure); None: no link


def _region_of(report: Any, segment: dict[str, str]) -> str | None:
    """The region a segment lies in: its own ``region``, its rep's or customer's, else the report's (None: company)."""
    if "region" in segment:
        return segment["region"]
    if "rep_id" in segment:
        region = rep_info(report.ds)["region"].get(segment["rep_id"])
        if region is not None and not pd.isna(region):
            return str(region)
    if "customer_id" in segment:
        region = customer_regions(report.ds).get(segment["customer_id"])
        if region is not None and not pd.isna(region):
            return str(region)
    return None if report.region == ALL else report.region


def _in_region(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> bool:
    """The child lies in the parent's region (a company-wide parent holds every region)."""
    where = _region_of(report, parent["segment"])
    return where is None or _region_of(report, child["segment"]) == where


def _found(linked: bool) -> Evidence | None:
    """A match that measures nothing: ``{}`` when the two findings are linked, else ``None``."""
    return {} if linked else None


def _measured(by: str, part: float, whole: float, unit: str = "amount") -> Evidence:
    """How much of the child (``whole``) the parent's ``by`` accounts for (``part``), rounded so the JSON is stable.

    ``unit``: ``amount`` (money), ``complaints``, ``deals``, ``customers``, ``points`` (a score) or ``gini`` (a
    Gini coefficient), for the summary's wording.
    """
    return {"by": by, "part": round(float(part), 2), "whole": round(float(whole), 2), "unit": unit}


def _rep_fell(report: Any, rep_id: str, region: str | None = None) -> bool:
    """The rep sold less in the period than on average over the trailing baseline months (``region``'s own)."""
    months = report.trailing(region)  # a month the export left out for the rep's region is no month of 0
    if not months:
        return False
    orders = facts.order_facts(report.ds)
    orders = orders[orders["rep_id"].astype(str) == str(rep_id)]
    now = float(facts.in_months(orders, report.period)["revenue"].sum())
    return now < float(facts.in_months(orders, months)["revenue"].sum()) / len(months)


def _region_match(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """The child lies in the parent's region."""
    return _found(_in_region(report, parent, child))


def _region_falling(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    rep = child["segment"].get("rep_id")
    return _found(
        _in_region(report, parent, child)
        and (rep is None or _rep_fell(report, rep, _region_of(report, child["segment"])))
    )


def _same_rep(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """Both findings are about the same rep."""
    rep = parent["segment"].get("rep_id")
    return _found(rep is not None and child["segment"].get("rep_id") == rep)


def _within(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """Every dimension of the parent's segment has the same value in the child's; same code: strictly narrower."""
    wide, narrow = parent["segment"], child["segment"]
    inside = all(narrow.get(k) == v for k, v in wide.items())
    return _found(inside and (kind(parent) != kind(child) or len(wide) < len(narrow)))


def _line_of(report: Any, product_id: str) -> str | None:
    products = report.ds.get("products")
    if products is None or "product_line" not in products.columns:
        return None
    lines = products.drop_duplicates("product_id").set_index("product_id")["product_line"]
    line = lines.get(product_id)
    return None if line is None or pd.isna(line) else str(line)


def _in_line(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """The child's product belongs to the parent's product line, in the same region."""
    line, product = parent["segment"].get("product_line"), child["segment"].get("product_id")
    same_region = parent["segment"].get("region") == child["segment"].get("region")
    return _found(
        bool(line and product and same_region and "product_id" not in parent["segment"])
        and _line_of(report, product) == line
    )


def _surge_source(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """Most of the child stage's rise in open deals came from the parent's lead source.

    The evidence: the source's extra open deals at the stage against the stage's extra open deals.
    """
    from .process.stages import _surge_source as source_of  # the process angle's own reading of a surge

    stage, source = child["segment"].get("stage"), parent["segment"].get("source")
    if not stage or not source or not report.ds.has("opportunities"):
        return None
    found, _, _, rise, total = source_of(report, stage)
    return _measured(source, rise, total, unit="deals") if found == source else None


def _pipeline_pileup(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """Two stages of the same pipeline piling up in the month: the one with more revenue at stake heads the other.

    Deals pile up in several stages at once when the pipeline as a whole stops moving (a slow month for
    decisions, reps busy elsewhere): one story for the review, not one problem per stage. The evidence: the child
    stage's revenue at stake against that of every stage piling up in the month (by the parent's stage).
    """
    from .process.stages import surge_effects  # the process angle's own sizing of a surge

    rest = [{k: v for k, v in f["segment"].items() if k != "stage"} for f in (parent, child)]
    stage = parent["segment"].get("stage")
    heads = (-(parent.get("effect") or 0.0), parent["id"]) < (-(child.get("effect") or 0.0), child["id"])
    if not stage or "stage" not in child["segment"] or rest[0] != rest[1] or not heads:
        return None
    return _measured(stage, child.get("effect") or 0.0, sum(surge_effects(report).values()))


MOST = 0.5  # "most of a fall": the share of the child's fall its parent's segment must account for
REST_OF_REGION = 0.1  # a segment holding all but this share of its region's usual revenue is the region itself
RANK = "rank"  # an evidence's part as candidates compare it, where the part it states is another reading of it


def _share_of_fall(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """Most of the child's fall is the parent's segment falling inside it, and the parent fell more widely.

    With ``p`` the parent's segment (a product line, a channel) and ``c`` the child's (a channel, a rep, a line, a
    region: not when ``p`` is nearly all of it, :data:`REST_OF_REGION`, nor when ``p``'s effect is under :data:`MOST`
    of the region's gap), against each one's expected level in the scope both lie in
    (:func:`~salesnb.link_levels.pair_levels`, the levels the findings state): the fall of ``p`` within ``c`` is at
    least :data:`MOST` of the fall of ``c``, and the rest of ``c`` fell by a smaller share than ``p`` did.
    The second half tells cause from symptom when a line sells mostly through one channel: a line that collapses
    falls in every channel while the channel's other lines hold; a channel that collapses takes every line it sells
    down while the line holds in the other channels. The evidence: the fall of ``p`` within ``c`` (part) against
    the fall of ``c`` (whole), by the parent's segment value.
    """
    (p_key, p_value), (c_key, c_value) = fall_dimension(parent["segment"]), fall_dimension(child["segment"])
    if set(child["segment"]) == {"region"}:  # a region's fall: the segment of it that holds most of it
        c_key, c_value = "region", str(child["segment"]["region"])
    if p_key is None or c_key is None or p_key == c_key or not report.trailing():
        return None
    if not _in_region(report, parent, child) or fall_facts(report, (p_key, c_key)) is None:
        return None
    scope = _region_of(report, parent["segment"]) or child["segment"].get("region")
    levels = pair_levels(report, scope, (p_key, c_key), (p_value, c_value))
    (parent_usual, parent_now), (child_usual, child_now), (cell_usual, cell_now) = (
        levels[name] for name in ("parent", "child", "cell")
    )
    if parent_usual <= 0:
        return None
    if c_key == "region" and (  # the segment is the region itself, or short of most of the region's gap
        child_usual - cell_usual < REST_OF_REGION * child_usual
        or (parent.get("effect") or 0.0) < MOST * region_gap(report, c_value)
    ):
        return None
    stated = stated_amounts(child)
    if stated is not None and child_usual > 0:  # the child's gap as its finding states it, the cell's in proportion
        cell_usual, (child_usual, child_now) = cell_usual * stated[0] / child_usual, stated
    by = value_label(report, p_key, p_value)
    held = _held(by, (cell_usual, cell_now), (child_usual, child_now), 1 - parent_now / parent_usual)
    own = stated_amounts(parent)
    if held is None or own is None or c_key != "region" or _region_of(report, parent["segment"]) != c_value:
        return held
    # the parent is the region's own cell (西南's 分销 "对比基准 62.8万"): the link says its finding's gap, 58.1万
    # as the region's split does, not the 57.4万 of the cell's level scaled to the region's; candidates still rank
    # by the cell's level, read alike on every page (a finding the region's report holds and the company's does
    # not would otherwise put another head on the region's fall there)
    return {**held, "part": round(own[0] - own[1], 2), RANK: held["part"]}


def _held(by: str, cell: tuple[float, float], child: tuple[float, float], rate: float) -> Evidence | None:
    """The cell's fall is most of the child's, and the rest of the child fell by a smaller share than ``rate``.

    ``cell`` and ``child``: (usual, now) revenue; ``rate``: how far the parent's segment fell as a whole. The
    evidence: the cell's fall against the child's, by ``by``.
    """
    cell_fall, child_fall, rest_usual = cell[0] - cell[1], child[0] - child[1], child[0] - cell[0]
    if child_fall <= 0 or cell_fall < MOST * child_fall:
        return None
    rest_rate = (child_fall - cell_fall) / rest_usual if rest_usual > 0 else 0.0
    return _measured(by, cell_fall, child_fall) if rest_rate < rate else None


def _region_explains(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """In the ALL report: the child lies in the parent's falling region and does not hold that fall itself.

    One holding most of it is its cause (:func:`_share_of_fall`, :func:`_churn_holds`), whichever is linked first.
    In the region's own report the region's fall is the total the others make up, not their cause.
    """
    if report.region != ALL:
        return None
    linked = (_region_falling if kind(child) == "rep_underperform" else _region_match)(report, parent, child)
    holds = _churn_holds if kind(child) == "customer_churn_rise" else _share_of_fall
    return None if linked is None or holds(report, child, parent) is not None else linked


def _churn_holds(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """The revenue the parent's missing returning customers would have brought is most of the child region's gap.

    The churn's effect (customers missing × a retained customer's month; of a company-wide churn against one
    region, the part in that region: :func:`~salesnb.market.retention.churn_in_region`) against the region's gap to
    its expected level (:func:`~salesnb.market.regions.region_gap`; the company's,
    :func:`~salesnb.market.company.company_gap`, for a company-wide churn and fall): a region that fell because its
    customers stopped coming back is the churn's symptom, not its cause.
    """
    part = float(parent.get("effect") or 0.0)
    if kind(child) == COMPANY_FALL:
        whole = company_gap(report) if "region" not in parent["segment"] else 0.0
    elif _in_region(report, parent, child):
        region = _region_of(report, child["segment"])
        whole = region_gap(report, region)
        if region is not None and _region_of(report, parent["segment"]) is None:  # the company's churn, one region
            part = churn_in_region(report, region)
    else:
        return None
    return _measured("", part, whole) if whole > 0 and part >= MOST * whole else None


def _company_share(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """Most of the company's fall is the parent's segment falling, and the rest of the company fell by a smaller share.

    The parent's segment is one region, channel, product line or rep company-wide, its effect at least :data:`MOST`
    of the company's gap to its expected level; against each one's expected level
    (:func:`~salesnb.link_levels.company_levels`, the numbers the company's split says), its fall is at least
    :data:`MOST` of the company's and the rest of the company fell by a smaller share than it did (a fall spread over
    the whole company is nobody's). The evidence: its fall against the company's, by its value.
    """
    if len(parent["segment"]) != 1 or report.region != ALL or not report.trailing():
        return None
    ((key, value),) = parent["segment"].items()
    if key not in ("region", *FALL_KEYS) or fall_facts(report, (key,)) is None:
        return None
    table = company_levels(report, key)
    (usual, now), whole = table[table.index == str(value)].sum(), table.sum()
    if usual <= 0 or (parent.get("effect") or 0.0) < MOST * company_gap(report):
        return None
    return _held(value_label(report, key, str(value)), (usual, now), (whole["usual"], whole["now"]), 1 - now / usual)


OTHERS_FELL = 0.8  # the other customers' share of their usual revenue at most which they "fell away"
MONTH_SHARE = "period_largest_customer_share"  # the metric of customer_concentration's month variant


def _others_fell(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """The child is the month's lean on one customer in the parent's region, and the region's other customers fell.

    Its share of the month rose because the rest bought less (a churn, a region's fall), not only by its own
    order: the others' revenue this month at most :data:`OTHERS_FELL` of their trailing months' average.
    """
    if child.get("metric") != MONTH_SHARE or not _in_region(report, parent, child):
        return None
    region = _region_of(report, child["segment"]) or ALL
    months = report.trailing(None if region == ALL else region)
    if not months:
        return None
    orders = facts.in_region(facts.order_facts(report.ds), region)
    others = orders[(orders["customer_id"].astype(str) != str(child["segment"].get("customer_id"))).to_numpy()]
    now = float(facts.in_months(others, report.period)["revenue"].sum())
    usual = float(facts.in_months(others, months)["revenue"].sum()) / len(months)
    return _found(usual > 0 and now <= OTHERS_FELL * usual)


def _one_customer(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """The reps' revenue split of the month (the child) is the parent's one customer's extra orders.

    Without what it bought beyond its usual month (:func:`.team.polarisation.rise_without`) the Gini rose less
    than half as much over its trailing mean. The evidence: the rise it takes back against the whole rise.
    """
    from .team.polarisation import rise_without  # the team angle's own reading of its reps

    customer = parent["segment"].get("customer_id")
    if parent.get("metric") != MONTH_SHARE or customer is None or not _in_region(report, parent, child):
        return None
    rises = rise_without(report, str(customer))
    if rises is None or rises[0] <= 0:
        return None
    part = rises[0] - max(rises[1], 0.0)
    if part < MOST * rises[0]:
        return None
    names = customer_facts(report.ds)["name"]
    return _measured(str(names.get(customer, customer)), part, rises[0], unit="gini")


def _channel_lapsed(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """Most of the child's churn is the parent channel's customers not coming back (:func:`.lapsed.excess_lapsed`).

    The customers who last bought in the parent's channel account for at least :data:`MOST` of the month's excess
    lapsed customers in the child's scope. The evidence: those customers (part) against all the excess (whole).
    """
    channel = parent["segment"].get("channel")
    if channel is None or set(parent["segment"]) - {"channel", "region"} or not _in_region(report, parent, child):
        return None
    excess = excess_lapsed(report, _region_of(report, child["segment"]), "channel", str(channel))
    if excess is None or excess[0] <= 0 or excess[0] < MOST * excess[1]:
        return None
    return _measured(str(channel), excess[0], excess[1], unit="customers")


def _late_customers(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """Most of the child's complaints or fall in scores come from the customers the parent's delay was late to.

    The evidence: the late customers' extra complaints against the complaints above usual, or the points their
    answers took off against the whole fall (``by`` is empty: the parent is the delay itself).
    """
    from .support import late_customers as late  # the support angle's own reading of its rows

    if not _in_region(report, parent, child) or child.get("baseline") is None:
        return None
    scope = _region_of(report, parent["segment"]) or child["segment"].get("region") or ALL
    if child["code"] == "complaint_spike":
        found = late.explain_complaints(report, scope, str(child["segment"]["category"]), float(child["baseline"]))
        return None if found is None else _measured("", *found, unit="complaints")
    found = late.explain_satisfaction(report, scope, str(child["metric"]), float(child["baseline"]))
    return None if found is None else _measured("", *found, unit="points")


def _competitor_took(report: Any, parent: dict[str, Any], child: dict[str, Any]) -> Evidence | None:
    """The deals the parent's competitor took this month are worth at least most of the child's revenue at stake.

    The child's deals: the rep's (``rep_id``), or those lost at the stage (``stage``, its last stay in the month).
    The evidence: those deals' amount against the child's revenue at stake, by the competitor.
    """
    from .process.common import stays  # the process angle's stage stays
    from .product.lost import closed_deals  # the product angle's reading of lost deals

    competitor = parent["segment"].get("competitor")
    if not competitor or not child.get("effect") or not _in_region(report, parent, child):
        return None
    lost = closed_deals(report)
    lost = lost[((lost["competitor"] == competitor) & (lost["month"] == report.period)).to_numpy()]
    where = _region_of(report, parent["segment"])
    if where is not None:
        lost = lost[(lost["region"] == where).to_numpy()]
    if "rep_id" in child["segment"]:
        reps = deal_facts(report.ds, tuple(report.config["customers"]["size_bands"])).set_index("opportunity_id")
        lost = lost[(lost["opportunity_id"].map(reps["rep_id"]).astype(str) == child["segment"]["rep_id"]).to_numpy()]
    elif "stage" in child["segment"]:
        stay = stays(report)
        start, end = report.window(report.period)
        at_stage = (stay["stage"] == child["segment"]["stage"]) & (stay["advanced"] == 0)
        at_stage &= (stay["left_at"] >= start) & (stay["left_at"] < end)
        lost = lost[lost["opportunity_id"].isin(stay.loc[at_stage.to_numpy(), "opportunity_id"]).to_numpy()]
    else:
        return None
    took = float(lost["amount"].sum())
    return _measured(competitor, took, child["effect"]) if took >= MOST * float(child["effect"]) else None


MATCHES: dict[str, Callable[[Any, dict[str, Any], dict[str, Any]], Evidence | None]] = {
    "region": _region_match,
    "channel_lapsed": _channel_lapsed,
    "region_falling": _region_falling,
    "segment": _within,
    "same_rep": _same_rep,
    "product_line": _in_line,
    "surge_source": _surge_source,
    "share_of_fall": _share_of_fall,
    "region_explains": _region_explains,
    "churn_holds": _churn_holds,
    "company_share": _company_share,
    "late_customers": _late_customers,
    "competitor_took": _competitor_took,
    "pipeline_pileup": _pipeline_pileup,
    "others_fell": _others_fell,
    "one_customer": _one_customer,
}


def _applies(relation: Relation, parent: dict[str, Any], child: dict[str, Any]) -> bool:
    if relation.parent == SAME:
        return kind(parent) == kind(child)
    return relation.parent == kind(parent) and relation.child == kind(child)


def _ancestors(finding_id: str, parents: dict[str, str | None]) -> set[str]:
    seen: set[str] = set()
    while finding_id is not None and finding_id not in seen:
        seen.add(finding_id)
        finding_id = parents.get(finding_id)
    return seen


def _strongest(candidate: tuple[dict[str, Any], Evidence]) -> tuple[float, float, str]:
    """Sort key of a parent candidate: most of the child explained, then most at stake, then the smaller id."""
    parent, evidence = candidate
    return (-(evidence.get(RANK, evidence.get("part")) or 0.0), -(parent.get("effect") or 0.0), parent["id"])


def _tiers() -> tuple[tuple[Relation, ...], ...]:
    """:data:`RELATIONS` in the order they are tried, grouped into tiers.

    Consecutive relations of one child and one :data:`WEIGHED` match form one tier, whose candidates compete on
    how much of the child they account for; every other relation is a tier of its own.
    """
    tiers: list[list[Relation]] = []
    for relation in RELATIONS:
        last = tiers[-1][-1] if tiers else None
        if last and relation.match in WEIGHED and (last.child, last.match) == (relation.child, relation.match):
            tiers[-1].append(relation)
        else:
            tiers.append([relation])
    return tuple(tuple(tier) for tier in tiers)


def _candidates(
    report: Any, tier: tuple[Relation, ...], child: dict[str, Any], out: list[dict[str, Any]], parents: dict
) -> list[tuple[dict[str, Any], Evidence]]:
    """Every finding a relation of ``tier`` links ``child`` to (none that would close a loop), with its evidence."""
    found = []
    for relation in tier:
        if relation.child not in (SAME, kind(child)):
            continue
        for p in out:
            if (
                p["id"] != child["id"]
                and _applies(relation, p, child)
                and child["id"] not in _ancestors(p["id"], parents)
            ):
                evidence = MATCHES[relation.match](report, p, child)
                if evidence is not None:
                    found.append((p, evidence))
    return found


def link(report: Any, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``findings`` of one report scope, each with ``parent`` set (a new list, same order).

    For each finding the first tier of :data:`RELATIONS` (:func:`_tiers`) that some other finding satisfies names
    its parent; among several candidates the one accounting for most of the child (the evidence's part) wins, then
    the largest revenue at stake, then the smaller id: of a line and a channel that each hold most of a region's
    fall (they overlap), the one holding more. A link that would close a loop is skipped. ``explained`` keeps what
    the link measured, for the summary to say how much of the symptom its cause explains:
    ``{"match", "by", "part", "whole"}``, or ``None`` (a root, or a link that measures nothing, such as a rep lying
    in a falling region).
    """
    out = [{**f, "parent": None, "explained": None} for f in findings]
    parents: dict[str, str | None] = {f["id"]: None for f in out}
    tiers = _tiers()
    for child in out:
        for tier in tiers:
            candidates = _candidates(report, tier, child, out, parents)
            if candidates:
                best, evidence = min(candidates, key=_strongest)
                child["parent"] = parents[child["id"]] = best["id"]
                match = tier[0].match
                stated = {key: value for key, value in evidence.items() if key != RANK}
                child["explained"] = {"match": match, **stated} if evidence else None
                break
    return out
