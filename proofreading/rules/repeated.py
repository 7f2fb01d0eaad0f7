"""词语重复: a word of 2–6 characters written twice in a row (推动解决解决问题), or a
function word doubled (的的, 了了).

Chinese reduplicates words on purpose, so the rule keeps these apart (the word list is
below, one place, with the reason for each kind):

- **AA / AABB forms** (常常, 人人, 天天, 渐渐, 看看, 一一, 实实在在, 方方面面): a single
  character doubled is only ever flagged for *function words* that never reduplicate
  (``FUNCTION_CHARS``), and never when the pair is half of an AABB form.
- **Word-boundary pairs**: a function character doubled where the two halves belong to
  two different words — the first ends a word (实事求是|是, 为了|了解, 目的|的) or the
  second begins one (是|是否, 从|从事, 和|和谐, 的|的确) — ``BOUNDARY_WORDS``, a list of
  the two-character words that begin or end with one of ``FUNCTION_CHARS``. The list is
  of words, not of sentences: add a word when a new boundary turns up.
- **一 + a measure word doubled** (一把把椅子, 一条条建议: "every one of them") — the
  character before the pair is 一.
- **ABAB verb forms** (研究研究, 商量商量: "let's look into it") belong to speech: they
  are right inside quotation marks “…” and flagged elsewhere as spoken usage, with no
  suggestion (dropping one half would change what is said) — ``SPEECH_ABAB``.
- **Idioms and fixed words with a doubled character** (了了分明, 比比皆是, 源源不断, 井井有条,
  生机勃勃, 不了了之): a doubled character inside one of them is not a repeat. Two sources:
  the list ``proofreading/data/doubled_idioms.txt`` (成语 of the forms AABC, ABCC, AABB and
  words the segmenter cuts apart, each from 《现代汉语词典》第7版 or 《新华成语词典》), and the
  segmenter (``text.segment.words``, jieba): a pair inside one dictionary word of three
  characters or more (的的确确, 把把关). A bare two-character "word" such as 了了 does not
  count — jieba has it, and 做了了解 would then pass.
- **ABAB forms that are always right**: 一步一步, 一个一个 (一 + measure word, "one by
  one"), 雪白雪白 (intensified adjectives), and 代表代表 (人大代表 + the verb 代表: 代表代表人民) —
  ``ALWAYS_ABAB``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from proofreading.findings import Hit
from proofreading.rules.base import CJK, quoted, text_rule
from proofreading.text import CheckContext
from text.segment import words

IDIOMS = Path(__file__).resolve().parent.parent / "data" / "doubled_idioms.txt"
LONG_WORD = 3  # a dictionary word this long that holds the doubled pair is one word

# Characters that are never reduplicated in official writing; doubling one is a slip.
# (Left out because a word boundary doubles them too often: 有 没有有效, 会 常委会会议,
# 在 现在在, 以 可以以此, 及 以及及时, 为 作为为民, 要 主要要求, 对 针对对象, 都 首都都市.)
FUNCTION_CHARS = frozenset("的了是和把被从于也还又而或之这那不已让给")

# Two-character words that begin or end with a character of FUNCTION_CHARS: a doubled
# function character whose first half ends one of these (求是|是) or whose second half
# begins one (是|是否) is two words meeting, not a slip. (Review 16: 实事求是是, 是是否,
# 从从事, 和和谐 were flagged when the list held only 的, 了 and 凡是.)
BOUNDARY_WORDS = frozenset(
    """目的 有的 别的 似的 的确 为了 除了 不了 了解 了结 了之 了却
    求是 凡是 但是 就是 还是 总是 只是 于是 正是 要是 可是 或是 像是 算是 若是 即是 便是 硬是 倒是 真是 都是 也是
    是否 是非 是以
    和谐 和平 和睦 和美 和气 和解 和善 共和 总和 温和 平和 缓和 调和 附和 祥和 柔和 暖和 饱和
    把握 把关 把手 火把 一把
    被告 被动 被子
    从事 从而 从来 从严 从中 从前 从小 从业 从头 从速 服从 自从 听从 遵从 顺从 无从 盲从 随从
    于是 属于 对于 关于 由于 至于 等于 便于 用于 位于 在于 基于 善于 易于 勇于 敢于 忠于 鉴于 终于 处于 归于 利于 限于 源于 致于
    也许 而且 而是 而言 而已 然而 因而 进而 从而 反而 继而 或者 或许 或多 之后 之间 之一 之前 之中 之下 总之 之外 之内
    这样 这些 这里 这个 这次 那些 那样 那里 不断 不仅 不同 不少 不足 不够 绝不 决不 从不
    已经 早已 业已 不已 而已 让步 转让 出让 礼让 给予 交给 供给 补给 还原 还款 归还 退还 偿还""".split()
)

SPEECH_ABAB = frozenset(
    """研究 讨论 商量 学习 考虑 交流 了解 锻炼 活动 休息 打听 琢磨 收拾 准备 总结 整理 梳理
    调查 帮助 指导 看看 聊聊 想想 走走 试试 比划 合计 议议""".split()
)
ALWAYS_ABAB = frozenset("""代表 雪白 通红 冰凉 笔直 碧绿 漆黑 火热""".split())

_DOUBLE = re.compile(rf"([{CJK}]{{2,6}})\1")
_QUOTES = {"“": 1, "”": -1, "「": 1, "」": -1}


def _quote_depths(text: str) -> list[int]:
    depth, depths = 0, []
    for char in text:
        if _QUOTES.get(char) == 1:
            depth += 1
        depths.append(depth)
        if _QUOTES.get(char) == -1 and depth:
            depth -= 1
    return depths


@cache
def doubled_idioms() -> dict[str, tuple[str, ...]]:
    """The idiom list, by each doubled pair it holds: {"了了": ("了了分明", …), …}."""
    by_pair: dict[str, list[str]] = {}
    for line in IDIOMS.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        for k in range(len(entry) - 1):
            if entry[k] == entry[k + 1]:
                by_pair.setdefault(entry[k : k + 2], []).append(entry)
    return {pair: tuple(entries) for pair, entries in by_pair.items()}


def _in_idiom(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] (a doubled stretch) lies inside a listed idiom."""
    pair = text[start : start + 2]
    for idiom in doubled_idioms().get(pair, ()):
        at = text.find(idiom, max(0, end - len(idiom)))
        while at != -1 and at <= start:
            if at + len(idiom) >= end:
                return True
            at = text.find(idiom, at + 1)
    return False


def _long_word_spans(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for word in words(text):
        if len(word) >= LONG_WORD:
            spans.append((at, at + len(word)))
        at += len(word)
    return spans


def _abab_is_right(word: str, inside_quotes: bool) -> bool:
    if word in ALWAYS_ABAB or (len(word) == 2 and word[0] == "一"):
        return True  # 一步一步, 一件一件
    return inside_quotes and word in SPEECH_ABAB


def _is_aabb(text: str, i: int) -> bool:
    """text[i] == text[i+1]: is the pair half of an AABB form (实实在在, 是是非非)?"""
    before = i >= 2 and text[i - 2] == text[i - 1] and text[i - 1] != text[i]
    after = i + 3 < len(text) and text[i + 2] == text[i + 3] and text[i + 2] != text[i]
    return before or after


@text_rule("repeated_word", "词语重复")
def repeated_words(text: str, context: CheckContext) -> Iterator[Hit]:
    depths = None
    for match in _DOUBLE.finditer(text):
        word = match.group(1)
        if len(set(word)) == 1:
            continue  # 人人人人: left to the one-character check below
        if depths is None:
            depths = _quote_depths(text)
        if _abab_is_right(word, depths[match.start()] > 0) or _in_idiom(text, match.start(), match.end()):
            continue
        if word in SPEECH_ABAB:
            # 研究研究 outside a quotation: the spoken "let's look into it", not a slip of
            # the pen; written prose says it otherwise, and no one word restores it.
            message = f"{quoted(word + word)}是口语的重叠说法，书面行文宜改写"
            yield Hit(match.start(), match.end() - match.start(), message, "")
            continue
        yield Hit(match.start(), match.end() - match.start(), f"{quoted(word)}重复", word)
    long_words = None
    for i in range(len(text) - 1):
        char = text[i]
        if char != text[i + 1] or char not in FUNCTION_CHARS:
            continue
        if i + 2 < len(text) and text[i + 2] == char:
            continue  # three in a row is not a slip of this kind (and is rare)
        if _is_aabb(text, i):
            continue
        if i and text[i - 1] == "一":
            continue  # 一把把, 一条条: a measure word doubled after 一
        if (i and text[i - 1 : i + 1] in BOUNDARY_WORDS) or text[i + 1 : i + 3] in BOUNDARY_WORDS:
            continue
        if _in_idiom(text, i, i + 2):
            continue
        if long_words is None:
            long_words = _long_word_spans(text)
        if any(start <= i and i + 2 <= end for start, end in long_words):
            continue  # 的的确确, 把把关: one dictionary word
        yield Hit(i, 2, f"{quoted(char)}重复", char)
