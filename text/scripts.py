"""Superscript and subscript as plain text: what search, 查重, 校对 and the diff read.

The body keeps ``<sup>``/``<sub>`` runs (text.richtext) and the print raises or lowers
them (printing.render). Where a view has only characters — the search text, the text the
proofreading rules and the similarity check read, a title field — a run is written with
Unicode's own superscript and subscript characters when *every* character of the run has
one (Unicode 15.0, block Superscripts and Subscripts U+2070–U+209F and Latin-1 ¹ ² ³):

- ``m<sup>2</sup>`` → "m²", ``1.2×10<sup>4</sup>`` → "1.2×10⁴", ``10<sup>-6</sup>`` → "10⁻⁶",
  ``CO<sub>2</sub>`` → "CO₂", ``x<sup>n</sup>`` → "xⁿ";
- otherwise the run's characters as they are after a marker, ``^`` for superscript and
  ``_`` for subscript (the TeX convention): ``1<sup>st</sup>`` → "1^st",
  ``注<sup>[1]</sup>`` → "注^[1]". The marker keeps "x^2a" from reading as "x2a".

So a search for "3200m²" or "CO₂" finds a body written with Word's superscript button,
and a unit typed as one character (㎡, ²) is left as it was typed. Plain text never turns
back into markup: the mapping goes one way.
"""

from __future__ import annotations

SUP = "sup"
SUB = "sub"
SCRIPTS = (SUP, SUB)

# fmt: off
_SUPERSCRIPT = {
    "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
    "+": "⁺", "-": "⁻", "−": "⁻", "=": "⁼", "(": "⁽", ")": "⁾", "n": "ⁿ", "i": "ⁱ",
}
_SUBSCRIPT = {
    "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉",
    "+": "₊", "-": "₋", "−": "₋", "=": "₌", "(": "₍", ")": "₎",
    "a": "ₐ", "e": "ₑ", "o": "ₒ", "x": "ₓ", "h": "ₕ", "k": "ₖ", "l": "ₗ", "m": "ₘ", "n": "ₙ",
    "p": "ₚ", "s": "ₛ", "t": "ₜ",
}
# fmt: on
_TABLES = {SUP: _SUPERSCRIPT, SUB: _SUBSCRIPT}
MARKERS = {SUP: "^", SUB: "_"}


def script_plain(text: str, script: str) -> str:
    """``text`` of a run in ``script`` ("sup", "sub" or "" for the baseline) as plain text.

    >>> script_plain("2", "sup"), script_plain("2", "sub"), script_plain("st", "sup")
    ('²', '₂', '^st')
    """
    table = _TABLES.get(script)
    if table is None or not text:
        return text
    if all(char in table for char in text):
        return "".join(table[char] for char in text)
    return MARKERS[script] + text
