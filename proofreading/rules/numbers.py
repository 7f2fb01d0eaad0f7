"""数字 (GB/T 15835—2011, 出版物上数字用法).

- ``two_digit_year``: a year written in two digits ('24年, 24年3月, 24年底, 24年上半年,
  24年度, 24年 opening a sentence, a list item or a 《title》, or after 于/在/自/截至/对 …)
  — write 2024年 (GB/T 15835 5.2.1.1: 年份一般不应
  简写). 近24年, 24年来, 历时24年, 30年3个月 are spans, not years, and stay quiet.
- ``mixed_numeral``: one number in two systems (3万5千, 3千人, 1亿2千万) — write 35000 or
  3.5万 (5.1.1: 万、亿 may follow Arabic numerals, 千、百 may not). 5千米, 3千瓦 are units.
- ``percent_range``: a range of percentages written 10-20% or 10%-20% — write
  10%～20% (5.1.6: both numbers keep their %, the connector is ～).
- ``thousands_separator``: 12,500 in Chinese running text — write 12500. This is the
  office's house style (asked for by issue 16): GB/T 15835 5.1.3 itself allows either the
  千分撇 (12,500) or the 千分空. A table row pasted as text (cells parted by tabs or runs
  of spaces) is not running text and is left alone.
- ``date_format``: 2024.1.5 or 2024/1/5 in body text — write 2024年1月5日 (5.2.1.2);
  a year and month 2025.4 in running text — write 2025年4月. A version number
  (2024.1.2版, V2024.1.2, 版本号2024.1.2) is not a date, nor is a decimal with a unit
  (2024.1万元, 2024.5亿, 2024.10元) or a number in a calculation (2024.1+…).
- ``date_zero``: a month or day with a leading zero in Chinese running text (2024年01月05日)
  — write 2024年1月5日 (5.2.1.2 writes 2008年8月8日; the zero belongs to the all-digit
  form 2008-08-08 only).
- ``full_width_alnum``: full-width digits and Latin letters (２０２４年, ＧＤＰ) — write them
  half-width (GB/T 15835—2011 §4.1, and the 出版物 practice: Arabic numerals and Latin in
  half-width forms). The entry converts them (``text.normalize``); text stored before that,
  or typed around it, is flagged here.
- ``circle_for_zero``: ○ (U+25CB, a geometric shape), O or 0 used as the zero of a number
  written in Chinese numerals (一○八国道, 二○二四—二○二六年) — the zero is 〇 (U+3007;
  GB/T 15835—2011 §4.2.1 writes 二〇一二年). Inside a year (二○二四年) the entry already
  writes 〇 and names the change; a ○ beside no numeral (a bullet ○, a mark in a table) is
  not a zero and is left alone. A year of four Chinese digits written with 零 (二零二四年)
  takes 〇 too; 一百零五年 is a count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from proofreading.findings import Hit
from proofreading.rules.base import CJK, is_table_row, text_rule
from proofreading.text import CheckContext

_APOSTROPHE_YEAR = re.compile(r"['’‘](\d{2})年")
_SHORT_YEAR_MONTH = re.compile(r"(?<![\d.])(\d{2})年(?=\d{1,2}月)")
# 24年底, 24年上半年, 24年度: words that follow a year, never a span of years.
_SHORT_YEAR_PART = re.compile(
    r"(?<![\d.第])([0-3]\d)年(?=底|初|末|上半年|下半年|度|全年|[一二三四]季度|第[一二三四]季度)"
)
# 24年 opening a sentence or a title or an item of a list, or after a word that points at a
# time (于, 在, 自, 截至, 对 …): the
# year the sentence is about — unless what follows makes it a span (24年来, 24年间, 24年的
# 时间, 24年多, 24年前).
_SPAN_AFTER = r"(?!来|间|里|多|余|前|后|内|之|的|轻|左右|整|时间|历史|光阴|如一日|工龄|党龄|教龄)"
_SHORT_YEAR_OPENING = re.compile(
    rf"(?:^|(?<=[。；！？、《（“])|(?<=[于在从自至到对])|(?<=截至|截止))([12]\d)年{_SPAN_AFTER}(?=[{CJK}，,、）)”\d])"
)


@text_rule("two_digit_year", "年份简写")
def two_digit_year(text: str, context: CheckContext) -> Iterator[Hit]:
    seen = set()
    for pattern in (_APOSTROPHE_YEAR, _SHORT_YEAR_MONTH, _SHORT_YEAR_PART, _SHORT_YEAR_OPENING):
        for match in pattern.finditer(text):
            if match.start() in seen:
                continue
            seen.add(match.start())
            shown = match.group(0)
            yield Hit(
                match.start(),
                len(shown),
                f"年份“{shown}”不应简写为两位，应写作“20{match.group(1)}年”",
                f"20{match.group(1)}年",
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
        shown = match.group(0)
        right = f"{match.group(1)}%～{match.group(3)}%"
        yield Hit(
            match.start(),
            len(shown),
            f"百分数范围“{shown}”应写作“{right}”（两个数都带%，中间用～连接）",
            right,
        )


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


# A version or a reference number, not a date: V2024.1, 版本号2024.1, 编号为2024.1, 文号2024.1.
_VERSION_BEFORE = re.compile(r"(?:[A-Za-z]|版本号?|版本为|编号为?|序号为?|文号为?|代码为?|No\.?)$")
_DATE = re.compile(r"(?<![\d.])(\d{4})([./])(\d{1,2})\2(\d{1,2})(?![\d.])")


# A year and a month, 2025.4 / 2024.10, standing alone: no digit, point or letter either side.
_YEAR_MONTH = re.compile(r"(?<![\d.A-Za-z\uff10-\uff19])((?:19|20)\d\d)\.(0?[1-9]|1[0-2])(?![\d.A-Za-z%])")
# What makes 2024.1 a number, not a date: a unit, a multiplier, a sign of a calculation, 版.
_NOT_A_DATE_AFTER = re.compile(
    r"\s*(?:[万亿千百十元角分倍个件人名项次吨米克升斤亩度户家台辆座所条份篇场期版月%‰＋+×*/＝=]|平方|公里|公顷|美元)"
)


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
        yield Hit(
            match.start(),
            match.end() - match.start(),
            f"正文中日期“{match.group(0)}”应写作“{right}”",
            right,
        )
    for match in _YEAR_MONTH.finditer(text):
        start, end = match.span()
        if _VERSION_BEFORE.search(text[max(0, start - 4) : start]) or _NOT_A_DATE_AFTER.match(text, end):
            continue
        right = f"{match.group(1)}年{int(match.group(2))}月"
        yield Hit(start, end - start, f"正文中年月“{match.group(0)}”应写作“{right}”", right)


# 号 is left out: 10月05号楼 is a building's number.
_ZERO_MONTH_DAY = re.compile(r"(?<![\d.])0([1-9])(?=[月日])")


@text_rule("date_zero", "月日补零", parts=("title", "body", "brief"))
def date_zero(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _ZERO_MONTH_DAY.finditer(text):
        right = f"{match.group(1)}{text[match.end()]}"
        yield Hit(
            match.start(),
            len(right) + 1,
            f"“{match.group(0)}{text[match.end()]}”中的“0”不必写，应写作“{right}”",
            right,
        )


_FULL_WIDTH = re.compile(
    r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a][\uff10-\uff19\uff21-\uff3a\uff41-\uff5a．]*"
)


def _half_width(text: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) for c in text)


@text_rule("full_width_alnum", "全角数字字母", parts=("title", "body", "brief", "byline"))
def full_width_alnum(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _FULL_WIDTH.finditer(text):
        shown = match.group(0).rstrip("．")
        right = _half_width(shown)
        yield Hit(
            match.start(),
            len(shown),
            f"“{shown}”是全角字符，数字和外文字母应使用半角：{right}",
            right,
        )


_NUMERAL = "一二三四五六七八九十〇"
# Between two Chinese numerals, or between a numeral and 年: a bullet ○ stands beside none.
# The look-alikes: ○ (U+25CB), ◯ (U+25EF), Latin O/o, the digit 0 and their full-width forms.
_WRONG_ZERO = re.compile(f"(?<=[{_NUMERAL}])[○◯OoＯｏ0０]+(?=[{_NUMERAL}年])")


@text_rule("circle_for_zero", "○当〇用", parts=("title", "body", "brief", "byline"))
def circle_for_zero(text: str, context: CheckContext) -> Iterator[Hit]:
    for match in _WRONG_ZERO.finditer(text):
        start, end = match.span()
        shown = match.group(0)
        yield Hit(start, end - start, f"汉字数字中的零应写作“〇”，不是“{shown[0]}”", "〇" * len(shown))
    for match in _YEAR_WITH_LING.finditer(text):
        for offset, char in enumerate(match.group(1), start=match.start(1)):
            if char == "零":
                yield Hit(offset, 1, f"年份“{match.group(0)}”中的零应写作“〇”，不是“零”", "〇")


# A year of four Chinese digits with 零 (二零二四年): a year is read digit by digit and its
# zero is 〇 (GB/T 15835 §4.2.1); 一百零五年 (a count, with 百) is not a year.
_YEAR_WITH_LING = re.compile(
    r"(?<![一二三四五六七八九十百千万〇零])((?=[一二三四五六七八九〇]*零)[一二三四五六七八九〇零]{4})年"
)
