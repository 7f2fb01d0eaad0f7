import datetime
import hashlib
import re
import subprocess
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from archive.queries import search_published_items
from bulletin.actions.common import IssueActionError
from bulletin.actions.issues import create_issue, update_issue
from bulletin.actions.publishing import correct_issue, publish_issue
from bulletin.models import Issue, IssuePdf, Publication
from submissions.models import Submission
from tests.issue_helpers import adopted_piece, edit_piece_as_editor, place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def publication():
    return Publication.objects.get(name="杭州人大信息")


def new_issue(editor, publication, number=15, total=703, date=datetime.date(2024, 10, 25)):
    return create_issue(actor=editor, publication=publication, date=date, number=number, total_number=total)


@pytest.fixture
def published(editor, contributor, other_contributor, publication):
    issue = new_issue(editor, publication)
    place(
        editor,
        issue,
        adopted_piece(
            editor,
            contributor,
            "西湖区：“点、线、面”结合助力优化营商环境",
            body="<p>西湖区人大常委会坚持将优化法治营商环境作为重要抓手。</p>",
        ),
        "助力攻坚",
    )
    place(
        editor,
        issue,
        adopted_piece(
            editor,
            other_contributor,
            "萧山区：做好“三篇文章”助推政务服务增值化改革",
            body="<p>萧山区人大常委会以企业综合服务中心建设为切口。</p>",
        ),
        "助力攻坚",
    )
    place(
        editor,
        issue,
        adopted_piece(
            editor,
            contributor,
            "摘登",
            as_brief=True,
            brief_text="西湖区人大常委会西溪街道工委建设创业空间。",
        ),
        "信息摘登",
    )
    issue.refresh_from_db()
    return publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version)


def pdf_text(data: bytes) -> str:
    # Lines wrap wherever the layout breaks them; compare without whitespace.
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"\s+", "", text)


def test_publish_freezes_content_marks_pieces_and_stores_the_pdf(published):
    issue = Issue.objects.get(pk=published.pk)
    assert issue.status == Issue.Status.PUBLISHED and issue.published_at
    assert [s["name"] for s in issue.snapshot["sections"]] == ["助力攻坚", "信息摘登"]
    assert set(Submission.objects.values_list("status", flat=True)) == {Submission.Status.PUBLISHED}
    record = IssuePdf.objects.get(issue=issue)
    data = record.file.read()
    assert record.version == 1 and data.startswith(b"%PDF")
    assert record.sha256 == hashlib.sha256(data).hexdigest() and record.size == len(data)
    text = pdf_text(data)
    assert "杭州人大信息" in text and "萧山区人大常委会以企业综合服务中心建设为切口" in text


def test_later_edits_do_not_change_a_published_issue(published, editor):
    piece = Submission.objects.get(title__startswith="西湖区")
    edit_piece_as_editor(editor, piece, body="<p>发布后改过的文字。</p>")
    issue = Issue.objects.get(pk=published.pk)
    frozen = [
        r["text"]
        for s in issue.snapshot["sections"]
        for i in s["items"]
        for p in i.get("paragraphs", [])
        for r in p
    ]
    assert "发布后改过的文字。" not in "".join(frozen)
    assert "优化法治营商环境" in "".join(frozen)


def test_publishing_twice_empty_or_with_taken_numbers_is_refused(published, editor, publication, contributor):
    # A second 刊发 (a double click) gives the first one's result and changes nothing.
    pdfs = IssuePdf.objects.count()
    assert publish_issue(actor=editor, issue=published).pk == published.pk
    assert IssuePdf.objects.count() == pdfs
    empty = new_issue(editor, publication, number=16, total=704)
    with pytest.raises(IssueActionError, match="还没有编入任何稿件"):
        publish_issue(actor=editor, issue=empty)
    # Numbers are unique from the moment an issue exists, so a draft can never reach
    # publication holding a number that another issue uses: editing to one is refused,
    # and the database refuses a write that bypasses the action.
    with pytest.raises(IssueActionError, match="总第703期已经被另一期使用"):
        update_issue(actor=editor, issue=empty, total_number=703)
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(pk=empty.pk).update(year=2024, number=15)
    assert not IssuePdf.objects.filter(issue=empty).exists()


@pytest.mark.parametrize("fixture", ["contributor", "reader", "admin_account"])
def test_only_editors_publish_and_correct(request, published, fixture):
    actor = request.getfixturevalue(fixture)
    with pytest.raises(PermissionDenied):
        publish_issue(actor=actor, issue=published)
    with pytest.raises(PermissionDenied):
        correct_issue(actor=actor, issue=published, note="x")


def test_a_correction_adds_a_version_and_keeps_the_old_one(published, editor, client_for, reader):
    piece = Submission.objects.get(title__startswith="萧山区")
    edit_piece_as_editor(
        editor, piece, body="<p>萧山区人大常委会以企业综合服务中心建设为切口（更正后）。</p>"
    )
    with pytest.raises(IssueActionError, match="请填写更正说明"):
        correct_issue(actor=editor, issue=published, note="  ")
    correct_issue(actor=editor, issue=published, note="更正萧山区稿件文字")
    versions = list(IssuePdf.objects.filter(issue=published).order_by("version"))
    assert [v.version for v in versions] == [1, 2] and versions[1].note == "更正萧山区稿件文字"
    assert "更正后" in pdf_text(versions[1].file.read()) and "更正后" not in pdf_text(versions[0].file.read())
    # Readers get the current version; the earlier one is for editors.
    reader_client = client_for(reader)
    current = b"".join(reader_client.get(reverse("archive_pdf", args=[published.pk])).streaming_content)
    assert hashlib.sha256(current).hexdigest() == versions[1].sha256
    assert reader_client.get(reverse("archive_pdf_version", args=[published.pk, 1])).status_code == 404
    editor_old = client_for(editor).get(reverse("archive_pdf_version", args=[published.pk, 1]))
    assert editor_old.status_code == 200
    assert hashlib.sha256(b"".join(editor_old.streaming_content)).hexdigest() == versions[0].sha256


def test_download_is_the_stored_file_with_the_issue_name(published, client_for, reader):
    response = client_for(reader).get(reverse("archive_pdf", args=[published.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    name = "杭州人大信息-2024年第15期(总第703期).pdf"
    assert quote(name) in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == IssuePdf.objects.get(issue=published).sha256


def test_readers_see_only_published_issues(published, editor, publication, client_for, reader):
    draft = new_issue(editor, publication, number=16, total=704)
    client = client_for(reader)
    archive = client.get(reverse("archive")).content.decode()
    assert "第15期(总第703期)" in archive and "第16期" not in archive
    assert "2 篇 · 摘登 1 则" in archive
    assert client.get(reverse("archive_issue", args=[draft.pk])).status_code == 404
    assert client.get(reverse("archive_pdf", args=[draft.pk])).status_code == 404
    page = client.get(reverse("archive_issue", args=[published.pk])).content.decode()
    assert "萧山区：做好“三篇文章”助推政务服务增值化改革" in page and "1 则" in page


def test_archive_search_by_words_and_unit(published, client_for, reader, contributor):
    assert [p.title for p in search_published_items(words="企业综合服务中心")] == [
        "萧山区：做好“三篇文章”助推政务服务增值化改革"
    ]
    assert {p.title for p in search_published_items(unit=contributor.unit)} == {
        "西湖区：“点、线、面”结合助力优化营商环境",
        "摘登",
    }
    assert [p.title for p in search_published_items(words="政务服务 萧山")] == [
        "萧山区：做好“三篇文章”助推政务服务增值化改革"
    ]
    assert list(search_published_items(words="营商环境 萧山")) == []  # every word must occur
    assert list(search_published_items(words="不存在的词语")) == []
    page = client_for(reader).get(reverse("archive"), {"q": "法治营商环境"}).content.decode()
    assert "共 1 条" in page and "西湖区：“点、线、面”结合助力优化营商环境" in page


def test_the_archive_page_reads_the_whole_issue_with_a_linked_toc(published, client_for, reader):
    page = client_for(reader).get(reverse("archive_issue", args=[published.pk])).content.decode()
    # The 目录 links each title to its article in the 全文, in print order.
    assert '<a href="#item-1">西湖区：“点、线、面”结合助力优化营商环境</a>' in page
    assert '<a href="#item-2">萧山区：做好“三篇文章”助推政务服务增值化改革</a>' in page
    assert '<a href="#item-3">1 则</a>' in page
    full_text = page[page.index("全 文") :]
    assert full_text.index('id="item-1"') < full_text.index(
        "西湖区人大常委会坚持将优化法治营商环境作为重要抓手。"
    )
    assert full_text.index('id="item-2"') < full_text.index("萧山区人大常委会以企业综合服务中心建设为切口。")
    assert 'id="item-3"' in full_text and "西溪街道工委建设创业空间" in full_text


def test_search_results_link_to_the_piece_in_its_issue(published, client_for, reader):
    page = client_for(reader).get(reverse("archive"), {"q": "企业综合服务中心"}).content.decode()
    link = reverse("archive_issue", args=[published.pk]) + "#item-2"
    assert f'<a href="{link}" class="fw-semibold">萧山区：做好“三篇文章”助推政务服务增值化改革</a>' in page


def test_unpublished_pieces_are_not_found_by_search(editor, contributor, publication):
    issue = new_issue(editor, publication)
    place(editor, issue, adopted_piece(editor, contributor, "尚未刊发的稿件"), "要闻速递")
    assert list(search_published_items(words="尚未刊发")) == []


def test_contributor_sees_where_their_piece_went(published, client_for, contributor):
    page = client_for(contributor).get(reverse("unit_home")).content.decode()
    assert "已刊发于2024年第15期" in page
    assert reverse("archive_issue", args=[published.pk]) in page
