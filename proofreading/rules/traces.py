"""失效引用文字: the words Word shows for a broken field or an empty placeholder, left in
the text as if written — "错误！未找到引用源。" (a cross-reference whose target is gone),
"错误！书签未定义。", "Error! Reference source not found.", "单击此处输入文字。" (a content
control never filled). The texts are ``text.traces.stale_texts``'s, the one list the Word
import and the paste name them by; here they are flagged wherever they stand in print.
"""

from __future__ import annotations

from collections.abc import Iterator

from proofreading.findings import Hit
from proofreading.rules.base import text_rule
from proofreading.text import CheckContext
from text.traces import stale_spans


@text_rule("stale_field", "失效引用文字")
def stale_field(text: str, context: CheckContext) -> Iterator[Hit]:
    for start, end in stale_spans(text):
        yield Hit(
            start,
            end - start,
            f"“{text[start:end]}”是 Word 失效引用或未填占位符显示的文字，不是原文内容，请补写所引内容或删去",
            "",
        )
