"""词语重复: a word of 2–6 characters written twice in a row (推动解决解决问题), or a
function word doubled (的的, 了了).

Chinese reduplicates words on purpose, so the rule keeps these apart (the word list is
below, one place, with the reason for each kind):

- **AA / AABB forms** (常常, 人人, 天天, 渐渐, 看看, 一一, 实实在在, 方方面面): a single
  character doubled is only ever flagged for *function words* that never reduplicate
  (``FUNCTION_CHARS``), and never when the pair is half of an AABB form.
- **Word-boundary pairs**: a function word doubled where the two halves belong to two
  different words (为了了解, 以营利为目的的, 做的的确) — ``BOUNDARY_PAIRS``.
- **ABAB verb forms** (研究研究, 商量商量: "let's look into it") belong to speech: they
  are right inside quotation marks “…” and flagged elsewhere — ``SPEECH_ABAB``.
- **ABAB forms that are always right**: 一步一步, 一个一个 (一 + measure word, "one by
  one"), 雪白雪白 (intensified adjectives), and 代表代表 (人大代表 + the verb 代表: 代表代表人民) —
  ``ALWAYS_ABAB``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Hit
from ..text import CheckContext
from . import CJK, text_rule

# Characters that are never reduplicated in official writing; doubling one is a slip.
# (Left out because a word boundary doubles them too often: 有 没有有效, 会 常委会会议,
# 在 现在在, 以 可以以此, 及 以及及时, 为 作为为民, 要 主要要求, 对 针对对象, 都 首都都市.)
FUNCTION_CHARS = frozenset("的了是和把被从于也还又而或之这那不已让给")

# (doubled char, characters that may stand before it, characters that may follow it):
# the doubled pair is two words meeting, not a slip.
BOUNDARY_PAIRS: dict[str, tuple[str, str]] = {
    "的": ("目有", "确"),  # 为目的的, 有的的确; 的的确确 is AABB
    "了": ("不为除", "解结之"),  # 不了了之, 为了了解, 了结
    "是": ("凡", ""),  # 凡是是非 is rare but right
}

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
        if _abab_is_right(word, depths[match.start()] > 0):
            continue
        yield Hit(match.start(), match.end() - match.start(), f"“{word}”重复", word)
    for i in range(len(text) - 1):
        char = text[i]
        if char != text[i + 1] or char not in FUNCTION_CHARS:
            continue
        if i + 2 < len(text) and text[i + 2] == char:
            continue  # three in a row is not a slip of this kind (and is rare)
        if _is_aabb(text, i):
            continue
        before, after = BOUNDARY_PAIRS.get(char, ("", ""))
        if (i and text[i - 1] in before) or (i + 2 < len(text) and text[i + 2] in after):
            continue
        yield Hit(i, 2, f"“{char}”重复", char)
