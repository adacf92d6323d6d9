"""Configuration: packaged defaults, a user's YAML on top, notebook parameters on top of both.

The defaults live in ``salesnb/defaults/``: ``common.yaml`` (baselines, stages, customer bands, report) and one
file per angle holding its settings (``process:``) and its finding thresholds (``thresholds: {process: ...}``),
so each angle's numbers sit in one place and the merged tree is what ``--config`` overrides.
"""

from __future__ import annotations

import copy
import functools
import os
import warnings
from importlib import resources
from typing import Any

import yaml

from .data.messages import Message
from .errors import ConfigError

DEFAULTS_FOLDER = "defaults"
RETIRED = {  # keys the configuration once had: a company's file that still sets one keeps working, with a warning
    "thresholds.support.overdue_rate_warning": "receivables are judged against the scope's own usual unpaid rate "
    "(thresholds.support.overdue_rise_points above it); a fixed alert line missed a rate that tripled below it",
}
CONFIG_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")


def default_config() -> dict[str, Any]:
    """Return a fresh copy of the packaged defaults: ``salesnb/defaults/common.yaml``, then each angle's file.

    A setting may be defined in one file only (``ValueError`` otherwise), so there is one home for each. The
    files are parsed once per process (:func:`_packaged_defaults`); each call gets its own deep copy, so a caller
    changing its configuration can never reach another's.
    """
    return copy.deepcopy(_packaged_defaults())


@functools.cache
def _packaged_defaults() -> dict[str, Any]:
    """The packaged defaults, parsed once per process (every report opened to ~0.15 s of YAML parsing)."""
    folder = resources.files("salesnb").joinpath(DEFAULTS_FOLDER)
    names = sorted(e.name for e in folder.iterdir() if e.name.endswith(".yaml"))
    config: dict[str, Any] = {}
    for name in sorted(names, key=lambda n: (n != "common.yaml", n)):
        _add_defaults(config, yaml.safe_load(folder.joinpath(name).read_text(encoding="utf-8")) or {}, name)
    return config


def _add_defaults(config: dict[str, Any], part: dict[str, Any], source: str, path: str = "") -> None:
    for key, value in part.items():
        where = f"{path}.{key}" if path else str(key)
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            _add_defaults(config[key], value, source, where)
        elif key in config:
            raise ValueError(f"default setting {where!r} is defined twice (again in {source})")
        else:
            config[key] = value


def merge(base: dict[str, Any], override: dict[str, Any], *, path: str = "") -> dict[str, Any]:
    """Deep-merge ``override`` into a copy of ``base``.

    Nested mappings merge key by key; any other value (list, number, text) replaces the base
    value whole. A key unknown to ``base`` is an error, so a typo cannot silently do nothing; a key that was
    retired (:data:`RETIRED`) is left out with a warning saying what replaced it.
    """
    result = copy.deepcopy(base)
    for key, value in override.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in base and where in RETIRED:
            warnings.warn(f"configuration key '{where}' is no longer used: {RETIRED[where]}", stacklevel=2)
            continue
        if key not in base:
            known = ", ".join(sorted(map(str, base))) or "(none)"
            raise ConfigError(Message("error_config_unknown_key", where=where, known=known))
        _check_kind(base[key], value, where)
        if isinstance(base[key], dict) and isinstance(value, dict):
            result[key] = merge(base[key], value, path=where)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _kind(value: object) -> str:
    """The text key naming a value's kind (``""``: any kind goes)."""
    if isinstance(value, bool):
        return "config_kind_bool"
    if isinstance(value, int | float):
        return "config_kind_number"
    if isinstance(value, str):
        return "config_kind_text"
    if isinstance(value, list):
        return "config_kind_list"
    if isinstance(value, dict):
        return "config_kind_section"
    return ""


def _check_kind(default: object, value: object, where: str) -> None:
    """An override must be of its default's kind: a number stays a number ("0.05", not '0.05'), a section a section.

    Caught here, the mistake is named with its key; let through, it fails later inside a report as a bare
    ``TypeError`` far from the file that caused it. A default of ``null`` takes any value.
    """
    wanted = _kind(default)
    if wanted and _kind(value) != wanted:
        shown = repr(default) if len(repr(default)) <= 60 else repr(default)[:57] + "..."
        raise ConfigError(
            Message("error_config_kind", where=where, wanted=Message(wanted), shown=shown, value=repr(value))
        )


def read_user_text(path: str | os.PathLike, what: str = "config_file") -> str:
    """A user-written YAML file's text: UTF-8 (with or without the BOM Windows Notepad writes), else GB18030.

    Shared by configuration and mapping files: both are written by hand in whatever editor the analyst has.
    ``what`` is the text key naming the file (``config_file``, ``mapping_file``).
    """
    with open(path, "rb") as handle:
        content = handle.read()
    for encoding in CONFIG_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ConfigError(Message("error_config_encoding", what=Message(what), path=str(path)))


def load_config(path: str | os.PathLike | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the effective configuration.

    Parameters
    ----------
    path
        Optional user YAML file; any part of the defaults may be overridden.
    overrides
        Optional nested dict applied last (notebook parameters use this).
    """
    config = _packaged_defaults()  # merge() deep-copies its base: the parsed defaults are never handed out
    if path:
        try:
            user = yaml.safe_load(read_user_text(path)) or {}
        except OSError as exc:
            raise ConfigError(Message("error_config_unreadable", path=str(path), reason=str(exc.strerror))) from exc
        except yaml.YAMLError as exc:
            raise ConfigError(Message("error_config_yaml", path=str(path), reason=str(exc))) from exc
        if not isinstance(user, dict):
            raise ConfigError(Message("error_config_not_dict", path=str(path), kind=type(user).__name__))
        config = merge(config, user)
    if overrides:
        config = merge(config, overrides)
    commission_rules(config)  # a broken commission rule set is refused with the rest of the file's mistakes
    return copy.deepcopy(config) if config is _packaged_defaults() else config


COUNT_WHEN: tuple[str, ...] = ("invoice_paid", "order")


def commission_rules(config: dict[str, Any]) -> dict[str, Any]:
    """The ``commission`` section checked and normalised: ``{"tiers": [...], "count_when": ...}``.

    Each tier is ``{from_order, to_order (None = no end), rate}``; tiers are sorted and may not overlap.

    Raises
    ------
    ConfigError
        When a tier is malformed, tiers overlap, or ``count_when`` is not one of ``invoice_paid``/``order``.
    """
    section = config.get("commission") or {}
    when = section.get("count_when", "invoice_paid")
    if when not in COUNT_WHEN:
        raise ConfigError(Message("error_commission_count_when", known=", ".join(COUNT_WHEN), value=repr(when)))
    tiers = []
    for k, tier in enumerate(section.get("tiers") or []):
        where = f"commission.tiers[{k}]"
        if not isinstance(tier, dict) or "from_order" not in tier or "rate" not in tier:
            raise ConfigError(Message("error_commission_tier", where=where, tier=repr(tier)))
        start, end, rate = tier["from_order"], tier.get("to_order"), tier["rate"]
        if not isinstance(start, int) or start < 1:
            raise ConfigError(Message("error_commission_from_order", where=where, value=repr(start)))
        if end is not None and (not isinstance(end, int) or end < start):
            raise ConfigError(Message("error_commission_to_order", where=where, value=repr(end)))
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ConfigError(Message("error_commission_rate", where=where, value=repr(rate)))
        tiers.append({"from_order": start, "to_order": end, "rate": float(rate)})
    tiers.sort(key=lambda x: x["from_order"])
    for before, after in zip(tiers[:-1], tiers[1:], strict=True):
        if before["to_order"] is None or before["to_order"] >= after["from_order"]:
            raise ConfigError(
                Message("error_commission_overlap", first=before["from_order"], second=after["from_order"])
            )
    return {"tiers": tiers, "count_when": when}
