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

import re
from collections.abc import Iterator

from proofreading.findings import Finding, Hit, finding_in
from proofreading.rules.base import CJK, mark_name, piece_parts, piece_rule, text_rule
from proofreading.text import CheckContext, PieceText
from text.normalize import pair_quotes

PAIRS = {"“": "”", "‘": "’", "《": "》", "〈": "〉", "（": "）", "(": ")", "【": "】", "[": "]"}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}
# (outer, inner) that must not nest this way, with the mark the inner one should be.
WRONG_NESTING = {("〈", "《"): "〈〉", ("‘", "“"): "‘’", ("“", "“"): "‘’", ("《", "《"): "〈〉"}
# The marks whose nesting in one of their own kind is an error, so that an unclosed one
# followed by correct pairs could be mistaken for a nesting (``_stray_opener``).
SAME_KIND_NESTING = ("“", "《")


PAIR_NAMES = {"‘’": "单引号", "〈〉": "单书名号", "“”": "双引号", "《》": "书名号"}


def _unclosed(text: str, opener: str, at: int) -> Hit:
    """An opener never closed: the hit runs from it to the next same opener (or the end of
    the paragraph) — the stretch where the closing mark is missing."""
    end = text.find(opener, at + 1)
    end = len(text) if end == -1 else end
    return Hit(at, end - at, f"{mark_name(opener)}没有对应的{mark_name(PAIRS[opener])}", "")


def _stray_opener(text: str, opener: str) -> int | None:
    """The one opener of ``opener``'s kind that is never closed, when leaving it out makes
    every other mark of the kind a flat sequence of pairs (open, close, open, close …);
    None when there is no such opener (the marks are balanced, or nested, or more than one
    is missing).

    This is what tells an unclosed quotation followed by correct ones (开展“回头看督查，
    落实“三个力”要求) from a quotation nested in one of its kind (认为“这是“走心”的视察”,
    which must become ‘’): after a missing closer the later pairs stay flat."""
    closer = PAIRS[opener]
    marks = [(i, c) for i, c in enumerate(text) if c in (opener, closer)]
    if sum(1 for _, c in marks if c == opener) != sum(1 for _, c in marks if c == closer) + 1:
        return None
    for k, (at, char) in enumerate(marks):
        if char != opener:
            continue
        rest = [c for _, c in marks[:k] + marks[k + 1 :]]
        if all(c == (opener if n % 2 == 0 else closer) for n, c in enumerate(rest)):
            return at
    return None


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
    stray = {at for at in (_stray_opener(text, o) for o in SAME_KIND_NESTING) if at is not None}
    stack: list[tuple[str, int]] = []
    for i, char in enumerate(text):
        if i in stray:
            # Reported once, with its stretch; the pairs after it are left alone.
            if not (continued and char == "“" and not stack):
                yield _unclosed(text, char, i)
            continue
        if char in "‘’" and _apostrophe(text, i):
            continue  # it’s, Xi’an: not a quote
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
                    message = (
                        f"{mark_name(stack[-1][0])}之内再用{mark_name(char)}，"
                        f"应改用{PAIR_NAMES[right]}「{right}」"
                    )
                    yield Hit(i, 1, message, right[0])
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
                yield Hit(i, 1, f"{mark_name(char)}没有对应的{mark_name(opener)}", "")
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


_LETTER = re.compile(r"[A-Za-z]")
_CJK_CHAR = re.compile(rf"[{CJK}]")
LONGEST_REWRITTEN = 40  # a longer ‘…’ is reported with no suggestion: too much to rewrite blind


def _apostrophe(text: str, at: int) -> bool:
    """A ’ between two Latin letters (it’s, Xi’an’s) is an apostrophe, not a quote: neither
    paired nor reported. (A quotation in English, ‘people’s congress’, pairs as usual and
    is left to ``single_quotes``'s no-Chinese test.)"""
    return (
        text[at] == "’"
        and 0 < at < len(text) - 1
        and bool(_LETTER.match(text[at - 1]))
        and bool(_LETTER.match(text[at + 1]))
    )


@text_rule("single_quotes", "单引号")
def single_quotes(text: str, context: CheckContext) -> Iterator[Hit]:
    """‘…’ at the outer level, not inside “…”: GB/T 15834—2011 4.1.3 puts “” at the outer
    level and ‘’ only for a quotation inside a quotation (引号内再用引号). The fix is “…”.

    Quiet on: ‘’ inside “…” (right), apostrophes in Latin text (``_apostrophe``), a ‘…’ with
    no Chinese in or beside it (a Latin quotation), a ‘ never closed (``paired_marks``
    names it), and a ‘…’ holding double quotes (‘“…”’ is a wrong nesting, reported by
    ``paired_marks``)."""
    depth = 0
    i = 0
    while i < len(text):
        char = text[i]
        if char == "“":
            depth += 1
        elif char == "”":
            depth = max(0, depth - 1)
        elif char == "‘" and depth == 0 and not _apostrophe(text, i):
            close = next(
                (j for j in range(i + 1, len(text)) if text[j] == "’" and not _apostrophe(text, j)), None
            )
            if close is None:
                return
            inner = text[i + 1 : close]
            if "“" in inner or "”" in inner or "‘" in inner:
                i = close + 1
                continue
            around = text[max(0, i - 1) : i] + inner + text[close + 1 : close + 2]
            if _CJK_CHAR.search(around):
                suggestion = f"“{inner}”" if len(inner) <= LONGEST_REWRITTEN else ""
                message = f"外层引号应用双引号「“”」，{PAIR_NAMES['‘’']}「‘’」只用于引号之内的引语"
                yield Hit(i, close + 1 - i, message, suggestion)
            i = close + 1
            continue
        i += 1
