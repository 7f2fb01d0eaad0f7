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
- Ligatures (U+FB00–FB06: ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ, what PDF text extraction gives for "Office") become
  their letters, so the text is searched and printed as the words it holds.
- Full-width digits and Latin letters (０–９, Ａ–Ｚ, ａ–ｚ, and a full-width point between two
  full-width digits, ５．２) become half-width: GB/T 15835—2011 writes Arabic numerals and
  Latin in half-width forms (２０２４年 → 2024年, ＧＤＰ → GDP).
- A space between a number and a following %, ％, ‰ or ℃ goes ("40 %" → "40%"): the sign
  belongs to its number (GB/T 15835—2011 §5.1.1; PDF extraction puts the space in).
- ○ (U+25CB, a geometric shape), O, o or 0 typed as the zero of a year written in Chinese
  numerals becomes 〇 (U+3007, the ideographic zero): 二○二四年, 二O二四年, 二0二三年 →
  二〇二四年. Only inside such a year (Chinese numerals and 年 after them); a ○ anywhere
  else (a bullet, a mark in a table) is left alone; the 校对 rule ``circle_for_zero`` names
  a ○ between Chinese numerals outside a year.
- Straight quotes " and ' (and the full-width ＂ ＇) are paired and turned into “” and ‘’
  in each paragraph and each single-line field (``pair_quotes``; the algorithm is described
  there), a curly quote turned the wrong way is turned round where its place leaves no
  doubt, and 〝〞〟‟‛ become “” ‘’. Where the pairing is in doubt (an odd number, a
  quotation that may be nested in one of the same kind) the paragraph's quotes are kept
  exactly as written and 校对 names the place (rule ``unpaired_quotes``, 引号无法配对). ``normalize_block`` (free text of several lines,
  such as a back issue's text before its paragraphs are known) does not pair quotes: the
  paragraph is the unit, and the body is paired when its paragraphs are stored.

Changes the contributor would see (everything above from ligatures on) are counted while
``recording()`` is active; the form, the Word import and the back-issue import name them
to the user with ``EntryChanges.notes()``. Removing invisible characters, NFC and the
radicals are not named (the manual says once that they are done).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TypeVar

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
    table.update(_LIGATURES)
    return table


# Latin ligatures (Alphabetic Presentation Forms): their NFKC decompositions.
_LIGATURES = {
    0xFB00: "ff",
    0xFB01: "fi",
    0xFB02: "fl",
    0xFB03: "ffi",
    0xFB04: "ffl",
    0xFB05: "st",
    0xFB06: "st",
}


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


# --------------------------------------------------------------- what entry changes, named


@dataclass
class EntryChanges:
    """What the normalisation changed that the contributor would see, while ``recording()``.

    ``counts``: kind → how many places; ``examples``: kind → the first place, as
    "before → after"; ``unpaired``: a short excerpt of each paragraph whose quotes could
    not be paired (kept as written)."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)
    unpaired: list[str] = field(default_factory=list)

    def add(self, kind: str, count: int, example: str = "") -> None:
        if count <= 0:
            return
        self.counts[kind] = self.counts.get(kind, 0) + count
        if example and kind not in self.examples:
            self.examples[kind] = example

    def notes(self) -> list[str]:
        """One Chinese sentence per kind of change, in a fixed order, each with its first
        example in 「」 (it may hold quotes itself):
        "直引号 4 处改为中文引号（如「探索运用"四个+"」→「探索运用“四个+”」）。"; then one
        sentence naming up to three paragraphs whose quotes were kept as written."""
        out = []
        for kind, sentence in _NOTES:
            count = self.counts.get(kind, 0)
            if count:
                example = self.examples.get(kind)
                out.append(sentence.format(n=count) + (f"（如{example}）" if example else "") + "。")
        if self.unpaired:
            shown = "；".join(f"「{excerpt}」" for excerpt in self.unpaired[:3])
            more = f"等 {len(self.unpaired)} 段" if len(self.unpaired) > 3 else ""
            out.append(
                f"引号无法自动配对，已按原样保存，请核对并改为中文引号：{shown}{more}（校对中也列出了位置）。"
            )
        return out


# The order the notes are given in, with their sentence.
_NOTES = (
    ("quotes", "直引号 {n} 处改为中文引号"),
    ("quote_turned", "方向反了的引号 {n} 处已改正"),
    ("quote_form", "〝〞等异体引号 {n} 处改为“”‘’"),
    ("quote_space", "引号外侧多余的空格 {n} 处已去掉"),
    ("ligature", "连字 {n} 处改为普通字母"),
    ("full_width", "全角数字或字母 {n} 处改为半角"),
    ("percent_space", "数字与 % ‰ ℃ 之间的空格 {n} 处已去掉"),
    ("year_zero", "年份中的“○”“O”“0” {n} 处改为“〇”"),
)

_RECORDING: ContextVar[EntryChanges | None] = ContextVar("entry_changes", default=None)


@contextmanager
def recording() -> Iterator[EntryChanges]:
    """Count what the normalisation changes inside the ``with`` block (nested blocks each
    see their own changes only)."""
    changes = EntryChanges()
    token = _RECORDING.set(changes)
    try:
        yield changes
    finally:
        _RECORDING.reset(token)


@contextmanager
def quiet() -> Iterator[None]:
    """Nothing inside is recorded: for a look at a text that is not its entry (is this
    paragraph a title? a byline?), so that the entry itself is named once."""
    token = _RECORDING.set(None)
    try:
        yield
    finally:
        _RECORDING.reset(token)


def _record(kind: str, count: int, example: str = "") -> None:
    changes = _RECORDING.get()
    if changes is not None:
        changes.add(kind, count, example)


# --------------------------------------------------------------- characters fixed at entry

_FULL_WIDTH_ALNUM = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_FULL_WIDTH_RUN = re.compile(f"[{_FULL_WIDTH_ALNUM}]+(?:\uff0e[\uff10-\uff19]+)*")
_TO_HALF = {
    code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
_TO_HALF[0xFF0E] = ord(".")  # only inside a run of digits (_FULL_WIDTH_RUN)
_LIGATURE_RE = re.compile("[\ufb00-\ufb06]")
# A number (ASCII digits after the width fix), spaces, a sign that belongs to it.
_PERCENT_SPACE = re.compile(r"(?<=[0-9])[ \u3000]+(?=[%％‰℃])")
# A year in Chinese numerals: two to four digits, at least one a numeral 一–九 and at least one
# a zero typed as ○ (U+25CB), O, o or 0, followed by 年, not part of a Latin word or a number.
_YEAR_DIGIT = "一二三四五六七八九〇○Oo0"
_YEAR = re.compile(
    f"(?<![0-9A-Za-z])(?=[{_YEAR_DIGIT}]*[一二三四五六七八九])(?=[{_YEAR_DIGIT}]*[○Oo0])[{_YEAR_DIGIT}]{{2,4}}(?=年)"
)
_WRONG_ZERO = {ord("○"): "〇", ord("O"): "〇", ord("o"): "〇", ord("0"): "〇"}


def _record_ligatures(text: str) -> None:
    """Count the ligatures the translation table turns into letters."""
    ligatures = _LIGATURE_RE.findall(text)
    if ligatures:
        _record("ligature", len(ligatures), f"「{ligatures[0]}」→「{_LIGATURES[ord(ligatures[0])]}」")


def _fix_characters(text: str) -> str:
    """Full-width digits and letters, a space before %, a wrong zero in a year (on text
    already translated: a no-break space before % is a space by then)."""
    if any("\uff10" <= c <= "\uff5a" for c in text):
        runs = _FULL_WIDTH_RUN.findall(text)
        if runs:
            _record("full_width", len(runs), f"「{runs[0]}」→「{runs[0].translate(_TO_HALF)}」")
            text = _FULL_WIDTH_RUN.sub(lambda m: m.group().translate(_TO_HALF), text)
    if "%" in text or "％" in text or "‰" in text or "℃" in text:
        spaces = list(_PERCENT_SPACE.finditer(text))
        if spaces:
            first = spaces[0]
            shown = text[max(0, first.start() - 3) : first.end() + 1].strip()
            _record("percent_space", len(spaces), f"「{shown}」→「{_PERCENT_SPACE.sub('', shown)}」")
            text = _PERCENT_SPACE.sub("", text)
    if "年" in text:
        years = _YEAR.findall(text)
        if years:
            _record("year_zero", len(years), f"「{years[0]}年」→「{years[0].translate(_WRONG_ZERO)}年」")
            text = _YEAR.sub(lambda m: m.group().translate(_WRONG_ZERO), text)
    return text


def normalize_text(text: str) -> str:
    """Any entering text, lines kept: NFC, radicals, no invisible/control characters,
    ligatures as letters, half-width digits and Latin, no space before %, 〇 in years.

    ``\\r\\n`` and ``\\r`` become ``\\n``; a tab becomes a space. Quotes are not paired
    here (the paragraph is their unit: ``normalize_paragraph``, ``normalize_line``,
    ``pair_runs``). Idempotent: ``normalize_text(normalize_text(t)) == normalize_text(t)``.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # NFC after the mapping too: a mapped ideograph never needs composing, but a removed
    # invisible character may have separated a base letter from its combining mark.
    text = unicodedata.normalize("NFC", text)
    _record_ligatures(text)
    text = _fix_characters(_STRAY_JOINER.sub("", text.translate(_TABLE)))
    return unicodedata.normalize("NFC", text)


def normalize_line(text: str) -> str:
    """A single-line field (title, name, phone): normalised, whitespace runs made one
    space, no line ends, trimmed, quotes paired (``pair_quotes``). The ideographic space
    inside a line is kept, and so is a space beside a quote: a title may part its two
    phrases with one (the print keeps it, ``keep_spaces_between_cjk``)."""
    text = normalize_text(text).replace("\n", " ")
    return resolve_quotes(re.sub(r" {2,}", " ", text).strip(" \u3000"), drop_spaces=False)


def normalize_paragraph(text: str) -> str:
    """One paragraph: normalised, its indent (leading spaces, U+3000, tabs) and trailing
    spaces removed; line ends inside become spaces; quotes paired (``pair_quotes``)."""
    text = normalize_text(text).replace("\n", " ")
    return resolve_quotes(_TRAILING.sub("", _INDENT.sub("", text)))


def normalize_block(text: str) -> str:
    """Free text of several lines (notes, distribution list, a back issue's text):
    normalised, each line's trailing spaces removed, lines kept. Quotes are not paired:
    a line here need not be a paragraph."""
    return "\n".join(line.rstrip(" \u3000") for line in normalize_text(text).split("\n"))


def strip_indent(text: str) -> str:
    """Remove a paragraph's leading indent (already normalised text)."""
    return _INDENT.sub("", text)


# ------------------------------------------------------------------------------ quotes
#
# GB/T 15834—2011 §4.1 writes quotations with “” and a quotation inside one with ‘’; a
# contributor types " and ' (a keyboard in English mode, a text from another system). Each
# quote is judged by what stands next to it; line ends inside a paragraph (a PDF line, a
# soft break) are looked through, they are neither a space nor a character.

_SPACES = " \u3000\t"
# After these a quote opens: opening brackets, an opening quote, a colon (他说："……").
_BEFORE_OPENING = "（《「『【〔〈〖([{“‘〝‟‛：:"
# Before these a quote closes: closing brackets, a closing quote, pause and stop marks.
_BEFORE_CLOSING = "）》」』】〕〉〗)]}”’〞〟，。、；：？！,.;:?!"
# After a Latin letter or a digit (or one of these signs) a quote is an apostrophe, a prime or
# an inch mark (it's, O'Neil, 5', 3", 5'10") unless it closes a quotation that is open.
_LATIN_SIGNS = "%‰℃°"
# The kinds of quote: straight forms, opening forms, closing forms; the first opening and
# closing form is the one stored. Full-width ＂ ＇ (U+FF02, U+FF07: a Chinese input method's
# "straight" quotes) are straight quotes. 〝〞〟 (U+301D–U+301F, the double-prime quotes of
# some CJK typesetting) and ‟ ‛ (U+201F, U+201B, reversed-9 quotes some fonts open with) are
# typed quotes of another form: they take part as written, and a paragraph that pairs gets
# GB/T 15834's “” ‘’ in their place (named).
_KINDS = (('"＂', "“〝‟", "”〞〟"), ("'＇", "‘‛", "’"))
_STRAIGHT = "\"'＂＇"
_OTHER_FORMS = {"〝": "“", "‟": "“", "〞": "”", "〟": "”", "‛": "‘"}
_ALL_QUOTES = _STRAIGHT + "“”‘’" + "".join(_OTHER_FORMS)
_SHORT_YEAR = re.compile(r"\d{2}[年届级](?!\d)")
_OPENER_OF = {"”": "“", "’": "‘"}


def _is_cjk(char: str) -> bool:
    return (
        "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\U00020000" <= char <= "\U0003ffff"
    )


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _neighbour(text: str, i: int, step: int) -> str:
    """The character beside ``text[i]`` (``step`` -1: before, 1: after), looking through
    line ends; "" at the paragraph's edge."""
    j = i + step
    while 0 <= j < len(text) and text[j] == "\n":
        j += step
    return text[j] if 0 <= j < len(text) else ""


def _place(text: str, i: int) -> str:
    """What a quote's place allows: "open", "close", "either", "latin" (an apostrophe or a
    prime unless a quotation is open), "word" (inside a Latin word: never a quote mark), or
    "none" (spaces or the paragraph's edge on both sides)."""
    before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
    if text[i] in "'＇’" and _SHORT_YEAR.match(text, i + 1):
        return "word"  # '24年: the apostrophe of a shortened year (校对 two_digit_year names it)
    before_space = not before or before in _SPACES
    after_space = not after or after in _SPACES
    if _is_latin(before) and after.isascii() and after.isalpha():
        return "word"
    if before.isascii() and before.isalpha() and after and _is_cjk(after):
        return "either"  # 推进DRG"三医联动": a letter's prime is not followed by Chinese
    if _is_latin(before) or (before and before in _LATIN_SIGNS):
        return "latin"
    if before_space and after_space:
        return "none"
    if before_space or before in _BEFORE_OPENING:
        return "close" if after and after in _BEFORE_CLOSING and after not in "“‘〝‟‛" else "open"
    if after_space or after in _BEFORE_CLOSING:
        return "close"
    return "either"


@dataclass(frozen=True)
class QuotePairing:
    """The result of ``pair_quotes`` on one paragraph.

    ``text``: the paragraph with its quotes resolved, the same length as the input (one
    character for one); the input itself when ``unpaired``. ``unpaired``: offsets of the
    quotes where the pairing failed (empty when it succeeded). ``nested``: those of
    ``unpaired`` where the doubt is a quotation that may be nested in a quotation of the
    same kind (step 5 of ``pair_quotes``). ``converted``: straight quotes (" ' ＂ ＇) turned
    into curly ones; ``turned``: curly quotes turned the other way; ``reformed``: quotes of
    another form (〝〞〟‟‛) given as “” ‘’; ``changed``: the offsets of all three;
    ``ignored``: straight or curly marks that are no quotation marks (apostrophes, primes,
    inch marks: it's, 5', 3")."""

    text: str
    unpaired: tuple[int, ...] = ()
    nested: tuple[int, ...] = ()
    converted: int = 0
    turned: int = 0
    reformed: int = 0
    changed: tuple[int, ...] = ()
    ignored: tuple[int, ...] = ()


def _pair_kind(
    text: str, chars: list[str], straights: str, openings: str, closings: str
) -> tuple[list[int], list[int], list[int]]:
    """Pair one kind of quote in ``chars`` (changed in place). Returns (changed offsets,
    offsets where the pairing failed, offsets that are no quotation marks: apostrophes and
    primes)."""
    opening, closing = openings[0], closings[0]
    single = straights[0] == "'"
    changed: list[int] = []
    failed: list[int] = []
    ignored: list[int] = []
    open_at: int | None = None
    for i, char in enumerate(text):
        if char not in straights and char not in openings and char not in closings:
            continue
        place = _place(text, i)
        if place == "word" and char not in openings:
            ignored.append(i)  # it's, O'Neil, it’s: part of the word
        elif char in openings:
            if open_at is None:
                open_at = i
            elif place == "close":  # “……“。 : the second can only close
                chars[i] = closing
                changed.append(i)
                open_at = None
            else:
                # A typed “ inside an open quotation: when a straight quote opened it, that
                # quote is the one in doubt (its closing quote is missing, or it closes).
                failed.append(open_at if text[open_at] in straights else i)
        elif char in closings:
            if open_at is not None:
                open_at = None
            elif single and place == "latin":
                ignored.append(i)  # the students’: an apostrophe
            elif place == "open":  # ”……” at a paragraph's start: the first can only open
                chars[i] = opening
                changed.append(i)
                open_at = i
            else:
                failed.append(i)
        elif place == "latin":
            if open_at is not None:
                chars[i] = closing
                changed.append(i)
                open_at = None
            else:
                ignored.append(i)  # 5', 3", the students': a prime, an inch mark, an apostrophe
        elif place == "open" or (place == "either" and open_at is None):
            if open_at is not None:
                failed.append(i)
            else:
                chars[i] = opening
                changed.append(i)
                open_at = i
        elif place in ("close", "either"):
            if open_at is None:
                failed.append(i)
            else:
                chars[i] = closing
                changed.append(i)
                open_at = None
        else:
            failed.append(i)
    # A quotation over several paragraphs opens each and closes only in the last
    # (GB/T 15834—2011 §4.1.3.4): a double quote opened at the paragraph's start may stay open.
    if open_at is not None and (single or text[:open_at].strip(_SPACES)):
        failed.append(open_at)
    return changed, failed, ignored


def _nesting_error(chars: list[str], skip: set[int]) -> int | None:
    """The first quote that closes across another pair (“…‘…”…’), or None."""
    stack: list[str] = []
    for i, char in enumerate(chars):
        if i in skip:
            continue
        if char in "“‘":
            stack.append(char)
        elif char in "”’":
            if stack and stack[-1] == _OPENER_OF[char]:
                stack.pop()
            elif _OPENER_OF[char] in stack:
                return i
    return None


# A quotation that opens after these (or a space, or at the paragraph's start) begins a
# whole quoted clause: 认为，"…… / 说："…… / 。"……
_CLAUSE_START = "，：。；、！？,:;!?（(《「【"
# A quotation that closes before these ends at a clause's edge.
_CLAUSE_END = "，。；、！？,;!?）)」】"
_STOPS = "。！？!?"
# What a term in quotes does not hold (a clause mark, a bracket), how long it is at most,
# what it does not end with (a word joining two terms: "三服务"和"三联系"), and the words
# that stand between two terms rather than being one (从"要我干"变成"我要干").
_NOT_IN_TERM = "，。；：、！？,;:!?（）()【】" + _SPACES
_TERM_LENGTH = 10
_JOINING = "和与及或并同跟"
_BETWEEN_TERMS = (
    "到",
    "至",
    "对",
    "改为",
    "变为",
    "变成",
    "成为",
    "转为",
    "转变为",
    "升级为",
    "走向",
    "迈向",
)
# Words that introduce a quoted utterance (他说："……"): a quotation after one of these and
# ，or ：is a clause even in a line without 。.
_SAYING = re.compile(r"(说|道|称|表示|强调|指出|认为|提出|坦言|感慨|介绍|希望|要求)[，：,:]\s*$")
# A quotation straight after a word of saying or judging (群众评价"……"，他说"……") opens
# a clause too: what follows is an utterance, which may hold a quotation of its own.
_SAYING_BARE = re.compile(r"(说|道|称|表示|强调|认为|坦言|感慨|评价|称赞|赞叹|直言|感叹|点赞)$")


def _inside_typed_pair(text: str, ignored: set[int]) -> list[int]:
    """Offsets of straight quotes typed inside a quotation the contributor closed with curly
    quotes of the same kind (“这是一次"走心"的视察”): a quotation nested in one of its own
    kind, whose ‘’ the contributor meant — never to be paired as “”."""
    doubts: list[int] = []
    for straights, openings, closings in _KINDS:
        open_at = None
        inside: list[int] = []
        for i, c in enumerate(text):
            if i in ignored:
                continue
            if c in openings:
                open_at, inside = i, []
            elif c in closings:
                if open_at is not None and inside:
                    doubts.append(inside[0])
                open_at, inside = None, []
            elif c in straights and open_at is not None:
                inside.append(i)
    return doubts


def _nesting_doubts(text: str, chars: list[str], ignored: set[int]) -> list[int]:
    """Offsets of straight quotes whose alternation (step 2 of ``pair_quotes``) may be wrong
    because the contributor nested a quotation in one of the same kind (代表们认为，"这是一次
    "走心"的视察"。): GB/T 15834—2011 §4.1.3.2 wants ‘’ inside “”, but " inside " is typed.

    A doubt is a straight-quoted quotation that opens at a clause's start (``_CLAUSE_START``,
    a space, the paragraph's start) and would close *between two Chinese characters*, followed
    in the same sentence by straight-quoted quotations whose quotes could open as well as
    close (``_place`` "either"), the last closing at a clause's end (``_CLAUSE_END``, spaces
    looked past; after 。！？; the paragraph's end when the paragraph is prose with a 。 or the
    quotation follows a word of saying, 他说：" — a title line without 。 is read as its
    quotations in a row: 上城区:"三坚持"激活代表履职"动力源"). Then
    the first quotation may instead run to that last quote, holding the ones between as
    quotations inside it — unless what would be inside holds a clause mark or a bracket, is
    longer than a term (``_TERM_LENGTH`` characters), ends with a joining word (和 与 及 或 并
    同 跟: "两个联系"制度和"一线工作法" is two terms in a row) or is a word that stands
    between two terms (``_BETWEEN_TERMS``: "要我干"变成"我要干"). The
    offset given is the quote after the first quotation's opening one: the quote that either
    closes it or opens a quotation inside it."""
    doubts: list[int] = []
    for straights, openings, closings in _KINDS:
        opening, closing = openings[0], closings[0]
        marks = [
            i
            for i, c in enumerate(text)
            if (c in straights or c in openings or c in closings) and i not in ignored
        ]
        for n, start in enumerate(marks[:-1]):
            before = _neighbour(text, start, -1)
            if text[start] not in straights or chars[start] != opening:
                continue
            prose = "。" in text or _SAYING.search(text[:start].replace("\n", "")) is not None
            if (
                before
                and before not in _SPACES
                and before not in _CLAUSE_START
                and not _SAYING_BARE.search(text[:start].replace("\n", ""))
            ):
                continue
            first_close = marks[n + 1]
            if text[first_close] not in straights or not (
                _is_cjk(_neighbour(text, first_close, -1)) and _is_cjk(_neighbour(text, first_close, 1))
            ):
                continue
            inner_open = first_close
            for k in range(n + 2, len(marks) - 1, 2):
                inner_close, end = marks[k], marks[k + 1]
                if (
                    text[inner_close] not in straights
                    or text[end] not in straights
                    or chars[inner_close] != opening
                    or chars[end] != closing
                    or _place(text, inner_close) != "either"
                ):
                    break
                inner = text[inner_open + 1 : inner_close].replace("\n", "")
                if (
                    not inner
                    or len(inner) > _TERM_LENGTH
                    or any(c in _NOT_IN_TERM for c in inner)
                    or inner[-1] in _JOINING
                    or inner in _BETWEEN_TERMS
                ):
                    break
                if any(c in _STOPS for c in text[start + 1 : end].rstrip(_STOPS + "\n")):
                    break  # the sentence ended before
                after = text[end + 1 :].lstrip(_SPACES + "\n")[:1]  # 视察" 。 : the space is a slip
                if after:
                    ends_clause = after in _CLAUSE_END or _neighbour(text, end, -1) in _STOPS
                else:
                    ends_clause = prose or _neighbour(text, end, -1) in _STOPS
                if ends_clause:
                    doubts.append(first_close)
                    break
                if _place(text, end) != "either":
                    break
                inner_open = end
    return doubts


def pair_quotes(text: str) -> QuotePairing:
    """Pair the quotes of one paragraph (a body paragraph, a title, one line).

    The algorithm, for double and single quotes separately (a straight quote — " ' or the
    full-width ＂ ＇ — and its curly forms are one kind), reading left to right:

    1. Each quote's place is judged from its neighbours, line ends looked through (``_place``):
       after a space, the paragraph's start, an opening bracket or a colon it *opens*;
       before a space, the end, a closing bracket or a pause/stop mark (，。、；：？！) it
       *closes*; between a Latin letter and a letter (it's, O'Neil) or before a shortened
       year ('24年) it is an apostrophe, never a quote mark; after a Latin letter and before
       Chinese (推进DRG"三医联动") it may do either; otherwise after a Latin letter, a digit
       or %‰℃° (5', 3", “Office") it closes an open quotation and is otherwise an
       apostrophe or a prime, left as written; between two other characters (Chinese text:
       运用"四个+") it may do either.
    2. A quote that may do either opens when no quotation of its kind is open and closes
       when one is (GB/T 15834—2011 §4.1.3.2 uses ‘’ inside “”, so the alternation is the
       reading when quotations of one kind are not nested; step 5 finds where they may be).
    3. A curly quote already typed stands as written and takes part in the alternation;
       one turned the wrong way is turned round only where its place allows one reading
       (“……“。 — before 。 it can only close; ”……” at the start can only open). 〝〞〟‟ take
       part as double quotes and ‛ as a single one, and become “” ‘’ (GB/T 15834's forms).
    4. The pairing fails at a quote that must open while one is open, one that must close
       while none is, a quote between two spaces, or a quotation left open at the end
       (unless it opened the paragraph: a quotation over several paragraphs, GB/T
       15834—2011 §4.1.3.4). It fails too when a ‘’ pair crosses a “” pair.
    5. It is in doubt where a contributor may have nested a straight-quoted quotation in
       one of the same kind: a quotation opened at a clause's start that would close between
       two Chinese characters while a later quote of the same sentence closes at a clause's
       end (代表们认为，"这是一次"走心"的视察"。 — “这是一次‘走心’的视察” or “这是一次”走心
       “的视察”; also after a word of saying, 群众评价"……"), or typed straight quotes inside
       a quotation closed with curly ones (“这是一次"走心"的视察”); the rules and their
       exceptions are ``_nesting_doubts``'s and ``_inside_typed_pair``'s.

    Only a paragraph with Chinese characters is paired (a Latin-only line keeps its
    quotes). When the pairing fails or is in doubt anywhere, nothing in the paragraph is
    changed: its quotes stay exactly as the contributor wrote them (a wrong guess would
    reverse every later quote), and ``unpaired`` says where; the 校对 rule
    ``unpaired_quotes`` names it.
    """
    if not any(c in text for c in _ALL_QUOTES) or not any(_is_cjk(c) for c in text):
        return QuotePairing(text, ignored=tuple(i for i, c in enumerate(text) if c in _STRAIGHT))
    chars = list(text)
    changed: list[int] = []
    failed: list[int] = []
    nested: list[int] = []
    ignored: set[int] = set()
    for straights, openings, closings in _KINDS:
        kind_changed, kind_failed, kind_ignored = _pair_kind(text, chars, straights, openings, closings)
        changed += kind_changed
        failed += kind_failed
        ignored.update(kind_ignored)
    reformed = [i for i, c in enumerate(chars) if c in _OTHER_FORMS]
    for i in reformed:
        chars[i] = _OTHER_FORMS[chars[i]]
    if not failed:
        wrong = _nesting_error(chars, ignored)
        if wrong is not None:
            failed.append(wrong)
    if not failed:
        nested = sorted(set(_nesting_doubts(text, chars, ignored)) | set(_inside_typed_pair(text, ignored)))
        failed += nested
    if failed:
        # A paragraph of curly quotes only is the paired-marks rule's to report.
        typed = any(c in _STRAIGHT + "".join(_OTHER_FORMS) and i not in ignored for i, c in enumerate(text))
        return QuotePairing(
            text,
            unpaired=tuple(sorted(failed)) if typed else (),
            nested=tuple(sorted(nested)),
            ignored=tuple(sorted(ignored)),
        )
    converted = sum(1 for i in changed if text[i] in _STRAIGHT)
    turned = len(changed) - converted
    return QuotePairing(
        "".join(chars),
        converted=converted,
        turned=turned,
        reformed=len(set(reformed) - set(changed)),
        changed=tuple(sorted(set(changed) | set(reformed))),
        ignored=tuple(sorted(ignored)),
    )


def _quote_spaces(text: str, changed: Sequence[int]) -> set[int]:
    """Offsets of spaces outside a quote this pairing turned, between it and Chinese text
    (开展 "美丽杭州" 创建 → 开展“美丽杭州”创建): a Chinese quote takes no space beside it."""
    drop: set[int] = set()
    for i in changed:
        step = -1 if text[i] in "“‘" else 1
        j = i + step
        while 0 <= j < len(text) and text[j] == " ":
            j += step
        if (
            j != i + step
            and 0 <= j < len(text)
            and (_is_cjk(text[j]) or text[j] in _BEFORE_CLOSING + "“‘（《")
        ):
            drop.update(range(min(i + step, j - step), max(i + step, j - step) + 1))
    return drop


_Run = TypeVar("_Run", bound=tuple)


def pair_runs(runs: Sequence[_Run], *, drop_spaces: bool = True) -> list[_Run]:
    """One paragraph given as runs, tuples whose first item is the text (the body's
    (text, bold, script)): its quotes paired across the runs (``pair_quotes``) and, with
    ``drop_spaces``, the spaces outside the turned quotes removed; each run keeps the rest
    of its tuple. Recorded (``recording``)."""
    text = "".join(run[0] for run in runs)
    pairing = pair_quotes(text)
    if pairing.unpaired:
        changes = _RECORDING.get()
        if changes is not None:
            at = pairing.unpaired[0]
            excerpt = text[max(0, at - 8) : at + 9].replace("\n", "")
            if excerpt not in changes.unpaired:  # a form reads its body more than once
                changes.unpaired.append(excerpt)
    if not pairing.changed:
        return list(runs)
    drop = _quote_spaces(pairing.text, pairing.changed) if drop_spaces else set()
    for kind, count, forms in (
        ("quotes", pairing.converted, _STRAIGHT),
        ("quote_turned", pairing.turned, "“”‘’〝〞〟‟‛"),
        ("quote_form", pairing.reformed, "".join(_OTHER_FORMS)),
    ):
        # Each kind's example is its first place (a turned 〝 counts as turned).
        at = next((i for i in pairing.changed if text[i] in forms), pairing.changed[0])
        _record(kind, count, f"{_excerpt(text, at)}→{_excerpt(pairing.text, at)}")
    _record("quote_space", len(drop))
    out: list[_Run] = []
    start = 0
    for run in runs:
        end = start + len(run[0])
        kept = "".join(pairing.text[k] for k in range(start, end) if k not in drop)
        if kept:
            out.append((kept, *run[1:]))
        start = end
    return out


def _excerpt(text: str, at: int) -> str:
    # 「」 around an example: it holds quotes itself.
    return "「" + text[max(0, at - 4) : at + 5].replace("\n", "").strip() + "」"


def resolve_quotes(text: str, *, drop_spaces: bool = True) -> str:
    """One paragraph or line with its quotes paired and (``drop_spaces``) the spaces
    outside them removed (``pair_runs`` on a single run)."""
    return "".join(run[0] for run in pair_runs([(text,)], drop_spaces=drop_spaces))
