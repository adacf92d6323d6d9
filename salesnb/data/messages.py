"""Problem and warning lines about the user's data, in the reader's language.

Validation finds problems long before anyone says which language the reader wants (a dataset is loaded once
and cached, a report may be Chinese or English). So a line is kept as a :class:`Message`: a text key of
``salesnb/texts/`` with its values. It *is* the English string, so logs, ``startswith`` filters and the tests
read it as before, and :meth:`Message.text` renders it in Chinese for a Chinese reader. Values may be
messages themselves (the "what" of a row problem, the example rows), or lists of them, joined with ", ".
"""

from __future__ import annotations

from typing import Any

from ..i18n import t, texts

Value = Any  # str | int | float | Message | list[Message | str]


class Message(str):
    """A line rendered from text ``key`` with ``values``; as a ``str`` it is the English line."""

    key: str
    values: dict[str, Value]

    def __new__(cls, key: str, /, **values: Value) -> Message:
        line = super().__new__(cls, _render(key, "en", values))
        line.key, line.values = key, values
        return line

    def text(self, lang: str) -> str:
        """The line in ``lang`` (``"zh"`` or ``"en"``)."""
        return _render(self.key, lang, self.values)

    def __reduce__(self) -> tuple:  # pickled with its key: a dataset travels to worker processes
        return (_rebuild, (self.key, self.values))

    def to_json(self) -> dict:
        """Plain data for a JSON file (the store's manifest keeps a dataset's warnings)."""
        return {"key": self.key, "values": {k: _value_json(v) for k, v in self.values.items()}}


def counted(key: str, n: int, /, **values: Value) -> Message:
    """The message ``key`` for one item, or ``key_many`` when ``n`` is not 1 and that text exists (English plurals)."""
    plural = f"{key}_many"
    return Message(plural if n != 1 and plural in texts() else key, n=n, **values)


def say(line: str, lang: str) -> str:
    """``line`` in ``lang`` when it is a :class:`Message`; any other string as it is."""
    return line.text(lang) if isinstance(line, Message) else str(line)


def lines_json(lines: list[str]) -> list[str | dict]:
    """Problem or warning lines as plain data for a JSON file; :func:`from_json` reads each back."""
    return [line.to_json() if isinstance(line, Message) else str(line) for line in lines]


def from_json(data: str | dict) -> str:
    """A line read back from :meth:`Message.to_json` (a plain string, from an older manifest, stays one)."""
    if isinstance(data, str):
        return data
    return Message(data["key"], **{k: _value_from_json(v) for k, v in data["values"].items()})


def _render(key: str, lang: str, values: dict[str, Value]) -> str:
    return t(key, lang, **{name: _shown(value, lang) for name, value in values.items()})


def _shown(value: Value, lang: str) -> Value:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, list):
        return ", ".join(str(_shown(item, lang)) for item in value)
    return value


def _rebuild(key: str, values: dict[str, Value]) -> Message:
    return Message(key, **values)


def _value_json(value: Value) -> Value:
    if isinstance(value, Message):
        return value.to_json()
    if isinstance(value, list):
        return [_value_json(item) for item in value]
    return value if isinstance(value, str | bool | type(None)) else _number(value)


def _value_from_json(value: Value) -> Value:
    if isinstance(value, dict):
        return from_json(value)
    if isinstance(value, list):
        return [_value_from_json(item) for item in value]
    return value


def _number(value: Any) -> int | float | str:
    """A numpy or Python number as a plain one (JSON cannot hold numpy scalars); anything else as text."""
    if hasattr(value, "item"):
        value = value.item()
    return value if isinstance(value, int | float) else str(value)


def need_name(need: str, lang: str) -> str:
    """A table or column a section needs, as a reader names it: ``目标表（targets）``.

    A column reads ``订单表的渠道（orders.channel）``. The contract's name stays in brackets: it is what the mapping
    file and ``salesnb validate`` call it.
    """
    table, _, column = need.partition(".")
    label = t(f"table_name_{table}", lang) if f"table_name_{table}" in texts() else table
    if not column:
        return t("need_table", lang, label=label, name=need)
    concept = f"map_concept_{column}"
    return t("need_column", lang, table=label, label=t(concept, lang) if concept in texts() else column, name=need)
