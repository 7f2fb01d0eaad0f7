"""Every 校对 write checks the same permission as the read: an editor cannot set aside a
finding of (or apply a fix to) a unit's draft it may not open."""

import pytest
from django.urls import reverse

from proofreading import queries
from proofreading.actions.common import ProofreadingError
from proofreading.actions.dismissals import dismiss_finding
from proofreading.models import Dismissal
from submissions.actions import pieces
from submissions.models import Event
from tests.issue_helpers import submitted_piece

pytestmark = pytest.mark.django_db

FAULTY = (
    "<p>今年以来，区人大常委会聚焦代表联络站规范化建设，推动代表工作提质增效。</p>"
    "<p>对群众反映的问题实行清单化管理，推动解决解决一批急难愁盼问题。</p>"
)


def doubled_key(piece) -> str:
    report = queries.piece_report(piece, with_similar=False)
    return next(s.finding.key for s in report.findings if s.finding.rule == "repeated_word")


def test_an_editor_cannot_dismiss_a_finding_in_a_unit_draft(client_for, editor, contributor):
    draft = pieces.create_draft(actor=contributor, title="西湖区：代表联络站", body=FAULTY)
    key = doubled_key(draft)
    client = client_for(editor)
    assert client.get(reverse("review_detail", args=[draft.pk])).status_code == 404  # the read
    response = client.post(
        reverse("proofreading_dismiss"), {"key": key, "submission": draft.pk, "reason": "原文如此"}
    )
    assert response.status_code == 404  # the write, the same answer
    assert not Dismissal.objects.exists()
    assert not Event.objects.filter(submission=draft, action="proofreading_dismiss").exists()
    with pytest.raises(ProofreadingError, match="无权查看"):
        dismiss_finding(
            actor=editor, key=key, rule="repeated_word", message="m", reason="x", submission=draft
        )
    assert not Dismissal.objects.exists()


def test_an_editor_cannot_apply_a_fix_to_a_unit_draft(client_for, editor, contributor):
    draft = pieces.create_draft(actor=contributor, title="西湖区：代表联络站", body=FAULTY)
    response = client_for(editor).post(
        reverse("proofreading_fix"),
        {"submission": draft.pk, "version": draft.version, "key": doubled_key(draft)},
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert "解决解决" in draft.body


def test_once_submitted_the_editor_may_dismiss_it(client_for, editor, contributor):
    piece = submitted_piece(contributor, "西湖区：代表联络站", body=FAULTY)
    response = client_for(editor).post(
        reverse("proofreading_dismiss"),
        {"key": doubled_key(piece), "submission": piece.pk, "reason": "原文如此"},
    )
    assert response.status_code == 302 and Dismissal.objects.filter(submission=piece).exists()
