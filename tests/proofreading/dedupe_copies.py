"""Copies made the way offices re-send, from the real seed issues, for the 查重 tests.

Each maker takes the original's sentences (and a random generator) and returns the copy's
sentences; the tests own these makers, the benchmark has its own.
"""

from __future__ import annotations

import random
import re

from tests.proofreading_labelled import seed_issue

SEEDS = ("2024-01", "2024-06", "2024-15")
SENTENCE = re.compile(r"[^。！？]+[。！？]")


def seed_articles() -> list[tuple[str, list[str]]]:
    """(title, sentences) of every article of the seed issues with at least 6 sentences."""
    out = []
    for name in SEEDS:
        for piece in seed_issue(name).pieces:
            if piece.kind != "article":
                continue
            sentences = [s for p in piece.paragraphs for s in SENTENCE.findall(p) if len(s) > 6]
            if len(sentences) >= 6:
                out.append((piece.title + piece.subtitle, sentences))
    return out


def body(sentences: list[str], per_paragraph: int = 4) -> str:
    chunks = [sentences[i : i + per_paragraph] for i in range(0, len(sentences), per_paragraph)]
    return "".join(f"<p>{''.join(chunk)}</p>" for chunk in chunks)


def half(sentences: list[str], rng: random.Random) -> list[str]:
    """Half of the sentences (rounded up), in their order."""
    chosen = sorted(rng.sample(range(len(sentences)), (len(sentences) + 1) // 2))
    return [sentences[i] for i in chosen]


def condense(sentence: str, rng: random.Random) -> str:
    """The sentence cut to about 70–85 % of its characters: clauses dropped (never the
    first), then short runs of characters inside a clause."""
    keep = rng.uniform(0.70, 0.85) * len(sentence)
    end = sentence[-1]
    clauses = re.split(r"(?<=[，；])", sentence[:-1])
    while len(clauses) > 2:
        i = rng.randrange(1, len(clauses))
        if sum(map(len, clauses)) - len(clauses[i]) + 1 < keep:
            break
        del clauses[i]
    text = "".join(clauses).rstrip("，；")
    for _ in range(60):
        if len(text) + 1 <= keep:
            break
        size = rng.randint(2, 4)
        if len(text) <= size + 4:
            break
        at = rng.randrange(1, len(text) - size)
        if not re.search(r"[，；、“”《》0-9]", text[at : at + size]):
            text = text[:at] + text[at + size :]
    return text + end


def condensed(sentences: list[str], rng: random.Random) -> list[str]:
    """Every sentence condensed, sentence for sentence (printed as one paragraph)."""
    return ["".join(condense(s, rng) for s in sentences)]


def lead_brief(sentences: list[str], rng: random.Random) -> list[str]:
    """A 摘登 item: the first 4–6 sentences, condensed, as one paragraph."""
    return ["".join(condense(s, rng) for s in sentences[: rng.randint(4, 6)])]
