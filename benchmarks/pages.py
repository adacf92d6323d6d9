"""Time turning executed notebooks into HTML pages: the old way (before issue 12) against today's, side by side.

Usage: python benchmarks/pages.py [--period 2026-10] [--region 华东] [--lang zh] [--rounds 3] [--executed DIR]

The six notebooks of one scope are executed once in a warm kernel (on the sample data unless ``--data``); with
``--executed DIR`` they are kept there and reused by the next run. Then each round renders every page the old
way (a new ``HTMLExporter`` per page, a deep copy of the notebook, the font subset cut from the full 16 MB font
parsed anew) and the new way (:func:`salesnb.batch.rendering.to_html`), alternately, and prints per-page and
total seconds (the median over the rounds), the page sizes and the ratio old/new. The first new-way round pays
the one-off costs (the exporter, the base font cut or read from disk): it is printed apart. The in-process
cache of subsets is emptied before each page (a batch's pages each have their own characters).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from salesnb.batch import rendering, webfont  # noqa: E402
from salesnb.batch.engine import WarmKernel, parameterize  # noqa: E402
from salesnb.batch.jobs import NOTEBOOK_DIR  # noqa: E402
from salesnb.batch.notebook_lang import localize_markdown  # noqa: E402
from salesnb.batch.rendering import presentable, to_html  # noqa: E402

ANGLES = ("overview", "market", "product", "team", "process", "support")


def old_subset_font(characters: str) -> bytes:
    """The subset as it was cut before issue 12: the full font parsed for every page."""
    return webfont._cut(webfont.full_font_bytes(), characters, flavor="woff")


def old_to_html(nb: nbformat.NotebookNode, *, title: str, show_code: bool = False, lang: str = "zh") -> str:
    """:func:`salesnb.batch.rendering.to_html` as it was before issue 12."""
    import base64

    exporter, _ = rendering._exporter.__wrapped__(show_code, lang)  # a new exporter for every page, as before
    shown = localize_markdown(presentable(copy.deepcopy(nb), show_code=show_code), lang)
    body, _ = exporter.from_notebook_node(shown, resources={"metadata": {"name": title}})
    characters = webfont.page_characters(body)
    if not characters or "</head>" not in body:
        return body
    data = base64.b64encode(old_subset_font(characters)).decode("ascii")
    css = f'@font-face {{ font-family: "{webfont.FAMILY}"; src: url(data:font/woff;base64,{data}) format("woff"); }}'
    return body.replace("</head>", f'<style type="text/css">{css}</style>\n</head>', 1)


def executed_notebooks(args: argparse.Namespace) -> dict[str, nbformat.NotebookNode]:
    """The six notebooks of the scope, executed once (or read back from ``--executed``)."""
    keep = Path(args.executed) if args.executed else None
    if keep and all((keep / f"{a}.ipynb").exists() for a in ANGLES):
        return {a: nbformat.read(keep / f"{a}.ipynb", as_version=4) for a in ANGLES}
    params = {"data": args.data, "lang": args.lang, "config_path": "", "mapping_path": "", "thresholds": {}}
    notebooks = {}
    with WarmKernel(NOTEBOOK_DIR) as kernel:
        for angle in ANGLES:
            nb = parameterize(NOTEBOOK_DIR / f"{angle}.ipynb", {**params, "period": args.period, "region": args.region})
            started = time.perf_counter()
            notebooks[angle] = kernel.execute(nb)
            print(f"executed {angle:9s} {time.perf_counter() - started:6.1f} s", flush=True)
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        for angle, nb in notebooks.items():
            nbformat.write(nb, keep / f"{angle}.ipynb")
    return notebooks


def _timed(render, nb: nbformat.NotebookNode, title: str, lang: str) -> tuple[float, str]:
    webfont.subset_font.cache_clear()  # in a batch every page has its own characters: no subset is reused
    started = time.perf_counter()
    page = render(nb, title=title, lang=lang)
    return time.perf_counter() - started, page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="", help="data folder (default: the sample)")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--region", default="华东")
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--executed", default="", help="keep the executed notebooks here and reuse them")
    args = parser.parse_args()
    notebooks = executed_notebooks(args)
    title = f"{args.region} · {args.period}"

    first = {a: _timed(to_html, nb, f"{a} · {title}", args.lang) for a, nb in notebooks.items()}
    print(f"new way, first round (one-off costs): {sum(seconds for seconds, _ in first.values()):.2f} s")
    times: dict[str, dict[str, list[float]]] = {"old": {a: [] for a in ANGLES}, "new": {a: [] for a in ANGLES}}
    sizes: dict[str, dict[str, int]] = {"old": {}, "new": {}}
    pages: dict[str, dict[str, str]] = {"old": {}, "new": {}}
    for _ in range(args.rounds):
        for angle, nb in notebooks.items():
            for way, render in (("old", old_to_html), ("new", to_html)):
                seconds, page = _timed(render, nb, f"{angle} · {title}", args.lang)
                times[way][angle].append(seconds)
                sizes[way][angle] = len(page.encode("utf-8"))
                pages[way][angle] = page
    print(f"{'page':9s} {'old s':>7s} {'new s':>7s} {'ratio':>6s} {'old KiB':>8s} {'new KiB':>8s} same")
    totals = {"old": 0.0, "new": 0.0}
    for angle in ANGLES:
        old, new = (statistics.median(times[w][angle]) for w in ("old", "new"))
        totals["old"] += old
        totals["new"] += new
        print(
            f"{angle:9s} {old:7.3f} {new:7.3f} {old / new:6.1f} "
            f"{sizes['old'][angle] / 1024:8.0f} {sizes['new'][angle] / 1024:8.0f} "
            f"{'yes' if pages['old'][angle] == pages['new'][angle] else 'NO'}"
        )
    old_kib, new_kib = (sum(sizes[w].values()) / 1024 for w in ("old", "new"))
    ratio = totals["old"] / totals["new"]
    again = all(pages["new"][a] == first[a][1] for a in ANGLES)
    print(f"new pages byte-identical to the first round's: {'yes' if again else 'NO'}")
    print(f"{'total':9s} {totals['old']:7.3f} {totals['new']:7.3f} {ratio:6.1f} {old_kib:8.0f} {new_kib:8.0f}")
    print(f"ratio old/new per scope: {ratio:.1f}x ({args.rounds} rounds, medians)")


if __name__ == "__main__":
    main()
