"""Where the sample back issues are: the extracted text of three real issues of 2024, kept in
``demo/sample_issues/``, or the folder named by the BULLETIN_SEEDS_DIR environment variable.

The demo imports them into the archive; the benchmarks read them too. (The tests keep their
own copies under tests/fixtures/seeds.)
"""

from __future__ import annotations

import os
from pathlib import Path

from backissues.parsing.parser import issue_text_files


def seeds_dir() -> Path:
    override = os.environ.get("BULLETIN_SEEDS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent / "sample_issues"


def seed_path(name: str) -> Path:
    """The text of one sample issue, e.g. seed_path("2024-15")."""
    return seeds_dir() / f"{name}.txt"


def seed_files() -> list[Path]:
    """The sample issues' text files in name order; none if the folder is missing."""
    folder = seeds_dir()
    return issue_text_files(folder) if folder.is_dir() else []
