"""Mail headers never carry user text as typed: a comment with a line break, a tab or a
control character in its first line still sends its notification mail, one clean line."""

import pytest
from django.core import mail

from submissions.actions import comments, pieces
from web.mail import header_text

pytestmark = pytest.mark.django_db


def test_a_comment_with_a_line_break_still_sends_its_mail(
    django_capture_on_commit_callbacks, contributor, editor
):
    editor.email = "bianji@example.org"
    editor.save()
    draft = pieces.create_draft(actor=contributor, title="西湖区：代表工作", body="<p>正文。</p>")
    piece = pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comments.add_comment(
            actor=contributor,
            submission=piece,
            text="第一行\r\nBcc: victim@example.org\n第二行\t\x0b\u2028完",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bianji@example.org"] and message.bcc == []
    subject = message.subject
    assert "\n" not in subject and "\r" not in subject and "\t" not in subject and "\u2028" not in subject
    assert subject.startswith("【杭州人大信息】") and "留言：第一行 Bcc: victim" in subject
    # The header as it goes on the wire holds no injected line either.
    wire = message.message()
    assert wire["Bcc"] is None
    assert "第二行" in message.body  # the body keeps the full text


def test_header_text_collapses_controls_and_bounds_length():
    assert header_text("a\r\n\tb\x00c\u200bd  e") == "a b c d e"
    assert header_text("长" * 100, 10) == "长" * 9 + "…"
    assert header_text("") == "" and header_text(None) == ""
