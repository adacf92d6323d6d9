"""One hash lookup of text keys for every column a row reads from another table: ``map``/``isin`` at scale.

Re-exported by :mod:`salesnb.data.facts`, where callers find them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def positions(keys: pd.Index | pd.Series, values: pd.Series) -> np.ndarray:
    """Position in ``keys`` (unique) of each of ``values``, ``-1`` where absent: one lookup for several columns.

    What ``Series.map`` does for each column it maps; sharing it matters at a million rows. Text keys and
    values (the loader's ``str`` columns, pyarrow-backed) are matched by pyarrow's hash lookup, several times
    faster than pandas' own; missing matches missing, as in ``map``.
    """
    keys = pd.Index(keys)
    arrow = pd.StringDtype("pyarrow", na_value=np.nan)
    if keys.dtype == arrow and values.dtype == arrow and len(values):
        import pyarrow as pa
        import pyarrow.compute as pc

        def arrow_of(column: pd.Index | pd.Series) -> pa.Array:  # public route (``__arrow_array__``), no copy
            array = pa.array(column.array)
            return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array

        found = pc.index_in(arrow_of(values), value_set=arrow_of(keys))
        return found.fill_null(-1).to_numpy().astype(np.intp, copy=False)
    return keys.get_indexer(values)


def take(column: pd.Series, at: np.ndarray, index: pd.Index) -> pd.Series:
    """``column``'s values at positions ``at`` (``-1``: missing) on ``index``: a ``map`` after :func:`positions`."""
    values = column.to_numpy() if isinstance(column.dtype, np.dtype) else column.array
    return pd.Series(pd.api.extensions.take(values, at, allow_fill=True), index=index, name=column.name)


def lookup(values: pd.Series, table: pd.Series) -> pd.Series:
    """``values.map(table)`` for a ``table`` with unique keys, by one hash lookup (:func:`positions`).

    The same values as ``map`` (missing where a value is not a key), several times faster on text ids at scale.
    """
    if not table.index.is_unique:  # map raises, as it always did
        return values.map(table)
    return take(table, positions(table.index, values), values.index).rename(values.name)


def among(keys: pd.Index | pd.Series, values: pd.Series | pd.Index) -> np.ndarray:
    """``keys.isin(values)`` as a boolean array, by the same hash lookup (pandas' own is slow on text ids)."""
    return positions(pd.Index(pd.unique(values)), pd.Series(keys)) >= 0


def map_distinct(values: pd.Series, mapper: dict | pd.Series) -> pd.Series:
    """``values.map(mapper)`` worked out once per distinct value: a million stages or statuses hold a dozen.

    Same values, dtype, index and name as ``map`` (a value ``mapper`` lacks is missing, and the result then
    floats, as ``map`` does); ``map`` itself for categorical values, which it keeps categorical.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.map(mapper)
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    mapped = pd.Series(distinct, dtype=values.dtype).map(mapper)
    return pd.Series(mapped.array.take(codes), index=values.index, name=values.name)
