"""Where the tests find what they read: everything is inside the repository.

``CASES`` and ``SEEDS`` are copies of the real-world cases and sample back issues the office
handed over (their README gives the right values); the tests own these copies and their
expectations, so a change to the demo's samples or to shared material elsewhere cannot move them.
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
CASES = FIXTURES / "cases"
SEEDS = FIXTURES / "seeds"


def seed_path(name: str) -> Path:
    """The extracted text of one sample back issue, e.g. seed_path("2024-15")."""
    return SEEDS / f"{name}.txt"
