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

from proofreading.rules.base import RULES, run_text_rule  # noqa: F401 (what proofreading.checks and queries read)

# The rule modules register themselves on import; the order here is the report's order.
# isort: off
from proofreading.rules import repeated, enumeration, marks, punctuation  # noqa: F401
from proofreading.rules import numbers, names, words, traditional, traces, issue  # noqa: F401
# isort: on
