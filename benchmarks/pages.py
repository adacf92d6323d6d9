"""Side by side: the seconds of turning one scope's executed notebooks into HTML pages, two source trees.

Usage: python benchmarks/pages.py --old /work/wt/old [--new .] [--period 2026-10] [--region 华东] [--lang zh]
                                  [--rounds 3] [--executed DIR] [--write DIR]

The six notebooks of one scope are executed once in a warm kernel of the new tree (on the sample data unless
``--data``); with ``--executed DIR`` they are kept there and reused by the next run. Each round then starts one
process per tree, alternating which goes first so both see the same load. A process renders every page once
(the one-off costs: nbconvert's templates, the base font read from disk; printed apart), then renders them again,
timed, with the in-process cache of font subsets emptied before each page (in a batch every page has its own
characters). It prints per page the median seconds of each tree and the ratio old/new, whether the visible text
and the images of the two trees' pages are the same, and whether each tree's pages are byte-identical from one
process to the next. ``--write DIR`` keeps the pages of the last round (``DIR/old``, ``DIR/new``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANGLES = ("overview", "market", "product", "team", "process", "support")


class _Visible(HTMLParser):
    """The text a reader sees (scripts and styles left out, whitespace runs as one space) and the images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.images: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "img":
            found = dict(attrs)
            self.images.append(found.get("src") or "")
            self.text.append(f"[{found.get('alt') or ''}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def visible(page: str) -> tuple[str, list[str]]:
    """The visible text of ``page`` (one space between words) and the ``src`` of each image, in order."""
    parser = _Visible()
    parser.feed(page)
    return " ".join(" ".join(parser.text).split()), parser.images


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def child(tree: str, executed: str, lang: str, title: str, write: str) -> dict:
    """In this process: render the scope's pages with the package of ``tree``, once untimed, once timed."""
    sys.path.insert(0, tree)
    import nbformat

    from salesnb.batch import rendering, webfont

    notebooks = {a: nbformat.read(Path(executed) / f"{a}.ipynb", as_version=4) for a in ANGLES}
    started = time.perf_counter()
    for angle, nb in notebooks.items():
        rendering.to_html(nb, title=f"{angle} · {title}", lang=lang)
    first = time.perf_counter() - started
    seconds, pages = {}, {}
    for angle, nb in notebooks.items():
        webfont.subset_font.cache_clear()
        started = time.perf_counter()
        pages[angle] = rendering.to_html(nb, title=f"{angle} · {title}", lang=lang)
        seconds[angle] = time.perf_counter() - started
    if write:
        Path(write).mkdir(parents=True, exist_ok=True)
        for angle, page in pages.items():
            (Path(write) / f"{angle}.html").write_text(page, encoding="utf-8")
    shown = {a: visible(p) for a, p in pages.items()}
    return {
        "first": first,
        "seconds": seconds,
        "bytes": {a: len(p.encode("utf-8")) for a, p in pages.items()},
        "page": {a: _digest(p) for a, p in pages.items()},
        "text": {a: _digest(text) for a, (text, _) in shown.items()},
        "images": {a: _digest("\n".join(images)) for a, (_, images) in shown.items()},
    }


def executed_notebooks(args: argparse.Namespace, new_tree: str) -> str:
    """The folder holding the six notebooks of the scope, executed once with the new tree (or kept from before)."""
    keep = Path(args.executed or "/tmp/salesnb-pages-executed")
    if all((keep / f"{a}.ipynb").exists() for a in ANGLES):
        return str(keep)
    sys.path.insert(0, new_tree)
    import nbformat

    from salesnb.batch.engine import WarmKernel, parameterize
    from salesnb.batch.jobs import NOTEBOOK_DIR

    params = {"data": args.data, "lang": args.lang, "config_path": "", "mapping_path": "", "thresholds": {}}
    keep.mkdir(parents=True, exist_ok=True)
    with WarmKernel(NOTEBOOK_DIR) as kernel:
        for angle in ANGLES:
            nb = parameterize(NOTEBOOK_DIR / f"{angle}.ipynb", {**params, "period": args.period, "region": args.region})
            started = time.perf_counter()
            nbformat.write(kernel.execute(nb), keep / f"{angle}.ipynb")
            print(f"executed {angle:9s} {time.perf_counter() - started:6.1f} s", flush=True)
    return str(keep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", help="the source tree to compare against")
    parser.add_argument("--new", default=str(REPO), help="the source tree measured (default: this one)")
    parser.add_argument("--data", default="", help="data folder (default: the sample)")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--region", default="华东")
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--executed", default="", help="keep the executed notebooks here and reuse them")
    parser.add_argument("--write", default="", help="write the last round's pages under DIR/old and DIR/new")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    title = f"{args.region} · {args.period}"
    if args.child:
        print(json.dumps(child(args.child, args.executed, args.lang, title, args.write)))
        return
    if not args.old:
        parser.error("--old DIR: the source tree to compare against (e.g. a worktree of main)")
    trees = {"old": str(Path(args.old).resolve()), "new": str(Path(args.new).resolve())}
    executed = executed_notebooks(args, trees["new"])
    runs: dict[str, list[dict]] = {"old": [], "new": []}
    for k in range(args.rounds):
        for name in ("old", "new") if k % 2 == 0 else ("new", "old"):
            write = str(Path(args.write) / name) if args.write and k == args.rounds - 1 else ""
            command = [sys.executable, __file__, "--child", trees[name], "--executed", executed, "--lang", args.lang]
            command += ["--period", args.period, "--region", args.region, "--write", write]
            done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603 - our own
            runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{'page':9s} {'old s':>7s} {'new s':>7s} {'ratio':>6s} {'old KiB':>8s} {'new KiB':>8s} text images")
    totals = {"old": 0.0, "new": 0.0}
    last = {name: runs[name][-1] for name in runs}
    for angle in ANGLES:
        old, new = (statistics.median(r["seconds"][angle] for r in runs[w]) for w in ("old", "new"))
        totals["old"] += old
        totals["new"] += new
        same = {k: "same" if last["old"][k][angle] == last["new"][k][angle] else "DIFF" for k in ("text", "images")}
        print(
            f"{angle:9s} {old:7.3f} {new:7.3f} {old / new:6.1f} {last['old']['bytes'][angle] / 1024:8.0f} "
            f"{last['new']['bytes'][angle] / 1024:8.0f} {same['text']:4s} {same['images']}"
        )
    ratio = totals["old"] / totals["new"]
    print(f"{'total':9s} {totals['old']:7.3f} {totals['new']:7.3f} {ratio:6.1f}")
    for name in ("old", "new"):
        first = statistics.median(r["first"] for r in runs[name])
        stable = all(r["page"] == runs[name][0]["page"] for r in runs[name])
        print(
            f"{name}: first rendering (one-off costs) {first:.2f} s; pages byte-identical between processes: "
            f"{'yes' if stable else 'NO'}"
        )
    per_page = totals["new"] / len(ANGLES)
    print(f"ratio old/new per scope: {ratio:.1f}x; new {per_page:.3f} s per page ({args.rounds} rounds, medians)")


if __name__ == "__main__":
    main()
