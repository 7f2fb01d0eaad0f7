"""Chinese text normalisation, line breaking and justification for the print layout.

WeasyPrint does not justify Chinese text and Pango glues Chinese quotes to their
neighbours, so the print layout breaks lines here, with the real glyph advances of the
faces WeasyPrint will use, and gives every line its own letter-spacing so that its last
glyph lands on the right edge of the text block. Nothing is added to the text itself.
"""

from __future__ import annotations

import bisect
import hashlib
import marshal
import math
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from printing.fonts import cache_dir
from text.authors import split_names
from text.normalize import pair_quotes

# ---------------------------------------------------------------- what may start and end a line
#
# The one table of line-edge rules. Break opportunities come from the Unicode
# line-breaking algorithm (UAX #14, through ``uniseg``); this table only ever *removes*
# opportunities, never adds one, except inside a web or e-mail address (see
# ``URL_BREAK_AFTER``). Each row: the characters, the rule, where it comes from.
#
#   row                 characters                          rule                    source
#   closing             ）》」』”’〕】〉〗〙｝］ ) ] }       never start a line      GB/T 15834-2011 §5.1.7, clreq §3.1.7
#   pause / stop        、。，：；？！ , . : ; ? !         never start a line      GB/T 15834-2011 §5.1.7 (点号不出现在一行之首)
#   middle dot          · ・ • ‧                            never start a line      GB/T 15834-2011 §4.14, clreq
#   connector           — ― ─ ～ 〜 〰 － ~ ‐ ‑ – …… ⋯ ‥  never start a line      GB/T 15834-2011 §4.13 (连接号, 浪纹) and ours for 省略号
#   postfix sign        ％ % ‰ ‱ ℃ ℉ ° ′ ″                 never start a line      UAX #14 class PO; clreq (stays with its number)
#   postfix unit        元 right after a digit              never start a line      clreq (元 written as a sign stays with its number)
#   unit square         ㎡ ㎞ ㎏ ㏄ ㎎ ㎜ ㎝ ㎖ ㎾ … (U+3371–U+33DF, not ㍻–㍿)  never start a line      clreq (a unit stays with its number; UAX #14
#                                                                                   makes these ID, a break before each)
#   opening             （《「『“‘〔【〈〖〘｛［ ( [ {      never end a line        GB/T 15834-2011 §5.1.7, clreq §3.1.7
#   prefix sign         ￥ ¥ ＄ $ ± № ＃ # £ € §           never end a line        UAX #14 class PR; clreq (stays with its number)
#                       (also with spaces between the mark and the break: "$ 200", "( abc")
#   dash / ellipsis     —— ―― ── …… ⋯⋯ ‥‥ ～～ 〜〜 〰〰 ﹏﹏  never split inside      GB/T 15834-2011 §4.12, §4.11 (占两个字位置，不能中间断开)
#   digits, Latin       2024 DRG e.g. ２０２４ ＧＤＰ ５．２   never split inside      UAX #14 (NU × NU, AL × AL, × IS); full-width
#                                                                                   forms read as their ASCII class (UAX #14 makes them ID)
#   web / mail address  after / . @ - _ ? & = only          nothing added           ours: long addresses must break somewhere
#
# Ours, where the domain is ours (render.py): a closing mark that would start a line is
# pulled back onto the line before (its spacing tightened) or the character before it
# pushed down (the line before loosened), whichever bends the 22 × 28 grid less; both
# stay inside SPACING_BOUNDS_EM.

CLOSING_MARKS = "）》」』”’〕】〉〗〙｝］)]}"
PAUSE_MARKS = "、。，：；？！,.:;?!"
MIDDLE_DOTS = "·・•‧"
CONNECTORS = "—―─～〜〰－~‐‑–…⋯‥"
POSTFIX_SIGNS = "％%‰‱℃℉°′″"
# The squared unit abbreviations of the CJK Compatibility block (㎡ ㎞ ㎏ ㏄ ㎎ ㎜ ㎝ ㎖ ㎾
# ㏕ …): a unit written as one character stays with the number before it, like ％.
# (U+337B–U+337F, the Japanese era names ㍻ ㍼ …, are not units.)
UNIT_SQUARES = "".join(chr(c) for c in [*range(0x3371, 0x337B), *range(0x3380, 0x33E0)])
# Ideographs that are a postfix sign only right after a digit (元 in "500元", not in "元旦").
POSTFIX_AFTER_DIGIT = "元"
OPENING_MARKS = "（《「『“‘〔【〈〖〘｛［([{"
PREFIX_SIGNS = "￥¥＄$±№＃#£€§"
# Characters that make up a dash or an ellipsis (written twice): never split between two.
DASH_ELLIPSIS = frozenset("—―─…⋯‥～〜〰﹏")
URL_BREAK_AFTER = frozenset("/.@-_?&=")

# 行首禁则 and 行尾禁则, derived from the table above.
LINE_START_FORBIDDEN = frozenset(
    CLOSING_MARKS + PAUSE_MARKS + MIDDLE_DOTS + CONNECTORS + POSTFIX_SIGNS + UNIT_SQUARES
)
LINE_END_FORBIDDEN = frozenset(OPENING_MARKS + PREFIX_SIGNS)

# Letter-spacing bounds, in em added to (or taken from) every character's advance.
# −0.08 em: pulling one full-width closing mark back onto an indented 26-character line
# needs −0.061 em; the Fandol and Noto ideographs keep about 0.05 em of side bearing on
# each side, so −0.08 em brings neighbours close but never makes their ink touch.
# +0.25 em: a quarter of a character between characters still reads as one line of
# running text (JIS X 4051 and clreq allow inter-character expansion up to this order);
# beyond it a line reads as spaced out, and is set ragged and reported instead.
SPACING_BOUNDS_EM = (-0.08, 0.25)
# Latin letters, digits and the ASCII signs of addresses keep far less side bearing: the
# Fandol faces' a–z, A–Z, 0–9 have a median of 0.07 em on both sides together and the
# tightest (f, j, q) about 0.01 em, so −0.08 em makes "bc", "fg", "ij" touch. Between two
# such characters (ASCII, not a space) a line is tightened by at most this much.
NARROW_MIN_EM = -0.045

SENTENCE_FINAL = frozenset("。！？!?；…")

_CJK_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
)


def is_cjk_ideograph(char: str) -> bool:
    if "\u4e00" <= char <= "\u9fff":  # the common case first
        return True
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def is_wide(char: str) -> bool:
    """Ideographs and full-width punctuation: the characters Chinese text is made of."""
    if not char:
        return False
    return is_cjk_ideograph(char) or unicodedata.east_asian_width(char) in ("W", "F") or char in "“”‘’…—·"


# --------------------------------------------------------------------------- normalise


def is_unprintable(char: str) -> bool:
    """Control, format (bidi overrides, zero-width, BOM, soft hyphen), surrogate and
    line/paragraph-separator characters: nothing the print may show or obey.

    The entry points normalise text on the way in (text/normalize.py); the
    renderer strips these again so that none reaches the PDF, whatever the source.
    """
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") and char not in "\n\t"


def strip_unprintable(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    return "".join(c for c in text if not is_unprintable(c))


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
    # The one pairing algorithm (text.normalize.pair_quotes), for text stored before it ran
    # at entry; a paragraph it cannot pair prints as written.
    chars[:] = pair_quotes("".join(chars)).text


def normalize_text(text: str, *, keep_spaces_between_cjk: bool = False) -> str:
    """Normalise one paragraph (or title) of Chinese text before layout.

    Half-width ``, : ; ? !`` and parentheses used in Chinese become full-width, straight
    quotes become Chinese quotes, and stray spaces go: around numbers and Latin words
    ("2024 年" → "2024年") and, unless ``keep_spaces_between_cjk`` (titles, where a
    space deliberately separates two phrases), between Chinese characters.
    """
    text = unicodedata.normalize("NFC", strip_unprintable(text)).replace("\u00a0", " ").replace("\t", " ")
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
    ["钱苏晚"]: a lone character joins the token after it (``text.authors``)."""
    return split_names(text).names


def format_author(name: str) -> str:
    """Two-character names get a full-width space so they align with three-character ones."""
    name = re.sub(r"[\s\u3000]+", "", name)
    if len(name) == 2 and all(is_cjk_ideograph(c) for c in name):
        return name[0] + "\u3000" + name[1]
    return name


def byline_parts(org: str, authors: Sequence[str]) -> list[str]:
    """The parts of a byline a line may break between: the unit, then each name as
    printed ("金　颖" is one part: a line never breaks inside a name)."""
    parts = [org.strip()] if org.strip() else []
    parts += [format_author(a) for a in authors if a.strip()]
    return parts


def format_byline(org: str, authors: Sequence[str]) -> str:
    parts = byline_parts(org, authors)
    if not parts:
        return ""
    return "（" + "\u3000".join(parts) + "）"


# ------------------------------------------------------------------------- line breaking

# A web or e-mail address: ASCII, from a scheme, "www." or a name before "@", to the
# first character that cannot be in one. Trailing sentence punctuation is not part of it.
_URL_RE = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)


def _canonical(char: str) -> str:
    # UAX #14 reads classes, not characters: every ideograph breaks like 一, every ASCII
    # digit like 0 and every ASCII letter like a, so stretches that differ only there
    # share one cached answer.
    if is_cjk_ideograph(char):
        return "一"
    if char.isascii():
        if char.isdigit():
            return "0"
        if char.isalpha():
            return "a"
    elif "\uff10" <= char <= "\uff5a":
        # Full-width digits and letters (０–９, Ａ–Ｚ, ａ–ｚ) are class ID in UAX #14, a
        # break between every two; they are words and numbers like their ASCII forms.
        if char.isdigit():
            return "0"
        if char.isalpha():
            return "a"
    return char


def _canonical_stretch(text: str) -> str:
    """``_canonical`` of each character; a full-width full stop between two full-width
    digits (５．２) reads as the ASCII decimal point, so the number stays whole."""
    out = [_canonical(c) for c in text]
    for i in range(1, len(text) - 1):
        if (
            text[i] == "\uff0e"
            and "\uff10" <= text[i - 1] <= "\uff19"
            and "\uff10" <= text[i + 1] <= "\uff19"
        ):
            out[i] = "."
    return "".join(out)


def _file_stamp(path: Path | None) -> str:
    """``mtime_ns-size`` of a file, "none" when there is none: names a cache after what it read."""
    try:
        stat = path.stat() if path else None
    except OSError:
        stat = None
    return f"{stat.st_mtime_ns}-{stat.st_size}" if stat else "none"


def _module_stamp(name: str) -> str:
    """The stamp of an installed module's file, found without importing the module."""
    from importlib.util import find_spec

    spec = find_spec(name)
    return _file_stamp(Path(spec.origin) if spec and spec.origin else None)


class _DiskMemo:
    """A dict of answers kept in memory and, between processes, in one marshal file in
    ``fonts.cache_dir()``. ``file_name()`` names the file after what the answers depend
    on (a library's version, a dictionary), so a change reads a new file. Reading or
    writing the file may fail: that costs speed, never a render."""

    def __init__(self, file_name: Callable[[], str]):
        self._file_name = file_name
        self._known: dict | None = None
        self._added = False

    def path(self) -> Path:
        return cache_dir() / self._file_name()

    def known(self) -> dict:
        if self._known is None:
            try:
                self._known = dict(marshal.loads(self.path().read_bytes()))
            except (OSError, ValueError, EOFError, TypeError):
                self._known = {}
        return self._known

    def add(self, key, value) -> None:
        self.known()[key] = value
        self._added = True

    def save(self) -> None:
        """Write the answers found since the last save (after a render)."""
        if not self._added or self._known is None:
            return
        self._added = False
        try:
            path = self.path()
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps(self._known))
            tmp.replace(path)
        except OSError:
            pass


# Canonical stretch → its break boundaries, from uniseg; kept on disk beside the font
# metrics so that a cold process neither imports uniseg nor runs it for the stretches it
# has seen before. Named after the installed uniseg and the canonical form (v2:
# ``_canonical_stretch`` with full-width forms; a new form needs a new name).
_stretches = _DiskMemo(lambda: f"uax14-v2-uniseg-{_module_stamp('uniseg')}.marshal")


def _stretch_breaks(stretch: str) -> tuple[int, ...]:
    """uniseg's break boundaries inside one stretch (0 < b < len), from its canonical form."""
    found = _stretches.known().get(stretch)
    if found is None:
        from uniseg import linebreak

        found = tuple(b for b in linebreak.line_break_boundaries(stretch) if 0 < b < len(stretch))
        _stretches.add(stretch, found)
    return found


def save_break_cache() -> None:
    """Write the stretches found since the last save (after a render)."""
    _stretches.save()


def _uax14_breaks(text: str) -> list[bool]:
    """``allowed[i]``: UAX #14 allows a line break before ``text[i]`` (index 0 unused).

    Between two ideographs (UAX #14 class ID) a break is always allowed (rule LB31) and
    no rule looks across such a pair, so uniseg (pure Python, about 70 µs a character)
    reads only the stretches between them, each in a canonical form whose answer is
    cached (in memory and on disk): an issue costs milliseconds, not a second.
    """
    n = len(text)
    allowed = [False] * (n + 1)
    ideograph = [is_cjk_ideograph(c) for c in text]
    start = 0
    for i in range(1, n + 1):
        if i < n and not (ideograph[i - 1] and ideograph[i]):
            continue
        if i < n:
            allowed[i] = True
        if i - start > 1:
            stretch = _canonical_stretch(text[start:i])
            for boundary in _stretch_breaks(stretch):
                allowed[start + boundary] = True
        start = i
    return allowed


def url_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every web or e-mail address in ``text``."""
    spans = []
    for match in _URL_RE.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in ".,;:!?)'":
            end -= 1
        if end - start > 1:
            spans.append((start, end))
    return spans


@lru_cache(maxsize=4096)
def break_opportunities(text: str) -> tuple[int, ...]:
    """Positions ``i`` (0 < i < len) where a line may break before ``text[i]``.

    UAX #14 gives the opportunities; inside a web or e-mail address only the places
    after / . @ - _ ? & = are kept (and added: UAX #14 keeps "example.gov" whole); then
    the table above removes every break that would start a line with a forbidden
    character, end one with a forbidden character (looking back through spaces: "$ 200"
    keeps its sign), or split a dash or an ellipsis.
    """
    allowed = _uax14_breaks(text)
    for i in range(1, len(text)):
        # UAX #14 keeps quotation marks (class QU) with both neighbours, so ”“ and ’‘
        # never break; in Chinese a closing mark ends one quoted name and an opening mark
        # begins the next (“人大代表+网格员”|“联络站+社区”): clreq allows the break.
        if text[i - 1] in CLOSING_MARKS and text[i] in OPENING_MARKS:
            allowed[i] = True
    for start, end in url_spans(text):
        for i in range(start + 1, end):
            allowed[i] = text[i - 1] in URL_BREAK_AFTER and text[i] not in URL_BREAK_AFTER
    out = []
    for i in range(1, len(text)):
        if not allowed[i]:
            continue
        before, after = text[i - 1], text[i]
        if after in LINE_START_FORBIDDEN or before in LINE_END_FORBIDDEN:
            continue
        if after in POSTFIX_AFTER_DIGIT and before.isdigit():
            continue
        if before == " ":
            j = i - 1
            while j > 0 and text[j - 1] == " ":
                j -= 1
            if j > 0 and text[j - 1] in LINE_END_FORBIDDEN:
                continue
        if before in DASH_ELLIPSIS and after in DASH_ELLIPSIS:
            continue
        out.append(i)
    return tuple(out)


# ------------------------------------------------------- phrase breaks: titles, 目录, bylines, 送
#
# A title, a 目录 entry, a byline or a 送 line breaks where an editor would: "回行时要做到
# 词意完整，排列对称，长短适宜" (GB/T 9704-2012 §7.3.3, the title), never inside a word.
# Word boundaries come from ``text.segment`` (jieba with the office's terms; a short
# quoted campaign name such as “四个一” is one word). Each break opportunity the line-edge
# table allows gets a cost, lowest first:
#
#   cost  where                                                         why
#   −1    at a space the author typed between two phrases of a title    the author's own line break
#   0.1   after ：，、；。！？                                         a pause ends a phrase
#   0.9   after 、 in a list line (送, 目录, a long unit name)           a 、 joins the parts of one entry there
#   0.4   before a predicate head (助力, 推动, 提升, 让 …) at a word start  subject | predicate, as titles are read
#   0.5   after a closing quote or bracket, at a word start            the quoted name stays whole
#   0.6   before an opening quote or bracket, at a word start
#   1     any other word start
#   1.5   before a particle or localiser (的 上 中 后 时 …), or        it leans on the word before
#         after an adverb that opens a predicate (奋力|推进)
#   2     between two one-character "words" jieba does not know        a guess: perhaps one word
#   6     inside a word                                                 only when nothing else fits
#
# and the lines are chosen by the least total cost plus, for a title, its imbalance
# (GB/T 9704: 排列对称) or, for a list, its lines' unfilled ends. A title whose best
# break costs 2 or more has no good break: it is balanced and reported.

PHRASE_END_MARKS = frozenset("：，、；。！？:;,")
# Words that open the predicate of an office headline ("淳安县：创新“四个一”工作机制 | 助力
# 重大项目攻坚") or a phrase led by a preposition ("以…", "为…", "让…"): a break before one
# keeps both halves whole phrases.
PREDICATE_HEADS = frozenset(
    "助力 助推 推动 推进 提升 促进 打造 激发 赋能 深化 强化 开展 做好 答好 写好 下好 用好 当好 "
    "探索 聚焦 凝聚 护航 保障 优化 完善 建立 健全 构建 实施 落实 加强 加快 织密 守护 共建 擦亮 "
    "激活 破解 书写 描绘 跑出 走出 架起 搭建 点亮 绘就 推出 听取 审议 召开 举行 开启 启动 "
    "彰显 汇聚 厚植 发挥 引领 夯实 筑牢 谱写 奏响 护航 服务 助 让 以 为 把 向 于 "
    "奋力 全力 着力 合力 大力 持续 切实 积极 努力 不断 进一步".split()
)
# Adverbs that open a predicate ("奋力推进", "持续深化"): the break goes before them, not
# between them and their verb.
PREDICATE_ADVERBS = frozenset("奋力 全力 着力 合力 大力 持续 切实 积极 努力 不断 进一步".split())
COST_SPACE = -1.0
COST_PAUSE = 0.1
COST_PREDICATE = 0.4
COST_AFTER_CLOSING = 0.5
COST_BEFORE_OPENING = 0.6
COST_WORD = 1.0
COST_LIST_ENUMERATION = 0.9
COST_DOUBTFUL = 2.0
# One-character words that lean on the word before: a particle or a localiser ("会议上",
# "讲话的", "工作中"). A line starting with one reads as a broken phrase: a plain word
# start is better, but it is still a break between words.
ENCLITICS = frozenset("的 地 得 之 上 中 里 内 后 前 时 等 们".split())
COST_BEFORE_ENCLITIC = 1.5
COST_INSIDE_WORD = 6.0
# A break at this cost or more is not a good one: the lines are balanced and reported.
POOR_BREAK = COST_DOUBTFUL
# Title lines: cost per em of imbalance (the sum of each line's distance from the mean
# width): two em of imbalance weigh about as much as a plain word start over a phrase end.
BALANCE_PER_EM = 0.08
# List lines (送, bylines, 目录): cost per em left empty at the end of a line but the last
# (a pause 12 em before the end still beats a plain word start at the end).
FILL_PER_EM = 0.05
# A line of fewer characters than this is a 孤字 line: only when nothing else fits.
MIN_LINE_CHARS = 3
# A title or list line whose fewest lines break poorly may take this many lines more.
EXTRA_LINES_FOR_WORDS = 2
SHORT_LINE_COST = 4.0

# text → (lengths of its words, word starts); on disk beside the font metrics, so that a
# cold process neither loads jieba's dictionary (about 0.6 s) nor segments the titles,
# bylines and 送 lines it has seen before. Named after jieba's version and the office
# terms file's content: a changed dictionary is a new cache.
_OFFICE_TERMS = Path(__file__).resolve().parents[1] / "text" / "data" / "office_terms.txt"
_segments = _DiskMemo(lambda: f"segments-v1-{_module_stamp('jieba')}-{_content_stamp(_OFFICE_TERMS)}.marshal")


@lru_cache(maxsize=1)
def _content_stamp(path: Path) -> str:
    """A short hash of a data file's bytes: a checkout that only touches the file keeps its cache."""
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return "none"


def word_segments(text: str) -> tuple[tuple[int, ...], frozenset[int]]:
    """(the lengths of ``text``'s words, the offsets where a word starts), from
    ``text.segment`` (a short quoted phrase is one word), cached in memory and on disk."""
    found = _segments.known().get(text)
    if found is None:
        from text import segment  # jieba's dictionary is loaded only for a text not seen before

        lengths = tuple(len(w) for w in segment.words(text))
        found = (lengths, tuple(sorted(segment.word_starts(text))))
        _segments.add(text, found)
    return found[0], frozenset(found[1])


def save_segment_cache() -> None:
    """Write the segmentations found since the last save (after a render)."""
    _segments.save()


@lru_cache(maxsize=4096)
def phrase_break_costs(text: str) -> dict[int, float]:
    """{offset: cost} for every break the line-edge table allows in ``text`` (see the
    table above); a break at a space is at the space (offset of the space + 1)."""
    lengths, starts = word_segments(text)
    word_at: dict[int, str] = {}  # word start → the word
    offset = 0
    for length in lengths:
        word_at[offset] = text[offset : offset + length]
        offset += length
    costs: dict[int, float] = {}
    for i in break_opportunities(text):
        before, after = text[i - 1], text[i]
        if before == " " or after == " ":
            costs[i] = COST_SPACE
            continue
        if i not in starts:  # also a pause inside a quoted name: “点、线、面”
            costs[i] = COST_INSIDE_WORD
            continue
        if before in PHRASE_END_MARKS:
            costs[i] = COST_PAUSE
            continue
        cost = COST_WORD
        word = word_at.get(i, "")
        previous = next((word_at[j] for j in range(i - 1, -1, -1) if j in word_at), "")
        if previous in PREDICATE_ADVERBS and is_cjk_ideograph(after):
            cost = COST_BEFORE_ENCLITIC
        elif word in PREDICATE_HEADS:
            cost = COST_PREDICATE
        elif before in CLOSING_MARKS:
            cost = COST_AFTER_CLOSING
        elif after in OPENING_MARKS:
            cost = COST_BEFORE_OPENING
        elif len(word) == 1 and len(previous) == 1 and is_cjk_ideograph(word) and is_cjk_ideograph(previous):
            cost = COST_DOUBTFUL
        elif word in ENCLITICS:
            cost = COST_BEFORE_ENCLITIC
        costs[i] = cost
    return costs


@dataclass(frozen=True)
class PhraseLines:
    spans: list[tuple[int, int]]  # (start, end) of each line, spaces at its ends left out
    worst: float  # the highest cost among the breaks taken (0 for one line)

    @property
    def poor(self) -> bool:
        return self.worst >= POOR_BREAK


def phrase_lines(
    text: str, advances: Sequence[float], width: float, size: float, *, balanced: bool = True
) -> PhraseLines:
    """Break ``text`` (a title, a 目录 entry, a byline part, a 送 line) into as few lines of
    at most ``width`` pt as it needs, at the breaks of least cost (``phrase_break_costs``).

    ``advances`` are the characters' advances in pt at their natural spacing (these
    lines are set centred or ragged, never tightened). ``balanced``: lines of even length
    (titles; GB/T 9704 排列对称); else each line as full as its breaks allow (lists).
    When the fewest lines allow no good break (``worst`` ≥ ``POOR_BREAK``), up to
    ``EXTRA_LINES_FOR_WORDS`` more lines are tried and the first layout with a good break
    is taken (else the one whose worst break is least; the fewest lines on a tie).
    A text with no break that lets it fit (one long run) gets its lines broken where they
    are full, and ``worst`` is ``COST_INSIDE_WORD``.
    """
    n = len(text)
    prefix = [0.0]
    for advance in advances:
        prefix.append(prefix[-1] + advance)

    def visible(a: int, b: int) -> tuple[int, int]:
        while a < b and text[a] == " ":
            a += 1
        while b > a and text[b - 1] == " ":
            b -= 1
        return a, b

    def line_width(a: int, b: int) -> float:
        a, b = visible(a, b)
        return prefix[b] - prefix[a]

    def line_chars(a: int, b: int) -> int:
        a, b = visible(a, b)
        return sum(1 for c in text[a:b] if c not in LINE_START_FORBIDDEN and c != " ")

    if n == 0:
        return PhraseLines([], 0.0)
    if line_width(0, n) <= width + 0.3:
        return PhraseLines([visible(0, n)], 0.0)
    costs = phrase_break_costs(text)
    if not balanced:
        # In a list a 、 joins the parts of one entry ("各区、县（市）人大常委会"), a ，
        # or ； ends an entry: the list wraps between entries first.
        costs = {i: COST_LIST_ENUMERATION if text[i - 1] == "、" else c for i, c in costs.items()}
    points = [0, *sorted(costs), n]
    total = line_width(0, n)
    slack = 0.3  # pt: glyph advances summed in floating point
    fewest = max(2, math.ceil(total / width))
    # The fewest lines first; when they allow no good break (a title that fills its lines
    # exactly leaves no word start where a line is full), one or two more lines are tried
    # before a break inside a word is accepted: 词意完整 comes before one line fewer.
    found: PhraseLines | None = None
    found_count = fewest
    for count in range(fewest, fewest + 4):
        if found is not None and count > found_count + EXTRA_LINES_FOR_WORDS:
            break
        mean = total / count
        # best[j][p]: (cost, previous point) of j lines ending at points[p]
        best: list[dict[int, tuple[float, int, float]]] = [{0: (0.0, -1, 0.0)}]
        for j in range(1, count + 1):
            layer: dict[int, tuple[float, int, float]] = {}
            for p in range(1, len(points)):
                end = points[p]
                if (j == count) != (end == n):
                    continue
                for q, (cost_q, _, worst_q) in best[j - 1].items():
                    start = points[q]
                    if start >= end:
                        continue
                    w = line_width(start, end)
                    if w > width + slack:
                        continue
                    cost = cost_q + (costs.get(end, 0.0) if end < n else 0.0)
                    if balanced:
                        cost += BALANCE_PER_EM * abs(w - mean) / size
                    elif end < n:
                        cost += FILL_PER_EM * (width - w) / size
                    if line_chars(start, end) < MIN_LINE_CHARS:
                        cost += SHORT_LINE_COST
                    worst = max(worst_q, costs.get(end, 0.0) if end < n else 0.0)
                    if p not in layer or cost < layer[p][0]:
                        layer[p] = (cost, q, worst)
            best.append(layer)
        final = best[count].get(len(points) - 1)
        if final is None:
            continue
        spans = []
        p, j = len(points) - 1, count
        worst = final[2]
        while j > 0:
            _, q, _ = best[j][p]
            spans.append(visible(points[q], points[p]))
            p, j = q, j - 1
        layout = PhraseLines(spans[::-1], worst)
        if not layout.poor:
            return layout
        if found is None:
            found, found_count = layout, count
        elif layout.worst < found.worst:
            found = layout  # a doubtful break rather than one inside a word
    if found is not None:
        return found
    # No set of breaks fits (a run longer than a line): break where each line is full.
    spans = []
    start = 0
    while start < n:
        end = start + 1
        while end < n and line_width(start, end + 1) <= width + slack:
            end += 1
        spans.append(visible(start, end))
        start = end
    return PhraseLines([s for s in spans if s[0] < s[1]], COST_INSIDE_WORD)


@dataclass(frozen=True)
class LineSpan:
    start: int  # index into the paragraph's characters
    end: int
    justify: bool  # False for a paragraph's last line and for a ragged line
    note: str = ""  # why a line is set ragged (for the check report); "" when it is not


def break_lines(
    text: str,
    advances: Sequence[float],
    *,
    first_width: float,
    width: float,
    base_spacing: float,
    min_spacing: float,
    max_spacing: float | None = None,
    address_max_spacing: float | None = None,
    narrow_min_spacing: float | None = None,
    avoid_short_last: bool = False,
) -> list[LineSpan]:
    """Break one paragraph into lines at its break opportunities.

    ``advances[i]`` is the advance in pt of ``text[i]`` in the face it will be set in;
    ``base_spacing`` (pt) is the letter-spacing that puts characters on the grid, and
    ``min_spacing``/``max_spacing`` (pt) the bounds a justified line's spacing must stay
    in (``max_spacing=None``: no upper bound, for centred titles); a line with two narrow
    characters side by side (ASCII, not a space: Latin, digits, an address) is tightened
    no further than ``narrow_min_spacing`` (see ``NARROW_MIN_EM``); a line broken inside a
    web or e-mail address is held to ``address_max_spacing`` (letters spaced out read
    badly), or set ragged at the grid spacing.

    Each line takes the break that fits with the grid spacing, or the next one if the
    line can take it by tightening (a closing mark pulled back), whichever needs the
    smaller change of spacing. A line that cannot be justified within the bounds (the
    next unbreakable run is too long to leave room) is set ragged; a run longer than a
    whole line is broken inside, ragged. Both carry a ``note`` for the check report.
    Spaces at a line's ends are not measured (the renderer drops them).
    ``avoid_short_last``: a last line of one character is avoided by re-breaking the
    lines before it within the bounds (clreq 避免孤字); ``short_last_line`` tells the
    caller when that could not be done.
    """
    n = len(text)
    if n == 0:
        return []
    prefix = [0.0]
    for advance in advances:
        prefix.append(prefix[-1] + advance)
    bounds = [*break_opportunities(text), n]
    addresses = url_spans(text)
    # narrow_pairs[i]: how many of text[0:i]'s neighbouring pairs are two narrow characters.
    narrow_pairs = [0, 0]
    for i in range(1, n):
        a, b = text[i - 1], text[i]
        pair = a.isascii() and b.isascii() and not a.isspace() and not b.isspace()
        narrow_pairs.append(narrow_pairs[-1] + pair)

    def line_min(a: int, b: int) -> float:
        if narrow_min_spacing is None or b - a < 2 or narrow_pairs[b] == narrow_pairs[a + 1]:
            return min_spacing
        return max(min_spacing, narrow_min_spacing)

    def in_address(i: int) -> bool:
        return any(start < i < end for start, end in addresses)

    def visible(a: int, b: int) -> tuple[int, int]:
        while a < b and text[a] == " ":
            a += 1
        while b > a and text[b - 1] == " ":
            b -= 1
        return a, b

    def natural(a: int, b: int) -> tuple[float, int]:
        a, b = visible(a, b)
        return prefix[b] - prefix[a], max(b - a - 1, 0)

    def span_width(a: int, b: int, spacing: float) -> float:
        total, gaps = natural(a, b)
        return total + gaps * spacing

    def needed(a: int, b: int, avail: float) -> float:
        total, gaps = natural(a, b)
        return base_spacing if gaps == 0 else (avail - total) / gaps

    def step(pos: int, first: bool, mode: str = "") -> LineSpan | None:
        """The line from ``pos``: the best break (``mode`` ""), or only the next break
        pulled onto the line by tightening ("tight") or only the break before the one that
        fits, the line loosened ("loose"); None when that mode has no line within bounds."""
        avail = first_width if first else width
        k = bisect.bisect_right(bounds, pos)  # the first break after pos
        # The furthest break that fits with the grid spacing (0.3 pt of slack: 28
        # full-width characters overhang the block by one spacing the justification takes back).
        j = k
        while j < len(bounds) and span_width(pos, bounds[j], base_spacing) <= avail + 0.3:
            j += 1
        fit = j - 1 if j > k else None  # index into bounds, or None
        if fit is not None and bounds[fit] == n and mode != "loose":
            return None if mode else LineSpan(pos, n, False)
        over = j if j < len(bounds) else None  # the first break that does not fit
        earlier = fit - 1 if fit is not None and fit - 1 >= k else None
        candidates = {"": (fit, over), "tight": (over,), "loose": (earlier,)}[mode]
        options: list[tuple[float, int]] = []  # (|change of spacing|, end)
        for index in candidates:
            if index is None:
                continue
            end = bounds[index]
            spacing = needed(pos, end, avail)
            if span_width(pos, end, line_min(pos, end)) > avail + 0.01:
                continue
            if max_spacing is not None and spacing > max_spacing:
                continue
            if address_max_spacing is not None and spacing > address_max_spacing and in_address(end):
                continue
            options.append((abs(spacing - base_spacing) - (1e-6 if index == over else 0), end))
        if options:
            return LineSpan(pos, min(options)[1], True)
        if mode:
            return None
        if fit is not None and span_width(bounds[fit], bounds[fit + 1], base_spacing) <= width + 0.3:
            end = bounds[fit]
            run = text[end : bounds[fit + 1]].strip()
            if in_address(end):
                note = f"网址在此断行，下一段“{run[:24]}”太长，本行按原字距排，右端不齐"
            else:
                note = f"下一个不可断开的串“{run[:24]}”太长，本行无法在字距范围内排齐"
            return LineSpan(pos, end, False, note)
        # An unbreakable run longer than a whole line: it starts on this line and is
        # broken where the line is full.
        run = text[bounds[fit] if fit is not None else pos : bounds[fit + 1 if fit is not None else k]]
        end = pos + 1
        while end < n and span_width(pos, end + 1, base_spacing) <= avail + 0.3:
            end += 1
        return LineSpan(pos, end, False, f"不可断开的串“{run.strip()[:24]}”长于一行，已在串内断行")

    def greedy(pos: int, first: bool) -> list[LineSpan]:
        lines: list[LineSpan] = []
        while pos < n:
            line = step(pos, first)
            assert line is not None
            lines.append(line)
            pos, first = line.end, False
        return lines

    lines = greedy(0, True)
    if not avoid_short_last or len(lines) < 2 or not short_last_line(text, lines):
        return lines
    # 避免孤字 (clreq): a last line of one character (and its marks) takes one more
    # character from the line before (loosened), or gives its character back to it
    # (tightened), or an earlier line is re-broken the same way and the rest follows;
    # every line stays within the spacing bounds. The change of spacing that is least
    # wins; when none works the paragraph is left as it was (and reported by the caller).
    best: tuple[float, list[LineSpan]] | None = None
    for i in range(len(lines) - 2, max(-1, len(lines) - 2 - SHORT_LAST_SEARCH), -1):
        if lines[i].note:
            break
        for mode in ("tight", "loose"):
            changed = step(lines[i].start, i == 0, mode)
            if changed is None:
                continue
            rest = greedy(changed.end, False) if changed.end < n else []
            candidate = [*lines[:i], changed, *rest]
            if any(line.note for line in rest) or short_last_line(text, candidate):
                continue
            avail = first_width if i == 0 else width
            bend = abs(needed(changed.start, changed.end, avail) - base_spacing)
            if best is None or bend < best[0]:
                best = (bend, candidate)
        if best is not None:
            return best[1]
    return lines


# How many lines before the last one the search for a better break of a one-character
# last line may re-break (each try costs one pass over the rest of the paragraph).
SHORT_LAST_SEARCH = 4


def short_last_line(text: str, lines: Sequence[LineSpan]) -> bool:
    """True when a paragraph's last line holds one character, with nothing after it but
    marks that may not start a line ("实。"): a 孤字 line (clreq: 避免孤字)."""
    if len(lines) < 2:
        return False
    last = text[lines[-1].start : lines[-1].end].strip()
    return sum(1 for c in last if c not in LINE_START_FORBIDDEN) <= 1


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


# How WeasyPrint 70 places a line's glyphs (weasyprint/draw/text.py, line_break.py, with
# Pango's letter spacing), so that a justified line ends on the edge as drawn, not only
# as computed. Each run of equal face and spacing is its own text box and Pango layout:
# the box is as wide as Pango's glyph widths (in 1/1024 px) plus one CSS letter-spacing,
# and the next box starts there. Inside a box, CSS letter-spacing goes to Pango in whole
# 1/1024 px; Pango gives each glyph half of it before (as an x offset; not the box's
# first glyph) and half after (not its last); WeasyPrint writes each offset as
# offset/size-in-px and each advance correction truncated to whole 1/1000 em. With
# Latin letters and digits, whose advances are not whole 1/1024 px, those truncations
# add up to half a point a line unless they are counted.
PX_PER_PT = 4 / 3
PANGO_SCALE = 1024


def css_letter_spacing(units: int, size: float) -> float:
    """The CSS letter-spacing in pt written for ``units`` thousandths of an em.

    WeasyPrint truncates glyph offsets toward zero: a tenth of a unit more makes the
    truncation land on the intended value. Rounded as written into the HTML (4 places).
    """
    if units == 0:
        return 0.0
    return round((abs(units) + 0.1) * size / 1000 * (1 if units > 0 else -1), 4)


def text_boxes(keys: Sequence[str], units: Sequence[int]) -> list[tuple[int, int]]:
    """(start, end) of the runs of a line that go out as one text box each.

    A run is equal face (``keys``) and equal spacing; the line's last glyph joins the
    run before it when it is in the same face (its own spacing falls past the line end).
    """
    boxes = []
    i, n = 0, len(keys)
    while i < n:
        j = i + 1
        while j < n and keys[j] == keys[i] and units[j] == units[i]:
            j += 1
        if j == n - 1 and keys[j] == keys[i]:
            j += 1
        boxes.append((i, j))
        i = j
    return boxes


def uniform_line_end(advance: float, count: int, units: float, size: float) -> float:
    """``drawn_line_end`` of ``count`` glyphs of one advance in one box (pt)."""
    middle, first, logical, _ = _glyph_terms(advance, units, size)
    if count == 1:
        return logical * size / 1000
    per_em = int(size * PX_PER_PT * PANGO_SCALE)
    spacing = int(css_letter_spacing(units, size) * PX_PER_PT * PANGO_SCALE)
    offset = int(spacing / 2) / (per_em / PANGO_SCALE)
    return (first + (count - 2) * middle + offset + logical) * size / 1000


def drawn_line_end(
    advances: Sequence[float], units: Sequence[int], size: float, keys: Sequence[str] | None = None
) -> float:
    """Where the last glyph of a line ends, in pt from the line's start, as WeasyPrint draws it.

    ``advances`` are the glyphs' advances in pt (from the faces' metrics: with kerning
    and ligatures off, a glyph's shaped advance is its hmtx advance), ``units`` each
    glyph's letter-spacing in 1/1000 em (see ``css_letter_spacing``), ``keys`` each
    glyph's face (default: all one face).
    """
    n = len(advances)
    if n == 0:
        return 0.0
    keys = keys if keys is not None else [""] * n
    per_em = int(size * PX_PER_PT * PANGO_SCALE)  # Pango units per em: Pango keeps the size whole
    px = per_em / PANGO_SCALE  # the font size in px, as WeasyPrint reads it back
    box_x = 0.0  # pt
    end = 0.0
    for start, stop in text_boxes(keys, units):
        css = css_letter_spacing(units[start], size)
        spacing = int(css * PX_PER_PT * PANGO_SCALE)
        left = int(spacing / 2)  # C division: toward zero
        right = spacing - left
        position = 0.0  # 1/1000 em from the box's start
        pango_width = 0
        for i in range(start, stop):
            em = advances[i] / size
            logical = round(em * 1000)
            shaped = round(em * per_em)
            x_offset = left if i > start else 0
            width = shaped + x_offset + (right if i < stop - 1 else 0)
            pango_width += width
            offset = x_offset / px
            end = box_x + (position + offset + logical) * size / 1000
            kerning = logical + offset - width * 1000 / per_em
            position += offset + logical - int(kerning)
        box_x += pango_width / PANGO_SCALE / PX_PER_PT + css
    return end


@lru_cache(maxsize=65536)
def _glyph_terms(advance: float, units: float, size: float) -> tuple[float, float, int, int]:
    """One glyph in a box of spacing ``units``: its drawn advance as a middle glyph and as
    the box's first glyph (1/1000 em, see ``drawn_line_end``), its logical width
    (1/1000 em) and its Pango width (1/1024 px). A line has few distinct advances."""
    per_em = int(size * PX_PER_PT * PANGO_SCALE)
    px = per_em / PANGO_SCALE
    spacing = int(css_letter_spacing(units, size) * PX_PER_PT * PANGO_SCALE)
    left = int(spacing / 2)
    right = spacing - left
    em = advance / size
    logical = round(em * 1000)
    shaped = round(em * per_em)
    drawn = []
    for x_offset in (left, 0):
        offset = x_offset / px
        kerning = logical + offset - (shaped + x_offset + right) * 1000 / per_em
        drawn.append(offset + logical - int(kerning))
    return drawn[0], drawn[1], logical, shaped


def _box_terms(advances: Sequence[float], units: int, size: float) -> tuple[list, ...]:
    """Per glyph, in a box of spacing ``units``: (advance as a middle glyph, as the box's
    first glyph, logical width), all in 1/1000 em; the Pango widths; and the box's
    (x offset in 1/1000 em, spacing in 1/1024 px, CSS spacing in pt)."""
    per_em = int(size * PX_PER_PT * PANGO_SCALE)
    px = per_em / PANGO_SCALE
    css = css_letter_spacing(units, size)
    spacing = int(css * PX_PER_PT * PANGO_SCALE)
    terms = [_glyph_terms(advance, units, size) for advance in advances]
    middle = [t[0] for t in terms]
    first = [t[1] for t in terms]
    logical = [t[2] for t in terms]
    shaped = [t[3] for t in terms]
    return middle, first, logical, shaped, [int(spacing / 2) / px, spacing, css]


# What a config whose box boundary jumps by more than 0.1 pt costs, in pt of line end.
JUMP_PENALTY = 0.05
# A line that lands this close to the edge (pt) ends the search.
GOOD_ENOUGH = 0.004


def justify_drawn(
    advances: Sequence[float], width: float, size: float, keys: Sequence[str] | None = None
) -> list[int]:
    """Spacing units that make the line end on ``width`` as drawn (within about 1/1000 em).

    Only the line's last text box has truncated positions inside it (see
    ``drawn_line_end``); every box before it is as wide as its Pango widths, exact to
    1/1024 px. So the glyphs go out in ``a`` units up to some glyph ``m`` of the line's
    last face run and in ``b`` units after it, with ``a`` and ``b`` within 3 units of
    ``justify_spacing``'s value, and the ``(a, b, m)`` whose modelled end is nearest the
    edge is taken: about a hundredth of a point, in one pass per ``(a, b)``.
    """
    n = len(advances)
    if n < 2:
        return [0] * n
    keys = keys if keys is not None else [""] * n
    base = justify_spacing(advances, width, size)[-1]
    # Nearest first, so that a line landing within GOOD_ENOUGH stops the search early.
    choices = sorted(range(base - 3, base + 4), key=lambda k: abs(k - base))
    unit = size / 1000
    terms = {k: _box_terms(advances, k, size) for k in choices}
    shaped = terms[base][3]
    logical = terms[base][2]
    logical_last = logical[-1]
    run = n - 1  # the last face run is [run, n)
    while run > 0 and keys[run - 1] == keys[-1]:
        run -= 1
    face_runs = []  # the face runs before it
    start = 0
    for i in range(1, run + 1):
        if i == run or keys[i] != keys[start]:
            face_runs.append((sum(shaped[start:i]), i - start))
            start = i

    def boxes_width(k: int) -> float:
        _, _, _, _, (_, spacing, css) = terms[k]
        return sum(
            (total + (count - 1) * spacing) / PANGO_SCALE / PX_PER_PT + css for total, count in face_runs
        )

    best: tuple[float, int, int, int] = (math.inf, base, base, 0)
    for b in choices:
        _, first_b, _, _, (off_b, _, _) = terms[b]
        mid_b = terms[b][0]
        suffix = [0.0] * (n + 1)  # suffix[j]: box B's middle advances from j to n - 2
        for j in range(n - 2, run - 1, -1):
            suffix[j] = suffix[j + 1] + mid_b[j]
        # The last box, from glyph m on: its last glyph's end, from the box's start (1/1000 em).
        tail = {m: first_b[m] + suffix[m + 1] + off_b + logical_last for m in range(run, n - 1)}
        tail[n - 1] = logical_last  # a one-glyph last run
        for a in choices:
            before = boxes_width(a) if face_runs else 0.0
            if a == b or run == n - 1:
                error = abs(before + tail[run] * unit - width)
                if error < best[0]:
                    best = (error, a, b, run)
                continue
            mid_a, first_a, _, _, (off_a, ls_a, css_a) = terms[a]
            shaped_prefix = 0
            inside = 0.0  # box A's glyphs before its last, as drawn (1/1000 em)
            for m in range(run + 1, n - 1):  # (m = n - 1 would join the last glyph to box A)
                shaped_prefix += shaped[m - 1]
                box_a = (shaped_prefix + (m - run - 1) * ls_a) / PANGO_SCALE / PX_PER_PT + css_a
                # Box A's own truncations gather in the gap before box B: keep that gap
                # within a tenth of a point of the others.
                if m - 1 > run:
                    inside += first_a[run] if m - 2 == run else mid_a[m - 2]
                    drawn_a = (inside + off_a + logical[m - 1]) * unit
                else:
                    drawn_a = logical[m - 1] * unit
                jump = abs(box_a - css_a - drawn_a)
                error = abs(before + box_a + tail[m] * unit - width) + (JUMP_PENALTY if jump > 0.1 else 0)
                if error < best[0]:
                    best = (error, a, b, m)
            if best[0] < GOOD_ENOUGH:
                break
        if best[0] < GOOD_ENOUGH:
            break
    if face_runs and n - run < 8 and best[0] >= GOOD_ENOUGH:
        # A short last run leaves few choices inside it: split the boxes before it instead.
        shaped_sum = [0]
        for value in shaped:
            shaped_sum.append(shaped_sum[-1] + value)
        spans = []  # (start, end) of the face runs before the last
        start = 0
        for _, count in face_runs:
            spans.append((start, start + count))
            start += count

        def box_width(k: int, s: int, e: int) -> float:
            if e <= s:
                return 0.0
            _, _, _, _, (_, spacing, css) = terms[k]
            return (shaped_sum[e] - shaped_sum[s] + (e - s - 1) * spacing) / PANGO_SCALE / PX_PER_PT + css

        for b in choices:
            _, first_b, _, _, (off_b, _, _) = terms[b]
            last = (
                (
                    sum(terms[b][0][run + 1 : n - 1])
                    + off_b
                    + logical_last
                    + (first_b[run] if run < n - 1 else 0)
                )
                if run < n - 1
                else logical_last
            )
            for a in choices:
                if a == b:
                    continue
                for m in range(1, run):
                    before = sum(box_width(a, s, min(e, m)) + box_width(b, max(s, m), e) for s, e in spans)
                    error = abs(before + last * unit - width)
                    if error < best[0]:
                        best = (error, a, b, m)
    _, a, b, m = best
    return [a] * m + [b] * (n - m)


Measure = Callable[[str], float]
