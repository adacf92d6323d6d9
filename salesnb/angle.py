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

ANGLE_NAMES: tuple[str, ...] = ("overview", "market", "product", "team", "process", "support")  # report order


@dataclass(frozen=True)
class Rule:
    """One finding rule: ``check(report) -> [finding, ...]`` for ``code``, run only when ``needs`` are all present."""

    code: str
    check: Callable[[Any], list[dict[str, Any]]]
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Angle:
    """A report angle: its name, the tables it cannot run without, its rules (in order) and metric functions."""

    name: str
    needs: tuple[str, ...] = ("orders",)
    rules: tuple[Rule, ...] = ()
    metrics_of: tuple[Callable[[Any], dict[str, Any]], ...] = field(default=())

    @property
    def codes(self) -> tuple[str, ...]:
        """The finding codes this angle can produce, in rule order."""
        return tuple(dict.fromkeys(rule.code for rule in self.rules))

    def runnable_rules(self, ds: Any) -> list[Rule]:
        """The rules whose tables are all in ``ds``."""
        return [rule for rule in self.rules if all(ds.has(table) for table in rule.needs)]

    def findings(self, report: Any) -> list[dict[str, Any]]:
        """Every finding of the runnable rules for ``report``, in rule order, computed once per report."""

        def build() -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = []
            for rule in self.runnable_rules(report.ds):
                found += rule.check(report)
            return found

        return report.memo(f"{self.name}_findings", build)

    def metrics(self, report: Any) -> dict[str, Any]:
        """The angle's key numbers: every metric function's result merged, in declaration order."""
        out: dict[str, Any] = {}
        for metric in self.metrics_of:
            out.update(metric(report))
        return out


def get(name: str) -> Angle:
    """The declared :class:`Angle` called ``name`` (imports its package)."""
    if name not in ANGLE_NAMES:
        raise KeyError(f"unknown angle {name!r}; angles: {', '.join(ANGLE_NAMES)}")
    return importlib.import_module(f"salesnb.{name}").ANGLE


@cache
def angle_of_code() -> dict[str, str]:
    """``{finding code: angle name}`` over every declared rule."""
    return {code: name for name in ANGLE_NAMES for code in get(name).codes}
