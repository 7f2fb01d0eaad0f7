"""成对标号: “” ‘’ 《》 〈〉 （） 【】 open and close within one paragraph, in the right
order, and nest the way GB/T 15834 says: 《》 outside 〈〉 (a title inside a title is
〈〉), “” outside ‘’ (a quote inside a quote is ‘’).

A paragraph is the unit: a quotation that runs over several paragraphs (each opening
“, only the last closing ”) does not occur in this bulletin's pieces.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Hit
from ..text import CheckContext
from . import text_rule

PAIRS = {"“": "”", "‘": "’", "《": "》", "〈": "〉", "（": "）", "(": ")", "【": "】", "[": "]"}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}
# (outer, inner) that must not nest this way, with the mark the inner one should be.
WRONG_NESTING = {("〈", "《"): "〈〉", ("‘", "“"): "‘’", ("“", "“"): "‘’", ("《", "《"): "〈〉"}


@text_rule("paired_marks", "成对标号")
def paired_marks(text: str, context: CheckContext) -> Iterator[Hit]:
    stack: list[tuple[str, int]] = []
    for i, char in enumerate(text):
        if char in PAIRS:
            if stack and (stack[-1][0], char) in WRONG_NESTING:
                right = WRONG_NESTING[(stack[-1][0], char)]
                yield Hit(i, 1, f"“{stack[-1][0]}”内再用“{char}”，应改用“{right}”", right[0])
            stack.append((char, i))
        elif char in CLOSERS:
            opener = CLOSERS[char]
            if stack and stack[-1][0] == opener:
                stack.pop()
            elif any(o == opener for o, _ in stack):
                # Something opened inside was never closed: report it, then close ours.
                while stack and stack[-1][0] != opener:
                    o, at = stack.pop()
                    yield Hit(at, 1, f"“{o}”没有对应的“{PAIRS[o]}”", "")
                stack.pop()
            else:
                yield Hit(i, 1, f"“{char}”没有对应的“{opener}”", "")
    for o, at in stack:
        yield Hit(at, 1, f"“{o}”没有对应的“{PAIRS[o]}”", "")
