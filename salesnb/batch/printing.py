"""Print a rendered page to PDF with headless Chromium, where it is installed (the review pack's ``pack.pdf``).

The page carries its own print CSS (A4 landscape, a page break before each part), so Chromium's
``--print-to-pdf`` gives the document as the meeting reads it. Without a browser the HTML is still there and
prints the same from any browser; ``$SALESNB_CHROMIUM`` names a browser binary that is not on the PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ENV = "SALESNB_CHROMIUM"
QUIET_FLAGS = (  # no network at all: a closed network would make Chromium wait on every lookup
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-pdf-header-footer",
)


def find_browser() -> str | None:
    """The Chromium binary to print with: ``$SALESNB_CHROMIUM``, else the first of :data:`BROWSERS` found."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return named if Path(named).is_file() else shutil.which(named)
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def print_pdf(page: Path, pdf: Path, *, timeout: float = 180.0) -> bool:
    """Print ``page`` to ``pdf``; ``False`` when no browser is installed or printing failed (the HTML stays).

    Written to a temporary name and moved into place, so a killed run never leaves half a PDF.
    """
    browser = find_browser()
    if browser is None:
        return False
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    flags = [*QUIET_FLAGS, *(["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])]
    with tempfile.TemporaryDirectory(prefix="salesnb-chromium-") as profile:
        command = [browser, *flags, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}", page.resolve().as_uri()]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # noqa: S603 - our own args
        except (OSError, subprocess.TimeoutExpired):
            tmp.unlink(missing_ok=True)
            return False
    if not tmp.is_file() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        return False
    os.replace(tmp, pdf)
    return True


def pdf_page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Width and height in points of each page of a PDF Chromium printed (its pages carry a plain MediaBox)."""
    import re

    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]
