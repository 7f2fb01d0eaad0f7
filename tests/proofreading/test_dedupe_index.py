"""The in-memory sample index that chooses 查重 candidates: its estimates against the exact
containment, pieces replaced and added beside it and rebuilt, and the table followed."""

import random

import numpy as np
import pytest

from proofreading import index, similarity
from tests.issue_helpers import edit_piece_as_editor, submitted_piece
from tests.proofreading.dedupe_copies import body, half, seed_articles


def _texts():
    """The seed articles' texts, title and body."""
    return [title + "\n" + "".join(sentences) for title, sentences in seed_articles()]


def test_estimates_follow_the_exact_containment():
    texts = _texts()
    shingle_sets = {n: similarity.shingles(t) for n, t in enumerate(texts, start=1)}
    built = index.SampleIndex.built({n: similarity.sample(s) for n, s in shingle_sets.items()})
    # Half of the first article merged with the sixth.
    query = similarity.shingles(texts[0][: len(texts[0]) // 2] + texts[5])
    ids, estimates = built.estimates(similarity.sample(query))
    exact = np.array([similarity.containment(query, shingle_sets[int(pk)]) for pk in ids])
    assert np.abs(estimates - exact).max() < 0.2 and np.abs(estimates - exact).mean() < 0.05
    assert set(ids[np.argsort(-estimates)[:2]].tolist()) == {1, 6}


def test_replaced_and_added_pieces_are_estimated_from_their_new_sample(monkeypatch):
    texts = _texts()[:12]
    samples = {n: similarity.sample(similarity.shingles(t)) for n, t in enumerate(texts, start=1)}
    built = index.SampleIndex.built(samples)
    other = similarity.sample(similarity.shingles(texts[7]))
    # Piece 3 now has piece 8's text, piece 99 is new with piece 2's.
    merged = built.merged({3: other, 99: samples[2]})
    assert len(merged) == 13
    ids, estimates = merged.estimates(other)
    found = dict(zip(ids.tolist(), estimates.tolist(), strict=True))
    assert found[3] == 1.0 and found[8] == 1.0
    assert list(ids).count(3) == 2 and min(e for pk, e in zip(ids, estimates, strict=True) if pk == 3) == -1.0
    # Past DELTA changed pieces the index is rebuilt: one row a piece, the same answers.
    monkeypatch.setattr(index, "DELTA", 1)
    rebuilt = built.merged({3: other, 99: samples[2]})
    assert not rebuilt.delta and len(rebuilt) == 13
    ids, estimates = rebuilt.estimates(other)
    assert sorted(ids.tolist()) == sorted([*range(1, 13), 99])
    assert dict(zip(ids.tolist(), estimates.tolist(), strict=True))[3] == 1.0


@pytest.mark.django_db
def test_the_index_follows_the_table(editor, contributor, other_contributor):
    (title, sentences), (other_title, other) = random.Random(2).sample(seed_articles(), 2)
    original = submitted_piece(contributor, title, body=body(sentences))
    index.refresh_index()
    first = index.sample_index()
    assert original.pk in first.ids.tolist() or original.pk in first.delta
    assert index.sample_index() is first  # nothing written since: no read
    copy = submitted_piece(other_contributor, other_title, body=body(half(other, random.Random(1))))
    edit_piece_as_editor(editor, original, body=body(other))
    index.refresh_index()
    later = index.sample_index()
    ids, estimates = later.estimates(similarity.sample(similarity.shingles(index.printed_text(copy))))
    found = {pk: e for pk, e in zip(ids.tolist(), estimates.tolist(), strict=True) if e >= 0}
    assert found[original.pk] > 0.6 and copy.pk in found
