"""The page font cut from tables read once: the glyphs fontTools' subsetter gives, the same bytes every time."""

import io

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

from salesnb.batch import fontcut, webfont

BASE = "销售额华东北区，ⓘ—·\u3000"  # U+3000: a glyph without an outline


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A base font of a few characters in a private cache folder (the real one takes seconds to cut)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        patch.setattr(webfont, "base_characters", lambda: BASE)
        webfont.base_font.cache_clear()
        webfont.subset_font.cache_clear()
        yield webfont.base_font()[0]
    webfont.base_font.cache_clear()
    webfont.subset_font.cache_clear()


def _drawn(font_bytes: bytes) -> dict[int, tuple]:
    """Per character: its outline, advance width and vertical metrics."""
    font = TTFont(io.BytesIO(font_bytes))
    glyphs = font.getGlyphSet()
    drawn = {}
    for code, name in font.getBestCmap().items():
        pen = RecordingPen()
        glyphs[name].draw(pen)
        drawn[code] = (pen.value, font["hmtx"][name], font["vmtx"][name])
    return drawn


def test_the_cut_draws_what_the_subsetter_draws(base):
    characters = "华东销售额，—\u3000"
    cut = fontcut.cut(base, characters)
    assert _drawn(cut) == _drawn(webfont._cut(base, characters, flavor="woff"))
    assert set(_drawn(cut)) == {ord(c) for c in characters}
    font, subset = TTFont(io.BytesIO(cut)), TTFont(io.BytesIO(webfont._cut(base, characters, flavor="woff")))
    assert font.flavor == "woff" and font["post"].formatType == 3.0
    assert font.getGlyphOrder()[0] == ".notdef" and len(font.getGlyphOrder()) == len(characters) + 1
    for tag, fields in {"hhea": ("ascent", "descent", "lineGap"), "OS/2": ("sTypoAscender", "usWinAscent")}.items():
        assert [getattr(font[tag], f) for f in fields] == [getattr(subset[tag], f) for f in fields]
    assert font["OS/2"].getUnicodeRanges() == subset["OS/2"].getUnicodeRanges()
    assert (font["OS/2"].usFirstCharIndex, font["OS/2"].usLastCharIndex) == (ord("—"), ord("，"))


def test_the_same_characters_give_the_same_bytes(base):
    first = fontcut.cut(base, "华东销售额")
    fontcut.parsed.cache_clear()  # read the base again, as another process would
    assert fontcut.cut(base, "华东销售额") == first
    assert fontcut.cut(base, "华东销售额\U0001f600火") == first  # characters the base does not draw are left out


def test_subset_font_takes_the_cut_for_the_base(base):
    webfont.subset_font.cache_clear()
    assert webfont.subset_font("北区，") == fontcut.cut(base, "北区，")
