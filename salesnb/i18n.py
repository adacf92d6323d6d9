"""Report texts in Chinese (default) and English, kept in ``salesnb/texts/*.yaml``.

Each file holds ``key: {zh: ..., en: ...}``; ``common.yaml`` the words every angle shares, one file per angle
the rest. Keys are unique across files, so a text is found by its key alone. Frames carry keys and numbers,
panels translate them with :func:`t`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

import yaml

LANGS: tuple[str, ...] = ("zh", "en")


@cache
def texts() -> dict[str, dict[str, str]]:
    """Every text of the package, ``{key: {"zh": ..., "en": ...}}``, read once from ``salesnb/texts/``.

    Raises ``ValueError`` when a key is defined in two files or lacks a language: a text must never fall
    back silently.
    """
    found: dict[str, dict[str, str]] = {}
    where: dict[str, str] = {}
    folder = resources.files("salesnb").joinpath("texts")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        for key, value in (yaml.safe_load(entry.read_text(encoding="utf-8")) or {}).items():
            if key in found:
                raise ValueError(f"text key {key!r} is defined in {where[key]} and {entry.name}")
            if not isinstance(value, dict) or set(value) != set(LANGS):
                raise ValueError(f"text key {key!r} in {entry.name} needs exactly zh and en")
            found[key], where[key] = {lang: str(value[lang]) for lang in LANGS}, entry.name
    return found


def t(key: str, lang: str = "zh", /, **values: object) -> str:
    """Text for ``key`` in ``lang``, formatted with ``values``; an unknown key is returned as is."""
    entry = texts().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["zh"]
    return text.format(**values) if values else text


def joined(items: Iterable[object], lang: str = "zh") -> str:
    """Items listed as a reader of ``lang`` lists them: 华东、华南 / East, South."""
    return ("、" if lang == "zh" else ", ").join(str(item) for item in items)


def days_through(day: int | None, lang: str = "zh") -> str:
    """Days 1..``day`` of a partial month as a reader says them: ``1–9 日`` / ``days 1–9``; ``""`` without a day.

    The one wording of a partial month's days in every text (``{days}``): day 1 alone is ``1 日`` / ``day 1``, not a
    range from a day to itself (``1–1 日``).
    """
    if day is None:
        return ""
    return t("days_through_one" if int(day) == 1 else "days_through", lang, day=int(day))


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise :class:`ParameterError`."""
    from .errors import ParameterError

    if lang not in LANGS:
        raise ParameterError(f"lang must be 'zh' or 'en', got {lang!r}")
    return lang
