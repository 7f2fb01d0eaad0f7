"""The verifier after every draft render (bulletin.renders) and its lines in the
preview's check report (预览): real renders through the immediate task backend."""

import datetime
import re

import pytest
from django.urls import reverse

from bulletin import renders
from bulletin.actions.issues import create_issue
from bulletin.actions.publishing import publish_issue
from bulletin.models import DraftRender, Publication
from tests.issue_helpers import adopted_piece, place

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def issue(editor):
    publication = Publication.objects.get(name="杭州人大信息")
    return create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 10, 25), number=15, total_number=703
    )


def _place_one(editor, contributor, issue):
    piece = adopted_piece(
        editor,
        contributor,
        "西湖区：代表联络站常态化开展活动",
        body="<p>西湖区人大常委会坚持优化法治营商环境，代表联络站常态化开展活动。</p>",
    )
    place(editor, issue, piece, "助力攻坚")


def _check_section(page: str) -> str:
    match = re.search(r'<section class="pdf-check".*?</section>', page, re.S)
    assert match, "the preview's check report has no PDF section"
    return match.group(0)


def test_every_draft_render_is_verified_and_the_preview_lists_it(
    django_capture_on_commit_callbacks, client_for, editor, contributor, issue
):
    with django_capture_on_commit_callbacks(execute=True):
        _place_one(editor, contributor, issue)
    _, key = renders.draft_document(issue)
    render = DraftRender.objects.get(issue=issue, content_key=key)
    assert render.status == DraftRender.Status.DONE
    assert isinstance(render.findings, list) and render.verify_ms is not None
    print(f"\nrender {render.render_ms} ms, verify {render.verify_ms} ms, findings {render.findings}")

    section = _check_section(
        client_for(editor).get(reverse("issue_preview", args=[issue.pk])).content.decode()
    )
    assert "印刷版（PDF）逐页检查" in section
    if render.findings:
        for finding in render.findings:
            assert f"第{finding['page']}页第{finding['line']}行" in section
    else:
        assert "没有发现问题" in section


def test_stored_findings_show_with_page_line_and_kind(
    django_capture_on_commit_callbacks, client_for, editor, contributor, issue
):
    with django_capture_on_commit_callbacks(execute=True):
        _place_one(editor, contributor, issue)
    _, key = renders.draft_document(issue)
    DraftRender.objects.filter(issue=issue, content_key=key).update(
        findings=[
            {
                "kind": "orphan_char",
                "page": 3,
                "line": 7,
                "excerpt": "实。",
                "message_zh": "段末一行只有一个字（孤字），请调整前面的文字使它回到上一行",
            },
            {
                "kind": "heading_last",
                "page": 4,
                "line": 22,
                "excerpt": "一、聚焦重点",
                "message_zh": "小标题在本页最后一行，正文却从下一页开始（背题），请让它和正文排在同一页",
            },
        ]
    )
    section = _check_section(
        client_for(editor).get(reverse("issue_preview", args=[issue.pk])).content.decode()
    )
    assert "共 2 处（孤字 1 处、背题 1 处）" in section
    assert (
        "第3页第7行</span>【孤字】段末一行只有一个字（孤字），请调整前面的文字使它回到上一行："
        '<span class="check-line">实。</span>'
    ) in section
    assert "第4页第22行</span>【背题】" in section


def test_while_the_pdf_is_on_its_way_the_report_says_so(settings, client_for, editor, contributor, issue):
    settings.TASKS = DUMMY_TASKS  # enqueued, never run
    _place_one(editor, contributor, issue)
    section = _check_section(
        client_for(editor).get(reverse("issue_preview", args=[issue.pk])).content.decode()
    )
    assert "正在排版" in section and "刷新本页" in section


def test_a_failing_check_never_fails_the_render(
    monkeypatch, client_for, editor, contributor, issue, settings
):
    settings.TASKS = DUMMY_TASKS
    _place_one(editor, contributor, issue)

    def broken(pdf):
        raise RuntimeError("pdf parser broke")

    monkeypatch.setattr(renders, "verify_pdf", broken)
    assert renders.render_draft(issue.pk) == "rendered"
    _, key = renders.draft_document(issue)
    render = DraftRender.objects.get(issue=issue, content_key=key)
    assert render.status == DraftRender.Status.DONE and render.findings is None
    section = _check_section(
        client_for(editor).get(reverse("issue_preview", args=[issue.pk])).content.decode()
    )
    assert "没有做逐页检查" in section


def test_a_published_issue_previews_without_the_draft_check(
    django_capture_on_commit_callbacks, client_for, editor, contributor, issue
):
    with django_capture_on_commit_callbacks(execute=True):
        _place_one(editor, contributor, issue)
    publish_issue(actor=editor, issue=issue)
    page = client_for(editor).get(reverse("issue_preview", args=[issue.pk])).content.decode()
    assert 'class="pdf-check"' not in page


def test_the_expected_render_time_counts_the_check(
    django_capture_on_commit_callbacks, editor, contributor, issue
):
    with django_capture_on_commit_callbacks(execute=True):
        _place_one(editor, contributor, issue)
    _, key = renders.draft_document(issue)
    DraftRender.objects.filter(issue=issue, content_key=key).update(render_ms=900, verify_ms=300)
    assert renders.expected_render_ms(issue) == 1200
    DraftRender.objects.filter(issue=issue, content_key=key).update(verify_ms=None)  # made before the check
    assert renders.expected_render_ms(issue) == 900
    assert renders.expected_render_ms() == 900
