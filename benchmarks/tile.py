"""A large test input without generating it: a demo dataset's CSV files repeated N times with ids made unique.

Usage: python benchmarks/tile.py SOURCE DEST [--times 10]

Tile 0 is the source as it is; tile k > 0 appends ``_k`` to every id (order, customer, rep, deal, lead,
activity, invoice, ticket), so keys stay unique and references stay whole. Dates, amounts and the product
catalogue are unchanged; ``products``, ``targets`` and ``marketing_spend`` are copied once (a target is one
row per month, region, rep and product line). Text is copied as written (every column read as text), so a
tiled dataset is as clean as its source. ``DEST`` is reused once it is whole (it then holds ``.tiled``).
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

ONCE = ("products", "targets", "marketing_spend")
IDS = ("order_id", "customer_id", "rep_id", "opportunity_id", "lead_id", "activity_id", "invoice_id", "ticket_id")


def tile(source: Path, dest: Path, times: int) -> None:
    """Write ``times`` copies of each CSV of ``source`` into ``dest`` (see the module doc)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.csv")):
        if path.stem in ONCE:
            shutil.copyfile(path, dest / path.name)
            continue
        with open(path, encoding="utf-8-sig") as handle:
            header = handle.readline().rstrip("\r\n").split(",")
        table = pcsv.read_csv(
            path, convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()))
        )
        ids = [name for name in table.column_names if name in IDS]
        partial = dest / f".{path.name}.part"
        for quoting in ("none", "needed"):  # unquoted as pandas writes it, unless a value holds a comma or quote
            try:
                options = pcsv.WriteOptions(quoting_style=quoting)
                with pcsv.CSVWriter(partial, table.schema, write_options=options) as out:
                    for k in range(times):
                        out.write_table(_tagged(table, ids, k) if k else table)
                break
            except pa.ArrowInvalid:
                continue
        partial.rename(dest / path.name)


def _tagged(table, ids: list[str], k: int):
    """``table`` with ``_k`` appended to every non-empty id."""
    import pyarrow.compute as pc

    for name in ids:
        column = table.column(name)
        tagged = pc.if_else(pc.equal(column, ""), column, pc.binary_join_element_wise(column, f"_{k}", ""))
        table = table.set_column(table.schema.get_field_index(name), name, tagged)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--times", type=int, default=10)
    args = parser.parse_args()
    if (args.dest / ".tiled").is_file():
        print(f"{args.dest} already tiled")
        return
    started = time.perf_counter()
    tile(args.source, args.dest, args.times)
    (args.dest / ".tiled").write_text(f"{args.source} x{args.times}\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in args.dest.glob("*.csv")) / 2**20
    seconds = time.perf_counter() - started
    print(f"tiled {args.source} x{args.times} into {args.dest}: {size:,.0f} MiB in {seconds:.0f} s")


if __name__ == "__main__":
    main()
