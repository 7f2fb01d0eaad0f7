"""IssueDocuments of the seed issues (demo/sample_issues/2024-*.txt) for the benchmark and the
print tests, read by the back-issue parser the importer uses (bulletin/importing)."""

from __future__ import annotations

from backissues.parsing.parser import parse_issue_file
from demo.samples import seed_path
from printing.document import IssueDocument

__all__ = ["build_seed_document", "seed_path"]


def build_seed_document(name: str) -> IssueDocument:
    """Parse ``seeds/<name>.txt`` (e.g. "2024-15") into an IssueDocument."""
    result = parse_issue_file(seed_path(name))
    if result.errors:
        raise ValueError(f"{name}: " + "；".join(p.message for p in result.errors))
    return result.document
