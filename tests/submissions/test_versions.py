"""Versions anyone concerned can read: every kept version opens, any two compare on every
text field, the diff marks changes within the sentence, and a refused conflicting save
shows the current text with the refused text beside it, kept once however often retried."""

import random
import re

import pytest
from django.urls import reverse

from submissions.actions import common, pieces
from submissions.models import Revision, Submission
from submissions.queries import editor_change, text_when_returned, versions_of
from submissions.versions import TextVersion, compare
from tests.issue_helpers import edit_piece_as_editor, submitted_piece
from text.diff import diff_html, diff_text

pytestmark = pytest.mark.django_db

BODY = (
    "<p><strong>一是聚焦重点抓监督。</strong>全区共收集意见建议120条，已办结98条。</p>"
    "<p>二是创新方式促履职。组织代表进站接待选民。</p>"
)


# --- the diff itself ---------------------------------------------------------------------


def test_a_changed_number_is_marked_within_the_sentence():
    old = "<p>全区共收集意见建议120条，已办结98条。</p>"
    new = "<p>全区共收集意见建议150条，已办结98条。</p>"
    marked = str(diff_html(old, new))
    assert marked == (
        '<p>全区共收集意见建议<del class="diff-del">120</del><ins class="diff-ins">150</ins>条，已办结98条。</p>'
    )


def test_a_changed_phrase_is_one_replacement_not_the_paragraph():
    old = "<p>西湖区人大常委会扎实推进民生实事项目票决制工作。</p>"
    new = "<p>西湖区人大常委会深入推进民生实事项目人大代表票决制工作。</p>"
    marked = str(diff_html(old, new))
    assert marked.startswith("<p>西湖区人大常委会")
    assert '<del class="diff-del">扎实</del><ins class="diff-ins">深入</ins>推进民生实事项目' in marked
    assert '<ins class="diff-ins">人大代表</ins>票决制工作。</p>' in marked


def test_bold_is_compared_too():
    old = "<p>一是聚焦重点。全区如此。</p>"
    new = "<p><strong>一是聚焦重点。</strong>全区如此。</p>"
    marked = str(diff_html(old, new))
    assert '<del class="diff-del">一是聚焦重点。</del>' in marked
    assert '<ins class="diff-ins"><strong>一是聚焦重点。</strong></ins>全区如此。' in marked


def test_an_inserted_paragraph_does_not_turn_the_next_into_a_replacement():
    old = "<p>第一段说工作背景。</p><p>第二段说具体做法和成效。</p>"
    new = "<p>第一段说工作背景。</p><p>新加的一段全新内容。</p><p>第二段说具体做法和主要成效。</p>"
    marked = str(diff_html(old, new))
    assert '<p><ins class="diff-ins">新加的一段全新内容。</ins></p>' in marked
    assert '<p>第二段说具体做法和<ins class="diff-ins">主要</ins>成效。</p>' in marked


def test_text_is_escaped():
    assert (
        str(diff_text("<b>甲", "<b>乙"))
        == '&lt;b&gt;<del class="diff-del">甲</del><ins class="diff-ins">乙</ins>'
    )


def test_an_emoji_is_one_symbol_in_the_diff():
    """A zero-width-joined emoji changed in one part is shown replaced whole, not cut apart."""
    marked = str(diff_text("👨\u200d👩\u200d👧 家庭", "👨\u200d👩\u200d👦 家庭"))
    assert (
        marked
        == '<del class="diff-del">👨\u200d👩\u200d👧</del><ins class="diff-ins">👨\u200d👩\u200d👦</ins> 家庭'
    )


def _random_edit(text: str, rate: float, rng) -> str:
    """`text` with about `rate` of its characters deleted, replaced or followed by another."""
    out = []
    for char in text:
        roll = rng.random()
        if roll < rate / 3:
            continue
        if roll < 2 * rate / 3:
            out.append(rng.choice(SMALL_ALPHABET))
        elif roll < rate:
            out.append(char + rng.choice(SMALL_ALPHABET))
        else:
            out.append(char)
    return "".join(out)


# Few distinct characters: the hardest case for a token diff (every token matches everywhere).
SMALL_ALPHABET = "人大代表监督工作会议常委会审议报告区县市街道民生实事项目推进落实情况调研座谈，。"


def _side(marked: str, drop: str) -> str:
    """One side of a diff back as plain text: the old text without the <ins>, the new
    without the <del>."""
    kept = re.sub(rf'<{drop} class="diff-{drop}">.*?</{drop}>', "", marked, flags=re.S)
    return re.sub(r"<[^>]+>", "", kept)


def _long_bodies(rng, paragraphs: int, length: int, rate: float) -> tuple[str, str]:
    old = ["".join(rng.choice(SMALL_ALPHABET) for _ in range(length)) for _ in range(paragraphs)]
    new = [_random_edit(p, rate, rng) if rate < 1 else "".join(rng.sample(p, len(p))) for p in old]
    return "".join(f"<p>{p}</p>" for p in old), "".join(f"<p>{p}</p>" for p in new)


@pytest.mark.parametrize(
    "paragraphs,length,rate",
    [(1, 5000, 0.1), (1, 5000, 0.3), (50, 100, 1), (500, 10, 1)],
    ids=[
        "one-5000-char-paragraph-10pc",
        "one-5000-char-paragraph-30pc",
        "50-paragraphs-rewritten",
        "500-rewritten",
    ],
)
def test_long_bodies_with_many_changes_lose_nothing(paragraphs, length, rate):
    """A 5,000-character body with many changes is compared without losing a character:
    the marked text gives back both sides exactly. (How fast is bench/versions.py's.)"""
    rng = random.Random(7)
    old, new = _long_bodies(rng, paragraphs, length, rate)
    marked = str(diff_html(old, new))
    assert _side(marked, "ins") == re.sub(r"<[^>]+>", "", old)
    assert _side(marked, "del") == re.sub(r"<[^>]+>", "", new)


def test_in_a_long_paragraph_a_change_is_still_marked_within_its_sentence():
    sentences = [f"第{n}项工作稳步推进，全区共收集意见建议{n}条。" for n in range(1, 80)]
    old = "<p>" + "".join(sentences) + "</p>"
    new = old.replace("全区共收集意见建议40条", "全区共收集意见建议45条")
    marked = str(diff_html(old, new))
    assert marked.count("diff-del") == 1 and marked.count("diff-ins") == 1
    assert '意见建议<del class="diff-del">40</del><ins class="diff-ins">45</ins>条。' in marked


# --- versions ------------------------------------------------------------------------------


def test_every_text_field_is_compared(contributor, editor):
    piece = submitted_piece(contributor, "西湖区：做活代表工作", body=BODY, byline_authors="钱苏晚")
    edit_piece_as_editor(
        editor,
        piece,
        title="西湖区：“三个力”做活代表工作",
        subtitle="扎实践行全过程人民民主",
        body=BODY.replace("120", "150"),
        byline_org="西湖区人大常委会研究室",
        byline_authors="钱苏晚 李寄",
    )
    old, new = (TextVersion.of_revision(r) for r in Revision.objects.filter(submission=piece))
    fields = {f.name: f for f in compare(old, new)}
    assert set(fields) == {"title", "subtitle", "body", "byline_org", "byline_authors"}
    assert all(f.changed for f in fields.values())
    assert str(fields["byline_authors"].html) == '钱苏晚<ins class="diff-ins"> 李寄</ins>'
    assert '<ins class="diff-ins">“三个力”</ins>' in str(fields["title"].html)


def test_contributor_still_sees_the_editors_changes_after_resubmitting(client_for, contributor, editor):
    piece = submitted_piece(contributor, "标题", body=BODY)
    edit_piece_as_editor(editor, piece, body=BODY.replace("120", "150"))
    pieces.return_for_revision(actor=editor, submission=piece, note="请补充成效")
    piece.refresh_from_db()
    pieces.save_text(
        actor=contributor,
        submission=piece,
        expected_version=piece.version,
        body=BODY.replace("120", "150") + "<p>三是补充的成效。</p>",
    )
    pieces.submit(actor=contributor, submission=piece, signer_name="李建华")
    base, edited = editor_change(Submission.objects.get(pk=piece.pk))
    assert base.kind == "报送稿" and edited.kind == "编辑修改"
    page = client_for(contributor).get(reverse("piece_detail", args=[piece.pk])).content.decode()
    assert "编辑修改对比" in page
    assert '<del class="diff-del">120</del><ins class="diff-ins">150</ins>' in page


def test_editor_sees_what_changed_since_the_version_they_returned(client_for, contributor, editor):
    piece = submitted_piece(contributor, "标题", body=BODY)
    pieces.return_for_revision(actor=editor, submission=piece, note="请补充")
    piece.refresh_from_db()
    pieces.save_text(
        actor=contributor, submission=piece, expected_version=piece.version, body=BODY.replace("98", "105")
    )
    pieces.submit(actor=contributor, submission=piece, signer_name="李建华")
    returned = text_when_returned(Submission.objects.get(pk=piece.pk))
    assert returned.body == BODY
    page = client_for(editor).get(reverse("review_detail", args=[piece.pk])).content.decode()
    assert "退回后报送单位的修改" in page
    assert '<del class="diff-del">98</del><ins class="diff-ins">105</ins>' in page


def test_versions_page_opens_each_version_and_compares_any_two(client_for, contributor, editor):
    piece = submitted_piece(contributor, "标题", body=BODY)
    edit_piece_as_editor(editor, piece, body=BODY.replace("120", "150"))
    edit_piece_as_editor(editor, piece, body=BODY.replace("120", "160"))
    piece.refresh_from_db()
    versions = versions_of(piece)
    assert [v.kind for v in versions] == ["当前稿", "编辑修改", "编辑修改", "报送稿"]
    submitted, first_edit = versions[3], versions[2]
    for user in (contributor, editor):
        client = client_for(user)
        url = reverse("piece_versions", args=[piece.pk])
        shown = client.get(url, {"show": submitted.key}).content.decode()
        assert "120条" in shown and 'id="version-text"' in shown
        page = client.get(url, {"a": submitted.key, "b": first_edit.key}).content.decode()
        assert '<del class="diff-del">120</del><ins class="diff-ins">150</ins>' in page
        page = client.get(url, {"a": first_edit.key, "b": "current"}).content.decode()
        assert '<del class="diff-del">150</del><ins class="diff-ins">160</ins>' in page


def test_other_units_and_readers_cannot_open_versions(client_for, contributor, other_contributor, reader):
    piece = submitted_piece(contributor, "标题", body=BODY)
    url = reverse("piece_versions", args=[piece.pk])
    assert client_for(other_contributor).get(url).status_code == 404
    assert client_for(reader).get(url).status_code in (403, 404)


# --- a refused conflicting save -------------------------------------------------------------


def test_a_retried_conflicting_save_is_kept_once(contributor, editor):
    piece = submitted_piece(contributor, "标题", body=BODY)
    piece.refresh_from_db()
    seen = piece.version
    pieces.save_text(actor=editor, submission=piece, expected_version=seen, body="<p>甲的修改。</p>")
    for text in ("<p>乙的修改。</p>", "<p>乙的修改。</p>", "<p>乙再改一处。</p>"):
        with pytest.raises(common.EditConflict) as refused:
            pieces.save_text(actor=editor, submission=piece, expected_version=seen, body=text)
    kept = Revision.objects.filter(submission=piece, kind="conflict")
    assert kept.count() == 1 and kept.get().body == "<p>乙再改一处。</p>"
    assert refused.value.revision.pk == kept.get().pk


def test_the_same_save_sent_twice_is_not_a_conflict(client_for, contributor):
    """A click during a slow answer or the browser's "resubmit" sends the same form twice:
    the second finds its text already saved — no "changed by someone else", no copy kept."""
    piece = pieces.create_draft(actor=contributor, title="标题", body=BODY)
    form = {
        "title": "新标题",
        "subtitle": "",
        "body": "<p>改过的正文。</p>",
        "byline_org": "",
        "byline_authors": "",
        "version": piece.version,
    }
    client = client_for(contributor)
    url = reverse("piece_edit", args=[piece.pk])
    first, again = client.post(url, form), client.post(url, form, follow=True)
    assert first.status_code == 302
    assert again.redirect_chain and "已保存" in again.content.decode()
    assert "他人修改" not in again.content.decode()
    assert not Revision.objects.filter(submission=piece, kind="conflict").exists()
    piece.refresh_from_db()
    assert piece.title == "新标题" and piece.version == form["version"] + 1


@pytest.mark.parametrize("desk", ["unit", "editor"])
def test_the_refusal_is_read_before_the_refused_text(client_for, contributor, editor, desk):
    """On a phone the page is one column: the message saying why the save was refused comes
    first, above both the refused text and the form holding the current text (it was inside
    the form, below the refused text)."""
    if desk == "unit":
        piece = pieces.create_draft(actor=contributor, title="标题", body="<p>原文。</p>")
        user, url = contributor, reverse("piece_edit", args=[piece.pk])
    else:
        piece = submitted_piece(contributor, "标题", body="<p>原文。</p>")
        piece.refresh_from_db()
        user, url = editor, reverse("review_detail", args=[piece.pk])
    seen = piece.version
    pieces.save_text(actor=user, submission=piece, expected_version=seen, body="<p>甲的修改。</p>")
    page = client_for(user).post(url, {"title": "乙的标题", "body": "<p>乙的修改。</p>", "version": seen})
    html = page.content.decode()
    refusal = html.index("已被他人修改")
    edit_form = html.rindex("<form", 0, html.index('name="version"'))
    assert refusal < html.index('id="conflict"') and refusal < edit_form


def test_the_refused_text_says_which_parts_the_current_text_already_has(client_for, contributor, editor):
    """Only what differs from the current text is offered to take; the rest is marked
    与最新稿相同, so a long body need not be compared by eye."""
    body = "<p>第一段不变。</p><p>第二段原文。</p><p>第三段不变。</p>"
    piece = submitted_piece(contributor, "标题", body=body)
    piece.refresh_from_db()
    seen = piece.version
    pieces.save_text(
        actor=editor, submission=piece, expected_version=seen, title="标题", body=body + "<p>甲加的一段。</p>"
    )
    refused = {"title": "标题", "body": body.replace("第二段原文", "第二段乙改过"), "version": seen}
    page = client_for(editor).post(reverse("review_detail", args=[piece.pk]), refused).content.decode()
    panel = page.split('id="conflict"')[1].split("<form")[0]
    assert (
        panel.count("data-append-paragraph") == 1
        and "第二段乙改过" in panel.split("data-append-paragraph")[1]
    )
    assert panel.count("与最新稿相同") == 1 + 2 + 1  # the hint, the title, two paragraphs
    assert 'data-take-field="id_title"' not in panel and "data-take-body" in panel


def test_conflict_page_shows_current_text_in_the_form_and_the_refused_text_beside(
    client_for, editor, contributor
):
    piece = submitted_piece(contributor, "标题", body="<p>原文。</p>")
    piece.refresh_from_db()
    seen = piece.version
    pieces.save_text(actor=editor, submission=piece, expected_version=seen, body="<p>甲的修改。</p>")
    page = (
        client_for(editor)
        .post(
            reverse("review_detail", args=[piece.pk]),
            {"title": "乙的标题", "body": "<p>乙的修改。</p>", "version": seen},
        )
        .content.decode()
    )
    piece.refresh_from_db()
    assert "已被他人修改" in page
    assert f'name="version" value="{piece.version}"' in page  # the form now holds the current version
    assert "甲的修改" in page.split('id="conflict"')[1]  # the current text is in the form after the panel
    panel = page.split('id="conflict"')[1].split("</form>")[0]
    assert "乙的修改" in panel and 'data-take-field="id_title"' in panel and "data-append-paragraph" in panel
