"""The page font: only the characters a page shows, embedded in it."""

import base64
import io
import re

import pytest
from fontTools.ttLib import TTFont

from salesnb.batch import webfont


def test_page_characters_are_the_visible_non_ascii_ones():
    page = (
        '<html><head><title>报告</title><style>.x{content:"样式"}</style><script>var s="脚本";</script></head>'
        '<body><h1>销售&amp;额<a class="anchor-link" href="#x">&#182;</a></h1><img alt="图" src="data:,A">'
        '<p class="salesnb-note">ⓘ abc 123，额 — 华东 · 10&nbsp;%</p></body></html>'
    )
    assert webfont.page_characters(page) == "".join(sorted("报告销售额，ⓘ¶—华东·"))


def test_subset_draws_exactly_the_requested_characters(small_base):
    font = TTFont(io.BytesIO(webfont.subset_font("销售额")))
    assert font.flavor == "woff"
    assert set(font.getBestCmap()) == {ord(c) for c in "销售额"}
    assert len(webfont.subset_font("销售额")) < 20_000  # a few glyphs, not the 16 MB font


def test_embed_font_adds_one_rule_to_the_head_and_leaves_latin_pages_alone(small_base):
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


@pytest.fixture
def small_base(tmp_path, monkeypatch):
    """A base font of a few characters in a private cache folder (the real one takes seconds to cut)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(webfont, "base_characters", lambda: "销售额华东，ⓘ")
    webfont.base_font.cache_clear()
    webfont.subset_font.cache_clear()
    yield tmp_path / "salesnb" / "webfont"
    webfont.base_font.cache_clear()
    webfont.subset_font.cache_clear()


def _from_full_font(characters: str) -> bytes:
    return webfont._cut(webfont.full_font_bytes(), characters, flavor="woff")


def test_base_font_is_cut_once_kept_on_disk_and_read_back_the_same(small_base):
    data, drawn = webfont.base_font()
    assert drawn == {ord(c) for c in "销售额华东，ⓘ"}
    (kept,) = small_base.glob("base-*.ttf")
    assert kept.read_bytes() == data and not list(small_base.glob("*.tmp"))
    webfont.base_font.cache_clear()  # another process: reads the file back
    assert webfont.base_font() == (data, drawn)
    kept.write_bytes(b"not a font")  # a damaged file is cut again
    webfont.base_font.cache_clear()
    assert webfont.base_font() == (data, drawn) and kept.read_bytes() == data


def _bounds(font_bytes: bytes, char: str) -> tuple:
    from fontTools.pens.boundsPen import BoundsPen

    font = TTFont(io.BytesIO(font_bytes))
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[font.getBestCmap()[ord(char)]].draw(pen)
    return pen.bounds


def test_subset_from_the_truetype_base_draws_the_same_shapes_as_the_full_font(small_base):
    inside = "华东，ⓘ"  # every character in the base: cut from its TrueType outlines
    subset = webfont.subset_font(inside)
    font = TTFont(io.BytesIO(subset))
    assert "glyf" in font and "CFF " not in font and set(font.getBestCmap()) == {ord(c) for c in inside}
    full = _from_full_font(inside)
    for char in inside:  # the quadratic outlines keep the cubic ones' extent, within a unit of the em
        assert all(abs(a - b) <= 1 for a, b in zip(_bounds(subset, char), _bounds(full, char), strict=True)), char
    webfont.subset_font.cache_clear()
    webfont.base_font.cache_clear()  # another process, reading the base back from disk: the same bytes
    assert webfont.subset_font(inside) == subset


def test_a_page_with_characters_beyond_the_base_is_cut_from_the_full_font(small_base):
    beyond = "华东，回款"  # 回款 are not in the base
    assert webfont.subset_font(beyond) == _from_full_font(beyond)
    assert set(TTFont(io.BytesIO(webfont.subset_font(beyond))).getBestCmap()) == {ord(c) for c in beyond}
    undrawable = "华东\U0001f600"  # a character no font here draws does not send the page to the full font
    assert webfont.subset_font(undrawable) == webfont.subset_font("华东")


def test_embedded_subset_draws_exactly_the_page_characters(small_base):
    page = "<html><head><title>t</title></head><body><h1>华东销售额 — 回款</h1><p>ⓘ 10%，</p></body></html>"
    head = webfont.embed_font(page).split("</head>")[0]
    data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", head).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    assert (
        set(font.getBestCmap())
        == {ord(c) for c in webfont.page_characters(page)}
        == {ord(c) for c in "华东销售额—回款ⓘ，"}
    )


def test_only_one_process_makes_the_base_font_at_a_time(tmp_path):
    import fcntl

    with webfont._only_one_maker(tmp_path / "base.ttf"), open(tmp_path / "base.ttf.lock") as other:
        with pytest.raises(BlockingIOError):  # another process would wait here for the base to be made
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(tmp_path / "base.ttf.lock") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released once made
