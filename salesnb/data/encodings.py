"""Which text encoding a CSV export is in: UTF-8, GB18030 (Chinese Excel, WPS) or Windows-1252 (Western Excel).

GB18030 decodes almost any bytes: a Western export's ``Zürich`` or ``Québec`` (one byte per accented letter, then
an ASCII letter) reads as a rare two-byte character, with no error, and every name comes out garbled. Chinese
text is nearly all in the common GB2312 set, while those accidental pairs fall outside it; so a file is read as
GB18030 only when most of its non-ASCII characters are common ones, and as Windows-1252 when its non-ASCII letters
are as sparse as accents are in Western text.
"""

from __future__ import annotations

from pathlib import Path

UTF8, GB18030, WESTERN = "utf-8-sig", "gb18030", "cp1252"
CSV_ENCODINGS: tuple[str, ...] = (UTF8, GB18030, WESTERN)  # UTF-8 (with Excel's BOM), Chinese, Western Excel
SAMPLE_BYTES = 1 << 20  # the first MiB tells the encoding; the read itself still decodes the whole file
COMMON_CHINESE = 0.5  # at least this share of a GB18030 reading's non-ASCII characters are in GB2312
SPARSE_ACCENTS = 0.3  # at most this share of a Western reading's letters are non-ASCII


def csv_encodings(path: Path, declared: str = "") -> tuple[str, ...]:
    """The encodings to try on the CSV file ``path``, most likely first; only ``declared`` when one is declared."""
    if declared:
        return (declared,)
    sample = _sample(path)
    for name, fits in ((UTF8, None), (GB18030, _reads_as_chinese), (WESTERN, _reads_as_western)):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        if fits is None or fits(text):
            return (name, *(other for other in (UTF8, GB18030) if other != name))
    return (UTF8, GB18030)  # neither fits the sample: the read raises the decoding error the user is shown


def _sample(path: Path) -> bytes:
    """The file's first bytes, cut after the last whole line (a character is never cut in two)."""
    with open(path, "rb") as handle:
        data = handle.read(SAMPLE_BYTES + 1)
    if len(data) <= SAMPLE_BYTES:
        return data
    end = data.rfind(b"\n", 0, SAMPLE_BYTES)
    return data[: end + 1] if end >= 0 else data[:SAMPLE_BYTES]


def _common(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _reads_as_chinese(text: str) -> bool:
    """Whether a GB18030 reading is Chinese text: its non-ASCII characters (汉字, ，￥) are mostly common ones."""
    wide = [char for char in text if ord(char) > 0x7F]
    return sum(map(_common, wide)) >= COMMON_CHINESE * len(wide)


def _reads_as_western(text: str) -> bool:
    """Whether a Windows-1252 reading is Western text: accented letters among many plain ones."""
    if "\x00" in text:  # UTF-16 (Excel's "Unicode text"): no single-byte text holds NUL characters
        return False
    letters = [char for char in text if char.isalpha()]
    accented = sum(1 for char in letters if ord(char) > 0x7F)
    return accented <= SPARSE_ACCENTS * max(len(letters), 1)
