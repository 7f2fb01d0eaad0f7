import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from submissions.actions import pieces
from submissions.models import Event, Notification, Revision, Submission
from tests.imports import draft_url, import_word
from tests.issue_helpers import submitted_piece

pytestmark = pytest.mark.django_db


@pytest.fixture
def xihu_piece(contributor):
    return pieces.create_draft(actor=contributor, title="西湖区稿件", body="<p>西湖区的正文。</p>")


def docx_bytes(*paragraphs, title="西湖区：“三个力”做活代表工作") -> bytes:
    document = Document()
    heading = document.add_paragraph(title)
    heading.alignment = 1
    for text in paragraphs:
        p = document.add_paragraph()
        if text.startswith("一是"):
            lead, rest = text.split("。", 1)
            p.add_run(lead + "。").bold = True
            p.add_run(rest)
        else:
            p.add_run(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- isolation: another unit's piece does not exist for a contributor ------------

PIECE_GET_VIEWS = ["piece_detail", "piece_edit"]
PIECE_POST_VIEWS = ["piece_submit", "piece_withdraw", "piece_comment", "piece_edit"]


@pytest.mark.parametrize("name", PIECE_GET_VIEWS)
def test_other_unit_cannot_see_a_piece(client_for, other_contributor, xihu_piece, name):
    assert client_for(other_contributor).get(reverse(name, args=[xihu_piece.pk])).status_code == 404


@pytest.mark.parametrize("name", PIECE_POST_VIEWS)
def test_other_unit_cannot_change_a_piece(client_for, other_contributor, xihu_piece, name):
    response = client_for(other_contributor).post(
        reverse(name, args=[xihu_piece.pk]), {"title": "改掉", "body": "<p>x</p>", "text": "x", "version": 1}
    )
    assert response.status_code == 404
    xihu_piece.refresh_from_db()
    assert (xihu_piece.title, xihu_piece.status) == ("西湖区稿件", "draft")
    assert not Event.objects.exists()


def test_other_units_pieces_are_not_listed(client_for, other_contributor, xihu_piece):
    page = client_for(other_contributor).get(reverse("unit_home")).content.decode()
    assert "西湖区稿件" not in page


@pytest.mark.parametrize("name", ["review_queue", "commission_list"])
def test_review_desk_is_forbidden_to_contributors_and_readers(client_for, contributor, reader, name):
    for user in (contributor, reader):
        assert client_for(user).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("verb", ["return", "decline", "adopt-article", "adopt-brief"])
def test_contributor_cannot_post_review_actions(client_for, contributor, verb):
    piece = submitted_piece(contributor, "稿")
    response = client_for(contributor).post(
        reverse("review_act", args=[piece.pk, verb]), {"note": "x", "reason": "x"}
    )
    assert response.status_code == 403
    assert Submission.objects.get(pk=piece.pk).status == "submitted"


def test_review_detail_is_forbidden_to_contributors(client_for, contributor, xihu_piece):
    assert client_for(contributor).get(reverse("review_detail", args=[xihu_piece.pk])).status_code == 403


def test_readers_see_no_pieces(client_for, reader, xihu_piece):
    assert client_for(reader).get(reverse("piece_detail", args=[xihu_piece.pk])).status_code == 404
    assert client_for(reader).get(reverse("unit_home")).status_code == 403


def test_source_docx_is_not_reachable_by_another_unit(
    client_for, contributor, other_contributor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(contributor)
    response = import_word(client, "稿.docx", docx_bytes("正文一段。"))
    client.post(draft_url(response), {"title": "导入稿", "body": "<p>正文一段。</p>"})
    piece = Submission.objects.get(title="导入稿")
    assert piece.source_docx.name.endswith(".docx")
    # The file is served only through a view that checks the unit.
    assert client_for(other_contributor).get(reverse("piece_source", args=[piece.pk])).status_code == 404
    own = client_for(contributor).get(reverse("piece_source", args=[piece.pk]))
    assert own.status_code == 200 and b"".join(own.streaming_content).startswith(b"PK")


# --- the contributor's flow ----------------------------------------------------


def test_create_edit_submit_through_the_pages(client_for, contributor):
    client = client_for(contributor)
    form = client.get(reverse("piece_create")).content.decode()
    assert 'value="西湖区人大常委会办公室"' in form and "data-richtext" in form
    response = client.post(
        reverse("piece_create"),
        {
            "title": "  西湖区：“三个力”做活代表工作 ",
            "body": "一是以学促干提能力。\n二是丰富载体增活力。",
            "byline_org": "西湖区人大常委会",
            "byline_authors": "李寄 斯董瑾",
            "contact_phone": "(0571)85250657",
        },
    )
    piece = Submission.objects.get()
    assert response.status_code == 302 and piece.title == "西湖区：“三个力”做活代表工作"
    assert piece.body == "<p>一是以学促干提能力。</p><p>二是丰富载体增活力。</p>"
    client.post(reverse("piece_submit", args=[piece.pk]), {"signer_name": "李建华"})
    again = client.post(reverse("piece_submit", args=[piece.pk]), {"signer_name": "李建华"}, follow=True)
    assert "无需重复提交" in again.content.decode()
    assert Event.objects.filter(submission=piece).count() == 1
    page = client.get(reverse("unit_home")).content.decode()
    assert "已报送" in page and piece.title in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "   ", "body": "<p>x</p>"}, "不能只有空格"),
        ({"title": "", "body": "<p>x</p>"}, "请填写标题"),
        ({"title": "长" * 81, "body": "<p>x</p>"}, "标题不能超过 80 字"),
        ({"title": "<script>alert(1)</script>", "body": "<p>x</p>"}, "不能包含 HTML 标记"),
        ({"title": "标题", "byline_authors": "<b>某</b>", "body": "<p>x</p>"}, "不能包含 HTML 标记"),
        (
            {"title": "标题", "contact_name": '<img src=x onerror="a()">', "body": "<p>x</p>"},
            "不能包含 HTML 标记",
        ),
        ({"title": "标题", "contact_phone": "0571-abc", "body": "<p>x</p>"}, "联系电话只能包含数字"),
        ({"title": "标题", "body": "<p>" + "字" * 6001 + "</p>"}, "正文不能超过 6000 字"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_keeps_the_draft(client_for, contributor, data, message):
    response = client_for(contributor).post(
        reverse("piece_create"), {"byline_org": "西湖区人大常委会办公室", **data}
    )
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert not Submission.objects.exists()
    # What the user typed is still in the form (escaped), nothing is lost.
    if data["title"].strip() and "<" not in data["title"]:
        assert data["title"][:10] in page


def test_script_in_the_body_is_removed_not_stored(client_for, contributor):
    client_for(contributor).post(
        reverse("piece_create"),
        {"title": "标题", "body": '<p>正文<script>alert("x")</script><a href="http://x">链接</a></p>'},
    )
    body = Submission.objects.get().body
    assert "script" not in body and "alert" not in body and "href" not in body and "链接" in body


def test_docx_import_fills_the_form_for_review(client_for, contributor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(contributor)
    data = docx_bytes(
        "西湖区人大常委会坚持把保障代表权利作为重点。", "一是以学促干提能力。组织代表参加培训。"
    )
    response = import_word(client, "稿件.docx", data)
    page = response.content.decode()
    assert "已从《稿件.docx》读入" in page
    assert "西湖区：“三个力”做活代表工作" in page
    assert "&lt;strong&gt;一是以学促干提能力。&lt;/strong&gt;" in page  # in the textarea, for review
    assert not Submission.objects.exists()  # nothing saved before the user confirms


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("稿件.txt", "纯文本".encode(), "这是纯文本文件，不是 Word 文档"),
        ("稿件.docx", b"MZ\x90\x00" + b"\x00" * 200, "不是"),
        ("稿件.docx", b"PK\x03\x04broken zip", "文件已损坏"),
    ],
)
def test_bad_docx_uploads_are_refused_in_chinese(client_for, contributor, name, content, message):
    response = client_for(contributor).post(
        reverse("piece_import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200 and message in response.content.decode()


def test_contributor_sees_what_the_editor_changed(client_for, contributor, editor):
    piece = submitted_piece(contributor, "原标题", body="<p>区人大常委会开展专题调研三次。</p>")
    piece.refresh_from_db()
    pieces.save_text(
        actor=editor,
        submission=piece,
        expected_version=piece.version,
        title="新标题",
        body="<p>区人大常委会开展专题调研5次。</p>",
    )
    page = client_for(contributor).get(reverse("piece_detail", args=[piece.pk])).content.decode()
    assert "编辑修改对比" in page
    assert 'class="diff-del"' in page and 'class="diff-ins"' in page


def test_withdraw_before_adoption_only(client_for, contributor, editor):
    piece = submitted_piece(contributor, "稿")
    client = client_for(contributor)
    client.post(reverse("piece_withdraw", args=[piece.pk]))
    assert Submission.objects.get(pk=piece.pk).status == "withdrawn"
    adopted = submitted_piece(contributor, "已采用稿")
    pieces.adopt_as_article(actor=editor, submission=adopted)
    page = client.post(reverse("piece_withdraw", args=[adopted.pk]), follow=True).content.decode()
    assert "不能撤回" in page and Submission.objects.get(pk=adopted.pk).status == "adopted"


def test_edit_conflict_through_the_page_keeps_both_texts(client_for, contributor, editor):
    piece = submitted_piece(contributor, "稿", body="<p>原文。</p>")
    piece.refresh_from_db()
    client = client_for(editor)
    stale_version = piece.version
    pieces.save_text(actor=editor, submission=piece, expected_version=stale_version, body="<p>先保存的。</p>")
    response = client.post(
        reverse("review_detail", args=[piece.pk]),
        {"title": "稿", "body": "<p>后保存的。</p>", "version": stale_version},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in page
    assert "后保存的" in page  # the refused text stays in the form
    assert Submission.objects.get(pk=piece.pk).body == "<p>先保存的。</p>"
    assert Revision.objects.filter(submission=piece, kind="conflict", body="<p>后保存的。</p>").exists()


# --- the editor's desk -----------------------------------------------------------


def test_queue_filters_and_counts(client_for, editor, contributor, other_contributor):
    submitted_piece(contributor, "西湖区：优化营商环境")
    submitted_piece(other_contributor, "萧山区：政务服务增值化改革")
    pieces.create_draft(actor=contributor, title="还在草稿")
    client = client_for(editor)
    page = client.get(reverse("review_queue")).content.decode()
    assert "西湖区：优化营商环境" in page and "萧山区：政务服务增值化改革" in page and "还在草稿" not in page
    page = client.get(reverse("review_queue"), {"unit": other_contributor.unit.pk}).content.decode()
    assert "萧山区" in page and "西湖区：优化营商环境" not in page
    page = client.get(reverse("review_queue"), {"q": "营商"}).content.decode()
    assert "共 1 篇" in page


def test_queue_query_count_does_not_grow(client_for, editor, contributor, django_assert_max_num_queries):
    client = client_for(editor)
    submitted_piece(contributor, "稿0")
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("review_queue"))
    for n in range(1, 15):
        submitted_piece(contributor, f"稿{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("review_queue"))


def test_review_actions_through_the_page(client_for, editor, contributor):
    piece = submitted_piece(contributor, "稿")
    client = client_for(editor)
    page = client.post(
        reverse("review_act", args=[piece.pk, "return"]), {"note": ""}, follow=True
    ).content.decode()
    assert "请写明修改意见" in page and Submission.objects.get(pk=piece.pk).status == "submitted"
    client.post(reverse("review_act", args=[piece.pk, "return"]), {"note": "请补充数据", "due": "2099-01-01"})
    assert Submission.objects.get(pk=piece.pk).status == "returned"
    page = client.post(
        reverse("review_act", args=[piece.pk, "adopt-article"]), {}, follow=True
    ).content.decode()
    assert "不能采用为文章" in page


def test_notifications_list_and_unread_count(client_for, contributor, editor):
    submitted_piece(contributor, "稿")
    client = client_for(editor)
    assert "1 条未读" in client.get(reverse("editor_home")).content.decode()
    page = client.get(reverse("notification_list")).content.decode()
    assert "西湖区报送了稿件《稿》" in page and "全部标为已读" in page
    # Looking is not marking: only the POST of 全部标为已读 (or opening one) does.
    assert "1 条未读" in client.get(reverse("editor_home")).content.decode()
    assert client.get(reverse("notification_read_all")).status_code == 405
    client.post(reverse("notification_read_all"))
    assert "条未读" not in client.get(reverse("editor_home")).content.decode()


def test_opening_one_notification_marks_only_it_read_and_goes_to_its_page(client_for, contributor, editor):
    first = submitted_piece(contributor, "稿一")
    submitted_piece(contributor, "稿二")
    client = client_for(editor)
    notice = Notification.objects.get(recipient=editor, text__contains="稿一")
    assert client.get(reverse("notification_open", args=[notice.pk])).status_code == 405
    response = client.post(reverse("notification_open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == notice.link
    assert str(first.pk) in notice.link
    assert Notification.objects.get(pk=notice.pk).read_at is not None
    assert Notification.objects.filter(recipient=editor, read_at__isnull=True).count() == 1
    # Someone else's notification cannot be opened (nor marked) by id.
    theirs = Notification.objects.create(recipient=contributor, text="别人的", link="/unit/")
    assert client.post(reverse("notification_open", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    # A link that leaves the site is not followed.
    odd = Notification.objects.create(recipient=editor, text="外链", link="https://evil.example/")
    assert client.post(reverse("notification_open", args=[odd.pk]))["Location"] == reverse(
        "notification_list"
    )


# --- review 14a: dates at the edge of the calendar are refused in Chinese, never a 500 ------


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31"])
def test_queue_date_filters_at_the_calendar_edge(client_for, editor, typed):
    client = client_for(editor)
    for name in ("date_from", "date_to"):
        response = client.get(reverse("review_queue") + f"?status=all&{name}={typed}")
        assert response.status_code == 200
        assert "1990 年至 2099 年之间" in response.content.decode()


def test_a_far_revision_due_date_is_refused(client_for, editor, contributor):
    piece = submitted_piece(contributor, "待退回稿")
    page = client_for(editor).post(
        reverse("review_act", args=[piece.pk, "return"]), {"note": "请补充", "due": "9999-12-31"}
    )
    assert "修改期限应在 1990 年至 2099 年之间" in page.content.decode()
    assert Submission.objects.get(pk=piece.pk).status == Submission.Status.SUBMITTED
