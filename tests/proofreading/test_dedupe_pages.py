"""查重 on the pages: the warning's wording with the other piece's issue, status and the
real share; the shared passages on both sides; the mark on the review queue (at a
constant query count); the panels never green while a listed piece shares most of the
text; and never a match from a piece since declined or edited."""

import datetime
import html
import random
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import reset_queries
from django.urls import reverse

from bulletin.actions.issues import create_issue
from bulletin.actions.publishing import publish_issue
from bulletin.models import Publication
from proofreading import queries
from proofreading.models import ProofreadingOptions
from submissions.actions import pieces
from tests.issue_helpers import adopted_piece, edit_piece_as_editor, place, submitted_piece
from tests.proofreading.dedupe_copies import body, condensed, half, seed_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    return seed_articles()


@pytest.fixture
def publication():
    return Publication.objects.get(name="杭州人大信息")


def _marked(passages):
    return ["".join(t for t, marked in passage if marked) for passage in passages]


def _letters(piece):
    """The letters and digits of a piece's title and body, tags left out."""
    return re.sub(r"[\W_]+", "", piece.title + re.sub(r"<[^>]+>", "", piece.body))


def test_warning_names_the_issue_and_status_and_lists_passages_on_both_sides(
    client_for, editor, contributor, other_contributor, publication, articles
):
    rng = random.Random(11)
    (title, sentences), (_, other) = rng.sample(articles, 2)
    original = adopted_piece(editor, contributor, title, body=body(sentences))
    issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 10, 25))
    place(editor, issue, original, "助力攻坚")
    place(editor, issue, adopted_piece(editor, contributor, "另一篇", body=body(other)), "代表工作")
    issue.refresh_from_db()
    publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version)
    issue.refresh_from_db()
    copy = submitted_piece(other_contributor, title, body=body(half(sentences, rng)))

    (match,) = [m for m in queries.similar_pieces(copy) if m.containment >= 0.5]
    assert match.submission.pk == original.pk
    page = html.unescape(client_for(editor).get(reverse("review_detail", args=[copy.pk])).content.decode())
    expected = (
        f"与西湖区《{title}》（{issue.year}年第{issue.number}期，已刊发）重合："
        f"本稿 {match.mine_percent}% 的文字见于该稿"
    )
    assert expected in page and match.mine_percent >= 90
    assert "本稿中的重合段落" in page and "该稿中的对应段落" in page
    # Passages on this piece's side are its own text, on the other side the original's.
    mine, theirs = _marked(match.own_passages), _marked(match.passages)
    assert mine and theirs
    assert all(re.sub(r"[\W_]+", "", p) in _letters(copy) for p in mine if "……" not in p)
    assert all(re.sub(r"[\W_]+", "", p) in _letters(original) for p in theirs if "……" not in p)
    for passage in mine + theirs:
        assert f"<mark>{passage}</mark>" in page


def test_review_queue_marks_copies_at_a_constant_query_count(
    client_for, editor, contributor, other_contributor, articles, django_assert_max_num_queries
):
    rng = random.Random(7)
    chosen = rng.sample(articles, 8)
    for t, s in chosen[:4]:
        adopted_piece(editor, contributor, t, body=body(s))
    title, sentences = chosen[0]
    first_copy = submitted_piece(other_contributor, title, body=body(half(sentences, rng)))
    unrelated = submitted_piece(other_contributor, chosen[4][0], body=body(chosen[4][1]))
    client = client_for(editor)
    url = reverse("review_queue")
    client.get(url)  # indexes the pieces
    reset_queries()
    with django_assert_max_num_queries(40) as few:
        page = client.get(url).content.decode()
    count = len(few.captured_queries)
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r'<tr>\s*<td class="queue-title"><a href="/[^"]*?(\d+)/".*?</tr>', page, re.S)
    }
    assert "疑似重复" in rows[str(first_copy.pk)] and "疑似重复" not in rows[str(unrelated.pk)]
    assert "重合：本稿" in rows[str(first_copy.pk)]  # the warning in full as the mark's title

    for t, s in chosen[1:4]:
        submitted_piece(other_contributor, f"简讯：{t[:8]}", body=body(condensed(s, rng)))
    for t, s in chosen[5:]:
        submitted_piece(other_contributor, t, body=body(s))
    client.get(url)
    reset_queries()
    with django_assert_max_num_queries(count):
        page = client.get(url).content.decode()
    assert page.count("疑似重复") == 4


def test_panels_are_never_green_while_a_listed_piece_shares_most_of_the_text(
    client_for, editor, contributor, other_contributor, publication, articles
):
    rng = random.Random(23)
    title, sentences = rng.choice(articles)
    adopted_piece(editor, contributor, title, body=body(sentences))
    copy = adopted_piece(
        editor, other_contributor, f"简讯：{title[:8]}", body=body(condensed(sentences, rng))
    )
    # An office cannot set the warning above "most of the text"; a row saved before on the
    # old scale (0.6 and up) is read as 0.5.
    options = ProofreadingOptions.current()
    options.similarity_threshold = 0.9
    with pytest.raises(ValidationError):
        options.full_clean()
    options.save()
    ProofreadingOptions.objects.filter(pk=options.pk).update(similarity_threshold=0.9)

    (listed,) = [m for m in queries.similar_pieces(copy) if m.containment >= 0.5]
    assert 0.5 <= listed.containment < 0.9
    report = queries.piece_report(copy, with_similar=True)
    assert [s.finding.rule for s in report.open][:1] == ["similarity"]
    page = client_for(editor).get(reverse("review_detail", args=[copy.pk])).content.decode()
    assert "0 条提示" not in page and "查重提醒" in page

    issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 11, 8))
    place(editor, issue, copy, "代表工作")
    report = queries.issue_report(issue)
    assert report.open_count >= 1
    (piece,) = report.pieces
    assert "重合：本稿" in piece.open[0].finding.message


def test_a_declined_or_rewritten_original_is_no_longer_a_match(
    editor, contributor, other_contributor, articles
):
    rng = random.Random(31)
    (title, sentences), (other_title, other) = rng.sample(articles, 2)
    declined = submitted_piece(contributor, title, body=body(sentences))
    rewritten = submitted_piece(contributor, other_title, body=body(other))
    copy = submitted_piece(other_contributor, "合并稿", body=body(half(sentences, rng) + half(other, rng)))
    assert {m.submission.pk for m in queries.similar_pieces(copy)} >= {declined.pk, rewritten.pk}
    # The process's sample index still holds both; the final read keeps current pieces only.
    pieces.decline(actor=editor, submission=declined, reason="重复报送")
    edit_piece_as_editor(
        editor,
        rewritten,
        body="<p>区人大常委会组织代表开展集中视察，实地察看老旧小区改造和加装电梯项目进展情况。</p>",
    )
    assert queries.similar_pieces(copy) == []
