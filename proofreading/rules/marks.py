"""成对标号: “” ‘’ 《》 〈〉 （） 【】 open and close within one paragraph, in the right
order, and nest the way GB/T 15834 says: 《》 outside 〈〉 (a title inside a title is
〈〉), “” outside ‘’ (a quote inside a quote is ‘’).

A paragraph is the unit, with one exception GB/T 15834—2011 4.1.3.4 makes: a quotation
running over several paragraphs opens each paragraph with “ and closes only at the end of
the last. So a body paragraph whose outermost “ is left open is right when the next
paragraph begins with “ (review 16: a quoted speech of three paragraphs was flagged
twice). The last paragraph must still close it.

``unpaired_quotes`` (引号无法配对): straight quotes " ' the entry could not pair. Text
entering the system has its quotes paired by ``text.normalize.pair_quotes`` (the one
algorithm, described there); where the pairing is in doubt (an odd number, a quote that
could open or close, a ‘’ pair crossing a “” pair, a quotation that may be nested in one
of the same kind: 认为，"这是一次"走心"的视察"。) the paragraph is kept as written and
this rule names the quote where the pairing failed — for a possible nesting, the quote
that either closes the outer quotation or opens the inner one. Full-width ＂ ＇ and
〝〞〟‟‛ count as quotes the entry would have paired.
"""

from __future__ import annotations

from collections.abc import Iterator

from proofreading.findings import Finding, Hit, finding_in
from proofreading.rules.base import piece_parts, piece_rule, text_rule
from proofreading.text import CheckContext, PieceText
from text.normalize import pair_quotes

PAIRS = {"“": "”", "‘": "’", "《": "》", "〈": "〉", "（": "）", "(": ")", "【": "】", "[": "]"}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}
# (outer, inner) that must not nest this way, with the mark the inner one should be.
WRONG_NESTING = {("〈", "《"): "〈〉", ("‘", "“"): "‘’", ("“", "“"): "‘’", ("《", "《"): "〈〉"}


def _unclosed(text: str, opener: str, at: int) -> Hit:
    """An opener never closed: the hit runs from it to the next same opener (or the end of
    the paragraph) — the stretch where the closing mark is missing."""
    end = text.find(opener, at + 1)
    end = len(text) if end == -1 else end
    return Hit(at, end - at, f"“{opener}”没有对应的“{PAIRS[opener]}”", "")


@piece_rule("paired_marks", "成对标号")
def paired_marks(piece: PieceText, context: CheckContext) -> Iterator[Finding]:
    """Every part of the piece (title, body paragraphs, 摘登 text) on its own; a body
    paragraph is continued when the next one begins with “."""
    body = piece.paragraphs
    for part, paragraph, text in piece_parts(piece):
        if part == "byline":
            continue
        continued = part == "body" and paragraph < len(body) and body[paragraph].lstrip().startswith("“")
        for hit in paired_hits(text, continued=continued):
            yield finding_in(text, hit, rule="paired_marks", piece=piece.key, part=part, paragraph=paragraph)


def paired_hits(text: str, *, continued: bool = False) -> Iterator[Hit]:
    """The paired-mark hits of one paragraph; ``continued``: the next paragraph goes on
    with the same quotation, so an outermost “ left open is right."""
    stack: list[tuple[str, int]] = []
    for i, char in enumerate(text):
        if char in PAIRS:
            if stack and (stack[-1][0], char) in WRONG_NESTING:
                open_same = sum(1 for o, _ in stack if o == char)
                if stack[-1][0] == char and text.count(PAIRS[char], i) <= open_same:
                    # Not enough closers ahead for a nested pair: the earlier one was
                    # never closed (开展“回头看督查，…“三个力”…).
                    o, at = stack.pop()
                    yield _unclosed(text, o, at)
                else:
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
                    yield _unclosed(text, o, at)
                stack.pop()
            else:
                yield Hit(i, 1, f"“{char}”没有对应的“{opener}”", "")
    if continued and stack and stack[0][0] == "“":
        stack = stack[1:]
    for o, at in stack:
        yield _unclosed(text, o, at)


@text_rule("unpaired_quotes", "引号无法配对")
def unpaired_quotes(text: str, context: CheckContext) -> Iterator[Hit]:
    pairing = pair_quotes(text)
    for at in pairing.unpaired:
        double = text[at] in '"＂“”〝〞〟‟'
        marks = "“”" if double else "‘’"
        kind = "双" if double else "单"
        if at in pairing.nested:
            what = (
                f"{kind}引号可能是引文里面的引号，无法自动判断，已按原样保存：若这里开始引文中的引语，"
                f"引语应改用单引号「‘’」（GB/T 15834 引号内再用引号）；若这里是后引号「{marks[1]}」，"
                "请改为中文引号"
            )
        else:
            what = (
                f"{kind}引号无法自动配对，已按原样保存：请确认这里是前引号「{marks[0]}」"
                f"还是后引号「{marks[1]}」，并检查本段引号是否成对"
            )
        yield Hit(at, 1, what, "")
