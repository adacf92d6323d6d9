"""The texts in ``salesnb/texts/*.yaml``: complete in both languages, unique, and every key the code names exists.

The code is read with :mod:`ast`, not imported: a call ``t("key", ...)`` (or ``t("a" if x else "b", ...)``)
names its key literally; ``t(f"...")`` and ``t("prefix_" + x)`` cannot be checked and are skipped. A call
``finding(report, "code", ...)`` needs ``finding_<code>[_<variant>]_title`` / ``_detail`` and, unless
``action_key=`` names another text, ``_action``; the chart helper ``_t("key", lang)`` reads ``chart_<key>``.
A local name counts as literal when every assignment to it in its function is one (``variant = "drop"``).
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


def _bindings(scope: ast.AST, name: str) -> list[ast.AST] | None:
    """The values ``name`` is assigned in ``scope`` (a function), or ``None`` when any binding is not a plain one."""
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = scope.args
        every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs + [arguments.vararg, arguments.kwarg]
        if any(a is not None and a.arg == name for a in every):
            return None  # a parameter: its value comes from the caller
    values = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    values.append(node.value)
                elif isinstance(target, ast.Tuple) and any(
                    isinstance(e, ast.Name) and e.id == name for e in target.elts
                ):
                    if not isinstance(node.value, ast.Tuple) or len(node.value.elts) != len(target.elts):
                        return None
                    pairs = zip(target.elts, node.value.elts, strict=True)
                    values += [v for e, v in pairs if isinstance(e, ast.Name) and e.id == name]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.NamedExpr, ast.comprehension, ast.With)):
            targets = [i.optional_vars for i in node.items] if isinstance(node, ast.With) else [node.target]
            if any(isinstance(n, ast.Name) and n.id == name for t in targets if t is not None for n in ast.walk(t)):
                return None
    return values or None


def _strings(node: ast.AST | None, scope: ast.AST | None = None) -> set[str | None] | None:
    """What ``node`` can evaluate to when the source alone tells, else ``None``.

    Known: a string or ``None`` literal, ``a if c else b`` of known values, and a name every assignment of which
    in ``scope`` (the enclosing function) is a known value.
    """
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body, scope), _strings(node.orelse, scope)
        return body | orelse if body is not None and orelse is not None else None
    if isinstance(node, ast.Name) and scope is not None:
        values = _bindings(scope, node.id)
        options = [_strings(value) for value in values or ()]  # one level: a name bound to a name is unknown
        return set().union(*options) if values and all(o is not None for o in options) else None
    return None


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _argument(call: ast.Call, position: int, keyword: str) -> ast.AST | None:
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _calls(tree: ast.Module) -> dict[ast.Call, ast.AST | None]:
    """Each call in ``tree`` with the function it sits in (``None`` at module level), in source order."""
    found: dict[ast.Call, ast.AST | None] = {}

    def visit(node: ast.AST, scope: ast.AST | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call):
                found[child] = scope
            visit(child, child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else scope)

    visit(tree, None)
    return found


def used_keys(source: str) -> list[tuple[int, str]]:
    """``(line, key)`` for every text key a module's source names (see the module docstring)."""
    found = []
    for node, scope in _calls(ast.parse(source)).items():
        name = _name(node)
        if name in ("t", "_t"):
            keys = sorted(k for k in _strings(_argument(node, 0, "key"), scope) or () if k is not None)
            found += [(node.lineno, key if name == "t" else f"chart_{key}") for key in keys]
        elif name == "finding":
            codes = _strings(_argument(node, 1, "code"), scope)
            given = {k.arg: k.value for k in node.keywords}
            variants = _strings(given["variant"], scope) if "variant" in given else {""}
            if not codes or None in codes or variants is None:  # a computed code or variant: cannot be checked
                continue
            # action_key: absent or None is the default action, a string another text; a computed one is skipped
            actions = _strings(given["action_key"], scope) if "action_key" in given else {None}
            for code in sorted(codes):
                for variant in sorted(v or "" for v in variants):
                    stem = f"finding_{code}" + (f"_{variant}" if variant else "")
                    found += [(node.lineno, f"{stem}_title"), (node.lineno, f"{stem}_detail")]
                    if actions is not None and None in actions:
                        found.append((node.lineno, f"{stem}_action"))
            found += [(node.lineno, key) for key in sorted(k for k in actions or () if k is not None)]
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

def rule(report, given):
    kind, action = "rise", None
    if report:
        kind, action = "fall", "other_action"
    label = "chosen"
    finding(report, "move", {}, {}, variant=kind, action_key=action, metric="m", value=1, baseline=1, effect=1)
    t(label, "zh")
    t(given, "zh")
    for label in report:
        t(label, "zh")
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
        "finding_move_fall_title",
        "finding_move_fall_detail",
        "finding_move_fall_action",
        "finding_move_rise_title",
        "finding_move_rise_detail",
        "finding_move_rise_action",
        "other_action",
    ]


def test_placeholders_ignore_specs_and_escapes():
    assert placeholders("{n} 个，占 {share:.1%}，{{literal}}") == {"n", "share"}
    assert t("findings_none", "en") and t("no_such_key", "en") == "no_such_key"


def test_joined_lists_as_each_language_does():
    from salesnb.i18n import joined

    assert joined(["华东", "华南"]) == "华东、华南" and joined(["East", "South"], "en") == "East, South"
    assert joined([], "zh") == "" and joined((m for m in ("2026-08",)), "zh") == "2026-08"


def test_a_partial_months_days_read_as_one_day_or_a_range_and_every_text_says_them_so():
    from salesnb.i18n import days_through

    assert (days_through(1), days_through(1, "en")) == ("1 日", "day 1")
    assert (days_through(2), days_through(9, "en"), days_through(None)) == ("1–2 日", "days 1–9", "")
    own = {"days_through", "days_through_one"}  # the one wording: no text writes the range itself
    ranges = [k for k, v in texts().items() if k not in own and any("1–{day}" in v[lang] for lang in LANGS)]
    assert ranges == []
