"""IssueDocuments of the seed issues (../shared/seeds/2024-*.txt) for the benchmark and the
print tests, read by the back-issue parser the importer uses (bulletin/importing)."""

from __future__ import annotations

import os
from pathlib import Path

from bulletin.importing.parser import parse_issue_file
from bulletin.printing.document import IssueDocument


def seeds_dir() -> Path:
    override = os.environ.get("BULLETIN_SEEDS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def seed_path(name: str) -> Path:
    return seeds_dir() / f"{name}.txt"


def build_seed_document(name: str) -> IssueDocument:
    """Parse ``seeds/<name>.txt`` (e.g. "2024-15") into an IssueDocument."""
    result = parse_issue_file(seed_path(name))
    if result.errors:
        raise ValueError(f"{name}: " + "；".join(p.message for p in result.errors))
    return result.document
