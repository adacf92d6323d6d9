"""Small vectorised helpers: random streams and draws, and index, id and date conversions of whole arrays."""

from __future__ import annotations

import zlib

import numpy as np

from .world import DAY, MISSING


def _stream(seed: int, name: str) -> np.random.Generator:
    """Return an independent random stream for one part of the simulation, so parts do not shift each other."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def _counts(rng: np.random.Generator, expected: np.ndarray, noise: float = 0.03) -> np.ndarray:
    """Whole counts close to ``expected``: a little multiplicative noise, then unbiased random rounding."""
    value = expected * np.exp(rng.normal(0.0, noise, np.shape(expected)))
    return np.floor(value + rng.random(np.shape(expected))).astype(np.int64)


def _choice(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """One category index per row of ``p`` (rows are probability vectors)."""
    cdf = np.cumsum(p, axis=-1)
    u = rng.random(cdf.shape[:-1]) * cdf[..., -1]
    return np.minimum((cdf <= u[..., None]).sum(axis=-1), cdf.shape[-1] - 1)


def _group_keys(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys ``group + cumulative share`` of a ``(groups, options)`` weight table, and its empty groups."""
    n_groups, n_options = weights.shape
    total = weights.sum(axis=1, keepdims=True)
    cdf = np.cumsum(weights, axis=1) / np.where(total > 0, total, 1.0)
    if n_options:
        cdf[:, -1] = 1.0
    return (np.arange(n_groups)[:, None] + cdf).ravel(), total[:, 0] <= 0


def _grouped_choice(rng: np.random.Generator, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """For each entry of ``group``, draw a column of ``weights[group]`` with probability proportional to it.

    ``weights`` is ``(groups, options)``; entries whose group has no weight at all get -1. Memory is
    ``O(groups × options + draws)``, so thousands of options and millions of draws are fine.
    """
    n_options = weights.shape[1]
    keys, empty = _group_keys(weights)
    pos = np.searchsorted(keys, group + rng.random(len(group)), side="right") - group * n_options
    return np.where(empty[group], -1, np.clip(pos, 0, max(n_options - 1, 0)))


def _spread_choice(rng: np.random.Generator, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Like :func:`_grouped_choice`, but each option gets its expected share of its group's rows (±1).

    Systematic sampling: the rows of a group, in random order, take evenly spaced positions on the
    group's cumulative weights. Used where a plain random draw would add unrealistic count noise.
    """
    n_groups, n_options = weights.shape
    n = len(group)
    keys, empty = _group_keys(weights)
    order = np.lexsort((rng.random(n), group))
    g = group[order]
    counts = np.bincount(group, minlength=n_groups)
    rank = np.arange(n) - np.searchsorted(g, g)
    position = (rank + rng.random(n_groups)[g]) / np.maximum(counts[g], 1)
    pos = np.searchsorted(keys, g + position, side="right") - g * n_options
    out = np.empty(n, dtype=np.int64)
    out[order] = np.where(empty[g], -1, np.clip(pos, 0, max(n_options - 1, 0)))
    return out


def _thin(rng: np.random.Generator, mask: np.ndarray, keep_share: float) -> np.ndarray:
    """Mask of the rows of ``mask`` to drop so that exactly ``round(keep_share × count)`` of them remain."""
    rows = np.flatnonzero(mask)
    drop = np.zeros(len(mask), dtype=bool)
    drop[rng.permutation(rows)[round(keep_share * len(rows)) :]] = True
    return drop


def _office_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Time of day in seconds, mostly within office hours."""
    return (np.clip(rng.normal(13.6, 2.4, n), 8.3, 21.5) * 3600).astype(np.int64)


def _codes(prefix: str, n: int, width: int) -> np.ndarray:
    """Make identifiers ``prefix`` + zero-padded running number."""
    width = max(width, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _take(values: np.ndarray, index: np.ndarray, missing: int | np.ndarray) -> np.ndarray:
    """``values[index]`` where the index is set (>= 0), ``missing`` elsewhere; safe when ``values`` is empty."""
    out = np.array(np.broadcast_to(missing, len(index)), dtype=np.int64)
    ok = index >= 0
    out[ok] = values[index[ok]]
    return out


def _lookup(ids: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``ids[index]`` with ``None`` where the index is missing (negative)."""
    out = np.full(len(index), None, dtype=object)
    ok = index >= 0
    out[ok] = ids[index[ok]]
    return out


def _day_values(days: np.ndarray) -> np.ndarray:
    """Day numbers (days since 1970-01-01, ``MISSING`` for none) as ``datetime64[s]`` dates."""
    out = (np.asarray(days, dtype=np.int64) * DAY).astype("datetime64[s]")
    out[np.asarray(days) == MISSING] = np.datetime64("NaT")
    return out


def _second_values(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds (``MISSING`` for none) as ``datetime64[s]`` timestamps."""
    out = np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")
    out[np.asarray(seconds) == MISSING] = np.datetime64("NaT")
    return out


def _texts(values: tuple[str, ...], index: np.ndarray) -> np.ndarray:
    """Labels of category indices, ``None`` where the index is missing."""
    return _lookup(np.array(values, dtype=object), np.asarray(index))
