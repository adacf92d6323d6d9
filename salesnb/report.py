"""The report context a notebook opens once: dataset, period, region, configuration, language.

``open_report`` is the first call of every workbook; ``publish`` is the last, handing the
report's metrics and findings to the batch runner through a private display MIME type.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
import math
import os
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .angle import BUYERS, ORDERS, UNITS
from .angle import missing as lacking
from .config import load_config
from .data import facts
from .data.cache import load_dataset_cached
from .data.dataset import Dataset
from .data.messages import Message, need_name
from .data.partial_month import latest_complete_month, looks_partial
from .data.region_gaps import gap_months
from .data.targets import rep_target_gap
from .display.formatting import format_pct
from .display.panel import Panel
from .errors import ParameterError, SalesnbError
from .header import header_markdown
from .i18n import check_lang, days_through, t
from .periods import ALL, Baselines, baselines, month_end, months_back, parse_period, shift_month, window

RESULT_MIME = "application/vnd.salesnb.result+json"
SAMPLE_ENV = "SALESNB_DATA"
_SHARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # dataset -> {report scope: {key: result}}
MEMO_SPARE_PERIODS = 2  # months of a region the memo keeps beyond the look-back (findings.status_months)
MEMO_SCOPES = 96  # report scopes (region × month × language × configuration) the memo keeps per dataset


def _forget_old_periods(store: OrderedDict, scope: tuple[str, ...], keep: int) -> None:
    """Drop the least recently used months of ``scope``'s region beyond ``keep``, and scopes beyond MEMO_SCOPES.

    A warm kernel running a year of reports then holds a bounded memo, not one that grows with every month.
    """
    same_region = [other for other in store if other[:3] == scope[:3]]
    for other in same_region[: max(0, len(same_region) - keep)]:
        del store[other]
    while len(store) > MEMO_SCOPES:
        store.popitem(last=False)


_IMMUTABLE = (str, bytes, int, float, complex, bool, type(None), np.generic, pd.Timestamp, pd.Timedelta, pd.Period)


def isolated(value: Any) -> Any:
    """A copy of ``value`` that nothing done to it can reach the original: what :meth:`Report.memo` hands out.

    A deep copy, but for pandas objects: a frame or series is copied shallowly, which under pandas' copy-on-write
    is isolated (a change to either side copies the data first) and costs nothing; an index is immutable.
    Containers (dict, list, tuple) are rebuilt around isolated items; anything else is deep-copied.
    """
    if isinstance(value, _IMMUTABLE) or value is pd.NaT or value is pd.NA:
        return value
    if isinstance(value, dict) and type(value) is dict:
        return {k: isolated(v) for k, v in value.items()}
    if type(value) is list:
        return [isolated(v) for v in value]
    if type(value) is tuple:
        return tuple(isolated(v) for v in value)
    if type(value) in (pd.DataFrame, pd.Series):
        return value.copy(deep=False)
    if isinstance(value, pd.Index):
        return value
    return copy.deepcopy(value)


def bundled_sample() -> Path:
    """Folder of the bundled sample dataset (``data/sample`` next to the package), or ``$SALESNB_DATA``."""
    if os.environ.get(SAMPLE_ENV):
        return Path(os.environ[SAMPLE_ENV])
    return Path(__file__).resolve().parent.parent / "data" / "sample"


@dataclass
class Report:
    """Everything an analysis function needs to know about the report it serves."""

    ds: Dataset
    period: str
    region: str
    config: dict[str, Any]
    lang: str = "zh"
    through_day: int | None = field(default=None, init=False)
    looks_partial: dict | None = field(default=None, init=False)
    whole: Dataset = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """A partial month (the data ends inside it) is read through the same days of every month.

        ``through_day`` is the last day the data reaches (``None`` for a complete month), and ``ds`` becomes
        :func:`~salesnb.data.facts.same_days`: every angle's baselines then cover days 1..``through_day`` of
        their months, the one place where the day cutoff lives. ``whole`` keeps the dataset with its months
        whole, for the figures that add whole months up or project a whole month ahead (year to date, next
        month's plan); for a complete month it is ``ds`` itself.
        """
        self.whole = self.ds
        self.through_day = facts.through_day(self.ds, self.period)
        if self.through_day is not None:
            self.ds = facts.same_days(self.ds, self.through_day)
        if self.through_day is None:  # a summary's month that looks partial: read whole, with a warning
            self.looks_partial = looks_partial(self.ds, self.period)

    @property
    def last_whole_month(self) -> str:
        """The latest month the data covers whole: the report month, or the one before a partial month."""
        return shift_month(self.period, 1) if self.partial else self.period

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """Compute ``build()`` once per dataset, period, region, configuration and language; return a copy.

        An angle's findings are shown at the top of its notebook, published at its end and ranked in the
        overview's executive summary: one computation serves all three, and every report of a batch run that
        shares the kernel. The key holds every input of the report, and callers get a deep copy, so nothing a
        notebook does to a result can reach another report.
        """
        store = _SHARED.setdefault(self.ds, OrderedDict())
        scope = (self.region, self.lang, json.dumps(self.config, sort_keys=True, default=str), self.period)
        entries = store.get(scope)
        if entries is None:
            entries = store[scope] = {}
            _forget_old_periods(store, scope, self._memo_periods())
        store.move_to_end(scope)
        if key not in entries:
            entries[key] = build()
        return isolated(entries[key])

    def _memo_periods(self) -> int:
        """Months of one region :meth:`memo` keeps: the finding status's look-back, this month and one more."""
        return int(self.config.get("findings", {}).get("status_months", 6)) + MEMO_SPARE_PERIODS

    def thresholds(self, angle: str) -> dict[str, Any]:
        """The finding thresholds of ``angle`` (``thresholds.<angle>`` of the configuration)."""
        return self.config["thresholds"][angle]

    def settings(self, angle: str) -> dict[str, Any]:
        """The settings of ``angle`` (windows, lists, cadences: the ``<angle>`` section of the configuration)."""
        return self.config[angle]

    def cached(self, namespace: str, key: Hashable, build: Callable[[Dataset], Any]) -> Any:
        """``build(ds)`` once per dataset under ``(namespace, key)``: derived tables shared by every report."""
        return facts.per_dataset(self.ds, (namespace, key), lambda: build(self.ds))

    def no_target_note(self) -> str:
        """Why the period has no target: no targets table, none for the period, or reps' targets covering too little."""
        gap = rep_target_gap(self.ds, self.period, self.region)
        if gap is not None:
            return t("targets_partial", self.lang, reps=gap["reps"], share=format_pct(gap["share"]))
        return t("no_target" if self.ds.has("targets") else "no_targets_table", self.lang)

    def needs(self, *needs: str) -> Panel | None:
        """A skipped panel naming what the data lacks of ``needs``, or ``None`` when all of it is there.

        A need is a table (``"tickets"``) or a column (``"orders.channel"``): a panel by channel on data
        without channels would show one 未知 segment at 100%.
        """
        missing = lacking(self.ds, needs)
        if not missing:
            return None
        tables = [m for m in missing if "." not in m]
        columns = [m for m in missing if "." in m and m not in (BUYERS, ORDERS, UNITS)]
        named = ", " if self.lang != "zh" else "、"
        notes = (
            [t("needs_table", self.lang, tables=named.join(need_name(m, self.lang) for m in tables))] if tables else []
        )
        notes += (
            [t("needs_column", self.lang, columns=named.join(need_name(m, self.lang) for m in columns))]
            if columns
            else []
        )
        notes += [t("needs_buyers", self.lang)] if BUYERS in missing else []
        notes += [t("needs_orders", self.lang)] if ORDERS in missing else []
        notes += [t("needs_units", self.lang)] if UNITS in missing else []
        return Panel.skipped(" ".join(notes))

    @property
    def orders_counted(self) -> bool:
        """Whether each orders row is an order: rows that total a month (月度销售汇总) give no count of orders."""
        return not lacking(self.ds, (ORDERS,))

    @property
    def units_counted(self) -> bool:
        """Whether the lines count units sold: a summary's total read as one line of quantity 1 does not."""
        return not lacking(self.ds, (UNITS,))

    @property
    def buyers_named(self) -> bool:
        """Whether the orders name their customers: without, each order is its own buyer (see ``anonymous_buyers``)."""
        return not lacking(self.ds, (BUYERS,))

    @property
    def revenue(self) -> float:
        """Revenue of the report's region in the report month: what severity is measured against.

        A scope that sold nothing this month (a region whose whole business stopped) is measured against its usual
        month instead, the average of its trailing months (:meth:`trailing`): against 0 no finding of its fall could
        be sized and each read low, while the company's report sized the same fall against the company's month and
        read it high.
        """

        def build(ds: Dataset) -> float:  # every finding asks for it: filter the order facts once per scope
            orders = facts.order_facts(ds)
            revenue = float(facts.scoped(orders, self.region, self.period)["revenue"].sum())
            usual = self.trailing()
            if revenue > 0 or not usual:
                return revenue
            return float(facts.scoped(orders, self.region, usual)["revenue"].sum()) / len(usual)

        return self.cached("report", ("revenue", self.region, self.period), build)

    def covered(self, months: list[str], region: str | None = None, *, whole: bool = False) -> list[str]:
        """The months of ``months`` that the orders cover: inside their range, and not a month without any order.

        Nor a month the export left out for ``region`` (default: the report's; :mod:`salesnb.data.region_gaps`):
        a region's report, and each region's own usual level in the ALL report, leave its gap months out.
        ``whole``: read the months whole (:attr:`whole`) even in a partial month's report, for figures adding whole
        months up: a month that sold only after day D is no empty month there.
        """
        data = self.whole if whole else self.ds
        first, last = facts.data_months(data)
        scope = self.region if region is None else region
        empty = {*facts.empty_months(data), *gap_months(data, scope)} - {self.period}
        return [m for m in months if first <= m <= last and m not in empty]

    def window(self, month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
        """``month``'s span as this report reads it: the whole month, or in a partial month's its days 1..D.

        D is :attr:`through_day`; every month alike (:func:`salesnb.periods.window`): flows over those days,
        stocks at their end.
        """
        return window(month, self.through_day)

    def as_of(self, month: str | None = None) -> pd.Timestamp:
        """The first instant after what the data shows of ``month`` (default: the report month).

        A state read "now" (a customer's recency, how long a buyer has been silent): the month end, or for a
        partial report month the end of its day D -- the days after it are not in the data, no silence. Earlier
        months are whole states even in a partial month's report.
        """
        month = month or self.period
        return self.window(month)[1] if month == self.period else month_end(month)

    def trailing(self, region: str | None = None) -> list[str]:
        """The trailing baseline months (``baselines.trailing_months`` before the period) the data covers.

        ``region``: those of that region (default: the report's), without its gap months (:meth:`covered`).
        """
        return self.covered(self.baselines.trailing_labels, region)

    def history(self, count: int, period: str | None = None, region: str | None = None) -> list[str]:
        """The ``count`` months before ``period`` (default: the report month) the data covers: the usual level.

        ``region``: those of that region (default: the report's), without its gap months (:meth:`covered`).
        """
        return self.covered(months_back(period or self.period, count, offset=1), region)

    def scopes(self, *, company: bool) -> list[tuple[str, dict[str, str]]]:
        """(region, segment) pairs a rule checks: the report's region; in ALL each region (and the company first)."""
        if self.region != ALL:
            return [(self.region, {})]
        regions = [(region, {"region": region}) for region in facts.regions(self.ds)]
        return [(ALL, {}), *regions] if company else regions

    def flagged_rows(
        self, rows_of: Callable[[Report, str], Any], *, company: bool
    ) -> Iterator[tuple[dict[str, str], Any]]:
        """``(segment, row)`` for each flagged row of ``rows_of(self, region)`` in every scope of :meth:`scopes`.

        The loop of the rules that check a per-region frame (a ``flagged`` column): ``row`` is a named tuple
        of the frame's columns, ``segment`` names the region in the ALL report.
        """
        for region, segment in self.scopes(company=company):
            for row in rows_of(self, region).itertuples():
                if row.flagged:
                    yield segment, row

    def where(self, segment: dict[str, str]) -> str:
        """``华东：`` / ``华东 · `` before a finding's title when it sits in one region of the ALL report."""
        region = segment.get("region")
        if not region:
            return ""
        return f"{region} · " if self.lang == "en" else f"{region}："

    @property
    def baselines(self) -> Baselines:
        return baselines(self.period, self.config["baselines"]["trailing_months"])

    @property
    def region_label(self) -> str:
        return t("all_regions", self.lang) if self.region == ALL else self.region

    @property
    def partial(self) -> bool:
        """Whether the report month is partial: the data ends inside it (see :attr:`through_day`)."""
        return self.through_day is not None

    @property
    def period_label(self) -> str:
        """The month as headings show it: ``2026-10``, or ``2026-10（1–9日，不完整月）`` for a partial month."""
        if self.looks_partial is not None:
            return t("partial_summary_period", self.lang, period=self.period)
        if self.through_day is None:
            return self.period
        return t("partial_period", self.lang, period=self.period, days=days_through(self.through_day, self.lang))

    @property
    def title(self) -> str:
        return f"{self.region_label} · {self.period_label}"

    def __repr__(self) -> str:
        """A short summary of the scope: region, month, language and the rows of each table in the region.

        Never the tables themselves: the executed notebook keeps this text and is shared like the page, so
        a region's notebook must not print other regions' rows (a dataclass repr would print every table).
        """
        from .data.scope import scope_rows

        rows = " · ".join(
            f"{name} {'shared' if count is None else f'{count:,}'}"
            for name, count in scope_rows(self.ds, self.region).items()
        )
        return f"Report({self.region_label} · {self.period}, lang={self.lang}; rows: {rows or 'no tables'})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's text form: the same short summary as :meth:`__repr__`."""
        printer.text(repr(self))

    def _repr_markdown_(self) -> str:
        """The header: scope line and the notes on how the data was read (:mod:`salesnb.header`)."""
        return header_markdown(self)


F = TypeVar("F", bound=Callable[..., Any])


def scope_memo(function: F) -> F:
    """Decorate a ``*_frame(report, ...)`` so that it is computed once per report scope (:meth:`Report.memo`).

    A section's panel and its rule read the same frame; with this, the rule's findings and the panel's chart
    and table come from one computation (each caller gets its own copy). The key is the function and its
    arguments; a ``region`` left at ``None`` means the report's own region (the per-region frames' convention),
    so ``frame(report)`` and ``frame(report, report.region)`` share one result. Called with anything but a
    :class:`Report`, the function just runs.
    """
    signature = inspect.signature(function)
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def memoised(report: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(report, Report):
            return function(report, *args, **kwargs)
        bound = signature.bind(report, *args, **kwargs)
        bound.apply_defaults()
        arguments = dict(list(bound.arguments.items())[1:])
        if "region" in arguments and arguments["region"] is None:
            arguments["region"] = report.region
        key = f"{name}{json.dumps(arguments, sort_keys=True, default=repr, ensure_ascii=False)}"
        return report.memo(key, lambda: function(report, *args, **kwargs))

    return memoised  # type: ignore[return-value]


def open_report(
    data: str = "",
    period: str = "",
    region: str = ALL,
    *,
    config_path: str = "",
    mapping_path: str = "",
    lang: str = "zh",
    thresholds: dict[str, Any] | None = None,
    dataset: Dataset | None = None,
) -> Report:
    """Load (and validate) the data and fix the report's scope.

    Parameters
    ----------
    data
        Dataset folder or SQLAlchemy URL; empty means the bundled sample.
    period
        Report month ``YYYY-MM``; empty means the latest complete month of the data
        (:func:`~salesnb.data.partial_month.latest_complete_month`). The data's last month asked for while the data
        ends inside it is a partial month, compared on the same days of its baselines (:attr:`Report.through_day`).
    region
        A region name from the data, or ``ALL``.
    thresholds
        Overrides of the ``thresholds`` section of the configuration.
    dataset
        An already loaded dataset (the batch runner passes one to avoid re-reading).
    """
    check_lang(lang)
    try:
        config = load_config(config_path or None, {"thresholds": thresholds} if thresholds else None)
        ds = dataset if dataset is not None else load_dataset_cached(data or bundled_sample(), mapping_path or None)
        period = report_period(ds, period)
    except SalesnbError as exc:  # what the user must fix, in the notebook's language
        raise exc.in_lang(lang) from None
    if region != ALL and region not in facts.regions(ds):
        known = ", ".join(facts.regions(ds))
        said = Message("error_region_unknown", region=repr(region), known=known) if known else None
        said = said or Message("error_no_regions", unknown=repr(region))  # no region at all: only ALL exists
        raise ParameterError(said).in_lang(lang)
    return Report(ds=ds, period=period, region=region, config=config, lang=lang)


def report_period(ds: Dataset, period: str) -> str:
    """The month asked for, checked against the data's months; by default the latest complete one.

    The one check of a report month, for a notebook and for the runner planning a batch.
    """
    first, last = facts.data_months(ds)
    period = str(parse_period(period)) if period else latest_complete_month(ds)
    if not (first <= period <= last):
        raise ParameterError(Message("error_period_outside", period=period, first=first, last=last))
    if period in facts.empty_months(ds):
        raise ParameterError(Message("error_period_empty", period=period, first=first, last=last))
    return period


def clean_json(value: Any) -> Any:
    """Make ``value`` JSON-safe and stable: NaN/inf → null, NumPy scalars → Python, floats rounded.

    Rounding to 6 decimals keeps outputs byte-identical across runs and platforms while
    keeping every figure a plain JSON number.
    """
    if isinstance(value, dict):
        return {str(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return None
        rounded = round(number, 6)
        return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
    if value is None:
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return str(value)


def dumps(value: Any) -> str:
    """Canonical JSON text: sorted keys, UTF-8 characters kept, two-space indent."""
    return json.dumps(clean_json(value), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


class Published:
    """Display object carrying a report's metrics and findings to the runner."""

    def __init__(self, angle: str, metrics: dict[str, Any], findings: list[dict[str, Any]]):
        self.payload = clean_json({"angle": angle, "metrics": metrics, "findings": findings})

    def _repr_mimebundle_(self, include=None, exclude=None):  # noqa: D401 - IPython protocol
        count = len(self.payload["findings"])
        text = f"salesnb: {self.payload['angle']} metrics and {count} finding(s) recorded"
        return {RESULT_MIME: self.payload, "text/plain": text}


def publish(report: Report, angle: str, metrics: dict[str, Any], findings: list[dict[str, Any]] | None = None):
    """Return the display object that hands metrics and findings to ``salesnb run``.

    Put it as the last expression of a notebook's last cell.
    """
    scope = {"period": report.period, "region": report.region}
    if report.through_day is not None:  # a partial month says so, and up to which day its figures run
        scope.update(partial=True, through_day=report.through_day)
    if report.looks_partial is not None:  # a summary's month read whole though it looks partial: said, with its share
        scope.update(looks_partial=True, partial_share=report.looks_partial["share"])
    return Published(angle, {**scope, **metrics}, list(findings or []))
