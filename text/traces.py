"""What Word and WPS leave in a text that is not the writer's text: a 目录 turned into
plain text, and the words a broken field or an empty placeholder shows.

A 目录 (table of contents) that Word generated is a field, skipped by the Word reader. Once
converted to plain text (Ctrl+Shift+F9, "另存为纯文本", a paste) it is ordinary paragraphs:
styled "toc 1" … "toc 9" (Word's built-in names, styleId TOC1; WPS names them the same,
and its Chinese UI shows 目录 1), or, with no style left, lines that end in a dot leader or
a tab and a page number under a "目录"/"目 录" heading. Either way it is not the piece's
title or body (``is_contents_style``, ``is_contents_heading``, ``is_contents_entry``).

A cross-reference whose target is gone shows "错误！未找到引用源。" (Word, zh-CN),
"Error! Reference source not found." (en), a missing bookmark "错误！书签未定义。" ("Error!
Bookmark not defined."); a content control never filled shows its placeholder
"单击此处输入文字。", "点击此处输入文字。", "单击或点击此处输入文字。", "单击此处输入日期。" (also
with a half-width ! or . and spaces, as a conversion or a retyping leaves them). As a field
the Word reader flags them; as plain text (the field unlinked, or typed over) they are
found here (``stale_texts``) so the import and paste reports can name them with their place.
"""

from __future__ import annotations

import re

# Word's built-in TOC styles ("toc 1", styleId "TOC1"), WPS's Chinese display name (目录 1).
_CONTENTS_STYLE = re.compile(r"^(?:toc|目录)\s*[1-9]$", re.I)
_CONTENTS_HEADING = re.compile(r"^\s*(?:目\s*录|目\s*次|(?:table\s+of\s+)?contents)\s*$", re.I)
# An entry: some text, then a tab or a leader (dots, middle dots, an ellipsis, underscores,
# hyphens; Word's clipboard writes ". . . ."), then the page number (Arabic or Roman).
_CONTENTS_ENTRY = re.compile(
    r"^\S.{0,99}?(?:\t+[ \u3000]*|[ \u3000]*(?:[.．·・…‥_\-－—][ \u3000]?){3,}[ \u3000]*)"
    r"(?:\d{1,4}|[ivxlcIVXLC]{1,6})\s*$"
)
# Word's texts in Chinese and English, as typed over or converted: the mark after 错误 may be
# full-width or half-width, with spaces around it, and the closing 。 or . may be missing.
_STALE = re.compile(
    r"错误\s*[！!]\s*(?:未找到引用源|书签未定义|文档中没有指定样式的文字|未定义书签|引用源未找到|超链接引用无效|无效的超链接引用)\s*[。.]?"
    r"|Error\s*!\s*(?:Reference\s+source\s+not\s+found|Bookmark\s+not\s+defined|Hyperlink\s+reference\s+not\s+valid"
    r"|No\s+text\s+of\s+specified\s+style\s+in\s+document)\s*\.?"
    r"|(?:单击|点击|点按)(?:\s*或\s*(?:单击|点击|点按))?\s*此处\s*(?:以\s*)?输入\s*(?:文字|文本|日期)\s*[。.]?"
    r"|Click\s+(?:or\s+tap\s+)?here\s+to\s+enter\s+(?:text|a\s+date)\s*\.?",
    re.I,
)


def is_contents_style(name: str | None) -> bool:
    """True for Word's/WPS's 目录 paragraph styles: "toc 1" … "toc 9", "TOC 1", "目录 1"."""
    return bool(_CONTENTS_STYLE.match((name or "").strip()))


def is_contents_heading(text: str) -> bool:
    """True for a paragraph that is only "目录", "目 录", "目次" or "Contents"."""
    return bool(_CONTENTS_HEADING.match(text or ""))


def is_contents_entry(text: str) -> bool:
    """True for a line of a 目录 as plain text: "一、建强阵地\t1", "二、完善机制……2",
    "三、工作成效 . . . . 3" (text, a tab or a dot leader, a page number)."""
    return bool(_CONTENTS_ENTRY.match(text or ""))


def stale_texts(text: str) -> list[str]:
    """The texts of broken fields and empty placeholders in ``text``, in order."""
    return [match.group().strip() for match in _STALE.finditer(text or "")]


def stale_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each stale text in ``text`` (without white space around it)."""
    spans = []
    for match in _STALE.finditer(text or ""):
        start, end = match.span()
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.append((start, end))
    return spans


def stale_notice(found: list[tuple[str, str]], *, verb: str = "导入") -> str:
    """The report line for stale texts, ``found`` as (place, text): "第 3 段中有 Word 失效
    域或占位符留下的文字 1 处：第 3 段“错误！未找到引用源。”（已按原样{verb}……）"; "" for none."""
    if not found:
        return ""
    listed = "；".join(f"{place}“{text}”" for place, text in found[:5])
    more = f"……等 {len(found)} 处" if len(found) > 5 else ""
    return (
        f"Word 失效引用或未填占位符留下的文字 {len(found)} 处：{listed}{more}"
        f"（已按原样{verb}，不是原文内容；请补写所引内容或删去）"
    )
