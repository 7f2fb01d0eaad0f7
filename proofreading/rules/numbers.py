"""数字 (GB/T 15835—2011, 出版物上数字用法).

- ``two_digit_year``: a year written in two digits ('24年, 24年3月) — write 2024年
  (GB/T 15835 5.2.1.1: 年份一般不应简写). 近10年, 30年3个月 are spans, not years.
- ``mixed_numeral``: one number in two systems (3万5千, 3千人, 1亿2千万) — write 35000 or
  3.5万 (5.1.1: 万、亿 may follow Arabic numerals, 千、百 may not). 5千米, 3千瓦 are units.
- ``percent_range``: a range of percentages written 10-20% or 10%-20% — write
  10%～20% (5.1.6: both numbers keep their %, the connector is ～).
- ``thousands_separator``: 12,500 in Chinese running text — write 12500. This is the
  office's house style (asked for by issue 16): GB/T 15835 5.1.3 itself allows either the
  千分撇 (12,500) or the 千分空. A table row pasted as text (cells parted by tabs or runs
  of spaces) is not running text and is left alone.
- ``date_format``: 2024.1.5 or 2024/1/5 in body text — write 2024年1月5日 (5.2.1.2).
  A version number (2024.1.2版, V2024.1.2, 版本号2024.1.2) is not a date.
- ``circle_for_zero``: ○ (U+25CB, a geometric shape), O or 0 used as the zero of a number
  written in Chinese numerals (一○八国道, 二○二四—二○二六年) — the zero is 〇 (U+3007;
  GB/T 15835—2011 §4.2.1 writes 二〇一二年). Inside a year (二○二四年) the entry already
  writes 〇 and names the change; a ○ beside no numeral (a bullet ○, a mark in a table) is
  not a zero and is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from proofreading.findings import Hit
from proofreading.rules.base import CJK, is_table_row, text_rule
from proofreading.text import CheckContext

_APOSTROPHE_YEAR = re.compile(r"['’‘](\d{2})年")
_SHORT_YEAR_MONTH = re.compile(r"(?<![\d.])(\d{2})年(?=\d{1,2}月)")


@text_rule("two_digit_year", "年份简写")
def two_digit_year(text: str, context: CheckContext) -> Iterator[Hit]:
    for pattern in (_APOSTROPHE_YEAR, _SHORT_YEAR_MONTH):
        for match in pattern.finditer(text):
            yield Hit(
                match.start(), match.end() - match.start(), "年份不应简写为两位", f"20{match.group(1)}年"
            )


_MIXED = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?[万亿]\d+[千百十]|(?<![\d.])\d+[千百](?![米克瓦帕赫焦卡])(?:\d+[十百])?"
)


@text_rule("mixed_numeral", "数字混写")
def mixed_numeral(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _MIXED.finditer(text):
        yield Hit(
            match.start(), match.end() - match.start(), f"“{match.group(0)}”混用阿拉伯数字和汉字数字", ""
        )


_PERCENT_RANGE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(%?)\s*[-－~—–]\s*(\d+(?:\.\d+)?)%")


@text_rule("percent_range", "百分数范围")
def percent_range(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _PERCENT_RANGE.finditer(text):
        right = f"{match.group(1)}%～{match.group(3)}%"
        yield Hit(match.start(), match.end() - match.start(), "百分数范围应写作“10%～20%”", right)


_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")


@text_rule("thousands_separator", "千分位逗号")
def thousands_separator(text: str, context: CheckContext) -> Iterator[Hit]:
    if not re.search(rf"[{CJK}]", text) or is_table_row(text):
        return
    for match in _THOUSANDS.finditer(text):
        yield Hit(
            match.start(),
            match.end() - match.start(),
            "中文行文中数字不用千分位逗号",
            match.group(0).replace(",", ""),
        )


_VERSION_BEFORE = re.compile(r"(?:[A-Za-z]|版本号?|版本为)$")
_DATE = re.compile(r"(?<![\d.])(\d{4})([./])(\d{1,2})\2(\d{1,2})(?![\d.])")


@text_rule("date_format", "日期写法", parts=("body", "brief"))
def date_format(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _DATE.finditer(text):
        year, _, month, day = match.groups()
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            continue
        start, end = match.span()
        if _VERSION_BEFORE.search(text[max(0, start - 4) : start]) or text[end : end + 1] == "版":
            continue  # a version number: V2024.1.2, 版本号2024.1.2, 2024.1.2版
        right = f"{int(year)}年{int(month)}月{int(day)}日"
        yield Hit(match.start(), match.end() - match.start(), "正文中日期应写作“××××年×月×日”", right)


_NUMERAL = "一二三四五六七八九十〇"
# Between two Chinese numerals, or between a numeral and 年: a bullet ○ stands beside none.
_WRONG_ZERO = re.compile(f"(?<=[{_NUMERAL}])[○Oo0]+(?=[{_NUMERAL}年])")


@text_rule("circle_for_zero", "○当〇用")
def circle_for_zero(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _WRONG_ZERO.finditer(text):
        start, end = match.span()
        shown = match.group(0)
        yield Hit(start, end - start, f"汉字数字中的零应写作“〇”，不是“{shown[0]}”", "〇" * len(shown))
