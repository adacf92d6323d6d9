"""Load a sales dataset onto the data contract: a folder of CSV/Parquet/Excel files or a SQL database.

Every source goes through the same steps so the workbooks see one shape whatever the user exported:
read raw values, rename the user's tables and columns with the mapping, parse each contract column by
its kind (ids stay text, dates become ``datetime64[ns]``, amounts ``float64``, months ``YYYY-MM``), add
missing optional columns as empty ones, then validate. Values that cannot be parsed are reported as
problems with example rows, never silently turned into NaT/NaN. All steps are vectorised.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from ..errors import ConfigError, DataSourceError, DataValidationError, SalesnbError
from . import validation
from .contract import ANGLE_TABLES, COUNT, DATE, ID, NUMBER, PERIOD, SCORE, TABLES, TEXT, TIMESTAMP
from .validation import ORDERS

CSV_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")  # UTF-8 (with Excel's BOM), then Chinese Excel exports
FILE_SUFFIXES: tuple[str, ...] = (".csv", ".parquet", ".xlsx")
KIND_DTYPES: dict[str, str] = {
    ID: "str",
    TEXT: "str",
    PERIOD: "str",
    DATE: "datetime64[ns]",
    TIMESTAMP: "datetime64[ns]",
    NUMBER: "float64",
    COUNT: "float64",
    SCORE: "float64",
}
MAPPING_SECTIONS = ("tables", "columns")
CUSTOMERS = "customers"
ORDER_DATE, REGION, CUSTOMER_ID = "order_date", "region", "customer_id"

_INT_LIKE = r"^(-?\d+)\.0+$"  # "1001.0" written by Excel/parquet for an integer id
_GROUPED_NUMBER = r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?"  # "1,234.5"; "1,5" is not accepted
_MONTH = r"^(\d{4})(?:\s*[-/年]\s*(\d{1,2})\s*月?|(\d{2}))$"  # 2026-01, 2026-1, 2026/01, 2026年1月, 202601
_DATE_SEPARATORS = r"[/.年月]"
_TS_MIN, _TS_MAX = pd.Timestamp.min, pd.Timestamp.max  # datetime64[ns] range


class MissingTableError(SalesnbError, KeyError):
    """A table was asked for that the dataset does not hold (or that the contract does not define)."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


@dataclass
class Mapping:
    """How the user's table and column names map onto the contract (contract name -> user name)."""

    tables: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    def table_name(self, table: str) -> str:
        """Return the user's name of contract ``table``."""
        return self.tables.get(table, table)


@dataclass(eq=False)  # identity equality keeps datasets hashable (facts caches per dataset)
class Dataset:
    """Contract tables of one data source, parsed and typed, with what the user's data really held.

    ``present_columns`` lists the contract columns each table actually had before empty optional
    columns were added, so a report can tell "no channel column" from "channel empty". The other
    fields record how the data was loaded (mapping, unparseable values, ignored source tables) so
    :mod:`salesnb.data.validation` can name the user's own names and avoid reporting a value twice.
    """

    tables: dict[str, pd.DataFrame]
    source: str = ""
    present_columns: dict[str, frozenset[str]] = field(default_factory=dict)
    mapping: Mapping = field(default_factory=Mapping)
    parse_problems: list[str] = field(default_factory=list)
    unparsed_rows: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # positions of unparseable values
    ignored: tuple[str, ...] = ()  # tables/files in the source that are not contract tables

    def has(self, *names: str | Iterable[str]) -> bool:
        """Return True when every named table is present (an empty table counts as present)."""
        return all(name in self.tables for name in _names(names))

    def missing(self, *names: str | Iterable[str]) -> list[str]:
        """Return the named tables that are absent, in the order given."""
        return [name for name in _names(names) if name not in self.tables]

    def get(self, name: str) -> pd.DataFrame | None:
        """Return the table, or ``None`` when the source does not have it."""
        _names([name])
        return self.tables.get(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        _names([name])
        if name not in self.tables:
            present = ", ".join(self.table_names) or "none"
            raise MissingTableError(f"needs table {name}: the data source has no {name} table (tables: {present})")
        return self.tables[name]

    @property
    def table_names(self) -> list[str]:
        """Names of the tables present, in contract order."""
        return [name for name in TABLES if name in self.tables]


def _names(names: Iterable[str | Iterable[str]]) -> list[str]:
    flat = [n for item in names for n in ([item] if isinstance(item, str) else item)]
    unknown = [n for n in flat if n not in TABLES]
    if unknown:
        raise MissingTableError(f"unknown table(s) {', '.join(unknown)}; contract tables: {', '.join(TABLES)}")
    return flat


# --------------------------------------------------------------------------------------------------- mapping


def load_mapping(mapping: str | os.PathLike | dict | Mapping | None) -> Mapping:
    """Read a mapping (YAML file or dict with ``tables:`` and ``columns:``) and check its contract names.

    Raises :class:`ConfigError` listing the valid names when the mapping names an unknown table or column.
    """
    if mapping is None or isinstance(mapping, Mapping):
        return mapping or Mapping()
    if not isinstance(mapping, dict):
        path = Path(mapping)
        if not path.is_file():
            raise ConfigError(f"mapping file not found: {path}")
        try:
            mapping = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read mapping file {path}: {exc}") from exc
    if not isinstance(mapping, dict):
        raise ConfigError("a mapping must be a YAML dictionary with 'tables:' and/or 'columns:' sections")
    unknown = sorted(set(map(str, mapping)) - set(MAPPING_SECTIONS))
    if unknown:
        raise ConfigError(f"unknown mapping section(s) {', '.join(unknown)}; valid sections: tables, columns")
    tables = _name_pairs(mapping.get("tables"), "tables", list(TABLES))
    columns: dict[str, dict[str, str]] = {}
    for table, pairs in _section(mapping.get("columns"), "columns").items():
        if table not in TABLES:
            raise ConfigError(f"mapping columns: unknown table '{table}'; valid tables: {', '.join(TABLES)}")
        spec = TABLES[table]
        valid = [c.name for c in spec.columns] + [f"{p}<name>" for p in spec.prefix_columns]
        columns[table] = _name_pairs(pairs, f"columns.{table}", valid, accept=lambda c, s=spec: s.column(c) is not None)
        users = list(columns[table].values())
        repeated = sorted({u for u in users if users.count(u) > 1})
        if repeated:
            raise ConfigError(f"mapping columns.{table} maps several contract columns onto {', '.join(repeated)}")
    return Mapping(tables, columns)


def _section(value: object, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"mapping '{where}' must be a dictionary of contract name: your name")
    return value


def _name_pairs(
    value: object, where: str, valid: list[str], accept: Callable[[str], bool] | None = None
) -> dict[str, str]:
    pairs = {str(k).strip(): ("" if v is None else str(v).strip()) for k, v in _section(value, where).items()}
    unknown = [k for k in pairs if not (accept(k) if accept else k in valid)]
    if unknown:
        raise ConfigError(f"mapping {where}: unknown name(s) {', '.join(unknown)}; valid names: {', '.join(valid)}")
    empty = [k for k, v in pairs.items() if not v]
    if empty:
        raise ConfigError(f"mapping {where}: no name given for {', '.join(empty)}")
    return pairs


# --------------------------------------------------------------------------------------------------- reading


def _read_csv(path: Path) -> pd.DataFrame:
    for encoding in CSV_ENCODINGS:
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=True, encoding=encoding)
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError as exc:
            raise DataSourceError(f"{path} is empty; give it a header row or remove it") from exc
    raise DataSourceError(f"cannot decode {path} as UTF-8 or GB18030; save it from Excel as 'CSV UTF-8'")


_READERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    ".csv": _read_csv,
    ".parquet": pd.read_parquet,
    ".xlsx": lambda path: pd.read_excel(path, sheet_name=0),
}


def _read_file(path: Path) -> pd.DataFrame:
    try:
        return _READERS[path.suffix.lower()](path)
    except DataSourceError:
        raise
    except Exception as exc:  # any reader failure (corrupt file, permissions ...) becomes one clear message
        raise DataSourceError(
            f"cannot read {path}: {type(exc).__name__}: {exc}; check the file opens and re-export it"
        ) from exc


def _pick(names: list[str], wanted: str) -> list[str]:
    """Source names matching ``wanted`` exactly, else ignoring case."""
    exact = [n for n in names if n == wanted]
    return exact or [n for n in names if n.casefold() == wanted.casefold()]


def _read_folder(folder: Path, mapping: Mapping) -> tuple[dict[str, pd.DataFrame], list[str]]:
    if not folder.exists():
        raise DataSourceError(
            f"data folder not found: {folder}; pass a folder holding orders.csv (or .parquet/.xlsx) "
            "or a database URL such as sqlite:///sales.db"
        )
    if not folder.is_dir():
        raise DataSourceError(f"{folder} is a file; pass the folder that holds it (one file per table)")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in FILE_SUFFIXES and not p.name.startswith("~$"))
    stems = sorted({p.stem for p in files})
    frames, used = {}, set()
    for table in TABLES:
        stem_matches = _pick(stems, mapping.table_name(table))
        candidates = [p for p in files if p.stem in stem_matches]
        if len(candidates) > 1:
            raise DataSourceError(
                f"table {table} has several files: {', '.join(p.name for p in candidates)}; keep only one of them"
            )
        if candidates:
            frames[table] = _read_file(candidates[0])
            used.add(candidates[0])
    return frames, [p.name for p in files if p not in used]


def _masked_url(url: str) -> str:
    return re.sub(r"(//[^:/@]+):[^@/]*@", r"\1:***@", url)


def _read_database(url: str, mapping: Mapping) -> tuple[dict[str, pd.DataFrame], list[str], str]:
    import sqlalchemy as sa

    hint = "write it like sqlite:///path/to/sales.db or postgresql://user:password@host/dbname"
    try:
        engine = sa.create_engine(url)
    except ImportError as exc:
        raise DataSourceError(
            f"the database driver for {_masked_url(url)} is not installed ({exc}); pip install it"
        ) from exc
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as exc:
        raise DataSourceError(f"cannot use database URL {_masked_url(url)} ({exc}); {hint}") from exc
    label = engine.url.render_as_string(hide_password=True)
    database = engine.url.database or ""
    if (
        engine.url.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not database.startswith("file:")
    ):
        if not Path(database).is_file():
            raise DataSourceError(f"SQLite database file not found: {database}; {hint}")
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            names = sorted(set(inspector.get_table_names()) | set(inspector.get_view_names()))
            names = [n for n in names if not n.startswith("sqlite_")]  # SQLite's own bookkeeping tables
            frames, used = {}, set()
            for table in TABLES:
                found = _pick(names, mapping.table_name(table))
                if len(found) > 1:
                    raise DataSourceError(f"table {table} matches several database tables: {', '.join(found)}")
                if found:
                    frames[table] = pd.read_sql_table(found[0], conn)
                    used.add(found[0])
    except sa.exc.SQLAlchemyError as exc:
        reason = str(exc).splitlines()[0]
        raise DataSourceError(f"cannot read database {label}: {reason}; check the URL, server and password") from exc
    finally:
        engine.dispose()
    return frames, [n for n in names if n not in used], label


def _tidy(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Strip header names and text values; empty text becomes NA."""
    frame = frame.rename(columns=lambda c: str(c).strip())
    repeated = sorted(set(frame.columns[frame.columns.duplicated()]))
    if repeated:
        raise DataSourceError(f"{where} has several columns named {', '.join(repeated)}; rename or remove the extras")
    cleaned = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
            column = column.astype("str")
        if isinstance(column.dtype, pd.StringDtype):
            column = column.str.strip()
            column = column.mask(column == "")
        cleaned[name] = column
    return pd.DataFrame(cleaned, index=frame.index)


def _apply_column_mapping(frame: pd.DataFrame, renames: dict[str, str]) -> pd.DataFrame:
    """Rename the user's columns to contract names; a mapped column wins over a same-named one."""
    to_contract = {user: contract for contract, user in renames.items() if user in frame.columns}
    shadowed = [c for c in to_contract.values() if c in frame.columns and c not in to_contract]
    return frame.drop(columns=shadowed).rename(columns=to_contract)


# --------------------------------------------------------------------------------------------------- parsing


def _as_text(values: pd.Series, *, int_like: bool) -> pd.Series:
    """Values as ``str`` dtype; integer-valued floats (1001.0) lose their ``.0``."""
    if pd.api.types.is_float_dtype(values):
        finite = values.dropna()
        if len(finite) and np.isfinite(finite).all() and (finite == np.floor(finite)).all():
            values = values.astype("Int64")
        int_like = True
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype("str").str.strip()
        values = values.mask(values == "")
    if int_like and values.str.contains(".", regex=False).any():
        values = values.str.replace(_INT_LIKE, r"\1", regex=True)
    return values


def _parse_text(values: pd.Series) -> tuple[pd.Series, None]:
    return _as_text(values, int_like=False), None


def _parse_id(values: pd.Series) -> tuple[pd.Series, None]:
    return _as_text(values, int_like=True), None


def _iso_datetimes(text: pd.Series) -> pd.Series:
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except ValueError:  # mixed UTC offsets: bring all to UTC
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    return parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed


def _parse_datetime(values: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(values):
        outside = (values < _TS_MIN) | (values > _TS_MAX)
        return values.mask(outside).astype("datetime64[ns]"), outside
    text = _as_text(values, int_like=False)
    parsed = _iso_datetimes(text)
    failed = text.notna() & parsed.isna()
    if failed.any():  # second chance for 2026/1/5, 2026.01.05, 2026年1月5日
        retry = text[failed].str.replace(_DATE_SEPARATORS, "-", regex=True).str.replace("日", "", regex=False)
        parsed = parsed.astype("datetime64[us]")
        parsed[failed] = _iso_datetimes(retry).astype("datetime64[us]")
    outside = (parsed < _TS_MIN) | (parsed > _TS_MAX)
    parsed = parsed.mask(outside).astype("datetime64[ns]")
    return parsed, text.notna() & parsed.isna()


def _text_to_float(text: pd.Series) -> pd.Series:
    """Parse text as float64: Arrow's cast when every value is a plain number (fast), else ``pd.to_numeric``."""
    try:
        cast = pc.cast(pa.array(text.array, from_pandas=True), pa.float64())
        return pd.Series(cast.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, TypeError):
        return pd.to_numeric(text, errors="coerce").astype("float64")


def _parse_number(values: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        numbers = values.astype("float64")
        infinite = np.isinf(numbers)
        return numbers.mask(infinite), infinite
    text = _as_text(values, int_like=False)
    commas = text.str.contains(",", regex=False).fillna(False).astype(bool)
    if commas.any():
        grouped = text[commas].str.fullmatch(_GROUPED_NUMBER).fillna(False).astype(bool)
        fixed = text[commas][grouped].str.replace(",", "", regex=False)
        text = text.copy()
        text[fixed.index] = fixed
    numbers = _text_to_float(text)
    numbers = numbers.mask(np.isinf(numbers))
    return numbers, text.notna() & numbers.isna()


def _parse_period(values: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m").astype("str"), None
    text = _as_text(values, int_like=True)
    parts = text.str.extract(_MONTH)
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1].fillna(parts[2]), errors="coerce")
    guess = text.notna() & month.isna()
    if guess.any():  # a full date names its month
        dates, _ = _parse_datetime(text[guess])
        year[guess], month[guess] = dates.dt.year, dates.dt.month
    ok = month.between(1, 12) & year.notna()
    period = year.astype("Int64").astype("str").str.cat(month.astype("Int64").astype("str").str.zfill(2), sep="-")
    return period.where(ok).astype("str"), text.notna() & ~ok


_PARSERS: dict[str, Callable[[pd.Series], tuple[pd.Series, pd.Series | None]]] = {
    ID: _parse_id,
    TEXT: _parse_text,
    DATE: _parse_datetime,
    TIMESTAMP: _parse_datetime,
    NUMBER: _parse_number,
    COUNT: _parse_number,
    SCORE: _parse_number,
    PERIOD: _parse_period,
}
_NOT_A_NUMBER = ("a value that is not a number", "values that are not numbers")
_PARSE_PROBLEMS: dict[str, tuple[tuple[str, str], str]] = {  # kind -> ((what fails: one, several), expected)
    DATE: (("an unparseable date", "unparseable dates"), "expected YYYY-MM-DD"),
    TIMESTAMP: (("an unparseable timestamp", "unparseable timestamps"), "expected YYYY-MM-DD HH:MM[:SS]"),
    NUMBER: (_NOT_A_NUMBER, "expected a number such as 1234.5"),
    COUNT: (_NOT_A_NUMBER, "expected a number such as 12"),
    SCORE: (_NOT_A_NUMBER, "expected a number such as 8"),
    PERIOD: (("an unparseable month", "unparseable months"), "expected YYYY-MM"),
}


def _empty_column(kind: str, index: pd.Index) -> pd.Series:
    return pd.Series(index=index, dtype=KIND_DTYPES[kind])


def _coerce_table(name: str, raw: pd.DataFrame) -> tuple[pd.DataFrame, frozenset[str], list[str], dict]:
    """Parse every contract column of one table; returns frame, present columns, problems, failed positions."""
    table = TABLES[name]
    raw = raw.reset_index(drop=True)
    present = frozenset(c for c in raw.columns if table.column(c) is not None)
    columns, failures = {}, {}
    for column in raw.columns:
        spec = table.column(column)
        if spec is None:
            columns[column] = raw[column]
            continue
        columns[column], failed = _PARSERS[spec.kind](raw[column])
        if failed is not None and failed.any():
            failures[column] = (spec.kind, failed.to_numpy(dtype=bool))
    for spec in table.columns:
        if spec.name not in columns:
            columns[spec.name] = _empty_column(spec.kind, raw.index)
    contract = [c.name for c in table.columns]
    frame = pd.DataFrame(columns, index=raw.index)[contract + [c for c in raw.columns if c not in contract]]
    problems, positions = [], {}
    for column, (kind, failed) in failures.items():
        what, hint = _PARSE_PROBLEMS[kind]
        problems.append(validation.row_problem(frame, name, column, failed, what, values=raw[column], hint=hint))
        positions[(name, column)] = np.flatnonzero(failed)
    return frame, present, problems, positions


# --------------------------------------------------------------------------------------------------- public


def load_dataset(
    source: str | os.PathLike,
    *,
    mapping: str | os.PathLike | dict | Mapping | None = None,
    validate: bool = True,
) -> Dataset:
    """Load every contract table of ``source`` (folder of files, or a SQLAlchemy URL) as typed frames.

    Parameters
    ----------
    source
        Folder holding ``<table>.csv|.parquet|.xlsx``, or a database URL such as ``sqlite:///sales.db``.
    mapping
        YAML file or dict renaming the user's tables and columns onto the contract.
    validate
        Raise :class:`DataValidationError` listing every problem (all tables) when the data breaks the contract.

    Raises
    ------
    DataSourceError
        The source cannot be read. ``ConfigError``: the mapping names unknown tables or columns.
    """
    names = load_mapping(mapping)
    text = os.fspath(source)
    if "://" in text:
        raw, ignored, label = _read_database(text, names)
    else:
        raw, ignored = _read_folder(Path(text), names)
        label = text
    tables, present, problems, unparsed = {}, {}, [], {}
    for name, frame in raw.items():
        frame = _apply_column_mapping(_tidy(frame, f"table {name}"), names.columns.get(name, {}))
        tables[name], present[name], found, positions = _coerce_table(name, frame)
        problems += found
        unparsed.update(positions)
    ds = Dataset(tables, label, present, names, problems, unparsed, tuple(ignored))
    if validate:
        all_problems = validation.validate_dataset(ds, problems)
        if all_problems:
            raise DataValidationError(all_problems)
    return ds


def _regions(ds: Dataset) -> list[str]:
    orders = ds.get(ORDERS)
    if orders is None:
        return []
    region = orders[REGION]
    customers = ds.get(CUSTOMERS)
    if customers is not None and region.isna().any():
        by_customer = customers.dropna(subset=[CUSTOMER_ID]).drop_duplicates(CUSTOMER_ID).set_index(CUSTOMER_ID)
        region = region.fillna(orders[CUSTOMER_ID].map(by_customer[REGION]))
    return sorted(region.dropna().astype(str).unique().tolist())


def _angle_state(missing: list[str]) -> dict:
    return {"ready": not missing, "missing": missing}


def summarize(ds: Dataset) -> dict:
    """Describe what the data holds for ``salesnb validate``: rows, order dates, months, regions, usable angles.

    Returns a dict with ``source``, ``tables`` (name -> rows), ``ignored``, ``date_range`` (first, last order
    date as ISO text, or ``None``), ``months`` (``YYYY-MM`` with orders), ``regions`` and ``angles``
    (angle -> ``{"ready": bool, "missing": [tables]}``).
    """
    orders = ds.get(ORDERS)
    dates = orders[ORDER_DATE].dropna() if orders is not None else pd.Series(dtype="datetime64[ns]")
    return {
        "source": ds.source,
        "tables": {name: len(ds.tables[name]) for name in ds.table_names},
        "ignored": list(ds.ignored),
        "date_range": (dates.min().strftime("%Y-%m-%d"), dates.max().strftime("%Y-%m-%d")) if len(dates) else None,
        "months": sorted(dates.dt.strftime("%Y-%m").unique().tolist()),
        "regions": _regions(ds),
        "angles": {angle: _angle_state(ds.missing(needed)) for angle, needed in ANGLE_TABLES.items()},
    }


_LABELS: dict[str, dict[str, str]] = {
    "source": {"zh": "数据来源", "en": "Source"},
    "tables": {"zh": "数据表", "en": "Tables"},
    "rows": {"zh": "{n:,} 行", "en": "{n:,} rows"},
    "ignored": {"zh": "未使用(不在数据约定内)", "en": "Ignored (not contract tables)"},
    "dates": {"zh": "订单日期", "en": "Order dates"},
    "to": {"zh": "至", "en": "to"},
    "months": {"zh": "覆盖月份", "en": "Months covered"},
    "regions": {"zh": "区域", "en": "Regions"},
    "angles": {"zh": "可做的分析", "en": "Report angles"},
    "ready": {"zh": "可用", "en": "ready"},
    "needs": {"zh": "缺少数据表 {tables}", "en": "needs table {tables}"},
    "none": {"zh": "无", "en": "none"},
}


def format_summary(summary: dict, lang: str = "zh") -> str:
    """Readable multi-line text of :func:`summarize` output, in Chinese (default) or English (``lang="en"``)."""

    def label(key: str, **values: object) -> str:
        texts = _LABELS[key]
        return texts.get(lang, texts["zh"]).format(**values)

    none = label("none")
    tables = summary["tables"]
    lines = [f"{label('source')}: {summary['source']}", f"{label('tables')} ({len(tables)}):"]
    lines += [f"  {name}: {label('rows', n=rows)}" for name, rows in tables.items()]
    if summary.get("ignored"):
        lines.append(f"{label('ignored')}: {', '.join(summary['ignored'])}")
    first_last = summary["date_range"]
    dates = f" {label('to')} ".join(first_last) if first_last else none
    lines.append(f"{label('dates')}: {dates}")
    months = summary["months"]
    span = f"{months[0]} … {months[-1]}" if len(months) > 1 else (months[0] if months else none)
    lines.append(f"{label('months')} ({len(months)}): {span}")
    lines.append(f"{label('regions')} ({len(summary['regions'])}): {', '.join(summary['regions']) or none}")
    lines.append(f"{label('angles')}:")
    for angle, state in summary["angles"].items():
        mark = "✓" if state["ready"] else "✗"
        detail = label("ready") if state["ready"] else label("needs", tables=", ".join(state["missing"]))
        lines.append(f"  {mark} {angle}: {detail}")
    return "\n".join(lines)
