"""The page font: only the characters a page shows, embedded in it."""

import io

from fontTools.ttLib import TTFont

from salesnb.batch import webfont


def test_page_characters_are_the_visible_non_ascii_ones():
    page = (
        '<html><head><title>报告</title><style>.x{content:"样式"}</style><script>var s="脚本";</script></head>'
        '<body><h1>销售&amp;额<a class="anchor-link" href="#x">&#182;</a></h1><img alt="图" src="data:,A">'
        '<p class="salesnb-note">ⓘ abc 123，额 — 华东 · 10&nbsp;%</p></body></html>'
    )
    assert webfont.page_characters(page) == "".join(sorted("报告销售额，ⓘ¶—华东·"))


def test_subset_draws_exactly_the_requested_characters():
    font = TTFont(io.BytesIO(webfont.subset_font("销售额")))
    assert font.flavor == "woff"
    assert set(font.getBestCmap()) == {ord(c) for c in "销售额"}
    assert len(webfont.subset_font("销售额")) < 20_000  # a few glyphs, not the 16 MB font


def test_embed_font_adds_one_rule_to_the_head_and_leaves_latin_pages_alone():
    page = "<html><head><title>t</title></head><body><p>华东 销售额</p></body></html>"
    embedded = webfont.embed_font(page)
    head, body = embedded.split("</head>")
    assert head.count("@font-face") == 1 and f'font-family: "{webfont.FAMILY}"' in head
    assert "data:font/woff;base64," in head and body == page.split("</head>")[1]
    latin = "<html><head></head><body>revenue</body></html>"
    assert webfont.embed_font(latin) == latin


def test_page_css_names_the_embedded_font_first():
    from salesnb.batch import pages
    from salesnb.batch.rendering import TEMPLATE_DIR

    template = (TEMPLATE_DIR / "salesnb" / "index.html.j2").read_text(encoding="utf-8")
    assert f'font-family: "{webfont.FAMILY}",' in template
    assert f"font-family:'{webfont.FAMILY}'," in pages.CSS
