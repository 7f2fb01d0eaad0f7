"""The one door for text: every text that enters the system passes here before it is stored.

Forms (``submissions.forms``, ``bulletin.forms``), the body sanitizer and the paste path
(``text.richtext``), Word import (``intake.docx_import``), back-issue text in
the browser and in ``manage.py import_issue`` (``backissues.parsing.parser``) all call
these functions; no entry point cleans text its own way (STYLE.md, habit 15).

What is done, and why:

- Unicode NFC, so the same character is stored as the same code points (a decomposed
  "é" from a Mac and a composed one compare equal; search and proofreading depend on it).
- Kangxi radicals (U+2F00–U+2FDF) and CJK Radicals Supplement (U+2E80–U+2EFF) become the
  ordinary ideographs: PDF extraction and some input methods produce "⼈⼤" for 人大.
  Kangxi radicals are mapped by their NFKC decomposition; the supplement has almost no
  decompositions, so its table is taken from Unicode 15.0's
  ``EquivalentUnifiedIdeograph.txt`` (⻔ U+2ED4 → 门, ⻓ → 长, ⺠ → 民 …). NFKC is not
  applied to the whole text: it would turn full-width punctuation (，：（）) half-width.
- Invisible characters are removed: zero-width space/joiners and direction marks
  U+200B–U+200F (the joiner U+200D is kept between two emoji, where it is seen), bidi embeddings/overrides U+202A–U+202E, isolates U+2066–U+2069, the
  word joiner and invisible operators U+2060–U+2064, the byte-order mark U+FEFF, the
  soft hyphen U+00AD, and every other C0/C1 control character. A newline is kept where
  the text has lines (``normalize_text``); a tab becomes a space.
- No-break and typographic spaces (U+00A0, U+2000–U+200A, U+202F, U+205F) become an
  ordinary space. The ideographic space U+3000 is kept inside text (it spaces
  two-character names, 金　颖), but a paragraph's leading indent of ideographic or
  typographic spaces and tabs is removed (``normalize_paragraph``): the print adds its
  own two-character indent.
"""

from __future__ import annotations

import re
import unicodedata

# CJK Radicals Supplement → unified ideograph, from Unicode 15.0 EquivalentUnifiedIdeograph.txt
# (pairs: radical, ideograph). U+2E80 has no equivalent and is left alone.
# fmt: off
_SUPPLEMENT_PAIRS = (
    "⺁厂⺂乛⺃乚⺄乙⺅亻⺆冂⺇𠘨⺈刀⺉刂⺊卜⺋㔾⺌小⺍小⺎兀⺏尣⺐尢⺑𡯂⺒巳⺓幺⺔彑⺕𫜹⺖忄⺗心⺘扌⺙攵⺛旡"
    "⺜日⺝月⺞歺⺟母⺠民⺡氵⺢氺⺣灬⺤爫⺥爫⺦丬⺧牛⺨犭⺩王⺪𤴔⺫目⺬示⺭礻⺮𥫗⺯糹⺰纟⺱罓⺲罒⺳㓁⺴冗"
    "⺵𦉫⺶羊⺷𦍌⺸𦍋⺹耂⺺肀⺻聿⺼肉⺽𦥑⺾艹⺿艹⻀艹⻁虎⻂衤⻃覀⻄西⻅见⻆角⻇𧢲⻈讠⻉贝⻊𧾷⻋车⻌辶"
    "⻍辶⻎辶⻏邑⻐钅⻑長⻒镸⻓长⻔门⻕𨸏⻖阝⻗雨⻘青⻙韦⻚页⻛风⻜飞⻝食⻞𩙿⻟飠⻠饣⻡𩠐⻢马⻣骨⻤鬼"
    "⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟"
)
# fmt: on


def _translation_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x2F00, 0x2FE0):  # Kangxi radicals: NFKC gives the ideograph
        mapped = unicodedata.normalize("NFKC", chr(code))
        if mapped != chr(code):
            table[code] = mapped
    pairs = list(_SUPPLEMENT_PAIRS)
    for radical, ideograph in zip(pairs[0::2], pairs[1::2], strict=True):
        table[ord(radical)] = ideograph
    invisible = [
        0x200B,  # zero-width space
        0x200C,  # zero-width non-joiner
        0x200E,  # LRM
        0x200F,  # RLM  (the joiner U+200D: see _STRAY_JOINER)
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2060, 0x2065),  # word joiner, invisible operators
        *range(0x2066, 0x206A),  # bidi isolates
        0xFEFF,  # byte-order mark / zero-width no-break space
        0x00AD,  # soft hyphen
        0x180E,  # Mongolian vowel separator (formerly a space)
    ]
    for code in invisible:
        table[code] = None
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        table[code] = None
    table[ord("\t")] = " "
    table[ord("\n")] = "\n"
    for code in (0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F):
        table[code] = " "
    # Line and paragraph separators are line ends.
    table[0x2028] = "\n"
    table[0x2029] = "\n"
    return table


_TABLE = _translation_table()
# The zero-width joiner is invisible inside words and is removed there; between two emoji it
# is what a person sees (👨‍👩‍👧 is one family, not three people), so it stays. Emoji here:
# pictographs U+1F000–U+1FAFF, symbols and dingbats U+2300–U+23FF, U+2600–U+27BF,
# U+2B00–U+2BFF; before the joiner also the emoji presentation selector U+FE0F and skin tones.
_EMOJI = "\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
_STRAY_JOINER = re.compile(f"(?<![{_EMOJI}\ufe0f])\u200d|\u200d(?![{_EMOJI}])")
# What a paragraph's indent may be made of (after the table above: spaces and U+3000).
_INDENT = re.compile(r"^[ \u3000]+")
_TRAILING = re.compile(r"[ \u3000]+$")


def normalize_text(text: str) -> str:
    """Any entering text, lines kept: NFC, radicals, no invisible/control characters.

    ``\\r\\n`` and ``\\r`` become ``\\n``; a tab becomes a space. Idempotent:
    ``normalize_text(normalize_text(t)) == normalize_text(t)``.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # NFC after the mapping too: a mapped ideograph never needs composing, but a removed
    # invisible character may have separated a base letter from its combining mark.
    text = _STRAY_JOINER.sub("", unicodedata.normalize("NFC", text).translate(_TABLE))
    return unicodedata.normalize("NFC", text)


def normalize_line(text: str) -> str:
    """A single-line field (title, name, phone): normalised, whitespace runs made one
    space, no line ends, trimmed. The ideographic space inside a line is kept."""
    text = normalize_text(text).replace("\n", " ")
    return re.sub(r" {2,}", " ", text).strip(" \u3000")


def normalize_paragraph(text: str) -> str:
    """One paragraph: normalised, its indent (leading spaces, U+3000, tabs) and trailing
    spaces removed; line ends inside become spaces."""
    text = normalize_text(text).replace("\n", " ")
    return _TRAILING.sub("", _INDENT.sub("", text))


def normalize_block(text: str) -> str:
    """Free text of several lines (notes, distribution list, a back issue's text):
    normalised, each line's trailing spaces removed, lines kept."""
    return "\n".join(line.rstrip(" \u3000") for line in normalize_text(text).split("\n"))


def strip_indent(text: str) -> str:
    """Remove a paragraph's leading indent (already normalised text)."""
    return _INDENT.sub("", text)
