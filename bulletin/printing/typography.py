"""Chinese text normalisation, line breaking and justification for the print layout.

WeasyPrint does not justify Chinese text and Pango glues Chinese quotes to their
neighbours, so the print layout breaks lines here, with the real glyph advances of the
faces WeasyPrint will use, and gives every line its own letter-spacing so that its last
glyph lands on the right edge of the text block. Nothing is added to the text itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# 行首禁则: characters that must not start a line.
LINE_START_FORBIDDEN = frozenset("，。、；：？！）》」』”’〕】〉〗〙｝］…·・％‰°℃!),.:;?]}%")
# 行尾禁则: characters that must not end a line.
LINE_END_FORBIDDEN = frozenset("（《「『“‘〔【〈〖〘｛［([{")

SENTENCE_FINAL = frozenset("。！？!?；…")

_CJK_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
)


def is_cjk_ideograph(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def is_wide(char: str) -> bool:
    """Ideographs and full-width punctuation: the characters Chinese text is made of."""
    if not char:
        return False
    return is_cjk_ideograph(char) or unicodedata.east_asian_width(char) in ("W", "F") or char in "“”‘’…—·"


# --------------------------------------------------------------------------- normalise

_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}


def _convert_parentheses(chars: list[str]) -> None:
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, char in enumerate(chars):
        if char == "(":
            stack.append(i)
        elif char == ")" and stack:
            pairs.append((stack.pop(), i))
    for start, end in pairs:
        inner = chars[start + 1 : end]
        before = chars[start - 1] if start else ""
        # "(A类)", "(市人大代表联络总站)" become full-width; "(0571)" stays.
        if any(is_cjk_ideograph(c) for c in inner) or (before and is_cjk_ideograph(before)):
            chars[start], chars[end] = "（", "）"


def _convert_quotes(chars: list[str]) -> None:
    for straight, (opening, closing) in (('"', ("“", "”")), ("'", ("‘", "’"))):
        open_next = True
        for i, char in enumerate(chars):
            if char != straight:
                continue
            before = chars[i - 1] if i else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if is_wide(before) or is_wide(after) or not before or not after:
                chars[i] = opening if open_next else closing
                open_next = not open_next


def normalize_text(text: str, *, keep_spaces_between_cjk: bool = False) -> str:
    """Normalise one paragraph (or title) of Chinese text before layout.

    Half-width ``, : ; ? !`` and parentheses used in Chinese become full-width, straight
    quotes become Chinese quotes, and stray spaces go: around numbers and Latin words
    ("2024 年" → "2024年") and, unless ``keep_spaces_between_cjk`` (titles, where a
    space deliberately separates two phrases), between Chinese characters.
    """
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\t", " ")
    text = re.sub(r"[ \u3000]{2,}", " ", text).strip()
    chars = list(text)
    for i, char in enumerate(chars):
        if char in _HALF_TO_FULL:
            before = chars[i - 1] if i else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if before.isdigit() and after.isdigit():
                continue  # 1,000 and 8:30 stay as they are
            if is_wide(before) or (is_wide(after) and after != " "):
                chars[i] = _HALF_TO_FULL[char]
    _convert_parentheses(chars)
    _convert_quotes(chars)
    text = "".join(chars)

    out: list[str] = []
    for i, char in enumerate(text):
        if char == " ":
            left = out[-1] if out else ""
            right = text[i + 1] if i + 1 < len(text) else ""
            if keep_spaces_between_cjk and is_wide(left) and is_wide(right):
                out.append(" ")
                continue
            if is_wide(left) or is_wide(right):
                continue  # "2024 年" → "2024年"; a space between Latin words stays
        out.append(char)
    return "".join(out)


def split_author_names(text: str) -> list[str]:
    """Names from a byline's author part: "金 颖 郭彧杰" → ["金颖", "郭彧杰"], "钱 苏晚" →
    ["钱苏晚"]: a lone character joins the token after it (``submissions.authors``)."""
    from submissions.authors import split_names

    return split_names(text).names


def format_author(name: str) -> str:
    """Two-character names get a full-width space so they align with three-character ones."""
    name = re.sub(r"[\s\u3000]+", "", name)
    if len(name) == 2 and all(is_cjk_ideograph(c) for c in name):
        return name[0] + "\u3000" + name[1]
    return name


def format_byline(org: str, authors: Sequence[str]) -> str:
    parts = [org.strip()] if org.strip() else []
    parts += [format_author(a) for a in authors if a.strip()]
    if not parts:
        return ""
    return "（" + "\u3000".join(parts) + "）"


# ------------------------------------------------------------------------- line breaking

_UNIT_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%+\-/_@&#=~]*[A-Za-z0-9%]|[A-Za-z0-9]|——|……|.", re.S)


def segment_units(text: str) -> list[tuple[int, int]]:
    """Unbreakable units: a Chinese character, a number or Latin word, "——" or "……"."""
    return [(m.start(), m.end()) for m in _UNIT_RE.finditer(text)]


@dataclass(frozen=True)
class LineSpan:
    start: int  # index into the paragraph's characters
    end: int
    justify: bool  # False for a paragraph's last line


def break_lines(
    text: str,
    advances: Sequence[float],
    *,
    first_width: float,
    width: float,
    base_spacing: float,
    min_spacing: float,
) -> list[LineSpan]:
    """Break one paragraph into lines.

    ``advances[i]`` is the advance in pt of ``text[i]`` in the face it will be set in;
    ``base_spacing`` is the letter-spacing that puts characters on the grid, and
    ``min_spacing`` the tightest spacing allowed when a closing mark is pulled back
    onto a line (标点挤压) instead of pushing a character to the next line.
    """
    units = segment_units(text)
    if not units:
        return []
    lines: list[LineSpan] = []
    u = 0
    first = True

    def span_width(ustart: int, uend: int, spacing: float) -> float:
        start, end = units[ustart][0], units[uend - 1][1]
        return sum(advances[start:end]) + (end - start - 1) * spacing

    def starts_forbidden(ui: int) -> bool:
        return text[units[ui][0]] in LINE_START_FORBIDDEN

    def ends_forbidden(ui: int) -> bool:
        return text[units[ui][1] - 1] in LINE_END_FORBIDDEN

    while u < len(units):
        avail = first_width if first else width
        end = u
        # 0.3 pt of slack: 28 full-width characters on the grid overhang the block by
        # one letter-spacing, which the justification takes back.
        while end < len(units) and span_width(u, end + 1, base_spacing) <= avail + 0.3:
            end += 1
        if end == len(units):
            lines.append(LineSpan(units[u][0], units[-1][1], False))
            break
        if end == u:
            end = u + 1  # an overlong unit: let it stand alone
        if not starts_forbidden(end) and not ends_forbidden(end - 1):
            lines.append(LineSpan(units[u][0], units[end - 1][1], True))
            u, first = end, False
            continue
        # Kinsoku. Option 1: pull the closing marks back onto this line (compress).
        pull = end
        while pull < len(units) and starts_forbidden(pull):
            pull += 1
        pull_ok = (
            pull < len(units)
            and not ends_forbidden(pull - 1)
            and span_width(u, pull, min_spacing) <= avail + 0.01
        )
        # Option 2: push characters to the next line (expand this one).
        push = end
        while push > u + 1 and (starts_forbidden(push) or ends_forbidden(push - 1)):
            push -= 1
        push_ok = push > u and not starts_forbidden(push) and not ends_forbidden(push - 1)
        if pull_ok and (pull - end == 1 or not push_ok):
            end = pull
        elif push_ok:
            end = push
        elif pull < len(units):
            end = pull  # nothing legal fits: overfull beats a broken rule
        else:
            lines.append(LineSpan(units[u][0], units[-1][1], False))
            break
        lines.append(LineSpan(units[u][0], units[end - 1][1], True))
        u, first = end, False
    return lines


def justify_spacing(
    advances: Sequence[float], width: float, size: float, quantum: float = 1000.0
) -> list[int]:
    """Letter-spacing per character, in 1/``quantum`` em, so the last glyph ends at ``width``.

    WeasyPrint writes glyph positions into the PDF in whole thousandths of an em (and
    truncates), so the spacing is chosen in those units: ``k`` for most gaps and
    ``k + 1`` for the first ``r``, which lands the line within 1/1000 em of the edge.
    The last character's own spacing falls outside the line and is 0-adjusted later.
    """
    n = len(advances)
    if n < 2:
        return [0] * n
    gaps = n - 1
    total_units = (width - sum(advances)) * quantum / size
    base = int(total_units // gaps)
    extra = round(total_units - base * gaps)
    if extra >= gaps:  # rounding at the top edge
        base, extra = base + 1, extra - gaps
    return [base + 1 if i < extra else base for i in range(gaps)] + [base]


Measure = Callable[[str], float]
