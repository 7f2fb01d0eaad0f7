"""Run the rules: ``check_piece`` on one piece, ``check_issue`` on a whole issue.

Both are pure functions of the text and the ``CheckContext`` (no database), return the
findings sorted by piece and place, and never raise on odd text: a rule is a reader.
"""

from __future__ import annotations

from proofreading.findings import Finding
from proofreading.rules import RULES, run_text_rule
from proofreading.text import CheckContext, IssueText, PieceText

_PART_ORDER = {"issue": 0, "similar": 0, "title": 1, "body": 2, "brief": 3, "byline": 4}


def _order(finding: Finding) -> tuple:
    return (_PART_ORDER.get(finding.part, 9), finding.paragraph, finding.offset, finding.rule)


def check_piece(piece: PieceText, context: CheckContext) -> list[Finding]:
    """Every piece rule on one piece: [Finding] in reading order."""
    found: list[Finding] = []
    for rule in RULES.values():
        if rule.scope == "text":
            found.extend(run_text_rule(rule, piece, context))
        elif rule.scope == "piece":
            found.extend(rule.run(piece, context))
    return sorted(_one_per_correction(found), key=_order)


def _one_per_correction(found: list[Finding]) -> list[Finding]:
    """The findings without repeats, and one finding for a correction two rules both ask
    for (the office's terms list and the shipped lexicon both naming 布署 → 部署): the
    rule registered first speaks — the office's own list comes before the lexicon."""
    kept: dict[tuple, Finding] = {}
    for finding in found:
        place = (finding.piece, finding.part, finding.paragraph, finding.offset, finding.length)
        key = (*place, finding.suggestion) if finding.suggestion else (*place, finding.rule, finding.message)
        kept.setdefault(key, finding)
    return list(kept.values())


def check_issue(issue: IssueText, context: CheckContext) -> list[Finding]:
    """The issue rules and every piece rule on every item: [Finding], the issue-wide ones
    first, then piece by piece in print order."""
    order = {piece.key: index for index, piece in enumerate(issue.pieces)}
    found: list[Finding] = []
    for rule in RULES.values():
        if rule.scope == "issue":
            found.extend(rule.run(issue, context))
    for piece in issue.pieces:
        found.extend(check_piece(piece, context))
    return sorted(set(found), key=lambda f: (order.get(f.piece, -1), *_order(f)))
