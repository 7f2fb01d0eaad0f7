"""What the precision tests share: the seed issues' body paragraphs, a rule run on one
paragraph, and the text after every suggestion of a rule is applied."""

import re
from functools import cache

from proofreading.findings import Hit
from proofreading.rules import RULES
from proofreading.rules.marks import paired_hits
from tests.proofreading_labelled import CONTEXT, SEEDS, seed_issue

CJK = "\u4e00-\u9fff"


@cache
def seed_paragraphs() -> tuple[str, ...]:
    """Every body paragraph and 摘登 text of the clean seed issues, in order."""
    out = []
    for name in SEEDS:
        for piece in seed_issue(name).pieces:
            out.extend(piece.paragraphs)
            if piece.brief:
                out.append(piece.brief)
    return tuple(out)


def hits(rule_id: str, text: str) -> list[Hit]:
    """The rule's hits on one body paragraph (成对标号 reads a paragraph with its neighbours:
    here one paragraph alone, not continued)."""
    if rule_id == "paired_marks":
        return list(paired_hits(text))
    return list(RULES[rule_id].run(text, CONTEXT))


def applied(text: str, found: list[Hit]) -> str:
    """``text`` with each hit's span replaced by its suggestion (later spans first)."""
    for hit in sorted(found, key=lambda h: h.offset, reverse=True):
        text = text[: hit.offset] + hit.suggestion + text[hit.offset + hit.length :]
    return text


# A mark named inside quotes of its own family: “”” or ““” or ‘’’ — what a message must not say.
NESTED_MARK = re.compile(r"[“‘][“”‘’][”’]")
