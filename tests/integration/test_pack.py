"""The monthly review pack on the sample: the latest two months, ALL and every region, printed and followed up."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from salesnb.batch import runner
from salesnb.batch.printing import pdf_page_sizes

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
MONTHS = ["2026-09", "2026-10"]
PARTS_ZH = ["上月行动跟踪", "一、月度业绩概览", "二、销售数据分析", "三、关键问题诊断", "四、客户反馈处理",
            "五、资源支持需求", "六、下月行动计划"]  # fmt: skip
PARTS_EN = ["Last month's actions", "1. Performance overview", "2. Sales analysis", "3. Key problems",
            "4. Customer feedback", "5. Resource needs", "6. Next month's plan"]  # fmt: skip
CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    out = tmp_path_factory.mktemp("packs")
    summary = runner.run_reports(
        SAMPLE, periods=MONTHS, regions=[], angles=["overview", "pack"], out_dir=out, all_regions=True,
        progress=False, jobs=2,
    )  # fmt: skip
    assert summary.ok, summary.text()
    return out


def _sections(page: str) -> list[tuple[str, str]]:
    """(heading, the text up to the next h2) for each h2 of a rendered page."""
    heads = list(re.finditer(r"<h2[^>]*>(.*?)<", page))
    return [
        (m.group(1).strip(), page[m.end() : heads[k + 1].start() if k + 1 < len(heads) else len(page)])
        for k, m in enumerate(heads)
    ]


def test_every_scope_of_both_months_has_its_pack(packs):
    regions = sorted(pd.read_csv(SAMPLE / "customers.csv", usecols=["region"])["region"].dropna().unique())
    folders = {p.parent.name + "/" + p.name for p in packs.glob("*/*") if p.is_dir()}
    assert folders == {f"{m}/{r}" for m in MONTHS for r in ["ALL", *regions]}
    for folder in packs.glob("*/*"):
        for name in ("pack.html", "pack.ipynb", "actions.json"):
            assert (folder / name).stat().st_size > 0, folder / name


def test_the_six_parts_appear_in_order_each_with_content(packs):
    page = (packs / "2026-10" / "华东" / "pack.html").read_text("utf-8")
    sections = _sections(page)
    assert [head for head, _ in sections] == PARTS_ZH
    for head, body in sections:
        text = re.sub(r"<[^>]+>", " ", body)
        assert len(text.split()) > 5, head
        assert "<table" in body or "salesnb-chart" in body or "<img" in body or "salesnb-points" in body, head


def test_the_pdf_prints_a4_landscape_with_a_sensible_page_count(packs):
    pdf = packs / "2026-10" / "华东" / "pack.pdf"
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    sizes = pdf_page_sizes(pdf)
    assert 7 <= len(sizes) <= 40  # a page break before each of the six parts; charts spill onto more pages
    assert all(w > h for w, h in sizes)


def test_actions_json_holds_owner_due_date_and_metric_for_every_root_finding(packs):
    for folder in packs.glob("*/*"):
        actions = json.loads((folder / "actions.json").read_text("utf-8"))
        findings = json.loads((folder / "findings.json").read_text("utf-8"))
        roots = {f["id"] for f in findings if f["parent"] is None}
        assert {a["id"] for a in actions["actions"]} == roots, folder
        month = str(pd.Period(folder.parent.name, freq="M") + 1)
        assert actions["for_month"] == month
        for action in actions["actions"]:
            assert action["owner"] and action["metric"] and action["due"].startswith(month)


def test_the_second_month_follows_up_the_first_months_actions(packs):
    for region in ("ALL", "华东"):
        before = json.loads((packs / "2026-09" / region / "actions.json").read_text("utf-8"))["actions"]
        nb = nbformat.read(packs / "2026-10" / region / "pack.ipynb", as_version=4)
        shown = "".join(
            o.get("data", {}).get("text/html", "") for c in nb.cells if "tracking_panel" in c.source for o in c.outputs
        )
        assert before, region
        for action in before:
            assert action["action"][:20] in shown and action["owner"] in shown, (region, action["id"])


def test_the_index_links_each_regions_pack(packs):
    index = (packs / "index.html").read_text("utf-8")
    assert 'href="2026-10/华东/pack.html"' in index and 'href="2026-09/ALL/pack.html"' in index
    assert "sev-" in index


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_screenshot_of_the_pack_in_each_language(tmp_path, lang, packs):
    out = packs if lang == "zh" else tmp_path / "en"
    if lang == "en":
        summary = runner.run_reports(
            SAMPLE, periods=["2026-10"], regions=["华东"], angles=["overview", "pack"], out_dir=out, lang="en",
            progress=False,
        )  # fmt: skip
        assert summary.ok, summary.text()
    page = out / "2026-10" / "华东" / "pack.html"
    text = page.read_text("utf-8")
    assert [h for h, _ in _sections(text)] == (PARTS_ZH if lang == "zh" else PARTS_EN)
    shot = tmp_path / f"pack-{lang}.png"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'p'}",
               "--window-size=1300,2400", f"--screenshot={shot}", page.as_uri()]  # fmt: skip
    subprocess.run(command, capture_output=True, timeout=180, check=False)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a rendered page, not a blank one
