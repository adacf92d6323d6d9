"""Is a report up to date? Fingerprints of everything a report depends on, and the reason to re-run it.

A report depends on the data, its notebook, its parameters (period, region, language, configuration and
mapping files) and the salesnb code. Each part is hashed separately so that a re-run can say *why* it
happened ("data changed", "notebook changed" ...). The fingerprints of the last successful run of every
angle are kept in ``<report folder>/.salesnb-state.json``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .. import __version__
from ..data.dataset import Dataset
from ..data.loading import FILE_SUFFIXES

STATE_FILE = ".salesnb-state.json"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
REASONS: dict[str, str] = {
    "data": "data changed",
    "notebook": "notebook changed",
    "parameters": "parameters changed",
    "package": "salesnb changed",
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def data_fingerprint(source: str, ds: Dataset) -> str:
    """Content hash of a folder's data files, or of the loaded tables for a database."""
    if "://" not in source:
        folder = Path(source)
        listed = [folder] if folder.is_file() else folder.iterdir()  # a single export file is its own source
        files = sorted(p for p in listed if p.suffix.lower() in FILE_SUFFIXES and p.is_file())
        return _sha(json.dumps([(p.name, _file_hash(p)) for p in files]).encode())
    import pandas as pd

    digest = hashlib.sha256()
    for name in sorted(ds.tables):
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(ds.tables[name], index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def package_fingerprint() -> str:
    """The salesnb version plus a hash of its code, defaults and templates (edits in a checkout count)."""
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in {".py", ".yaml", ".j2", ".json"})
    listing = [(p.relative_to(PACKAGE_DIR).as_posix(), _file_hash(p)) for p in files]
    return f"{__version__}+{_sha(json.dumps(listing).encode())}"


def parameters_fingerprint(parameters: dict[str, Any], extra: dict[str, Any]) -> str:
    """Hash of the notebook parameters plus the content of the configuration and mapping files they name."""
    files = {}
    for key in ("config_path", "mapping_path"):
        value = parameters.get(key)
        if value and Path(value).is_file():
            files[key] = _file_hash(Path(value))
    return _sha(json.dumps({"parameters": parameters, "files": files, **extra}, sort_keys=True, default=str).encode())


def notebook_fingerprint(path: Path) -> str:
    return _file_hash(path)


def read_state(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def stale_reason(folder: Path, angle: str, parts: dict[str, str], *, force: bool = False) -> str | None:
    """Why the report of ``angle`` in ``folder`` must be (re)built, or ``None`` when it is up to date."""
    if force:
        return "forced (--force)"
    for name in (f"{angle}.html", f"{angle}.ipynb", "metrics.json", "findings.json"):
        if not (folder / name).is_file():
            return "no earlier report" if name == f"{angle}.html" else f"{name} missing"
    previous = read_state(folder).get("angles", {}).get(angle)
    if not previous:
        return "no record of the earlier run"
    changed = [REASONS.get(key, key) for key in parts if previous.get(key) != parts[key]]
    return ", ".join(changed) if changed else None


def record(folder: Path, scope: dict[str, str], done: dict[str, dict[str, str]], failed: list[str]) -> str:
    """The new state-file text after a run: fingerprints of angles just done, failed angles forgotten."""
    state = read_state(folder)
    angles = state.get("angles", {})
    for angle in failed:
        angles.pop(angle, None)
    angles.update(done)
    return json.dumps({**scope, "angles": angles}, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
