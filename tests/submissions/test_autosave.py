"""The piece editor's autosave endpoint: the save button's form, rights and conflicts."""

import pytest
from django.test import Client
from django.urls import reverse

from submissions.actions import pieces
from submissions.models import Revision, Submission
from tests.issue_helpers import submitted_piece

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(contributor):
    return pieces.create_draft(actor=contributor, title="西湖区稿件", body="<p>西湖区的正文。</p>")


def fields(piece, **changes) -> dict:
    data = {
        "version": piece.version,
        "title": piece.title,
        "subtitle": "",
        "body": piece.body,
        "byline_org": piece.byline_org,
        "byline_authors": "",
        "contact_name": "",
        "contact_phone": "",
        "suggested_section": "",
    }
    data.update(changes)
    return data


def test_autosave_saves_the_draft(client_for, contributor, draft):
    response = client_for(contributor).post(
        reverse("piece_autosave", args=[draft.pk]), fields(draft, body="<p>写了半小时的正文。</p>")
    )
    assert response.status_code == 200
    answer = response.json()
    draft.refresh_from_db()
    assert draft.body == "<p>写了半小时的正文。</p>"
    assert answer["version"] == draft.version
    assert len(answer["saved_at"]) == 5  # HH:MM


def test_another_unit_cannot_autosave_into_a_draft(client_for, other_contributor, draft):
    response = client_for(other_contributor).post(
        reverse("piece_autosave", args=[draft.pk]), fields(draft, body="<p>别人的字。</p>")
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.body == "<p>西湖区的正文。</p>"


def test_a_reader_cannot_autosave(client_for, reader, draft):
    response = client_for(reader).post(reverse("piece_autosave", args=[draft.pk]), fields(draft))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_submitted_piece_is_not_the_contributors_to_autosave(client_for, contributor):
    piece = submitted_piece(contributor, "已报送的稿件")
    response = client_for(contributor).post(
        reverse("piece_autosave", args=[piece.pk]), fields(piece, body="<p>报送后又改。</p>")
    )
    assert response.status_code == 403
    assert "不能修改" in response.json()["message"]
    piece.refresh_from_db()
    assert piece.body == "<p>正文内容。</p>"


def test_an_ended_session_is_told_not_redirected(client, draft):
    response = client.post(reverse("piece_autosave", args=[draft.pk]), fields(draft, body="<p>x</p>"))
    assert response.status_code == 401
    assert "登录已超时" in response.json()["message"]
    draft.refresh_from_db()
    assert draft.body == "<p>西湖区的正文。</p>"


def test_get_changes_nothing(client_for, contributor, draft):
    response = client_for(contributor).get(
        reverse("piece_autosave", args=[draft.pk]), fields(draft, body="<p>GET 来的字。</p>")
    )
    assert response.status_code == 405
    draft.refresh_from_db()
    assert (draft.body, draft.version) == ("<p>西湖区的正文。</p>", 1)


def test_a_stale_autosave_is_a_conflict_and_keeps_the_words(client_for, contributor, draft):
    stale = fields(draft, body="<p>旧页面上打的字。</p>")
    pieces.save_text(
        actor=contributor, submission=draft, expected_version=1, body="<p>另一个窗口保存的。</p>"
    )
    response = client_for(contributor).post(reverse("piece_autosave", args=[draft.pk]), stale)
    assert response.status_code == 409
    assert response.json()["conflict"] is True
    draft.refresh_from_db()
    assert draft.body == "<p>另一个窗口保存的。</p>"
    kept = Revision.objects.get(submission=draft, kind=Revision.Kind.CONFLICT)
    assert kept.body == "<p>旧页面上打的字。</p>"


def test_invalid_form_is_told_in_chinese(client_for, contributor, draft):
    response = client_for(contributor).post(
        reverse("piece_autosave", args=[draft.pk]), fields(draft, title=" ")
    )
    assert response.status_code == 400
    assert "请填写标题" in response.json()["message"]


def test_autosave_checks_csrf(contributor, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)
    response = client.post(reverse("piece_autosave", args=[draft.pk]), fields(draft, body="<p>x</p>"))
    assert response.status_code == 403


def test_editor_autosaves_fold_into_one_revision(client_for, editor, contributor):
    piece = submitted_piece(contributor, "待审稿件")
    client = client_for(editor)
    for n in range(3):
        piece.refresh_from_db()
        response = client.post(
            reverse("piece_autosave", args=[piece.pk]), fields(piece, body=f"<p>编辑第{n}次改。</p>")
        )
        assert response.status_code == 200
    edited = list(Revision.objects.filter(submission=piece, kind=Revision.Kind.EDITED))
    assert [(r.body, r.note) for r in edited] == [("<p>编辑第2次改。</p>", pieces.AUTOSAVE_NOTE)]
    # The button's save after the autosaves is kept as its own revision.
    piece.refresh_from_db()
    client.post(reverse("review_detail", args=[piece.pk]), fields(piece, body="<p>定稿。</p>"))
    kinds = list(
        Revision.objects.filter(submission=piece, kind=Revision.Kind.EDITED).values_list("note", flat=True)
    )
    assert kinds == [pieces.AUTOSAVE_NOTE, ""]
    assert Submission.objects.get(pk=piece.pk).body == "<p>定稿。</p>"
