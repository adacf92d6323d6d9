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
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from ..errors import ConfigError, DataSourceError, DataValidationError
from . import validation
from .contract import TABLES
from .dataset import Dataset, Mapping
from .parsing import coerce_table

CSV_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")  # UTF-8 (with Excel's BOM), then Chinese Excel exports
FILE_SUFFIXES: tuple[str, ...] = (".csv", ".parquet", ".xlsx")
MAPPING_SECTIONS = ("tables", "columns")


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
        tables[name], present[name], found, positions = coerce_table(name, frame)
        problems += found
        unparsed.update(positions)
    ds = Dataset(tables, label, present, names, problems, unparsed, tuple(ignored))
    if validate:
        all_problems = validation.validate_dataset(ds, problems)
        if all_problems:
            raise DataValidationError(all_problems)
    return ds
