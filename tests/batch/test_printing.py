"""pack.pdf: headless Chromium prints the page with its print CSS, or nothing is written."""

import shutil

import pytest

from salesnb.batch.printing import CHROMIUM_ENV, find_browser, pdf_page_sizes, print_pdf


def test_without_a_browser_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-such-browser"))
    page = tmp_path / "p.html"
    page.write_text("<html><body>x</body></html>", encoding="utf-8")
    assert find_browser() is None
    assert print_pdf(page, tmp_path / "p.pdf") is False
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*.tmp"))


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_a_page_per_part_in_a4_landscape(tmp_path):
    parts = "".join(f'<div style="break-before:page"><h2>第{k}部分</h2></div>' for k in range(1, 4))
    page = tmp_path / "p.html"
    page.write_text(f"<html><head><style>@page {{size: A4 landscape}}</style></head><body>{parts}</body></html>",
                    encoding="utf-8")  # fmt: skip
    assert print_pdf(page, tmp_path / "p.pdf") is True
    sizes = pdf_page_sizes(tmp_path / "p.pdf")
    assert len(sizes) == 3  # one page per part, no blank first page
    assert all(abs(w - 842) < 1 and abs(h - 595) < 1 for w, h in sizes)  # A4 landscape, in points
