"""Computed columns of a mapping: arithmetic on the file's columns, never ``eval``.

An expression is numbers, column names, ``+ - * /`` and brackets: ``Sales / Quantity``, ``销售额 / 数量``,
``[Unit Price] * (1 - Discount)``. A bare name is any run of characters other than spaces, operators and
brackets (Chinese names work as they are); a name holding spaces or operators is written in square brackets
or backticks. Columns are parsed as numbers the way amounts are (``1,234.5`` accepted); a division by zero
gives an empty value, reported by the loader with the rows it affects.

One function reads text: ``province([收货地址])`` is the province each address lies in (:mod:`.provinces`), a
text column such as the region. It is the whole expression, of one column: text is never added or divided.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .messages import Message
from .provinces import province_of

Node = tuple  # ("num", value) | ("col", name) | ("neg", node) | (operator, left, right) | ("call", name, node)
TEXT_FUNCTIONS = {"province": province_of}  # name -> values of one column to text values, one per row

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
    if (node[0] == "call" and node[2][0] != "col") or (node[0] != "call" and _calls(node)):
        raise ValueError(Message("expr_text_function", text=text, functions=", ".join(TEXT_FUNCTIONS)))
    return node


def _calls(node: Node) -> bool:
    """Whether a function is called anywhere in ``node``."""
    return node[0] == "call" or node[0] not in ("num", "col") and any(_calls(child) for child in node[1:])


def is_text(node: Node) -> bool:
    """Whether an expression gives text (``province([收货地址])``), not numbers."""
    return node[0] == "call"


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
    if kind == "col" and tokens[1:2] == [("op", "(")]:  # province([收货地址]): a function of what is in brackets
        if value not in TEXT_FUNCTIONS:
            raise ValueError(
                Message("expr_unknown_function", text=text, name=value, functions=", ".join(TEXT_FUNCTIONS))
            )
        node, rest = _factor(tokens[1:], text)
        return ("call", value, node), rest
    if kind in ("num", "col"):
        return (kind, value), tokens[1:]
    raise ValueError(Message("expr_unexpected", text=text, token=str(value)))


def column_names(node: Node) -> list[str]:
    """The column names an expression reads, in order of first use."""
    if node[0] == "col":
        return [node[1]]
    if node[0] == "num":
        return []
    if node[0] == "call":
        return column_names(node[2])
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


def evaluate_text(node: Node, values: pd.Series) -> pd.Series:
    """Value of a text expression (:func:`is_text`) per row, from the values of the one column it reads."""
    return TEXT_FUNCTIONS[node[1]](values)
