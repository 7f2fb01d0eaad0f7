"""Importing back issues: the parser of their extracted text (see ``parser``'s docstring).

``from backissues.parsing import parse_issue_text, parse_issue_file, NotAnIssueError``.
``units.unit_for`` maps a parsed byline to a ``Unit`` (it needs the database; the parser
does not).
"""

from backissues.parsing.parser import (
    ERROR,
    INFO,
    WARNING,
    NotAnIssueError,
    ParseResult,
    Problem,
    parse_issue_file,
    parse_issue_text,
)

__all__ = [
    "ERROR",
    "INFO",
    "WARNING",
    "NotAnIssueError",
    "ParseResult",
    "Problem",
    "parse_issue_file",
    "parse_issue_text",
]
