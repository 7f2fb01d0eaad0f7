"""Faults seen when the desk was tried as users would, each pinned by a test."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.charts import bars_by_unit
from assessment.models import PointsScheme, points_text
from bulletin.actions import issues, publishing
from bulletin.models import Issue, Publication, Section
from submissions.actions import back_issue_pieces, pieces
from submissions.models import Submission
from submissions.queries import editor_queue
from tests.issue_helpers import adopted_piece, place, submitted_piece
from tests.paths import SEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def publication():
    return Publication.objects.get(name="杭州人大信息")


# --- a form with an error comes back as sent, on its tab ---------------------------------


def test_a_refused_brief_comes_back_on_its_tab_with_the_typed_text(client_for, editor, contributor):
    piece = submitted_piece(contributor, "稿")
    typed = "全区人大代表深入基层听取意见建议。"
    page = client_for(editor).post(
        reverse("review_act", args=[piece.pk, "adopt-brief"]), {"brief_text": typed, "brief_byline": "李寄"}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "摘登文字应以单位名称开头" in html
    assert 'class="tab-pane fade show active" id="act-brief"' in html
    assert 'id="act-article"' in html and 'class="tab-pane fade" id="act-article"' in html
    assert typed in html.split('id="act-brief"')[1].split("</form>")[0]
    assert 'value="李寄"' in html
    assert Submission.objects.get(pk=piece.pk).status == "submitted"


def test_a_refused_return_comes_back_on_its_tab(client_for, editor, contributor):
    piece = submitted_piece(contributor, "稿")
    html = (
        client_for(editor)
        .post(reverse("review_act", args=[piece.pk, "return"]), {"note": "", "due": "2099-01-01"})
        .content.decode()
    )
    assert 'class="tab-pane fade show active" id="act-return"' in html and 'value="2099-01-01"' in html


# --- the review queue ------------------------------------------------------------------------------


def _back_issue_piece(editor, contributor, publication, day: datetime.date) -> Submission:
    """A piece of an imported back issue, as the importer records it."""
    piece = back_issue_pieces.record_back_issue_piece(
        actor=editor, unit=contributor.unit, adopted_as="article", title="往期稿件", body="<p>往期正文。</p>"
    )
    issue = Issue.objects.create(
        publication=publication,
        year=day.year,
        number=1,
        total_number=600,
        date=day,
        editor_name="杨青青",
        editor_phone="1",
        distribution="x",
        status=Issue.Status.PUBLISHED,
        origin=Issue.Origin.IMPORTED,
    )
    issue.placements.create(section=Section.objects.get(name="助力攻坚"), submission=piece, position=1)
    return piece


def test_queue_opens_on_what_needs_the_editor_longest_waiting_first(
    client_for, editor, contributor, other_contributor, publication
):
    older = submitted_piece(contributor, "先报的稿")
    newer = submitted_piece(other_contributor, "后报的稿")
    Submission.objects.filter(pk=older.pk).update(
        submitted_at=newer.submitted_at - datetime.timedelta(days=3)
    )
    adopted_piece(editor, contributor, "已采用的稿")
    _back_issue_piece(editor, contributor, publication, datetime.date(2023, 5, 6))
    page = client_for(editor).get(reverse("review_queue"))
    listed = [p.title for p in page.context["page"]]
    assert listed == ["先报的稿", "后报的稿"]
    assert "待处理（已报送）" in page.content.decode()


def test_back_issue_pieces_only_on_request_and_found_by_their_issue_date(editor, contributor, publication):
    back = _back_issue_piece(editor, contributor, publication, datetime.date(2023, 5, 6))
    assert back not in editor_queue(status="all")
    found = editor_queue(
        status="all",
        back_issues=True,
        date_from=datetime.date(2023, 5, 1),
        date_to=datetime.date(2023, 5, 31),
    )
    assert list(found) == [back]
    assert not editor_queue(status="all", back_issues=True, date_from=datetime.date(2023, 6, 1)).exists()


def test_queue_page_lists_back_issue_pieces_by_issue_date(client_for, editor, contributor, publication):
    _back_issue_piece(editor, contributor, publication, datetime.date(2023, 5, 6))
    html = (
        client_for(editor)
        .get(
            reverse("review_queue"),
            {"status": "all", "back_issues": "on", "date_from": "2023-05-01", "date_to": "2023-05-31"},
        )
        .content.decode()
    )
    assert "往期稿件" in html and "2023年5月6日" in html


def test_a_malformed_filter_keeps_the_other_filters(client_for, editor, contributor, other_contributor):
    """A bad date is pointed out, and the unit still chosen beside it still filters the list:
    the page never shows a filter as set while listing everything."""
    submitted_piece(contributor, "本单位的稿")
    submitted_piece(other_contributor, "别的单位的稿")
    page = client_for(editor).get(
        reverse("review_queue"), {"unit": contributor.unit.pk, "date_from": "2024-13-45", "status": "zzz"}
    )
    assert page.status_code == 200
    assert [p.title for p in page.context["page"]] == ["本单位的稿"]
    assert "输入一个有效的日期" in page.content.decode()
    assert page.context["current_status"] == "submitted"  # a bad status falls back to 待处理


# --- the year is always said ---------------------------------------------------------------------------


def test_placed_and_published_say_the_year(client_for, editor, contributor, publication):
    issue = issues.create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 3, 1), number=1, total_number=690
    )
    piece = adopted_piece(editor, contributor, "稿")
    place(editor, issue, piece, "助力攻坚")
    assert "已编入2024年第1期" in client_for(contributor).get(reverse("unit_home")).content.decode()
    publishing.publish_issue(actor=editor, issue=issue)
    assert "已刊发于2024年第1期" in client_for(contributor).get(reverse("unit_home")).content.decode()


# --- smaller faults -------------------------------------------------------------------------------------


def test_a_returned_pieces_form_does_not_say_draft(client_for, editor, contributor):
    piece = submitted_piece(contributor, "稿")
    pieces.return_for_revision(actor=editor, submission=piece, note="请补充")
    html = client_for(contributor).get(reverse("piece_edit", args=[piece.pk])).content.decode()
    assert "保存修改" in html and "保存草稿" not in html


def test_points_print_without_a_trailing_zero():
    assert [points_text(v) for v in (Decimal("3.0"), Decimal("2.5"), 0, Decimal("-1.0"))] == [
        "3",
        "2.5",
        "0",
        "-1",
    ]
    assert str(PointsScheme(effective_from=datetime.date(2024, 1, 1))).endswith("文章3分，摘登1分")
    chart = str(bars_by_unit([("西湖区", Decimal("3.0"))], title="得分"))
    assert ">3</text>" in chart and "3.0" not in chart


def test_stats_footer_prints_whole_points(client_for, editor):
    html = client_for(editor).get(reverse("stats")).content.decode()
    assert "要闻速递加 2 分" in html and ".0 分" not in html


def test_readers_do_not_see_the_sha256(
    client_for, editor, contributor, reader, publication, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    issue = issues.create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 3, 1), number=1, total_number=690
    )
    place(editor, issue, adopted_piece(editor, contributor, "稿"), "助力攻坚")
    publishing.publish_issue(actor=editor, issue=issue)
    url = reverse("archive_issue", args=[issue.pk])
    assert "SHA-256" not in client_for(reader).get(url).content.decode()
    assert "SHA-256" in client_for(editor).get(url).content.decode()


def test_admin_header_greets_the_person_by_name(client_for, admin_account):
    html = client_for(admin_account).get(reverse("admin:index")).content.decode()
    assert "<strong>周建国</strong>" in html and "<strong>guanli</strong>" not in html


def test_reimporting_a_back_issue_is_flagged_with_the_report(client_for, editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(editor)
    url = reverse("back_issue_import")
    text = (SEEDS / "2024-15.txt").read_text(encoding="utf-8")
    client.post(url, {"text": text, "source_name": "2024-15.txt", "action": "import"})
    assert Issue.objects.count() == 1
    html = client.post(url, {"text": text, "source_name": "2024-15.txt", "action": "check"}).content.decode()
    assert 'id="import-clash"' in html and "已经导入过" in html and "期号冲突" in html
    assert 'value="import" disabled' in html
    # With 覆盖 chosen, the check shows no clash and the button is live.
    html = client.post(
        url, {"text": text, "source_name": "2024-15.txt", "action": "check", "replace": "on"}
    ).content.decode()
    assert 'id="import-clash"' not in html and 'value="import" disabled' not in html


# --- the assembly page's data after a change ---------------------------------------------------------------


def test_arrange_answers_with_the_toc_and_the_counts(client_for, editor, contributor, publication):
    issue = issues.create_issue(
        actor=editor, publication=publication, date=datetime.date(2026, 3, 1), number=1, total_number=801
    )
    a = place(editor, issue, adopted_piece(editor, contributor, "西湖区：甲"), "助力攻坚")
    b = place(editor, issue, adopted_piece(editor, contributor, "西湖区：乙"), "助力攻坚")
    issue.refresh_from_db()
    target = Section.objects.get(name="监督纵横")
    response = client_for(editor).post(
        reverse("issue_arrange", args=[issue.pk]),
        json.dumps(
            {"version": issue.layout_version, "layout": {str(a.section_id): [b.pk], str(target.pk): [a.pk]}}
        ),
        content_type="application/json",
    )
    data = response.json()
    assert data["ok"] and data["counts"] == {str(a.section_id): 1, str(target.pk): 1}
    toc = data["toc_html"]
    assert toc.index("助力攻坚") < toc.index("乙") < toc.index("监督纵横") < toc.index("甲")


def test_move_to_section_never_offers_the_current_one(client_for, editor, contributor, publication):
    issue = issues.create_issue(
        actor=editor, publication=publication, date=datetime.date(2026, 3, 1), number=1, total_number=801
    )
    placement = place(editor, issue, adopted_piece(editor, contributor, "西湖区：甲"), "助力攻坚")
    html = client_for(editor).get(reverse("issue_assemble", args=[issue.pk])).content.decode()
    form = (
        html.split(f'id="item-{placement.pk}"')[1]
        .split('class="d-flex gap-1 section-form"')[1]
        .split("</form>")[0]
    )
    assert "监督纵横" in form and "助力攻坚" not in form
