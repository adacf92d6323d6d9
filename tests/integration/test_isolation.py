"""Every angle on real-looking data: a region's report shows only that region, and text from the data is escaped.

Both checks run the six notebooks end to end through the batch runner, as an analyst would, and read every
file a region's report writes: the pages, the JSON and the executed notebooks (shared like the pages). The
pages are also checked for glyphs: every character a reader sees is drawn by the font the page embeds.
"""

import base64
import html
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from fontTools.ttLib import TTFont

from salesnb.batch import runner
from salesnb.display.formatting import format_amount

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
PERIOD, REGION = "2026-10", "华东"
SCRIPT = "<script>alert(1)</script>"
DOLLARS = "$100 与 $200 商贸有限公司"  # two dollars: mathtext would read TeX in a chart label


def _texts(folder: Path) -> dict[str, str]:
    """Every file the report wrote (its state file included), by name; unescaped so JSON text reads as shown."""
    texts = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".json", ".ipynb"):  # "\u534e\u4e1c" and "\"" must not hide a name
            text += "\n" + json.dumps(json.loads(text), ensure_ascii=False)
        texts[path.name] = text
    return texts


@pytest.fixture(scope="module")
def region_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("isolation")
    summary = runner.run_reports(SAMPLE, periods=[PERIOD], regions=[REGION], angles=[], out_dir=out, progress=False)
    assert summary.ok, summary.text()
    return out


@pytest.fixture(scope="module")
def region_reports(region_run) -> dict[str, str]:
    texts = _texts(region_run / PERIOD / REGION)
    angles = runner.available_angles()
    expected = {f"{a}.{kind}" for a in angles for kind in ("html", "ipynb")} | {"metrics.json", "findings.json"}
    assert expected <= set(texts)
    return texts


def _linked_to_region(column: str) -> set[str]:
    """Ids in ``column`` that any table ties to the region (a customer may buy in a region not its own)."""
    linked: set[str] = set()
    for path in SAMPLE.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str)
        if {column, "region"} <= set(frame.columns):
            linked |= set(frame.loc[frame["region"] == REGION, column].dropna())
    orders = pd.read_csv(SAMPLE / "orders.csv", dtype=str)
    customers = pd.read_csv(SAMPLE / "customers.csv", dtype=str).set_index("customer_id")
    orders["region"] = orders["region"].fillna(orders["customer_id"].map(customers["region"]))
    if column in orders:
        linked |= set(orders.loc[orders["region"] == REGION, column].dropna())
    return linked


def test_region_report_names_no_other_region(region_reports):
    customers = pd.read_csv(SAMPLE / "customers.csv", dtype=str)
    reps = pd.read_csv(SAMPLE / "reps.csv", dtype=str)
    foreign_customers = customers.loc[~customers["customer_id"].isin(_linked_to_region("customer_id")), "customer_name"]
    foreign_reps = reps.loc[~reps["rep_id"].isin(_linked_to_region("rep_id"))]
    other_regions = set(customers["region"].dropna()) - {REGION}
    foreign_teams = set(foreign_reps["team"].dropna()) - set(reps.loc[reps["region"] == REGION, "team"])
    assert len(foreign_customers) > 100 and len(foreign_reps) > 5 and len(other_regions) == 4  # the test bites

    everything = "\n".join(region_reports.values())
    leaks = [name for name in foreign_customers if name in everything]
    leaks += [f"rep {name}" for name in foreign_reps["rep_name"] if name in everything]
    leaks += [f"region {name}" for name in other_regions if name in everything]
    leaks += [f"team {name}" for name in foreign_teams if name in everything]
    assert leaks == []


def test_region_report_shows_none_of_the_company_totals(region_run, region_reports, tmp_path):
    summary = runner.run_reports(
        SAMPLE, periods=[PERIOD], regions=["ALL"], angles=["overview"], out_dir=tmp_path, progress=False
    )
    assert summary.ok, summary.text()
    company = json.loads((tmp_path / PERIOD / "ALL" / "metrics.json").read_text(encoding="utf-8"))
    mine = json.loads((region_run / PERIOD / REGION / "metrics.json").read_text(encoding="utf-8"))
    assert mine["revenue"] < company["revenue"]
    for key in ("revenue", "target", "revenue_prev_month"):
        shown = format_amount(company[key], "zh")
        assert shown not in region_reports["overview.html"], key


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory) -> tuple[dict[str, str], str]:
    """The sample with the region's biggest buyer of the year renamed to a script tag, the next to TeX-like text."""
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(SAMPLE, data)
    orders = pd.read_csv(data / "orders.csv", dtype=str)
    lines = pd.read_csv(data / "order_lines.csv", dtype={"order_id": str})
    lines["revenue"] = lines["quantity"] * lines["unit_price"]
    customers = pd.read_csv(data / "customers.csv", dtype=str)
    orders["region"] = orders["region"].fillna(orders["customer_id"].map(customers.set_index("customer_id")["region"]))
    months = pd.period_range(end=PERIOD, periods=12, freq="M").astype(str)
    year = orders[orders["order_date"].str[:7].isin(months) & (orders["region"] == REGION)]
    spend = year["order_id"].map(lines.groupby("order_id")["revenue"].sum()).groupby(year["customer_id"]).sum()
    biggest, second = spend.sort_values(ascending=False).index[:2]  # both listed under 客户集中度
    customers.loc[customers["customer_id"] == biggest, "customer_name"] = SCRIPT
    customers.loc[customers["customer_id"] == second, "customer_name"] = DOLLARS
    customers.to_csv(data / "customers.csv", index=False)
    out = data.parent / "out"
    summary = runner.run_reports(data, periods=[PERIOD], regions=[REGION], angles=[], out_dir=out, progress=False)
    assert summary.ok, summary.text()
    return _texts(out / PERIOD / REGION), (out / "index.html").read_text(encoding="utf-8")


def test_customer_named_script_tag_is_shown_as_text(hostile_reports):
    texts, index = hostile_reports
    pages = {name: text for name, text in texts.items() if name.endswith(".html")}
    assert not [name for name, text in pages.items() if SCRIPT in text] and SCRIPT not in index
    escaped = [name for name, text in pages.items() if "&lt;script&gt;alert(1)&lt;/script&gt;" in text]
    assert escaped, "the renamed customer should be listed somewhere (top customers, value at risk ...)"
    assert not re.search(r"<script[^>]*>\s*alert", "\n".join(pages.values()))


def test_customer_name_with_dollar_signs_is_not_tex(hostile_reports):
    texts, _ = hostile_reports
    assert any(DOLLARS in text for name, text in texts.items() if name.endswith(".html"))


def test_report_object_prints_a_short_summary_of_its_scope(region_run):
    """The cell that shows ``report`` keeps its text form in the notebook: the scope, never the tables."""
    nb = json.loads((region_run / PERIOD / REGION / "overview.ipynb").read_text(encoding="utf-8"))
    shown = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []) if "data" in o]
    text = "".join(shown[0]["data"]["text/plain"])
    assert text.startswith(f"Report({REGION} · {PERIOD}, lang=zh; rows: orders ")
    orders = pd.read_csv(SAMPLE / "orders.csv", dtype=str)
    customers = pd.read_csv(SAMPLE / "customers.csv", dtype=str).set_index("customer_id")
    region = orders["region"].fillna(orders["customer_id"].map(customers["region"]))
    assert f"orders {(region == REGION).sum():,} ·" in text and len(text) < 400


class _VisibleText(HTMLParser):
    """The text a reader sees: no markup, scripts, styles or the tab title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style", "title")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style", "title")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def _missing_glyphs(page: str) -> set[str]:
    """Characters of the page's text that neither its embedded font nor its generic fallback draws."""
    fonts = re.findall(r"@font-face \{[^}]*url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page)
    covered = set()
    for data in fonts:
        covered |= {chr(code) for code in TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()}
    parser = _VisibleText()
    parser.feed(page)
    text = "".join(parser.parts)
    # ASCII is left to the generic family the page's font stack ends with, which every system draws
    assert not re.search(r"[^\x00-\x7f]", text) or fonts, "a page with non-ASCII text embeds no font"
    return {c for c in text if not c.isspace() and ord(c) > 0x7F and c not in covered}


def test_every_character_of_every_page_has_a_glyph(region_run, region_reports):
    from salesnb.batch import pages
    from salesnb.batch.rendering import TEMPLATE_DIR

    template = (TEMPLATE_DIR / "salesnb" / "index.html.j2").read_text(encoding="utf-8")
    assert re.search(r"font-family: [^;]*, sans-serif;", template) and pages.CSS.count(",sans-serif;") == 1
    texts = {name: text for name, text in region_reports.items() if name.endswith(".html")}
    texts["index.html"] = (region_run / "index.html").read_text(encoding="utf-8")
    assert any("ⓘ" in html.unescape(text) for text in texts.values())  # the note mark, once an empty box
    missing = {name: _missing_glyphs(text) for name, text in texts.items()}
    assert {name: chars for name, chars in missing.items() if chars} == {}
