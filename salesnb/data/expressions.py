"""Computed columns of a mapping: arithmetic on the file's columns, never ``eval``.

An expression is numbers, column names, ``+ - * /`` and brackets: ``Sales / Quantity``, ``销售额 / 数量``,
``[Unit Price] * (1 - Discount)``. A bare name is any run of characters other than spaces, operators and
brackets (Chinese names work as they are); a name holding spaces or operators is written in square brackets
or backticks. Columns are parsed as numbers the way amounts are (``1,234.5`` accepted); a division by zero
gives an empty value, reported by the loader with the rows it affects.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .messages import Message

Node = tuple  # ("num", value) | ("col", name) | ("neg", node) | (operator, left, right)

_NAME_CHAR = r"[^\s+\-*/()\[\]`]"  # anything but space, operator, bracket, backtick
_TOKEN = re.compile(rf"\s*(?:\[([^\]]+)\]|`([^`]+)`|(\d+(?:\.\d+)?)(?!{_NAME_CHAR})|([+\-*/()])|({_NAME_CHAR}+))")
_OPERATORS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


def _tokens(text: str) -> list[tuple[str, object]]:
    tokens, pos, text = [], 0, text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(Message("expr_unreadable_at", text=text, at=text[pos:]))
        quoted, ticked, number, operator, bare = match.groups()
        if number is not None:
            tokens.append(("num", float(number)))
        elif operator is not None:
            tokens.append(("op", operator))
        else:
            tokens.append(("col", (quoted or ticked or bare).strip()))
        pos = match.end()
    return tokens


def parse_expression(text: str) -> Node:
    """Parse ``text`` into a small tree; ``ValueError`` names what cannot be read."""
    tokens = _tokens(text)
    if not tokens:
        raise ValueError(Message("expr_empty"))
    node, rest = _sum(tokens, text)
    if rest:
        raise ValueError(Message("expr_unexpected", text=text, token=str(rest[0][1])))
    return node


def _sum(tokens: list, text: str) -> tuple[Node, list]:
    node, tokens = _product(tokens, text)
    while tokens and tokens[0] in (("op", "+"), ("op", "-")):
        operator = tokens[0][1]
        right, tokens = _product(tokens[1:], text)
        node = (operator, node, right)
    return node, tokens


def _product(tokens: list, text: str) -> tuple[Node, list]:
    node, tokens = _factor(tokens, text)
    while tokens and tokens[0] in (("op", "*"), ("op", "/")):
        operator = tokens[0][1]
        right, tokens = _factor(tokens[1:], text)
        node = (operator, node, right)
    return node, tokens


def _factor(tokens: list, text: str) -> tuple[Node, list]:
    if not tokens:
        raise ValueError(Message("expr_ends_early", text=text))
    kind, value = tokens[0]
    if (kind, value) == ("op", "-"):
        node, rest = _factor(tokens[1:], text)
        return ("neg", node), rest
    if (kind, value) == ("op", "("):
        node, rest = _sum(tokens[1:], text)
        if not rest or rest[0] != ("op", ")"):
            raise ValueError(Message("expr_no_closing", text=text))
        return node, rest[1:]
    if kind in ("num", "col"):
        return (kind, value), tokens[1:]
    raise ValueError(Message("expr_unexpected", text=text, token=str(value)))


def column_names(node: Node) -> list[str]:
    """The column names an expression reads, in order of first use."""
    if node[0] == "col":
        return [node[1]]
    if node[0] == "num":
        return []
    return list(dict.fromkeys(name for child in node[1:] for name in column_names(child)))


def evaluate(node: Node, columns: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    """Value of ``node`` per row; ``columns`` maps every name of :func:`column_names` to numbers (float64)."""
    kind = node[0]
    if kind == "num":
        return pd.Series(node[1], index=index, dtype="float64")
    if kind == "col":
        return columns[node[1]]
    if kind == "neg":
        return -evaluate(node[1], columns, index)
    left, right = evaluate(node[1], columns, index), evaluate(node[2], columns, index)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = pd.Series(_OPERATORS[kind](left.to_numpy(), right.to_numpy()), index=index, dtype="float64")
    return result.mask(np.isinf(result))
