"""The rule registry and the helpers every rule module shares (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from proofreading.findings import Finding, Hit, finding_in
from proofreading.text import CheckContext, IssueText, PieceText

CJK = "\u3400-\u9fff\uf900-\ufaff"  # ideographs, extension A and compatibility ideographs


# The names of the marks (GB/T 15834—2011 标点符号用法, section 4), for messages: a mark is
# named and then shown in corner brackets, never inside quotes of its own kind (a message
# “”” 没有对应的 ““” cannot be read).
MARK_NAMES = {
    "“": "前引号",
    "”": "后引号",
    "‘": "前单引号",
    "’": "后单引号",
    '"': "半角引号",
    "'": "半角单引号",
    "《": "前书名号",
    "》": "后书名号",
    "〈": "前单书名号",
    "〉": "后单书名号",
    "（": "前括号",
    "）": "后括号",
    "(": "半角前括号",
    ")": "半角后括号",
    "【": "前方头括号",
    "】": "后方头括号",
    "[": "前方括号",
    "]": "后方括号",
    "，": "逗号",
    "。": "句号",
    "、": "顿号",
    "；": "分号",
    "：": "冒号",
    "？": "问号",
    "！": "叹号",
    ",": "半角逗号",
    ".": "半角句点",
    ";": "半角分号",
    ":": "半角冒号",
    "?": "半角问号",
    "!": "半角叹号",
    "——": "破折号",
    "—": "一字线",
    "……": "省略号",
    "…": "半个省略号",
}


def mark_name(mark: str) -> str:
    """A mark (or a run of marks) as a message names it: 前引号「“」, 书名号 pairs alike;
    a run with no name of its own is shown bare in corner brackets: 「，。」."""
    name = MARK_NAMES.get(mark, "")
    return f"{name}「{mark}」"


def quoted(text: str) -> str:
    """Text quoted in a message: “text”, or 「text」 when it holds a quotation mark itself."""
    if any(char in text for char in "“”‘’\"'「」"):
        return f"「{text}」"
    return f"“{text}”"


@dataclass(frozen=True)
class Rule:
    id: str
    label: str  # Chinese, shown beside each finding
    scope: str  # "text" | "piece" | "issue"
    run: Callable
    parts: tuple[str, ...] = ("title", "body", "brief")
    # Rules whose findings print in the issue only (checking a piece alone cannot tell).
    issue_only: bool = False


RULES: dict[str, Rule] = {}

_CELL_GAP = re.compile(r"\t|[ \u3000]{2,}")


def is_table_row(text: str) -> bool:
    """A line of a table pasted as text, not running text: cells parted by tabs or by runs
    of two or more spaces (two gaps at least), and no 。 (合计\t1,000\t2,500).
    Rules about running text (千分位, spaces between characters) leave it alone."""
    if "。" in text:
        return False
    gaps = _CELL_GAP.findall(text)
    return any(g == "\t" for g in gaps) or len(gaps) >= 2


def title_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each outermost 《…》 of the text (an unclosed 《 is not a span): a
    cited title is quoted as it was printed, so rules about wording leave it alone."""
    spans, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "《":
            if not depth:
                start = i
            depth += 1
        elif char == "》" and depth:
            depth -= 1
            if not depth:
                spans.append((start, i + 1))
    return spans


def _register(rule: Rule) -> None:
    if rule.id in RULES:
        raise ValueError(f"rule {rule.id!r} registered twice")
    RULES[rule.id] = rule


def text_rule(rule_id: str, label: str, *, parts: tuple[str, ...] = ("title", "body", "brief")):
    """Register ``fn(text: str, context: CheckContext) -> Iterable[Hit]`` for ``parts``."""

    def register(fn: Callable[[str, CheckContext], Iterable[Hit]]):
        _register(Rule(rule_id, label, "text", fn, parts))
        return fn

    return register


def piece_rule(rule_id: str, label: str):
    """Register ``fn(piece: PieceText, context: CheckContext) -> Iterable[Finding]``."""

    def register(fn: Callable[[PieceText, CheckContext], Iterable[Finding]]):
        _register(Rule(rule_id, label, "piece", fn))
        return fn

    return register


def issue_rule(rule_id: str, label: str):
    """Register ``fn(issue: IssueText, context: CheckContext) -> Iterable[Finding]``."""

    def register(fn: Callable[[IssueText, CheckContext], Iterable[Finding]]):
        _register(Rule(rule_id, label, "issue", fn, issue_only=True))
        return fn

    return register


def piece_parts(piece: PieceText) -> Iterator[tuple[str, int, str]]:
    """(part, paragraph, text) for the title line, each body paragraph, the 摘登 text of a
    piece adopted as a brief, and the byline."""
    if piece.title_line:
        yield "title", 0, piece.title_line
    for index, text in enumerate(piece.paragraphs, start=1):
        yield "body", index, text
    if piece.brief:
        yield "brief", 0, piece.brief
    byline = " ".join(p for p in (piece.byline_org, piece.byline_authors) if p)
    if byline:
        yield "byline", 0, byline


def run_text_rule(rule: Rule, piece: PieceText, context: CheckContext) -> Iterator[Finding]:
    for part, paragraph, text in piece_parts(piece):
        if part not in rule.parts:
            continue
        for hit in rule.run(text, context):
            yield finding_in(text, hit, rule=rule.id, piece=piece.key, part=part, paragraph=paragraph)
