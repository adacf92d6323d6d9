"""The registry of report angles: each angle declares once its rules, the tables they need and its metrics.

The runner, the pages, the executive summary and ``salesnb validate`` read :data:`ANGLE_NAMES` and
:func:`get` instead of keeping lists of their own. An angle package (``salesnb/process/``) ends its
``__init__.py`` with ``ANGLE = Angle("process", rules=(Rule(...), ...), metrics=(...))`` and
``angle_findings, angle_metrics = ANGLE.findings, ANGLE.metrics``: the names the notebooks call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .data.facts import unknown_segment
from .data.summaries import total_rows

MetricFunction = Callable[[Any], dict[str, Any]]

ANGLE_NAMES: tuple[str, ...] = ("overview", "market", "product", "team", "process", "support")  # report order

BUYERS = "orders.customer_id"  # the orders name their customers: who is new, who bought again, who left
UNITS = "order_lines.units"  # the lines count units sold, not a summary's total as one line (``quantity: =1``)
ORDERS = "orders.rows"  # each orders row is an order, not a month's total (:func:`~.data.summaries.total_rows`)


def missing(ds: Any, needs: tuple[str, ...]) -> list[str]:
    """The entries of ``needs`` the data cannot feed, in order.

    A need is a table (``"tickets"``) the source lacks, or a column (``"orders.promised_at"``) its table did not
    hold (see ``Dataset.present_columns``); :data:`ORDERS` and :data:`UNITS`, a summary's rows read as orders and
    lines (:func:`~.data.summaries.total_rows`). A column of a table that is itself a need and absent is not
    named again: ``("tickets", "tickets.first_response_at")`` without tickets lacks ``["tickets"]``. Orders that
    name no customer (:data:`BUYERS`) are the one reason when the customers table is lacking too: that table could
    not be joined to them, so exporting it alone would not help.
    """
    out = []
    for need in needs:
        table, _, column = need.partition(".")
        if need == ORDERS:  # counts of orders, order values, baskets: none in rows that total a month
            out += [need] if ds.has(table) and total_rows(ds) else []
        elif need == UNITS:  # a summary's total as one line of quantity 1: no units sold, no price per unit
            out += [need] if ds.has(table) and total_rows(ds) and _one_unit(ds) else []
        elif not ds.has(table):
            if not (column and table in needs):
                out.append(need)
        elif column and not _has_column(ds, table, column):
            out.append(need)
    return [need for need in out if need != "customers"] if BUYERS in out else out


def _one_unit(ds: Any) -> bool:
    """Whether the lines' quantity is the mapping's constant 1 (each row one unit at its price or total)."""
    mapping = getattr(ds, "mapping", None)
    return mapping is not None and mapping.computed("order_lines").get("quantity") == "1"


def _has_column(ds: Any, table: str, column: str) -> bool:
    present = getattr(ds, "present_columns", {}).get(table)
    if present is not None:
        return column in present
    frame = ds.get(table)
    return column in frame.columns and bool(frame[column].notna().any())


def metrics_need(*needs: str) -> Callable[[MetricFunction], MetricFunction]:
    """Mark a metric function whose numbers mean nothing unless the data has ``needs`` (see :func:`missing`).

    Without them :meth:`Angle.metrics` keeps its keys with the value ``None``: ``metrics.json`` has the same
    keys on every dataset, and a till export without customers does not publish every order as a new buyer.
    """

    def mark(metric: MetricFunction) -> MetricFunction:
        metric.needs = needs  # type: ignore[attr-defined]
        return metric

    return mark


@dataclass(frozen=True)
class Rule:
    """One finding rule: ``check(report) -> [finding, ...]`` for ``code``, run only when ``needs`` are all present.

    ``needs`` name tables (``"tickets"``) or columns (``"orders.promised_at"``), see :func:`missing`.
    """

    code: str
    check: Callable[[Any], list[dict[str, Any]]]
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """One notebook section (a ``<key>_panel``) and the tables or columns it needs to show anything but a skip note."""

    key: str
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Angle:
    """A report angle: its name, the tables it cannot run without, its rules (in order) and metric functions.

    ``sections`` (optional) declare what each notebook section needs: an angle whose sections need different
    tables (support: tickets, surveys, invoices, the orders' delivery dates) can run when ANY section can,
    and ``salesnb validate`` says section by section what the data allows.
    """

    name: str
    needs: tuple[str, ...] = ("orders",)
    rules: tuple[Rule, ...] = ()
    metrics_of: tuple[Callable[[Any], dict[str, Any]], ...] = field(default=())
    sections: tuple[Section, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        """The finding codes this angle can produce, in rule order."""
        return tuple(dict.fromkeys(rule.code for rule in self.rules))

    def runnable_rules(self, ds: Any) -> list[Rule]:
        """The rules whose tables (and columns) are all in ``ds``."""
        return [rule for rule in self.rules if not missing(ds, rule.needs)]

    def runnable_sections(self, ds: Any) -> list[Section]:
        """The sections whose tables (and columns) are all in ``ds``."""
        return [section for section in self.sections if not missing(ds, section.needs)]

    def ready(self, ds: Any) -> bool:
        """Whether the angle shows anything on ``ds``: its own needs, and (when it declares sections) any section."""
        return not missing(ds, self.needs) and (not self.sections or bool(self.runnable_sections(ds)))

    def findings(self, report: Any) -> list[dict[str, Any]]:
        """The angle's findings for ``report`` as the whole scope sees them: with ``parent`` and ``status``.

        Linking causes and symptoms (:mod:`salesnb.causes`) and the status across months
        (:mod:`salesnb.followup`) need every angle's findings, so they are computed once per report scope and
        each angle takes its own, in rule order: the angle notebooks and the overview agree.
        """
        from .followup import scope_findings  # the scope's findings are built from every angle's rule_findings

        return [f for f in scope_findings(report) if f["angle"] == self.name]

    def rule_findings(self, report: Any, codes: set[str] | None = None) -> list[dict[str, Any]]:
        """Every finding of the runnable rules (of ``codes`` only, when given) for ``report``, in rule order.

        Each rule's result is computed once per report scope: the look-back of :mod:`salesnb.followup` re-runs
        only the rules whose findings were still present the month after. A finding whose segment is the unknown
        label (orders without a channel, a rep ...) is dropped: "未知" is where data is missing, not a problem.
        """
        found: list[dict[str, Any]] = []
        runnable = self.runnable_rules(report.ds)
        for index, rule in enumerate(self.rules):
            if rule in runnable and (codes is None or rule.code in codes):
                found += report.memo(f"{self.name}_rule_{index}", lambda rule=rule: rule.check(report))
        return [f for f in found if not unknown_segment(f.get("segment"))]  # 未知 is missing data, not a place

    def metrics(self, report: Any) -> dict[str, Any]:
        """The angle's key numbers: every metric function's result merged, in declaration order.

        Memoised per report scope: the angle notebook publishes them and the review pack quotes them, one
        computation for both (the pack runs after the angles in the same kernel).
        """

        def build() -> dict[str, Any]:
            out: dict[str, Any] = {}
            for metric in self.metrics_of:
                values = metric(report)
                out.update(dict.fromkeys(values) if missing(report.ds, getattr(metric, "needs", ())) else values)
            return out

        return report.memo(f"{self.name}_metrics", build)


def get(name: str) -> Angle:
    """The declared :class:`Angle` called ``name`` (imports its package)."""
    if name not in ANGLE_NAMES:
        raise KeyError(f"unknown angle {name!r}; angles: {', '.join(ANGLE_NAMES)}")
    return importlib.import_module(f"salesnb.{name}").ANGLE


@cache
def angle_of_code() -> dict[str, str]:
    """``{finding code: angle name}`` over every declared rule."""
    return {code: name for name in ANGLE_NAMES for code in get(name).codes}
