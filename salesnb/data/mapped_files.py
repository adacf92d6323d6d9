"""What to say when a single file is given that no table of the mapping names (``error_unmapped_file``).

A mapping kept for another export (last month's, another shop's) names its own file: the message says which,
so the mix-up shows, instead of only that no mapping points at the file.
"""

from __future__ import annotations

from pathlib import Path

from .dataset import Mapping
from .messages import Message

SHEET = "#"  # ``销售.xlsx#客户``: a workbook's sheet (:data:`.loading.SHEET`)


def unmapped_file(source: Path, mapping: Mapping) -> Message:
    """The error for ``source`` when no table of ``mapping`` reads it: the files the mapping names, if any."""
    named = [name.split(SHEET)[0] for name in mapping.tables.values() if name]
    if not named:
        return Message("error_unmapped_file", name=source.name, source=str(source))
    files = ", ".join(dict.fromkeys(named))
    return Message("error_mapping_other_file", name=source.name, files=files, source=str(source))
