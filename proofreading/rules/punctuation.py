"""标点 (GB/T 15834—2011, 标点符号用法).

- ``half_width_punct``: a half-width , . ; : ? ! ( ) or " touching Chinese text
  (之间用半角逗号,而) — Chinese text takes the full-width marks. Between digits
  (1,000  8:30  3.5) and inside Latin words nothing is flagged. One finding per mark,
  each with a suggestion that is safe to apply on its own: a half-width bracket is
  reported together with its partner (中国(GDP)增长: both, so that applying them never
  leaves （GDP) behind); a quote the pairing cannot place carries no suggestion.
- ``doubled_punct``: two marks where one belongs (，，  。。  ，。  、，  ；。). ？！ and
  ！！ (GB/T 15834 4.3.3.3) are right; 。。。 is an ellipsis, see below.
- ``numeral_list_comma``: a 顿号 after an Arabic numeral — between numerals (2021、2022年,
  write 2021年、2022年 or 2021—2022年) or as a list number (1、 → 1.; GB/T 15834 A.2.3:
  Arabic ordinal numbers take a 下脚点).
- ``ellipsis``: an ellipsis written 。。。 or ... or as a single … — it is ……
- ``dash``: a dash written -- or as a single — between Chinese characters — the 破折号 is
  —— (a single — between numbers, 2024—2026年, is the 连接号 and is right). A single —
  between short parallel items is the 连接号 too (GB/T 15834—2011 4.13: 连接号 “—” 一字线
  links related items: 交办—督办—反馈, 省—市—县, 杭州—上海) and is not reported; see
  ``is_connector`` for what tells the two apart.
- ``space_in_text``: a space between Chinese characters or marks in a body paragraph (a
  title may separate its two phrases with a space, as the printed 目录 does; a table row
  pasted as text parts its cells with tabs or runs of spaces — ``is_table_row``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from proofreading.findings import Hit
from proofreading.rules.base import CJK, is_table_row, mark_name, text_rule
from proofreading.text import CheckContext
from text.normalize import pair_quotes

WIDE_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】—…·"
_WIDE = f"{CJK}{WIDE_PUNCT}"
_FULL = {",": "，", ".": "。", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}

_HALF = re.compile(
    rf"(?<=[{_WIDE}])[,;:?!]|[,;:?!](?=[{CJK}“‘《（])|(?<=[{CJK}])\.(?=[{CJK}“‘《（])|(?<=[{CJK}])\.$"
)
_HALF_PAREN = re.compile(rf"\((?=[{CJK}])|(?<=[{CJK}])\)|(?<=[{CJK}])\(")
_HALF_QUOTE = re.compile(rf'(?<=[{_WIDE}])"|"(?=[{CJK}])')


def _bracket_partners(text: str) -> dict[int, int]:
    """Offsets of the half-width brackets ( ) that pair with each other, both ways."""
    partners: dict[int, int] = {}
    opened: list[int] = []
    for i, char in enumerate(text):
        if char == "(":
            opened.append(i)
        elif char == ")" and opened:
            j = opened.pop()
            partners[i], partners[j] = j, i
    return partners


@text_rule("half_width_punct", "半角标点")
def half_width(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _HALF.finditer(text):
        mark = match.group(0)
        yield Hit(match.start(), 1, f"中文里用了{mark_name(mark)}", _FULL[mark])
    brackets = {m.start() for m in _HALF_PAREN.finditer(text)}
    if brackets:
        partners = _bracket_partners(text)
        brackets |= {partners[at] for at in brackets if at in partners}
        for at in sorted(brackets):
            mark = text[at]
            yield Hit(at, 1, f"中文里用了{mark_name(mark)}", _FULL[mark])
    pairing = pair_quotes(text)
    if pairing.unpaired:
        return  # the quotes cannot be paired: ``unpaired_quotes`` names the place
    for match in _HALF_QUOTE.finditer(text):
        # Text stored before the entry paired its quotes: the pairing says which one.
        at = match.start()
        yield Hit(at, 1, "中文里用了半角引号", pairing.text[at] if pairing.text[at] != '"' else "")


_DOUBLED = re.compile(r"([，。、；：])\1(?!\1)|[，、；：][。，、；：]|。[，、；：]")


@text_rule("doubled_punct", "标点重复")
def doubled_punct(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _DOUBLED.finditer(text):
        start = match.start()
        if text[start : start + 3] == "。。。" or (
            start and text[start - 1] == "。" and match.group(0) == "。。"
        ):
            continue  # an ellipsis written 。。。: the ellipsis rule reports it
        mark = match.group(0)
        keep = "。" if "。" in mark else mark[0]
        yield Hit(start, 2, f"标点{mark_name(mark)}连用", keep)


_NUMERAL_COMMA = re.compile(r"(?<![\d.])\d{1,4}、(?=\d)")
_LIST_NUMBER = re.compile(r"(?:^|(?<=[：:；;。]))(\d{1,2})、(?!\d)")


@text_rule("numeral_list_comma", "数字间顿号")
def numeral_list_comma(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _NUMERAL_COMMA.finditer(text):
        at = match.end() - 1
        yield Hit(at, 1, "阿拉伯数字之间用了顿号，宜写全单位（如“2021年、2022年”）或用连接号", "")
    for match in _LIST_NUMBER.finditer(text):
        if match.start() == 0:
            continue  # a paragraph that starts "1、" is a numbered head: 序号 reports the style
        at = match.end() - 1
        yield Hit(at, 1, "阿拉伯数字序号后应用下脚点「.」，不用顿号「、」", ".")


_ELLIPSIS = re.compile(r"。{3,}|\.{3,}|…{3,}|(?<!…)…(?!…)|·{3,}")


@text_rule("ellipsis", "省略号")
def ellipsis(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _ELLIPSIS.finditer(text):
        mark = match.group(0)
        if mark.startswith("…") and len(mark) % 2 == 0:
            continue
        yield Hit(match.start(), len(mark), f"省略号写成了{mark_name(mark)}", "……")


_DASH = re.compile(rf"-{{2,}}|－{{2,}}|—-|-—|(?<=[{CJK}])—(?=[{CJK}“‘《（])")
_CJK_RUN = re.compile(rf"[{CJK}]+")
CONNECTED_ITEM_MAX = 4  # characters in one item a 连接号 links (交办, 督办, 市, 杭州)


def _single_dash(text: str, at: int) -> bool:
    return (
        0 <= at < len(text)
        and text[at] == "—"
        and (at == 0 or text[at - 1] != "—")
        and (at + 1 == len(text) or text[at + 1] != "—")
    )


def is_connector(text: str, at: int) -> bool:
    """Whether the single — at ``at`` (Chinese on both sides) is a 连接号, not a 破折号
    written short. A 连接号 links short parallel items (GB/T 15834—2011 4.13); a 破折号
    introduces an explanation or a turn and stands between clauses. So it is a connector
    when it is one link of a chain (another single — after the item on its right, or before
    the item on its left, that item at most CONNECTED_ITEM_MAX characters: 交办—督办—反馈,
    省—市—县三级), or when the runs of Chinese on both sides are each at most
    CONNECTED_ITEM_MAX characters, bounded by marks, brackets or the ends (（杭州—上海）,
    “省—市”); a clause on either side (会议强调—要加强监督) makes it a dash."""
    left = right = ""
    for run in _CJK_RUN.finditer(text):
        if run.end() == at:
            left = run.group(0)
        elif run.start() == at + 1:
            right = run.group(0)
    if not left or not right:
        return False
    chained = (len(right) <= CONNECTED_ITEM_MAX and _single_dash(text, at + 1 + len(right))) or (
        len(left) <= CONNECTED_ITEM_MAX and _single_dash(text, at - len(left) - 1)
    )
    return chained or (len(left) <= CONNECTED_ITEM_MAX and len(right) <= CONNECTED_ITEM_MAX)


@text_rule("dash", "破折号")
def dash(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _DASH.finditer(text):
        start, end = match.span()
        if text[start] == "—" and (
            (start and text[start - 1] == "—") or (end < len(text) and text[end] == "—")
        ):
            continue
        if match.group(0) == "—" and is_connector(text, start):
            continue
        yield Hit(start, end - start, f"破折号写成了{mark_name(match.group(0))}，应为「——」", "——")


_SPACE = re.compile(rf"(?<=[{_WIDE}])[ \u3000]+(?=[{_WIDE}])")


@text_rule("space_in_text", "中文中的空格", parts=("body", "brief"))
def space_in_text(text: str, context: CheckContext) -> Iterator[Hit]:
    if is_table_row(text):
        return  # cells of a table row are parted by spaces
    for match in _SPACE.finditer(text):
        yield Hit(match.start(), match.end() - match.start(), "中文文字之间有空格", "")
