"""Symbol fonts and the print's substitutes for the dingbats it lacks.

Word, WPS and their clipboard HTML set bullets, check marks and Greek letters in a
*symbol font*: the text stores a byte (0x20–0xFF, or U+F020–U+F0FF as Word writes it in
``w:sym``, in runs and in ``w:lvlText``) and the font draws a picture for it ("Ø" in
Wingdings is ⮚, "ü" is ✓, "°" in Symbol is °, "R" in Wingdings 2 is ☑). One table,
``text/data/symbol_fonts.tsv``, maps each font's code points to Unicode (its header
names the sources: Adobe's Symbol encoding and Unicode's Wingdings/Webdings mapping,
L2/11-052R). The Word reader (intake.wordml), the paste sanitiser (text.richtext) and the
editor's paste filter (static/submissions/symbol_fonts.json, made from the same table by
``symbol_fonts_json``; a test keeps the two equal) all read it.

Several of the characters these fonts stand for (⮚ ☑ ✔ 🗸 …) are in no print face the
office installs, and the save refuses text the print cannot set. A bullet or check mark is
therefore replaced by the nearest character the print faces have (``PRINT_SUBSTITUTES``:
⮚ → ▶, ✔ → ✓, ☑ → ■ as Chinese forms mark a chosen box), and each replacement is named
to the contributor (``substitution_notice``), never made silently. tests/printing checks
that every substitute is in the print fonts.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

_TABLE = Path(__file__).with_name("data") / "symbol_fonts.tsv"


def _load() -> dict[str, dict[int, str]]:
    """font name (lower case) → code (0x20–0xFF) → Unicode text."""
    tables: dict[str, dict[int, str]] = {}
    for line in _TABLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        font, code, unicode = line.split("\t")
        tables.setdefault(font.lower(), {})[int(code, 16)] = chr(int(unicode, 16))
    return tables


SYMBOL_FONTS = _load()
FONT_NAMES = {"wingdings": "Wingdings", "webdings": "Webdings", "symbol": "Symbol"}


def symbol_font(name: str | None) -> str | None:
    """The table key of a symbol font ("wingdings 2"), or None for an ordinary font.
    ``name`` may be a CSS font-family list ("'Wingdings 2', serif"): its first family
    decides, as the browser draws the character in the first font that has it."""
    first = (name or "").split(",")[0].strip().strip("\"'")
    key = " ".join(first.split()).lower()
    return key if key in SYMBOL_FONTS else None


def symbol_char(font: str, code: int) -> str | None:
    """The Unicode text of one symbol-font code point (0x20–0xFF, or U+F020–U+F0FF as Word
    writes it), or None when the published table has no equivalent."""
    if 0xF000 <= code <= 0xF0FF:
        code -= 0xF000
    return SYMBOL_FONTS.get(font, {}).get(code)


def map_symbol_text(font: str, text: str) -> tuple[str, list[int]]:
    """Text set in symbol font ``font`` (a table key) as the characters the font draws,
    and the code points without an equivalent (left out, for the caller to name). White
    space and characters outside the font's range (an ideograph typed in the run) stay."""
    out, missing = [], []
    for char in text:
        code = ord(char)
        if code <= 0x20 or (0x100 <= code < 0xF020) or code > 0xF0FF or char.isspace():
            out.append(char)
            continue
        mapped = symbol_char(font, code)
        if mapped is None:
            missing.append(code)
        else:
            out.append(mapped)
    return "".join(out), missing


def symbol_fonts_json() -> str:
    """The tables as the editor reads them: {"fonts": {"wingdings": {"216": "⮚", …}, …},
    "print": {"⮚": "▶", …}} (decimal codes), one line, keys sorted — the content of
    static/submissions/symbol_fonts.json (``python -m text.symbols`` writes it)."""
    fonts = {
        font: {str(code): char for code, char in sorted(table.items())}
        for font, table in SYMBOL_FONTS.items()
    }
    data = {"fonts": fonts, "print": PRINT_SUBSTITUTES}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


# Bullets, arrows and check marks the print faces lack → the nearest one they have (the
# same kind of mark: a pointer stays a pointer, a check a check, a box a box).
# fmt: off
PRINT_SUBSTITUTES = {
    "⮚": "▶", "➢": "▶", "➣": "▶", "➤": "▶", "►": "▶", "⯈": "▶", "⮞": "▶", "🢒": "▶", "🞂": "▶",
    "⮘": "◀", "⯇": "◀", "◄": "◀", "⮜": "◀", "⮙": "▲", "⯅": "▲", "⮝": "▲", "⮛": "▼", "⯆": "▼", "⮟": "▼",
    "✔": "✓", "🗸": "✓", "🗹": "■", "☑": "■", "🗷": "☒", "✘": "✗", "🗶": "✗", "🗴": "✗",
    "☐": "□", "⬜": "□", "❑": "□", "❒": "□", "▯": "□", "🞎": "□",
    "⬛": "■", "◾": "■", "⯀": "■", "🞓": "■",
    "⬤": "●", "⦁": "•", "🞄": "•", "🞅": "○", "🞆": "◎", "🞇": "◎", "🞈": "◎",
    "◈": "◆", "⬧": "◆", "⧫": "◆", "⯁": "◆", "⬪": "◆",
    "✶": "★", "✹": "★", "✯": "★", "✰": "☆", "✪": "★",
}
# fmt: on

# Wingdings 3 and the Unicode mapping draw many more arrows from the supplemental arrow
# blocks (U+2B00–2BFF, U+1F800–1F8FF), none of which the print faces have: each stands in
# as the plain arrow of its direction (→ ← ↑ ↓ ↗ ↖ ↘ ↙, all in the faces), read from its
# Unicode name. An arrow without one direction (circling, U-turn) is left for the save's
# glyph check to name.
_DIRECTIONS = (
    ("NORTH EAST", "↗"), ("NORTH WEST", "↖"), ("SOUTH EAST", "↘"), ("SOUTH WEST", "↙"),
    ("RIGHTWARDS", "→"), ("LEFTWARDS", "←"), ("UPWARDS", "↑"), ("DOWNWARDS", "↓"),
)  # fmt: skip


# The few of those blocks the faces do draw (tests/printing/test_print_substitutes.py
# holds every key of PRINT_SUBSTITUTES to be one the faces lack).
_ARROWS_THE_FACES_HAVE = "⭠⭡⭢⭣"


def _plain_arrow(char: str) -> str | None:
    code = ord(char)
    if not (0x2B00 <= code <= 0x2BFF or 0x1F800 <= code <= 0x1F8FF) or char in _ARROWS_THE_FACES_HAVE:
        return None
    name = unicodedata.name(char, "")
    if "ARROW" not in name or " AND " in name or "PAIRED" in name or "CIRCL" in name:
        return None
    found = {arrow for words, arrow in _DIRECTIONS if words in name}
    return found.pop() if len(found) == 1 else None


for _char in sorted({char for table in SYMBOL_FONTS.values() for char in table.values()}):
    if _char not in PRINT_SUBSTITUTES and (_arrow := _plain_arrow(_char)):
        PRINT_SUBSTITUTES[_char] = _arrow
del _char


def substitute_for_print(text: str) -> tuple[str, list[str]]:
    """``text`` with each bullet or check mark the print lacks replaced (PRINT_SUBSTITUTES),
    and the replacements made, one "⮚→▶" per place."""
    if not any(char in PRINT_SUBSTITUTES for char in text):
        return text, []
    made = [f"{char}→{PRINT_SUBSTITUTES[char]}" for char in text if char in PRINT_SUBSTITUTES]
    return "".join(PRINT_SUBSTITUTES.get(char, char) for char in text), made


def substitution_notice(made: list[str], limit: int = 5) -> str:
    """ "符号 3 处改为印刷字体中的相近符号：⮚→▶、✔→✓（原符号印刷字体中没有）"; "" for none.
    Each kind of replacement is listed once."""
    if not made:
        return ""
    kinds = list(dict.fromkeys(made))
    more = "……" if len(kinds) > limit else ""
    return (
        f"符号 {len(made)} 处改为印刷字体中的相近符号：{'、'.join(kinds[:limit])}{more}"
        "（原符号印刷字体中没有，会印成方框）"
    )


if __name__ == "__main__":
    # Regenerate the editor's copy after the table changes.
    out = Path(__file__).resolve().parent.parent / "static" / "submissions" / "symbol_fonts.json"
    out.write_text(symbol_fonts_json(), encoding="utf-8")
