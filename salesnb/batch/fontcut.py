"""A page's font cut from the TrueType base font in milliseconds: the base read once, each page's tables assembled.

fontTools' subsetter reads the whole base font again for every page (its 8,000 glyphs, character map, glyph
names and metrics: some 0.1-0.2 s) before keeping 300-450 glyphs. The base font (:func:`salesnb.batch.webfont.
base_font`) is plain TrueType: simple glyph outlines, no hinting, no layout features. Cutting it needs no more than
copying the glyphs' bytes and their metrics into a new font, which :func:`cut` does from tables read once per
process. The result is what the subsetter gives with the options :func:`salesnb.batch.webfont._cut` sets, less
the empty GSUB/GPOS tables (no layout features are kept either way): the same outlines, metrics and vertical
metrics, post format 3 (no glyph names), the OS/2 Unicode and code page bits of the characters kept, WOFF.
"""

from __future__ import annotations

import copy
import functools
import io
import struct
from dataclasses import dataclass

from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
from fontTools.ttLib.tables._g_l_y_f import Glyph
from fontTools.ttLib.tables.DefaultTable import DefaultTable

COPIED = ("head", "hhea", "maxp", "OS/2", "name", "post", "vhea")  # decompiled once, copied into each page's font
RAW = ("BASE",)  # kept byte for byte: no glyph ids inside
CMAPS = ((0, 3), (3, 1))  # Unicode BMP and Windows Unicode BMP, as the subsetter writes them


@dataclass(frozen=True)
class Parsed:
    """What a page's font is assembled from: the base font's glyph order, outlines, metrics and small tables."""

    order: tuple[str, ...]
    rank: dict[str, int]
    cmap: dict[int, str]
    outlines: dict[str, bytes]
    hmtx: dict[str, tuple[int, int]]
    vmtx: dict[str, tuple[int, int]] | None
    tables: dict[str, object]
    raw: dict[str, bytes]
    simple: bool  # every outline a simple glyph (no components): :func:`cut` applies


@functools.lru_cache(maxsize=2)
def parsed(base: bytes) -> Parsed:
    """The base font's parts, read once per process (about 0.2 s)."""
    font = TTFont(io.BytesIO(base), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    order = tuple(font.getGlyphOrder())
    glyf = font["glyf"]
    outlines = {}
    for name in order:
        glyph = glyf.glyphs[name]
        outlines[name] = glyph.data if hasattr(glyph, "data") else glyph.compile(glyf, recalcBBoxes=False)
    simple = all(len(data) < 2 or struct.unpack(">h", data[:2])[0] >= 0 for data in outlines.values())
    tables = {tag: font[tag] for tag in COPIED if tag in font}
    post = tables["post"] = newTable("post")  # format 3: no glyph names (8,000 of them would be copied per page)
    for field in ("formatType", "italicAngle", "underlinePosition", "underlineThickness", "isFixedPitch"):
        setattr(post, field, getattr(font["post"], field))
    for field in ("minMemType42", "maxMemType42", "minMemType1", "maxMemType1"):
        setattr(post, field, getattr(font["post"], field))
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    return Parsed(
        order=order,
        rank={name: i for i, name in enumerate(order)},
        cmap=dict(font.getBestCmap()),
        outlines=outlines,
        hmtx=dict(font["hmtx"].metrics),
        vmtx=dict(font["vmtx"].metrics) if "vmtx" in font else None,
        tables=tables,
        raw={tag: font.reader[tag] for tag in RAW if tag in font.reader},
        simple=simple and font.sfntVersion == "\x00\x01\x00\x00",
    )


def _cmap(codes: dict[int, str]) -> object:
    table = newTable("cmap")
    table.tableVersion = 0
    table.tables = []
    for platform, encoding in CMAPS:
        sub = CmapSubtable.newSubtable(4)
        sub.platformID, sub.platEncID, sub.language = platform, encoding, 0
        sub.cmap = dict(codes)
        table.tables.append(sub)
    return table


def cut(base: bytes, characters: str) -> bytes | None:
    """A WOFF font drawing ``characters`` with the base font's glyphs, or ``None`` when this cut does not apply.

    It does not apply to a base font with composite glyphs or outside TrueType, nor when it draws a character
    beyond the Basic Multilingual Plane: the caller uses fontTools' subsetter then. Characters the base does not
    draw are left out, as the subsetter leaves them. The same ``base`` and ``characters``
    always give the same bytes (no time stamp; tables in a fixed order).
    """
    parts = parsed(base)
    codes = {ord(c): parts.cmap[ord(c)] for c in characters if ord(c) in parts.cmap}  # the others: not drawn
    if not parts.simple or any(code > 0xFFFF for code in codes):
        return None
    keep = sorted({".notdef", *codes.values()}, key=parts.rank.__getitem__)
    font = TTFont(recalcBBoxes=False, recalcTimestamp=False)
    font.setGlyphOrder(keep)
    font.sfntVersion = "\x00\x01\x00\x00"
    for tag, table in parts.tables.items():
        font[tag] = copy.deepcopy(table)
    font["cmap"] = _cmap(codes)
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = keep
    glyf.glyphs = {name: Glyph(parts.outlines[name]) for name in keep}
    hmtx = font["hmtx"] = newTable("hmtx")
    hmtx.metrics = {name: parts.hmtx[name] for name in keep}
    if parts.vmtx is not None and "vhea" in font:
        vmtx = font["vmtx"] = newTable("vmtx")
        vmtx.metrics = {name: parts.vmtx[name] for name in keep}
    for tag, data in parts.raw.items():
        table = font[tag] = DefaultTable(tag)
        table.data = data
    os2 = font["OS/2"]
    os2.recalcUnicodeRanges(font, pruneOnly=True)
    if os2.version >= 1:
        os2.recalcCodePageRanges(font, pruneOnly=True)
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()
