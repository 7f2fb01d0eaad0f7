"""The safe-glyph table: which code points a face must not be trusted with.

A face can have a code point in its cmap and still be wrong for it, in two ways that
both reach the reader:

- **wrong drawing.** FandolFang, FandolSong, FandolKai and FandolHei map U+FFE5 ￥ to
  the drawing of a dollar sign. We render every sign of ``SIGN_MEANINGS`` from the face
  (Pillow's FreeType), and where two signs of *different* meaning are drawn the same, the
  reference face (Noto Serif CJK SC) decides which of the two the drawing is; the other
  is wrong in this face.
- **shared glyph.** FandolFang maps both … U+2026 and ⋯ U+22EF to one glyph; a PDF
  maps each glyph back to one text, so the text layer would read one as the other. Of
  the code points sharing a glyph the face keeps the preferred one (the GB/T 15834 form,
  ``PREFERRED``), the others are unsafe in it.

``unsafe_code_points(path, index)`` gives both sets at once; ``fonts.py`` computes it
once per font file and caches it with the metrics, and the resolver sets an unsafe code
point in the next face of the role's chain that has it safely.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

REFERENCE_FACE = (Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), 2)

# Signs that appear in Chinese official text, grouped by meaning: a face may draw two
# signs of one group alike (％ and %), never two of different groups.
SIGN_MEANINGS = (
    "￥¥",
    "＄$",
    "％%",
    "‰",
    "℃",
    "°",
    "±",
    "№",
    "＃#",
    "＆&",
    "＠@",
    "＊*",
    "＋+",
    "＝=",
    "§",
    "€",
    "£￡",
    "￠¢",
)
SIGNS = "".join(SIGN_MEANINGS)
_MEANING = {char: group for group in SIGN_MEANINGS for char in group}

# Of code points sharing one glyph, these keep it (GB/T 15834-2011 forms).
PREFERRED = frozenset("…—·～、。，：；？！“”‘’（）《》〈〉「」『』〔〕【】〖〗－￥％")

# Two drawings whose normalised correlation reaches this are "the same drawing" (measured:
# the Fandol ￥ and ＄ correlate at 0.96–1.0; different signs of one face stay below 0.93).
SAME_DRAWING = 0.95
# The reference must prefer a sign's own meaning by this margin for its drawing to count as right.
MARGIN = 0.02
_RASTER = 16  # the normalised drawing is compared at 16 × 16


def _raster(font, char: str) -> list[float] | None:
    """The ink of ``char`` in ``font`` cropped, centred in a square, 16 × 16, zero-mean, unit norm."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (96, 96), 0)
    ImageDraw.Draw(image).text((16, 16), char, font=font, fill=255)
    box = image.getbbox()
    if not box:
        return None
    ink = image.crop(box)
    w, h = ink.size
    side = max(w, h)
    square = Image.new("L", (side, side), 0)
    square.paste(ink, ((side - w) // 2, (side - h) // 2))
    small = square.resize((_RASTER, _RASTER), Image.BILINEAR)
    values = [float(small.getpixel((x, y))) for y in range(_RASTER) for x in range(_RASTER)]
    mean = sum(values) / len(values)
    values = [v - mean for v in values]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _drawings(path: str, index: int, chars: str) -> dict[str, list[float]]:
    from PIL import ImageFont

    font = ImageFont.truetype(path, 64, index=index)
    out = {}
    for char in chars:
        raster = _raster(font, char)
        if raster is not None:
            out[char] = raster
    return out


@lru_cache(maxsize=1)
def _reference() -> dict[str, list[float]]:
    path, index = REFERENCE_FACE
    return _drawings(str(path), index, SIGNS)


def wrong_drawings(path: str, index: int, cmap: dict[int, str]) -> set[int]:
    """Code points of ``SIGNS`` that the face draws as a sign of another meaning."""
    present = "".join(c for c in SIGNS if ord(c) in cmap)
    drawn = _drawings(path, index, present)
    reference = _reference()

    def score(char: str, meaning: str) -> float:
        return max((_dot(drawn[char], reference[m]) for m in meaning if m in reference), default=-1.0)

    wrong: set[int] = set()
    for a, b in itertools.combinations(drawn, 2):
        if _MEANING[a] == _MEANING[b] or cmap[ord(a)] == cmap[ord(b)]:
            continue
        if _dot(drawn[a], drawn[b]) < SAME_DRAWING:
            continue
        for char, other in ((a, b), (b, a)):
            if score(char, _MEANING[char]) - score(char, _MEANING[other]) < MARGIN:
                wrong.add(ord(char))
    return wrong


def _rank(code: int) -> tuple:
    # Lower ranks keep a shared glyph: a GB/T 15834 form, then anything but private use
    # and compatibility forms, then the lower code point.
    char = chr(code)
    private = unicodedata.category(char) in ("Co", "Cc", "Cf")
    compat = 0x2E80 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F
    return (char not in PREFERRED, private, compat, code)


def shared_glyphs(cmap: dict[int, str]) -> set[int]:
    """Code points that share their glyph with a preferred code point of the same face."""
    by_glyph: dict[str, list[int]] = {}
    for code, glyph in cmap.items():
        by_glyph.setdefault(glyph, []).append(code)
    unsafe: set[int] = set()
    for codes in by_glyph.values():
        if len(codes) > 1:
            keep = min(codes, key=_rank)
            unsafe.update(c for c in codes if c != keep)
    return unsafe


def unsafe_code_points(path: str, index: int = 0) -> set[int]:
    """Every code point the face at ``path`` must not set: wrong drawings and shared glyphs."""
    font = TTFont(path, fontNumber=index, lazy=True)
    cmap = font.getBestCmap()
    font.close()
    return shared_glyphs(cmap) | wrong_drawings(path, index, cmap)
