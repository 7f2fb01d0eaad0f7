"""What the back-issue parser tells the editor: problems, their severity, and refusal.

Every problem points at a line of the original text (1-based; 0 when it concerns the
whole issue) so the review screen can show it beside the text the editor corrects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]

ERROR: Severity = "error"  # the import must not proceed until the editor fixes the text
WARNING: Severity = "warning"  # the parser is unsure; shown on the review screen
INFO: Severity = "info"  # repaired automatically; listed so nothing changes silently

SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


class NotAnIssueError(ValueError):
    """The input is not an issue of the bulletin at all; the message (Chinese) says why."""


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based line in the original text; 0 for the issue as a whole
    text: str  # that line, stripped ("" for the issue as a whole)
    kind: str  # a stable code, see the parser module's docstring
    severity: Severity
    message: str  # Chinese, for the editor


@dataclass
class ProblemLog:
    """Collects problems while the stages run; one log per parse."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, kind: str, severity: Severity, message: str, *, line: int = 0, text: str = "") -> None:
        self.problems.append(Problem(line, text.strip(), kind, severity, message))

    def sorted(self) -> list[Problem]:
        """Errors first, then warnings, then repairs; each group in text order."""
        return sorted(self.problems, key=lambda p: (SEVERITY_ORDER[p.severity], p.line, p.kind))
