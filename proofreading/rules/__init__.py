"""The rules: each a small function registered under an id, with a Chinese label.

Two scopes:

- a **text rule** reads one paragraph (the title line, each body paragraph, a brief's
  摘登 text, or the byline) and yields ``Hit``s:
  ``@text_rule("rule_id", "标签", parts=("title", "body", "brief"))``;
- a **piece rule** reads a whole ``PieceText`` (for rules that need more than one
  paragraph, like numbered leads) and yields ``Finding``s: ``@piece_rule(...)``;
- an **issue rule** reads an ``IssueText`` and yields ``Finding``s: ``@issue_rule(...)``.

Adding a rule is writing the function in one of the modules here (or a new one imported
at the bottom of this file) with the decorator, and its tests of hits and near misses in
``tests/test_proofreading_rules.py``. ``proofreading.checks`` runs every registered rule.
"""

# The rule modules register themselves on import; the order here is the report's order.
from proofreading.rules import enumeration, issue, marks, names, numbers, punctuation, repeated  # noqa: E402, F401, I001
from proofreading.rules.base import (  # noqa: F401 (the registry and helpers, read by proofreading.checks)
    CJK,
    RULES,
    Rule,
    is_table_row,
    issue_rule,
    piece_parts,
    piece_rule,
    run_text_rule,
    text_rule,
)
