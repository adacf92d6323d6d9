"""Load a sales dataset onto the data contract: a folder of CSV/Parquet/Excel (.xlsx, .xls) files or a SQL database.

Every source goes through the same steps so the workbooks see one shape whatever the user exported:
read raw values, rename the user's tables and columns with the mapping, parse each contract column by
its kind (ids stay text, dates become ``datetime64[ns]``, amounts ``float64``, months ``YYYY-MM``), add
missing optional columns as empty ones, then validate. Values that cannot be parsed are reported as
problems with example rows, never silently turned into NaT/NaN. All steps are vectorised.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from ..errors import DataSourceError, DataValidationError
from . import validation
from .catalogue import catalogue_prices
from .consistency import amount_disagreement, empty_amounts, identical_rows, one_order_each
from .contract import TABLES
from .copied_cost import drop_copied_cost
from .currency import currency_problems, in_base_currency, lines_in_order_currency
from .database import stage_database
from .dataset import Dataset, Mapping
from .delimited import TEXT_SUFFIXES, headerless, headerless_names, point_decimals, separator, title_lines
from .derive import add_joined_ids, computed_columns, joined_note, one_row_per_id, split_reused_orders
from .encodings import CSV_ENCODINGS, csv_encodings
from .exclude import drop_excluded, drop_flat_rows, only_rows, own_rows, shared_alone, stands_alone, unmatched_rows
from .header_rows import GROUPS, TITLE, below_title, header_notes, two_row_header
from .mapped_files import unmapped_file
from .mapping import MAPPING_SECTIONS, load_mapping
from .merged_cells import fill_merged_orders
from .messages import Message
from .parsing import MISSING_MARKERS, coerce_table
from .skipped_rows import skip_rows_without_sales
from .spellings import one_spelling
from .summaries import orders_of_summaries, summed_targets
from .target_regions import rep_target_regions
from .unsold import add_unsold
from .validation import FILE_ROW
from .voids import cancel_voided_lines
from .weeks import spread_weeks
from .wide_targets import melt_months
from .workbooks import is_workbook, read_sheet, sheet_names
from .zero_orders import drop_zero_orders

__all__ = ["CSV_ENCODINGS", "FILE_SUFFIXES", "MAPPING_SECTIONS", "load_dataset", "load_mapping", "read_table_file"]

FILE_SUFFIXES: tuple[str, ...] = (*TEXT_SUFFIXES, ".parquet", ".xlsx", ".xls")  # workbooks: see .workbooks
UNREADABLE_SUFFIXES: dict[str, str] = {  # files users export that salesnb does not read: the text saying what to do
    ".xlsm": "error_format_xlsm",
}
HEADERLESS = "headerless"  # ``frame.attrs`` key: the file had no header line (its columns are 列1, 列2 …)


# --------------------------------------------------------------------------------------------------- reading


def _read_csv(path: Path, encoding: str = "") -> pd.DataFrame:
    """A delimited text file (.csv, .txt, .tsv) as text, its separator and header read from its first lines."""
    for name in csv_encodings(path, encoding):
        try:
            titles = title_lines(path, name)  # 销售明细表, 导出时间 … above the header, without separators
            options = {"sep": separator(path, name), "dtype": str, "keep_default_na": False, "encoding": name}
            frame = pd.read_csv(path, na_values=MISSING_MARKERS, skiprows=titles, **options)
            if headerless(frame.columns):  # the first line is a sale: kept, and the columns named 列1, 列2 …
                frame = pd.read_csv(path, header=None, na_values=MISSING_MARKERS, skiprows=titles, **options)
                frame.columns = headerless_names(len(frame.columns))
                frame.attrs[HEADERLESS] = True
            if options["sep"] != ",":  # a European Excel's CSV: semicolons, and decimal commas
                frame = point_decimals(frame)
            if titles:
                frame.attrs[TITLE] = titles
            return frame
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError as exc:
            raise DataSourceError(Message("error_file_empty", path=str(path))) from exc
    if encoding:
        raise DataSourceError(Message("error_decode_declared", path=str(path), encoding=encoding))
    raise DataSourceError(Message("error_decode", path=str(path)))


SHEET = "#"  # ``销售.xlsx#客户``: the sheet 客户 of the workbook 销售.xlsx, as a table's file


def _header(path: Path, encoding: str, sheet: str | None = None) -> list[str]:
    """The file's header row as written (pandas renames a repeated name to ``name.1``, hiding the repeat)."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        for name in csv_encodings(path, encoding):
            try:
                sep, titles = separator(path, name), title_lines(path, name)
                row = pd.read_csv(path, header=None, nrows=1, dtype=str, encoding=name, sep=sep, skiprows=titles)
                break
            except UnicodeDecodeError:
                continue
    elif is_workbook(path):
        row = read_sheet(path, sheet, header_only=True)
    else:
        return []
    return [str(v).strip() for v in row.iloc[0].tolist()] if len(row) else []


def _maybe_repeated(columns: pd.Index) -> bool:
    """Whether pandas may have renamed a repeated header (``名称``, ``名称.1``): only then is the header re-read."""
    names = {str(c) for c in columns}
    return any(m is not None and m.group(1) in names for m in (re.match(r"(.*)\.\d+$", n) for n in names))


def _read_file(path: Path, encoding: str = "", sheet: str | None = None) -> pd.DataFrame:
    """One file's raw values; of a workbook its first sheet, or ``sheet``."""
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        if path.suffix.lower() in TEXT_SUFFIXES:
            frame = _read_csv(path, encoding)
        elif is_workbook(path):
            frame = read_sheet(path, sheet)
        else:
            raise DataSourceError(Message("error_not_a_table_file", source=str(path)))
        header = _header(path, encoding, sheet) if _maybe_repeated(frame.columns) else []
        repeated = sorted({name for name in header if header.count(name) > 1 and name != "nan"})
        if repeated:
            raise DataSourceError(Message("error_repeated_columns", where=path.name, names=", ".join(repeated)))
        return without_blank_unnamed(two_row_header(below_title(frame)))
    except DataSourceError:
        raise
    except Exception as exc:  # any reader failure (corrupt file, permissions ...) becomes one clear message
        reason = f"{type(exc).__name__}: {exc}"
        raise DataSourceError(Message("error_unreadable_file", path=str(path), reason=reason)) from exc


def first_data_line(frame: pd.DataFrame) -> int:
    """How many lines of the file stand above the frame's first row: its header and any title rows above it.

    A problem names the row as the spreadsheet or editor shows it: the first sale under a header is row 2.
    """
    return int(frame.attrs.get(TITLE, 0)) + (GROUPS in frame.attrs) + (0 if frame.attrs.get(HEADERLESS) else 1)


def without_blank_unnamed(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without columns that have neither a header nor a value (a trailing comma on every line).

    One yearly file of a split table ending its lines in a comma got an ``Unnamed: 8`` column the other years
    lack, and the years could not be read as one table. Such a column holds nothing, so nothing is lost.
    """
    blank = [c for c in frame.columns if str(c).startswith("Unnamed:") and _empty(frame[c]).all()]
    return frame.drop(columns=blank) if blank else frame


def _empty(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype("string").str.strip().eq("").fillna(True)


def read_table_file(path: Path, encoding: str = "", sheet: str | None = None) -> pd.DataFrame:
    """One data file (a workbook's ``sheet``) as the loader sees it before mapping: text stripped, empty as NA."""
    return _tidy(_read_file(path, encoding, sheet), path.name if sheet is None else f"{path.name}{SHEET}{sheet}")


def _sheet_of(files: list[Path], wanted: str) -> tuple[list[Path], str | None]:
    """The files a mapping's table name points at, and the workbook sheet it names (``销售.xlsx#客户``)."""
    head, mark, sheet = wanted.rpartition(SHEET)
    if mark:
        books = [p for p in _matching_files(files, head) if is_workbook(p)]
        if books:
            return books, sheet
    return _matching_files(files, wanted), None


def is_pattern(wanted: str) -> bool:
    """Whether a mapping's file name is a pattern of several files (``销售_*.csv``: one file per year or month)."""
    return any(char in wanted for char in "*?[")


def _matching_files(files: list[Path], wanted: str) -> list[Path]:
    """Files named ``wanted`` with its extension (``sales.csv``) or without it (``sales``), exact case first.

    A pattern (``销售_*.csv``, :func:`is_pattern`) names every file it matches, in name order.
    """
    if is_pattern(wanted):
        return sorted(p for p in files if fnmatch.fnmatch(p.name.casefold(), wanted.casefold()))
    for same in (str.__eq__, lambda a, b: a.casefold() == b.casefold()):
        found = [p for p in files if same(p.name, wanted)] or [p for p in files if same(p.stem, wanted)]
        if found:
            return found
    return []


def _read_folder(source: Path, mapping: Mapping) -> tuple[dict[str, tuple[str, pd.DataFrame]], list[str]]:
    """Every contract table the folder (or the single file) holds: table -> (file name, frame), and other files.

    A file that several tables name (a flat export) is read once and shared.
    """
    if not source.exists():
        raise DataSourceError(Message("error_folder_not_found", source=str(source)))
    if source.is_file():
        if source.suffix.lower() not in FILE_SUFFIXES:
            raise DataSourceError(Message("error_not_a_table_file", source=str(source)))
        files = [source]
    else:
        files = sorted(p for p in source.iterdir() if p.suffix.lower() in FILE_SUFFIXES and not p.name.startswith("~$"))
    frames, read, used = {}, {}, set()
    for table in TABLES:
        candidates, sheet = _sheet_of(files, mapping.table_name(table))
        if not candidates and source.is_dir():
            _refuse_unreadable(source, mapping.table_name(table), table)
        wanted = mapping.table_name(table)
        if len(candidates) > 1 and not is_pattern(wanted):
            files = ", ".join(p.name for p in candidates)
            raise DataSourceError(Message("error_several_files", table=table, files=files))
        parts = _parts(candidates, sheet)
        if len(parts) > 1:  # one table split into files or sheets (a year or a month each): read as one
            if (wanted, sheet) not in read:
                read[wanted, sheet] = _read_split(parts, mapping.encoding)
            frames[table] = (wanted, read[wanted, sheet])
            used.update(candidates)
        elif candidates:
            path = candidates[0]
            if (path, sheet) not in read:
                read[path, sheet] = _read_sheet(path, mapping.encoding, sheet)
            frames[table] = (path.name if sheet is None else f"{path.name}{SHEET}{sheet}", read[path, sheet])
            used.add(path)
    if source.is_file() and not frames:
        raise DataSourceError(unmapped_file(source, mapping))
    return frames, [p.name for p in files if p not in used]


def _parts(files: list[Path], sheet: str | None) -> list[tuple[Path, str | None]]:
    """(file, sheet) of each part of a table: every file, or every workbook sheet a sheet pattern matches.

    A workbook kept one sheet per month (``销售.xlsx#*月``: 1月 … 12月) or continued past Excel's row limit
    (Sheet1, Sheet2) is one table in several sheets, as a folder of yearly files is one table in several files.
    """
    if sheet is None or not is_pattern(sheet):
        return [(path, sheet) for path in files]
    parts = [(p, s) for p in files for s in sheet_names(p) if fnmatch.fnmatch(s.casefold(), sheet.casefold())]
    if not parts and files:
        names = ", ".join(sheet_names(files[0]))
        raise DataSourceError(Message("error_no_sheet", name=files[0].name, sheet=repr(sheet), sheets=names))
    return parts


def _read_split(parts: list[tuple[Path, str | None]], encoding: str) -> pd.DataFrame:
    """The files or sheets of one table split by year or month, one after another; they must have the same columns."""
    frames = [_read_sheet(path, encoding, sheet) for path, sheet in parts]
    names = [path.name if sheet is None else f"{path.name}{SHEET}{sheet}" for path, sheet in parts]
    first = list(frames[0].columns)
    for name, frame in zip(names[1:], frames[1:], strict=True):
        if sorted(map(str, frame.columns)) != sorted(map(str, first)):
            differ = ", ".join(sorted(set(map(str, frame.columns)) ^ set(map(str, first))))
            raise DataSourceError(Message("error_split_columns", first=names[0], name=name, columns=differ))
    return pd.concat([frame[first] for frame in frames], ignore_index=True)


def _read_sheet(path: Path, encoding: str, sheet: str | None) -> pd.DataFrame:
    """:func:`_read_file`, naming a workbook's sheets when the one asked for is not there."""
    if sheet is not None:
        names = sheet_names(path)
        if sheet not in names:
            raise DataSourceError(Message("error_no_sheet", name=path.name, sheet=repr(sheet), sheets=", ".join(names)))
    return _read_file(path, encoding, sheet)


def _refuse_unreadable(folder: Path, wanted: str, table: str) -> None:
    """A table exported in a format salesnb cannot read is named, with what to do, rather than called missing."""
    for path in sorted(folder.iterdir()):
        reason = UNREADABLE_SUFFIXES.get(path.suffix.lower())
        if reason and wanted.casefold() in (path.stem.casefold(), path.name.casefold()):
            raise DataSourceError(
                Message("error_unreadable_format", table=table, name=path.name, reason=Message(reason))
            )


def _read_database(url: str, mapping: Mapping) -> tuple[dict[str, tuple[str, pd.DataFrame]], list[str], str]:
    """Stream the database's contract tables into parquet files (see :mod:`.database`), then read those."""
    with tempfile.TemporaryDirectory(prefix="salesnb-db-") as folder:
        staged = stage_database(url, mapping, Path(folder))
        read = {path: _read_file(path) for _, path in staged.files.values()}
    frames = {table: (name, read[path]) for table, (name, path) in staged.files.items()}
    return frames, staged.ignored, staged.label


def _tidy(frame: pd.DataFrame, where: str, whole_file: bool = True) -> pd.DataFrame:
    """Strip header names and text values; empty text becomes NA; the empty rows after the last value go.

    A spreadsheet saved as CSV often ends in formatted but empty rows (``,,,,``): they hold nothing, so
    leaving them out loses nothing. Empty rows between values stay here (:func:`skip_rows_without_sales` leaves them
    out, saying so, and keeps every row's number in the file). A block of a file read in parts
    (``whole_file=False``) keeps its empty rows: only the whole file knows which come last.
    """
    frame = _one_column_per_name(frame.rename(columns=lambda c: str(c).strip()), where)
    cleaned = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
            column = column.astype("str")
        if isinstance(column.dtype, pd.StringDtype):
            column = column.str.strip()
            column = column.mask(column == "")
        cleaned[name] = column
    tidy = pd.DataFrame(cleaned, index=frame.index)
    if not whole_file or not len(tidy.columns) or not len(tidy) or tidy.iloc[-1].notna().any():
        return tidy
    filled = tidy.notna().any(axis=1).to_numpy().nonzero()[0]
    return tidy.iloc[: filled[-1] + 1 if len(filled) else 0]


def _one_column_per_name(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """``frame`` with the columns of one stripped name (``宝贝种类``, ``宝贝种类 ``) made one where they never disagree.

    An export may write one field under two headers differing only in spaces, each row filling one of them: the
    rows' values, taken from whichever column holds them, are that field. Columns whose rows hold different
    values are two fields under one name: the user must rename one (``error_repeated_columns``).
    """
    repeated = sorted(set(frame.columns[frame.columns.duplicated()]))
    if not repeated:
        return frame
    clashing = []
    for name in repeated:
        values = frame.loc[:, frame.columns == name].astype("string")
        if (values.nunique(axis=1, dropna=True) > 1).any():
            clashing.append(name)
    if clashing:
        raise DataSourceError(Message("error_repeated_columns", where=where, names=", ".join(clashing)))
    merged = {}
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        merged[name] = column if name not in merged else merged[name].combine_first(column)
    return pd.DataFrame(merged, index=frame.index)


def _apply_column_mapping(frame: pd.DataFrame, renames: dict[str, str]) -> pd.DataFrame:
    """Rename the user's columns to contract names; a mapped column wins over a same-named one.

    A contract-named column is dropped when the mapping points the contract column elsewhere, even when the
    mapped column is missing: the mapping is the user's word, and validation then names the missing column.
    """
    to_contract: dict[str, str] = {}
    copies: dict[str, str] = {}  # a contract column whose user column another one already takes (产品线 twice)
    for contract, user in renames.items():
        if user in to_contract:
            copies[contract] = user
        elif user in frame.columns:
            to_contract[user] = contract
    shadowed = [c for c, user in renames.items() if c in frame.columns and user != c and c not in to_contract]
    frame = frame.drop(columns=shadowed).rename(columns=to_contract)
    return (
        frame.assign(**{contract: frame[to_contract[user]] for contract, user in copies.items()}) if copies else frame
    )


def _contract_frame(
    name: str, frame: pd.DataFrame, names: Mapping, source: str
) -> tuple[pd.DataFrame, list[str], dict, list[str]]:
    """The user's frame with contract column names: renamed columns plus the mapping's computed ones.

    Returns the frame, problems, the positions of rows already reported and warnings (:func:`computed_columns`).
    """
    computed, problems, reported, warnings = computed_columns(name, frame, names.computed(name), source)
    frame = _apply_column_mapping(frame, names.renames(name))
    if computed:
        frame = frame.drop(columns=[c for c in computed if c in frame.columns]).assign(**computed)
    return frame, problems, reported, warnings


# --------------------------------------------------------------------------------------------------- public


def load_dataset(
    source: str | os.PathLike,
    *,
    mapping: str | os.PathLike | dict | Mapping | None = None,
    validate: bool = True,
    file_rows: bool = False,
) -> Dataset:
    """Load every contract table of ``source`` (folder, single export file, or a SQLAlchemy URL) as typed frames.

    Parameters
    ----------
    source
        Folder holding ``<table>.csv|.parquet|.xlsx|.xls``, one such file (its tables named by the mapping), or a
        database URL such as ``postgresql://user@host/db`` or ``sqlite:///sales.db``, streamed table by table in
        chunks (:mod:`salesnb.data.database`).
    mapping
        YAML file or dict mapping the user's tables and columns onto the contract
        (see :mod:`salesnb.data.mapping`). When several tables come from one file, each keyed table keeps one
        row per id; disagreeing attributes become ``Dataset.warnings``. Rows its ``exclude:`` names are left out
        after validation (:mod:`salesnb.data.exclude`).
    validate
        Raise :class:`DataValidationError` listing every problem (all tables) when the data breaks the contract.
    file_rows
        Without ``validate``: keep each row's line in its file (:data:`~.validation.FILE_ROW`), for a caller that
        checks the dataset itself and names the rows as the file shows them (``salesnb map``).

    Raises
    ------
    DataSourceError
        The source cannot be read. ``ConfigError``: the mapping names unknown tables or columns.
    """
    names = load_mapping(mapping)
    text = os.fspath(source)
    database = "://" in text
    if database:
        raw, ignored, label = _read_database(text, names)
    else:
        raw, ignored = _read_folder(Path(text), names)
        label = text
    sources = [source_name for source_name, _ in raw.values()]
    tidied: dict[str, pd.DataFrame] = {}
    tables, present, problems, unparsed, warnings = {}, {}, [], {}, []
    flat = None  # the excluded rows of a flat export (or of a lone table's file), left out of its file up front
    whole: dict[str, pd.DataFrame] = {}  # a flat export before its exclude: what a ``rows:`` table reads
    for name, (source_name, frame) in raw.items():
        if source_name not in tidied:
            shared = sources.count(source_name) > 1  # a flat export: name the file, not one of its tables
            where = source_name if shared else Message("where_table", name=name)
            warnings += header_notes(frame, where)  # title rows above the header, a header on two rows: said
            if frame.attrs.get(HEADERLESS):
                warnings.append(Message("problem_headerless", where=where, names=", ".join(frame.columns[:3])))
            first_line = None if database else first_data_line(frame)  # problems name the row the sheet shows
            tidied[source_name], found = skip_rows_without_sales(_tidy(frame, where), where, first_line)
            tidied[source_name] = add_joined_ids(tidied[source_name], names)  # order_id: {per: [客户, 日期]}
            warnings += found
            if shared and raw.get("order_lines", (None,))[0] == raw.get("orders", (None,))[0] == source_name:
                tidied[source_name], found = fill_merged_orders(tidied[source_name], names, where)  # 订单号 once
                warnings += found
            mixed, found = currency_problems(tidied[source_name], names, where)  # 货币: EUR, USD, CNY
            problems, warnings = problems + mixed, warnings + found
            if shared and set(sources) == {source_name}:  # one flat export: rows that are not sales leave first
                tidied[source_name], found = cancel_voided_lines(tidied[source_name], names, source_name)
                warnings += found
                whole[source_name] = tidied[source_name]  # voided pairs cancelled, return lines (红字) kept
                kept = [t for t in raw if t not in names.rows and t not in own_rows(raw)]  # their exclude: their own
                tidied[source_name], flat = drop_flat_rows(tidied[source_name], names, kept)
            elif not shared and stands_alone(name, raw):  # alone in its file, nothing points at it: the same
                tidied[source_name], flat = drop_flat_rows(tidied[source_name], names, [name], flat)
            if shared and raw.get("orders", (None,))[0] == source_name:  # a flat export's orders
                tidied[source_name], found = split_reused_orders(tidied[source_name], names)
                warnings += found
        rows = tidied[source_name]  # a shared file's table nothing refers to (a pipeline's won deals): its own rows
        if name in names.rows:  # the returns read from the sales sheet's negative lines
            rows = only_rows(whole.get(source_name, rows), names, name, source_name)
        elif name in own_rows(raw) and source_name in whole:  # a CRM export's every deal, not its won ones alone
            rows, flat = drop_flat_rows(whole[source_name], names, [name], flat)
        if shared_alone(name, raw, sources, source_name, flat):
            rows, flat = drop_flat_rows(rows, names, [name], flat)
        if name in names.wide:  # 年份, 销售员, 1月 … 12月: a row per month
            rows, found = melt_months(rows, names.wide[name], source_name)
            problems += found
        frame, found, reported, said = _contract_frame(name, rows, names, source_name)
        problems += found
        warnings += [w for w in said if w not in warnings]  # one file's addresses, read for orders and customers
        tables[name], present[name], found, positions = coerce_table(name, frame, names)
        tables[name] = in_base_currency(name, tables[name], names)  # before an order totals its lines
        problems += found
        unparsed.update({**reported, **positions})
        joined = name == "orders" and names.renames("orders").get("order_id") in names.joined
        summed = (sources.count(source_name) > 1 or joined) and TABLES[name].key  # a flat export's, or rows made orders
        if name == "order_lines" or (summed and name == "orders" and raw.get("order_lines", (None,))[0] != source_name):
            where = source_name if sources.count(source_name) > 1 else Message("where_table", name=name)
            warnings += identical_rows(rows, tables[name], name, where)  # two sales, or one twice?
        if summed:
            tables[name], found, unparsed = one_row_per_id(name, tables[name], present[name], unparsed, names)
            warnings += found
    tables = lines_in_order_currency(tables, names)  # 币种 on the orders only: their lines in it too
    tables, unmatched = unmatched_rows(tables, names)  # a return of a sale before the export: not matched
    tables, found = add_unsold(tables, raw)  # a target sheet's rep who sold nothing: a rep all the same
    tables, placed = rep_target_regions(tables)  # a rep's target in the region the rep sells in
    warnings += found + placed + unmatched
    tables, present, found = catalogue_prices(tables, present)  # a star schema's lines: the product's price
    tables, merged = one_spelling(tables)  # Clothing, CLOTHING: one product line (targets FURNITURE: Furniture's)
    warnings += merged
    orders_rows = len(tidied[raw["orders"][0]]) if "orders" in raw else None  # the orders' file's rows
    warnings += found + amount_disagreement(tables) + joined_note(tables, names, orders_rows)
    ds = Dataset(tables, label, present, names, problems, unparsed, tuple(ignored), warnings)
    if validate:
        all_problems = validation.validate_dataset(ds, problems)
        if all_problems:
            raise DataValidationError(all_problems)
    if not file_rows and any(FILE_ROW in frame.columns for frame in ds.tables.values()):  # they have served
        tables = {name: frame.drop(columns=FILE_ROW, errors="ignore") for name, frame in ds.tables.items()}
        ds = dataclasses.replace(ds, tables=tables)
    ds = orders_of_summaries(summed_targets(drop_excluded(ds, flat)))  # 订单量: a row made its orders; 目标 per store
    ds = spread_weeks(ds)  # a weekly summary's weeks split at month ends
    ds = drop_zero_orders(ds)  # a gift, a refunded order, a 0元 sample: no sale, no order
    ds = drop_copied_cost(ds)  # a cost column holding the amount: no cost, not margins of 0 %
    orders = names.renames("orders")  # empty amounts once excluded ones left; buyer ids made per order
    unpriced = empty_amounts(ds.tables, orders.get("amount", "amount"))
    unpriced += one_order_each(ds.tables, ds.present_columns.get("orders", frozenset()), orders.get("customer_id", ""))
    return dataclasses.replace(ds, warnings=[*ds.warnings, *unpriced]) if unpriced else ds
