"""Numbers as sales teams read them: 万/亿 (or K/M/B), percentages, thousands separators.

Pure functions (no matplotlib): the same strings go into tables, notes and chart labels.
A missing value (``None``, ``NaN``, ``pd.NA``) is always shown as ``—``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from ..errors import ParameterError

MISSING = "—"

# (divisor, suffix), smallest unit first; the base unit is shown as a whole number with separators, except small
# amounts (below SMALL_AMOUNT), which keep their cents.
UNITS: dict[str, list[tuple[float, str]]] = {
    "zh": [(1.0, ""), (1e4, "万"), (1e8, "亿")],
    "en": [(1.0, ""), (1e3, "K"), (1e6, "M"), (1e9, "B")],
}
SMALL_AMOUNT = 100.0  # below it an amount shows its cents: a 7.09 order value, a 0.99 track (not "7", "1")
CENT_PLACES = 2


def _number(value: object) -> float | None:
    """``value`` as a float, or ``None`` when it is missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def format_amount(value: float | None, lang: str = "zh", digits: int = 1, unit: int | None = None) -> str:
    """Format a money amount in the units a reader expects.

    Parameters
    ----------
    value : float or None
        The amount; ``None``/``NaN`` gives ``—``.
    lang : {"zh", "en"}
        ``zh`` uses 万 (10⁴) and 亿 (10⁸); ``en`` uses K, M and B.
    digits : int
        Decimals shown with a unit. Amounts below the first unit are whole numbers, except amounts below
        ``SMALL_AMOUNT`` with cents, which show two decimals (``7.09``, ``0.50``; ``7.00`` is ``7``).
    unit : int or None
        Index into ``UNITS[lang]`` to show the amount in (a table column's common unit,
        :func:`column_unit`); ``None`` picks the amount's own unit.

    Returns
    -------
    str
        e.g. ``1.2万``, ``-3.4亿``, ``8,500``, ``12.3K``, ``7.09``.
    """
    if lang not in UNITS:
        raise ParameterError(f"lang must be 'zh' or 'en', got {lang!r}")
    number = _number(value)
    if number is None:
        return MISSING
    units = UNITS[lang]
    magnitude = abs(number)
    if unit is not None:
        return _in_unit(number, units[unit], _base_places(magnitude) if unit == 0 else digits)
    index = max(i for i, (divisor, _) in enumerate(units) if magnitude >= divisor or i == 0)
    # Rounding may reach the next unit (9,999.96 -> "10,000"; 99,995,000 -> "10000.0万"): move up.
    while index + 1 < len(units):
        places = 0 if index == 0 else digits
        if round(magnitude / units[index][0], places) < units[index + 1][0] / units[index][0]:
            break
        index += 1
    return _in_unit(number, units[index], _base_places(magnitude) if index == 0 else digits)


def _base_places(magnitude: float) -> int:
    """Decimals of an amount in the base unit: its cents below ``SMALL_AMOUNT`` unless it is whole, else none."""
    cents = round(magnitude, CENT_PLACES)
    return CENT_PLACES if cents < SMALL_AMOUNT and not cents.is_integer() else 0


def _in_unit(number: float, unit: tuple[float, str], places: int) -> str:
    divisor, suffix = unit
    scaled = round(number / divisor, places)
    if scaled == 0:
        scaled = 0.0  # no "-0"
    return f"{scaled:,.{places}f}{suffix}"


def column_unit(values: object, lang: str = "zh", digits: int = 1) -> int | None:
    """The one unit (index into ``UNITS[lang]``) a column of amounts reads best in, or ``None`` for per-cell units.

    A reader compares a column top to bottom: "-7,751" beside "-15.7万" makes them convert in their head. The
    column takes the unit of its largest amount, or the unit below while at least half of its non-zero amounts
    would read under one of it (ten products of 600-800 and their "others" at 25.9万 all read "0.1万", and
    regions of 1,200万 beside a 3亿 one read "0.1亿": one digit to compare them by; whole amounts with separators
    read at any size), unless a non-zero amount would then show as zero (a column spanning several orders of
    magnitude keeps each amount in its own unit).
    """
    numbers = [n for n in (_number(v) for v in values) if n is not None]  # type: ignore[union-attr]
    if not numbers:
        return None
    top = format_amount(max(numbers, key=abs), lang, digits)
    units = UNITS[lang]
    index = max((i for i, (_, suffix) in enumerate(units) if suffix and top.endswith(suffix)), default=0)
    nonzero = [abs(n) for n in numbers if n]
    while index and 2 * sum(round(n / units[index][0], digits) < 1 for n in nonzero) >= len(nonzero):
        index -= 1  # "0.1亿" has one digit to compare by; "1,200.0万" has four (and 万 steps down to "8,140")
    if index and any(n and round(abs(n) / units[index][0], digits) == 0 for n in numbers):
        return None
    return index


def format_chance(p: float | None) -> str:
    """A probability as a reader takes it: ``0.188`` → ``18.8%``; below 0.1% ``<0.1%`` (never a misleading ``0.0%``)."""
    number = _number(p)
    if number is not None and 0 <= number < 0.0005:
        return "<0.1%"
    return format_pct(p)


def format_pct(value: float | None, digits: int = 1, signed: bool = False) -> str:
    """Format a ratio as a percentage: ``0.1234`` → ``12.3%``.

    Parameters
    ----------
    value : float or None
        The ratio (1.0 = 100%); ``None``/``NaN`` gives ``—``.
    digits : int
        Decimals of the percentage.
    signed : bool
        Prefix positive values with ``+`` (for growth rates and changes); zero has no sign.

    Returns
    -------
    str
        e.g. ``12.3%``, ``+12.3%``, ``-4.0%``.
    """
    number = _number(value)
    if number is None:
        return MISSING
    pct = round(number * 100, digits)
    if pct == 0:
        return f"{0:.{digits}f}%"
    return f"{pct:{'+' if signed else ''}.{digits}f}%"


def signed_amount(value: float | None, lang: str = "zh") -> str:
    """``format_amount`` with a ``+`` before a positive amount (``—`` when missing).

    An amount that rounds to nothing is a plain ``0``: not ``+0`` or ``-0`` beside a ``0``.
    """
    text = format_amount(value, lang)
    if not any(digit in text for digit in "123456789"):
        return text.lstrip("-")
    return "+" + text if value is not None and not pd.isna(value) and value > 0 else text


def format_decimal(value: object) -> str:
    """A number (hours, counts, scores) with one decimal and no separator: ``12.3``; ``—`` when missing."""
    number = _number(value)
    return MISSING if number is None else f"{number:.1f}"


def format_int(value: float | None) -> str:
    """Format a count with thousands separators, rounded to a whole number (``1234567`` → ``1,234,567``)."""
    number = _number(value)
    if number is None:
        return MISSING
    return f"{round(number):,d}"


def _cell_formatters(lang: str) -> dict[str, Callable[[object], str]]:
    """One formatter per kind; ``amount`` in each cell's own unit (tables give a column one unit, see below)."""
    return {
        "amount": lambda v: format_amount(v, lang),  # type: ignore[arg-type]
        "pct": lambda v: format_pct(v),  # type: ignore[arg-type]
        "signed_pct": lambda v: format_pct(v, signed=True),  # type: ignore[arg-type]
        "int": lambda v: format_int(v),  # type: ignore[arg-type]
        "days": lambda v: MISSING if _number(v) is None else f"{_number(v):,.1f}",
        "decimal": format_decimal,
        "text": lambda v: _text(v, lang),
    }


UNKNOWN_LABEL = "未知"  # the data layer's label of a missing region, channel, source … (facts.UNKNOWN)


def _text(value: object, lang: str) -> str:
    """A text cell; the unknown label in the reader's language (an English page showed 未知)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if value == UNKNOWN_LABEL and lang != "zh":
        from ..i18n import t

        return t("drv_unknown", lang)
    return str(value)


def text_column(values: pd.Series, lang: str = "zh", empty: str = "—") -> pd.Series:
    """A column of labels for a table: the unknown label in the reader's language, ``empty`` where none."""
    return values.map(lambda v: _text(v, lang) or empty)


def format_cell(value: object, kind: str | None, lang: str = "zh") -> str:
    """One table cell as text: kind ``amount``, ``pct``, ``signed_pct``, ``int``, ``days``, ``decimal`` or text.

    ``days`` has one decimal and thousands separators; ``decimal`` one decimal only (hours, scores).
    """
    return _cell_formatters(lang)[kind or "text"](value)


def table(frame: pd.DataFrame, columns: list[tuple[str, str, str | None]], lang: str = "zh") -> pd.DataFrame:
    """The display table of ``frame``: one ``(column, header text key, kind)`` per shown column, in order.

    Headers are translated with :func:`salesnb.i18n.t` (a header that is not a text key is shown as given);
    kinds as in :func:`format_cell`. The one table builder of every panel: numbers stay in the frame.
    """
    from ..i18n import t

    missing = [column for column, _, _ in columns if column not in frame.columns]
    if missing:
        raise ParameterError(f"table: column(s) {missing} not in the frame; it has {list(frame.columns)}")
    return pd.DataFrame(
        {t(header, lang): _formatted(frame[column], kind or "text", lang) for column, header, kind in columns},
        dtype=object,
    )


def format_amounts(values: pd.Series, lang: str = "zh") -> pd.Series:
    """A column of amounts as text in one unit (:func:`column_unit`), same index: for a panel building its own table.

    ``values.map(format_amount)`` gave each cell its own unit: "3.4万" above "2,198" in one column of a rep table.
    """
    return pd.Series(_formatted(values, "amount", lang), index=values.index, dtype=object)


def _formatted(values: pd.Series, kind: str, lang: str) -> list[str]:
    """A column's cells as text; an amount column in one unit (:func:`column_unit`)."""
    if kind == "amount":
        unit = column_unit(values, lang)
        return [format_amount(v, lang, unit=unit) for v in values]  # type: ignore[arg-type]
    formatter = _cell_formatters(lang)[kind]
    return [formatter(v) for v in values]


def format_table(frame: pd.DataFrame, formats: dict[str, str], lang: str = "zh") -> pd.DataFrame:
    """Return a copy of ``frame`` with the named columns turned into display strings.

    Parameters
    ----------
    frame : pandas.DataFrame
        The numbers; not modified.
    formats : dict of str to str
        Column name → kind: ``"amount"``, ``"pct"``, ``"signed_pct"``, ``"int"`` or ``"days"``. Other columns are
        kept as they are.
    lang : {"zh", "en"}
        Units for ``"amount"`` columns.

    Returns
    -------
    pandas.DataFrame
        The formatted copy, same index and column order.
    """
    kinds = _cell_formatters(lang)
    unknown_kinds = sorted({kind for kind in formats.values() if kind not in kinds or kind == "text"})
    if unknown_kinds:
        raise ParameterError(f"unknown format kind(s) {unknown_kinds}; use one of {sorted(set(kinds) - {'text'})}")
    missing = [column for column in formats if column not in frame.columns]
    if missing:
        raise ParameterError(f"format_table: column(s) {missing} not in the frame; it has {list(frame.columns)}")
    out = frame.copy()
    for column, kind in formats.items():
        out[column] = pd.Series(_formatted(frame[column], kind, lang), index=frame.index, dtype=object)
    return out
