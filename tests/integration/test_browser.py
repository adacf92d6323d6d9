"""Rendered reports in a real browser (headless Chromium) and offline: charts load, nothing comes from the network.

Skipped only where Chromium is absent; `.ci/run` installs Debian's `chromium` so CI always runs it.
"""

import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import nbformat
import pytest

from salesnb.batch import runner

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<iframe id="page" src="{src}" style="width:1280px;height:900px"></iframe><pre id="result">pending</pre>
<script>
const frame = document.getElementById("page");
frame.addEventListener("load", async () => {{
  const doc = frame.contentDocument;
  await doc.fonts.ready;
  const images = [...doc.images];
  const charts = [...doc.querySelectorAll("svg.salesnb-chart")];  // salesnb's charts: inline SVG, text as text
  const drawn = s => {{
    const box = s.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && !!s.querySelector("text");
  }};
  const links = [...doc.links].map(a => a.href).filter(h => h.startsWith(location.origin));
  const statuses = await Promise.all(links.map(h => fetch(h).then(r => r.status).catch(() => 0)));
  document.getElementById("result").textContent = JSON.stringify({{
    title: doc.title,
    images: images.length + charts.length,
    broken: [...images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt || i.src.slice(0, 40)),
             ...charts.filter(c => !drawn(c)).map(c => c.getAttribute("aria-label") || "svg")],
    chart_fonts: charts.flatMap(c => [...c.querySelectorAll("text")].slice(0, 3))
      .map(t => getComputedStyle(t).fontFamily).filter(f => !f.startsWith('"salesnb Latin", "salesnb CJK"')),
    chinese: /[\\u4e00-\\u9fff]/.test(doc.body.innerText),
    text_fonts: [...doc.querySelectorAll("h1, h2, td, li")].slice(0, 40).map(e => getComputedStyle(e).fontFamily)
      .filter(f => !f.startsWith('"salesnb CJK"')),
    page_font: [...doc.fonts].filter(f => f.family.replace(/["']/g, "") === "salesnb CJK").map(f => f.status),
    alt_missing: images.filter(i => !i.alt).length + charts.filter(c => !c.getAttribute("aria-label")).length,
    links: links.length,
    dead_links: links.filter((h, k) => statuses[k] !== 200),
  }});
}});
</script></body></html>
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    summary = runner.run_reports(
        REPO / "data" / "sample", periods=["2026-10"], regions=["ALL"], angles=[], out_dir=out, progress=False
    )
    assert summary.ok, summary.text()
    return out


@pytest.fixture(scope="module")
def server(rendered):
    handler = functools.partial(QuietHandler, directory=str(rendered))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--hide-scrollbars",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp / 'profile'}",
    ]  # fmt: skip
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120)


def probe(rendered: Path, server: str, page: str, tmp: Path) -> dict:
    name = f"probe-{abs(hash(page))}.html"
    (rendered / name).write_text(PROBE.format(src=page), encoding="utf-8")
    done = chromium("--virtual-time-budget=15000", "--dump-dom", f"{server}/{name}", tmp=tmp)
    match = re.search(r'<pre id="result">(.*?)</pre>', done.stdout, re.S)
    assert match, done.stderr[-2000:]
    return json.loads(html.unescape(match.group(1)))


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs Debian's chromium)")
@pytest.mark.parametrize("angle", runner.available_angles())
def test_report_loads_with_its_charts_in_chromium(rendered, server, tmp_path, angle):
    result = probe(rendered, server, f"2026-10/ALL/{angle}.html", tmp_path)
    assert result["images"] >= 1 and result["broken"] == [], result
    assert result["chinese"] and result["title"].endswith("· 全公司 · 2026-10")  # titled in the reader's language
    assert result["page_font"] == ["loaded"], result  # the page text is drawn with the embedded CJK subset
    assert result["text_fonts"] == [], result  # ... headings, tables and findings included
    assert result["alt_missing"] == 0, result  # every chart is described by its title
    assert result["chart_fonts"] == [], result  # chart texts in the page's faces (the fonts they were measured in)
    shot = tmp_path / f"{angle}.png"
    done = chromium(
        f"--screenshot={shot}", "--window-size=1280,2400", f"{server}/2026-10/ALL/{angle}.html", tmp=tmp_path
    )
    assert shot.is_file() and shot.stat().st_size > 20_000, done.stderr[-2000:]  # a page with charts, not blank
    keep = os.environ.get("SALESNB_SCREENSHOTS")  # set it to keep the screenshots for a human look
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs Debian's chromium)")
def test_index_links_every_report_in_chromium(rendered, server, tmp_path):
    result = probe(rendered, server, "index.html", tmp_path)
    # every angle's page, and the run's findings.xlsx at the top
    assert result["links"] == len(runner.available_angles()) + 1 and result["dead_links"] == [], result


def test_reports_load_nothing_from_the_network(rendered):
    pages = sorted(rendered.glob("*/*/*.html"))
    assert len(pages) == len(runner.available_angles())
    for page in [*pages, rendered / "index.html"]:
        text = page.read_text(encoding="utf-8")
        if page.name != "index.html":
            assert '<svg class="salesnb-chart"' in text, page.name  # the charts are inside the page
        external = re.findall(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//[^"\' >]+', text)
        assert external == [], (page.name, external[:5])
        assert "<script src" not in text and "@import url(" not in text


def test_charts_drew_every_chinese_glyph(rendered):
    """The charts are measured with the bundled CJK font: matplotlib warned of no missing glyph."""
    for path in sorted(rendered.rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        streams = [
            o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream"
        ]
        assert not [s for s in streams if "Glyph" in s or "missing from font" in s], path.name
