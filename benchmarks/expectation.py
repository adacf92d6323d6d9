"""How well the expected month (:func:`salesnb.expect.expected`) forecasts simulated seasonal series.

Each series is a retail year as the foreign benchmark's generator draws it (``foreign_data.season``: 春节 dip in
the month the calendar puts it, 618 and 双11 peaks, a trend, a wobble) times a scope's own noise (lognormal,
5–30 %: a company to a small region). The last month is forecast from the months before it, with the season keys
the reports use (:mod:`salesnb.seasons`). Printed per history length and month kind (the 春节 block or another):
the median absolute log error of the forecast, its median signed log error (``bias``: below 0, the forecast runs
high) and the share of months below the 80 % interval's low end (10 % if the interval is honest; more is a false
"below expectation" on a clean month).

    python benchmarks/expectation.py --series 2000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from foreign_data import season  # noqa: E402 - the foreign generator's retail year

from salesnb.config import load_config  # noqa: E402
from salesnb.expect import expected  # noqa: E402
from salesnb.seasons import festival_months, in_festival_block, season_keys  # noqa: E402

LENGTHS = ((15, 23), (24, 29), (30, 35), (36, 48))  # months of history, as the generators and exports give them


def simulate(rng: np.random.Generator, months: int, end: str) -> tuple[list[str], np.ndarray]:
    """``months`` + 1 consecutive months ending at ``end`` and their revenue: a retail year times a scope's noise."""
    index = pd.period_range(end=end, periods=months + 1, freq="M").astype(str).tolist()
    noise = rng.uniform(0.05, 0.30)
    values = 1e6 * season(index, rng) * rng.lognormal(0, noise, len(index))
    return index, values


def forecast_errors(series: int, seed: int) -> pd.DataFrame:
    """One row per simulated series: history length, month kind, log error, whether below the interval."""
    rng = np.random.default_rng(seed)
    festivals = festival_months(load_config())
    rows = []
    for _ in range(series):
        low, high = LENGTHS[rng.integers(len(LENGTHS))]
        months = int(rng.integers(low, high + 1))
        end = f"{rng.integers(2024, 2027)}-{rng.integers(1, 13):02d}"
        index, values = simulate(rng, months, end)
        forecast = expected(values[:-1], keys=season_keys(index, festivals))
        rows.append(
            {
                "history": f"{low}-{high}",
                "kind": "春节 block" if in_festival_block(index[-1]) else "other",
                "error": float(np.log(values[-1] / forecast.value)),
                "below": bool(values[-1] < forecast.low),
            }
        )
    return pd.DataFrame(rows)


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per history length and month kind: series, median |log error|, share below the interval."""
    grouped = frame.groupby(["history", "kind"])
    return pd.DataFrame(
        {
            "series": grouped.size(),
            "median_error": grouped["error"].apply(lambda e: e.abs().median()),
            "bias": grouped["error"].median(),
            "below_low": grouped["below"].mean(),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    table = summary(forecast_errors(args.series, args.seed))
    weights = table["series"] / table["series"].sum()
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3f}".format):
        print(table)
    print(
        f"all: median error {float((table['median_error'] * weights).sum()):.3f}, "
        f"below the 80 % interval {float((table['below_low'] * weights).sum()):.3f} (honest: 0.100)"
    )


if __name__ == "__main__":
    main()
