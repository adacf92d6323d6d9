"""A large catalogue and customer base: seconds and page size of each angle's report at ALL, latest month.

Usage: python benchmarks/catalogue.py [--products 30000] [--scale 52] [--data DIR] [--out DIR] [--angle product ...]

Generates demo data with ``products`` products (``salesnb.demo.generate_dataset(products=...)``: the named
products plus long-tail variants) and ``scale`` times the sample's volumes (52 gives about 100,000 customers,
377,000 orders and 680,000 order lines), unless ``--data`` names an existing folder. Then it runs each
angle's notebook for ALL at the latest month through the real runner (``run_reports``, one worker, one angle
at a time, so every report pays the same data loading) and prints one line per angle: seconds, the size of
its HTML page in MB and the peak memory of the finished child processes (workers, kernels); then the ratio
of the product report's seconds to the slowest other angle's.
Targets (issue 10): every page under 5 MB, product ≤ about 2× others.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from salesnb.batch.runner import available_angles, run_reports  # noqa: E402
from salesnb.demo import generate_dataset, write_dataset  # noqa: E402

PAGE_LIMIT_MB = 5.0
RATIO_LIMIT = 2.0


def make_data(folder: Path, products: int, scale: float) -> None:
    """Write the demo dataset at the benchmark's size into ``folder`` (skipped when it already holds one)."""
    marker = folder / "catalogue.json"
    wanted = {"products": products, "scale": scale}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return
    started = time.perf_counter()
    tables, planted = generate_dataset(scale=scale, products=products)
    write_dataset(tables, planted, folder)
    marker.write_text(json.dumps(wanted))
    sizes = ", ".join(f"{name} {len(tables[name]):,}" for name in ("products", "customers", "orders", "order_lines"))
    print(f"data: {sizes} ({time.perf_counter() - started:.0f} s) in {folder}", flush=True)


def run_angle(data: Path, angle: str, out: Path) -> tuple[float, float]:
    """Run one angle's report (ALL, latest month) through the runner: seconds and the HTML page's MB."""
    started = time.perf_counter()
    summary = run_reports(
        data, periods=[], regions=["ALL"], angles=[angle], out_dir=out, jobs=1, force=True, progress=False
    )
    seconds = time.perf_counter() - started
    if not summary.ok:
        print(summary.text(), flush=True)
    pages = sorted(out.rglob(f"{angle}.html")) or sorted(out.rglob(f"{angle}.error.html"))
    return seconds, (pages[0].stat().st_size / 2**20 if pages else float("nan"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=30000)
    parser.add_argument("--scale", type=float, default=52.0)
    parser.add_argument("--data", default="", help="existing dataset folder (default: generate one)")
    parser.add_argument("--out", default="", help="output folder (default: a temporary folder)")
    parser.add_argument("--angle", nargs="+", default=available_angles())
    args = parser.parse_args()
    work = Path(args.out or tempfile.mkdtemp(prefix="salesnb_catalogue_"))
    data = Path(args.data) if args.data else work / "data"
    if not args.data:
        data.mkdir(parents=True, exist_ok=True)
        make_data(data, args.products, args.scale)
    results: dict[str, tuple[float, float]] = {}
    for angle in args.angle:
        seconds, mb = run_angle(data, angle, work / "reports" / angle)
        results[angle] = (seconds, mb)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        flag = "" if mb < PAGE_LIMIT_MB else f"  <-- page over {PAGE_LIMIT_MB:.0f} MB"
        print(
            f"{angle:9s} {seconds:7.1f} s  {mb:6.2f} MB  (peak RSS of finished child processes {peak} MiB){flag}",
            flush=True,
        )
    others = [s for a, (s, _) in results.items() if a != "product"]
    if "product" in results and others:
        ratio = results["product"][0] / max(others)
        verdict = "ok" if ratio <= RATIO_LIMIT else f"over {RATIO_LIMIT:.0f}x"
        print(f"product / max(other) = {ratio:.2f} ({verdict})")


if __name__ == "__main__":
    main()
