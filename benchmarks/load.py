"""Generate, write, load and validate a large demo dataset; print the time of each step and the peak memory.

Usage: python benchmarks/load.py [--lines 1000000] [--keep DIR]

The issue asks for one million order lines generated in under a minute; loading and validating them is
what every batch run pays once, so it is timed here too.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from salesnb.data.loading import load_dataset
from salesnb.demo import generate_dataset, write_dataset

LINES_PER_SCALE = 12_800  # order lines at scale 1.0 over the default 24 months (measured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines wanted (approximately)")
    parser.add_argument("--keep", help="write the dataset here instead of a temporary folder")
    args = parser.parse_args()
    scale = max(args.lines / LINES_PER_SCALE, 0.05)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.keep or tmp)
        start = time.perf_counter()
        tables, planted = generate_dataset(scale=scale)
        generated = time.perf_counter()
        write_dataset(tables, planted, out)
        written = time.perf_counter()
        ds = load_dataset(out)
        loaded = time.perf_counter()
        lines = len(ds["order_lines"])
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scale {scale:.1f}: {lines:,} order lines, {len(ds['orders']):,} orders")
    print(f"generate        {generated - start:6.1f} s")
    print(f"write CSV       {written - generated:6.1f} s")
    print(f"load + validate {loaded - written:6.1f} s")
    print(f"peak RSS        {peak_mib:6.0f} MiB")


if __name__ == "__main__":
    main()
