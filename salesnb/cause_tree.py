"""The executive summary's order: each root cause, ranked, followed by the symptoms :mod:`salesnb.causes` linked to it.

:func:`fold` walks the ``parent`` links :func:`salesnb.causes.link` set; :func:`roots` keeps the causes alone and
:func:`summary_frame` lays the tree out as the summary's table.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .findings import SEVERITY_RANK, at_stake, rank_findings


def fold(findings: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """``(depth, finding)`` pairs: each root (ranked) followed by its symptoms, depth-first, each level ranked.

    A finding whose parent is not among ``findings`` counts as a root. A cause ranks by the most severe finding
    it explains (itself or any symptom beneath it), then by its revenue at stake, then as
    :func:`~salesnb.findings.rank_findings` ranks (a stable sort over its order): a medium regional fall that
    explains a rep's high collapse stands with the high problems, so the summary's top roots never leave a high
    finding out.
    """
    ids = {f["id"] for f in findings}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for f in findings:
        parent = f.get("parent") if f.get("parent") in ids else None
        children.setdefault(parent, []).append(f)
    worst: dict[str, int] = {}

    def gravest(f: dict[str, Any]) -> int:  # the lowest severity rank in f's tree (links never loop: see link)
        if f["id"] not in worst:
            own = SEVERITY_RANK.get(f.get("severity", "low"), len(SEVERITY_RANK))
            worst[f["id"]] = min([own, *(gravest(c) for c in children.get(f["id"], []))])
        return worst[f["id"]]

    out: list[tuple[int, dict[str, Any]]] = []

    def walk(parent: str | None, depth: int) -> None:
        for f in sorted(rank_findings(children.get(parent, [])), key=lambda f: (gravest(f), -at_stake(f))):
            out.append((depth, f))
            walk(f["id"], depth + 1)

    walk(None, 0)
    return out


def roots(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ranked root findings: those whose parent is not among ``findings``."""
    return [f for depth, f in fold(findings) if depth == 0]


def summary_frame(findings: list[dict[str, Any]]) -> pd.DataFrame:
    """The executive summary as a frame: roots in rank order, each followed by its symptoms (``depth`` ≥ 1).

    Columns: id, parent, root (the id of the root it sits under), depth, angle, code, severity, status, months,
    effect (a root's revenue at stake), title, action.
    """
    rows, root = [], None
    for depth, f in fold(findings):
        root = f["id"] if depth == 0 else root
        rows.append(
            {
                "id": f["id"], "parent": f.get("parent"), "root": root, "depth": depth, "angle": f["angle"],
                "code": f["code"], "severity": f["severity"], "status": f.get("status"), "months": f.get("months"),
                "effect": f.get("effect"), "title": f["title"], "action": f["action"],
            }
        )  # fmt: skip
    columns = ["id", "parent", "root", "depth", "angle", "code", "severity", "status", "months", "effect"]
    return pd.DataFrame(rows, columns=[*columns, "title", "action"])
