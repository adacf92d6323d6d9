"""The texts in ``salesnb/texts/*.yaml``: complete in both languages, unique, and every key the code names exists.

The code is read with :mod:`ast`, not imported: a call ``t("key", ...)`` (or ``t("a" if x else "b", ...)``)
names its key literally; ``t(f"...")`` and ``t("prefix_" + x)`` cannot be checked and are skipped. A call
``finding(report, "code", ...)`` needs ``finding_<code>[_<variant>]_title`` / ``_detail`` and, unless
``action_key=`` names another text, ``_action``; the chart helper ``_t("key", lang)`` reads ``chart_<key>``.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
import yaml

from salesnb.i18n import LANGS, t, texts

PACKAGE = Path(__file__).resolve().parents[1] / "salesnb"
TEXT_FILES = sorted((PACKAGE / "texts").glob("*.yaml"))
SOURCES = sorted(PACKAGE.rglob("*.py"))


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key written twice in one mapping (PyYAML silently keeps the last)."""


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ValueError(f"line {key_node.start_mark.line + 1}: key {key!r} written twice")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}


def placeholders(text: str) -> set[str]:
    """The ``{names}`` ``str.format`` fills in ``text`` (format specs and ``{{`` escapes aside)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _strings(node: ast.AST | None) -> set[str] | None:
    """The strings ``node`` can evaluate to when it is a literal (or ``a if c else b`` of literals), else ``None``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return body | orelse if body is not None and orelse is not None else None
    return None


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _argument(call: ast.Call, position: int, keyword: str) -> ast.AST | None:
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def used_keys(source: str) -> list[tuple[int, str]]:
    """``(line, key)`` for every text key a module's source names literally (see the module docstring)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node)
        if name == "t":
            keys = _strings(_argument(node, 0, "key"))
            found += [(node.lineno, key) for key in sorted(keys or ())]
        elif name == "_t":
            keys = _strings(_argument(node, 0, "key"))
            found += [(node.lineno, f"chart_{key}") for key in sorted(keys or ())]
        elif name == "finding":
            codes = _strings(_argument(node, 1, "code"))
            given = {k.arg: k.value for k in node.keywords}
            variants = _strings(given["variant"]) if "variant" in given else {""}
            if not codes or variants is None:  # a computed code or variant: cannot be checked
                continue
            actions = _strings(given.get("action_key")) if "action_key" in given else set()
            for code in sorted(codes):
                for variant in sorted(variants):
                    stem = f"finding_{code}" + (f"_{variant}" if variant else "")
                    found += [(node.lineno, f"{stem}_title"), (node.lineno, f"{stem}_detail")]
                    if "action_key" not in given:
                        found.append((node.lineno, f"{stem}_action"))
            # an action_key that is None (the default action) or a literal key; computed ones are skipped
            found += [(node.lineno, key) for key in sorted(actions or ())]
    return found


def test_every_text_file_loads_with_unique_keys():
    for path in TEXT_FILES:
        try:
            _load(path)
        except ValueError as error:
            pytest.fail(f"{path.name}: {error}")


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: p.stem)
def test_every_entry_has_both_languages_and_the_same_placeholders(path):
    problems = []
    for key, entry in _load(path).items():
        if not isinstance(entry, dict) or set(entry) != set(LANGS):
            problems.append(f"{key}: needs exactly {LANGS}, has {sorted(entry) if isinstance(entry, dict) else entry}")
            continue
        if not all(isinstance(entry[lang], str) and entry[lang].strip() for lang in LANGS):
            problems.append(f"{key}: empty or not a string")
            continue
        try:
            zh, en = placeholders(entry["zh"]), placeholders(entry["en"])
        except ValueError as error:  # an unbalanced brace
            problems.append(f"{key}: {error}")
            continue
        if zh != en:
            problems.append(f"{key}: placeholders zh {sorted(zh)} vs en {sorted(en)}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_no_key_defined_in_two_files():
    where: dict[str, list[str]] = {}
    for path in TEXT_FILES:
        for key in _load(path):
            where.setdefault(key, []).append(path.name)
    twice = {key: files for key, files in where.items() if len(files) > 1}
    assert not twice, f"keys defined in more than one file: {twice}"
    texts.cache_clear()
    assert set(texts()) == set(where)  # what the package reads is exactly what the files hold


def test_every_literal_key_in_the_code_exists():
    known = set(texts())
    missing = sorted(
        f"{path.relative_to(PACKAGE.parent)}:{line}: {key}"
        for path in SOURCES
        for line, key in used_keys(path.read_text(encoding="utf-8"))
        if key not in known
    )
    assert not missing, f"{len(missing)} text keys used in the code but defined in no salesnb/texts/*.yaml:\n" + (
        "\n".join(missing)
    )


def test_used_keys_reads_calls_not_strings():
    source = """
t("plain", lang)
i18n.t('quoted', lang, n=1)
t("yes" if up else "no", lang)
t(f"skipped_{x}", lang)
t("prefix_" + x, lang)
_t("current", lang)
finding(report, "surge", {}, {}, metric="m", value=1, baseline=1, effect=1)
finding(report, "shift", {}, {}, variant="up", action_key="shared_action", metric="m", value=1, baseline=1, effect=1)
finding(report, "drop", {}, {}, variant=kind, metric="m", value=1, baseline=1, effect=1)
finding(report, code, {}, {}, metric="m", value=1, baseline=1, effect=1)
text = "t('not a call')"
"""
    assert [key for _, key in used_keys(source)] == [
        "plain",
        "quoted",
        "no",
        "yes",
        "chart_current",
        "finding_surge_title",
        "finding_surge_detail",
        "finding_surge_action",
        "finding_shift_up_title",
        "finding_shift_up_detail",
        "shared_action",
    ]


def test_placeholders_ignore_specs_and_escapes():
    assert placeholders("{n} 个，占 {share:.1%}，{{literal}}") == {"n", "share"}
    assert t("findings_none", "en") and t("no_such_key", "en") == "no_such_key"
