"""What a check yields: a ``Finding`` — where, what, which rule, and a suggested correction.

Positions: ``piece`` is the piece's key (``"s42"`` for submission 42, or the item's key
in an issue check; ``""`` for the issue as a whole); ``part`` is ``"title"``,
``"body"``, ``"brief"`` (the 摘登 text of a piece adopted as a brief), ``"byline"``,
``"issue"`` or ``"similar"`` (a 查重 finding); ``paragraph`` is 1-based among the body
paragraphs (0 for the other parts); ``offset`` and ``length`` count characters (Python
``str`` indices) in that paragraph's text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

PARTS = ("title", "body", "brief", "byline", "issue", "similar")
PART_LABELS = {
    "title": "标题",
    "body": "正文",
    "brief": "摘登稿",
    "byline": "署名",
    "issue": "本期",
    "similar": "查重结果",
}
# Characters of context either side kept with a finding: enough to read it in a list and
# to recognise the same finding after edits elsewhere in the piece (see ``key``).
CONTEXT_CHARS = 8


@dataclass(frozen=True)
class Hit:
    """A rule's raw result inside one text: ``offset``/``length`` in that text."""

    offset: int
    length: int
    message: str
    suggestion: str = ""
    rule: str = ""  # set when one function serves several rule ids


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str  # short, Chinese
    piece: str = ""
    part: str = "body"
    paragraph: int = 0
    offset: int = 0
    length: int = 0
    excerpt: str = ""  # the characters flagged
    before: str = ""  # up to CONTEXT_CHARS characters before them
    after: str = ""  # and after
    suggestion: str = ""  # the corrected characters, when the rule knows them
    # A note: something said for the record that asks for nothing (an out-of-sequence
    # number the editor confirmed with a reason). Shown, never counted as a 提示.
    note: bool = False

    @property
    def anchor(self) -> str:
        """The id of the paragraph on the piece's page: para-3, para-title, para-byline."""
        if self.part == "body":
            return f"para-{self.paragraph}"
        if self.part == "similar":
            return "similar"
        return f"para-{self.part}"

    @property
    def place(self) -> str:
        """Where, in words: 第3段第12字, 标题, 署名, 本期."""
        if self.part == "body":
            return f"第{self.paragraph}段第{self.offset + 1}字"
        return PART_LABELS.get(self.part, self.part)

    @property
    def key(self) -> str:
        """A stable identity for dismissals: the rule, the part and the flagged text with
        its context — not the offset, so an edit elsewhere keeps a dismissal in force."""
        raw = "\x1f".join((self.rule, self.part, self.before, self.excerpt, self.after, self.message))
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


def finding_in(text: str, hit: Hit, *, rule: str, piece: str, part: str, paragraph: int) -> Finding:
    """A ``Hit`` in ``text`` turned into a ``Finding`` with its excerpt and context."""
    start, end = hit.offset, hit.offset + hit.length
    return Finding(
        rule=hit.rule or rule,
        message=hit.message,
        piece=piece,
        part=part,
        paragraph=paragraph,
        offset=hit.offset,
        length=hit.length,
        excerpt=text[start:end],
        before=text[max(0, start - CONTEXT_CHARS) : start],
        after=text[end : end + CONTEXT_CHARS],
        suggestion=hit.suggestion,
    )
