"""查重 finds partial copies by containment: half of a piece, a piece merged with another,
a piece condensed sentence for sentence into a brief — made from the real seed articles
with a random generator — and stays quiet on the other seed articles (same bulletin, same
topics, different pieces)."""

import random

import pytest

from proofreading import queries
from proofreading.models import ProofreadingOptions
from tests.issue_helpers import adopted_piece, submitted_piece
from tests.proofreading.dedupe_copies import body, condensed, half, lead_brief, seed_articles

pytestmark = pytest.mark.django_db

WARN = 0.5  # the default warning share: most of the smaller text


@pytest.fixture
def archive(editor, contributor):
    """Every seed article stored as an adopted piece: [(piece, sentences)]."""
    return [
        (adopted_piece(editor, contributor, title, body=body(sentences)), sentences)
        for title, sentences in seed_articles()
    ]


def _listed(copy, original):
    return next((m for m in queries.similar_pieces(copy) if m.submission.pk == original.pk), None)


@pytest.mark.parametrize("seed", [3, 17, 2024])
def test_half_merged_and_condensed_copies_are_flagged(archive, other_contributor, seed):
    rng = random.Random(seed)
    assert ProofreadingOptions.current().similarity_threshold == WARN
    picked = rng.sample(archive, 4)
    copies = []
    for n, (original, sentences) in enumerate(picked):
        other_sentences = rng.choice([s for p, s in archive if p.pk != original.pk])
        made = {
            "half": (original.title, body(half(sentences, rng))),
            "merged": (f"{original.title}（综合）", body(sentences + other_sentences)),
            "condensed": (f"简讯{n}", body(condensed(sentences, rng))),
            "brief": (f"摘登{n}", body(lead_brief(sentences, rng))),
        }
        for kind, (title, text) in made.items():
            copies.append((kind, submitted_piece(other_contributor, title, body=text), original))
    missed = []
    for kind, copy, original in copies:
        match = _listed(copy, original)
        if match is None or match.containment < WARN:
            missed.append((kind, original.title, match and round(match.containment, 2)))
    assert missed == []


def test_the_figure_says_which_text_is_inside_which(archive, other_contributor):
    rng = random.Random(5)
    (original, sentences), (_, more) = rng.sample(archive, 2)
    halved = submitted_piece(other_contributor, original.title, body=body(half(sentences, rng)))
    match = _listed(halved, original)
    assert match.mine_contained and match.shares_in_words.startswith("本稿 ")
    assert match.mine_percent >= 90 and match.overlap.jaccard < 0.7
    merged = submitted_piece(other_contributor, "合并稿", body=body(sentences + more))
    match = _listed(merged, original)
    assert not match.mine_contained and match.shares_in_words.startswith("该稿 ")
    assert match.theirs_percent >= 90 and match.mine_percent < match.theirs_percent


def test_unrelated_seed_articles_are_not_flagged(archive):
    """Each seed article against all the others (same bulletin, same topics): none shares
    most of its text with another."""
    found = queries.similar_to_each([piece for piece, _ in archive], floor=queries.SHOW_FROM)
    flagged = {
        (piece.title, m.submission.title, round(m.containment, 2))
        for piece, _ in archive
        for m in found[piece.pk]
        if m.containment >= WARN
    }
    assert flagged == set()
    assert len(archive) >= 20  # enough real articles for the claim to mean something
