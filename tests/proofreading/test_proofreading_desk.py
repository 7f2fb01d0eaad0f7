"""校对 and 查重 on the desk: the panels on the review page, the contributor's page and the
assembly page; dismissals with their audit rows; the 查重 index kept up to date."""

import datetime
import re

import pytest
from django.db import reset_queries
from django.urls import reverse

from bulletin.actions.issues import create_issue
from bulletin.models import Publication
from proofreading import queries
from proofreading.actions.common import ProofreadingError
from proofreading.actions.dismissals import dismiss_finding
from proofreading.index import index_submission, refresh_index, stale_submissions
from proofreading.models import Dismissal, Fingerprint, Term
from submissions.actions import pieces
from submissions.models import Event
from tests.issue_helpers import adopted_piece, edit_piece_as_editor, place, submitted_piece

pytestmark = pytest.mark.django_db

REPORT = (
    "<p>今年以来，区人大常委会聚焦代表联络站规范化建设，推动代表工作提质增效，取得明显成效。</p>"
    "<p><strong>一是建强阵地。</strong>全区新建代表联络站12个，实现镇街全覆盖，代表进站履职常态化。</p>"
    "<p><strong>二是完善机制。</strong>建立代表定期接待群众制度，每月开展接待活动，收集意见建议86条。</p>"
    "<p><strong>三是强化督办。</strong>对群众反映的问题实行清单化管理，推动解决一批急难愁盼问题。</p>"
)
FAULTY = REPORT.replace("推动解决一批", "推动解决解决一批").replace("三是强化督办", "四是强化督办")
OTHER = (
    "<p>萧山区人大常委会围绕优化营商环境开展专题调研，走访企业四十余家，梳理问题清单。</p>"
    "<p>调研组建议政府部门加强政策宣传，提升审批效率，切实为企业纾困解难。</p>"
)


@pytest.fixture
def publication():
    return Publication.objects.get(name="杭州人大信息")


def test_review_page_shows_findings_with_paragraph_anchors(client_for, editor, contributor):
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=FAULTY)
    page = client_for(editor).get(reverse("review_detail", args=[piece.pk])).content.decode()
    assert 'id="proofreading"' in page
    assert "“解决”重复" in page and "序号跳过了“三是”" in page
    # Each body paragraph has its anchor; the doubled word is marked in paragraph 4.
    for n in range(1, 5):
        assert f'id="para-{n}"' in page
    assert '<a href="#para-4" class="small">第4段' in page
    assert "<mark>解决解决</mark>" in page


def test_contributor_sees_findings_before_submitting_but_no_similarity(client_for, contributor, editor):

    draft = pieces.create_draft(actor=contributor, title="西湖区：代表联络站建设成效明显", body=FAULTY)
    page = client_for(contributor).get(reverse("piece_detail", args=[draft.pk])).content.decode()
    assert "“解决”重复" in page
    assert 'id="similar"' not in page and "忽略这条提示" not in page


def test_similar_pieces_any_unit_with_figure_and_shared_passages(editor, contributor, other_contributor):
    first = adopted_piece(editor, contributor, "西湖区：代表联络站建设成效明显", body=REPORT)
    resent = submitted_piece(
        other_contributor, "萧山区：代表联络站建设成效明显", body=REPORT.replace("86条", "90条")
    )
    unrelated = submitted_piece(other_contributor, "萧山区：优化营商环境专题调研", body=OTHER)
    found = queries.similar_pieces(resent)
    assert [m.submission for m in found] == [first]
    assert 0.8 < found[0].containment <= 1.0
    shared = ["".join(t for t, marked in passage if marked) for passage in found[0].passages]
    assert any("代表联络站" in s for s in shared)
    assert queries.similar_pieces(unrelated) == []


def test_review_page_warns_over_the_threshold(client_for, editor, contributor, other_contributor):
    adopted_piece(editor, contributor, "西湖区：代表联络站建设成效明显", body=REPORT)
    resent = submitted_piece(other_contributor, "萧山区：代表联络站建设成效明显", body=REPORT)
    page = client_for(editor).get(reverse("review_detail", args=[resent.pk])).content.decode()
    assert "查重提醒" in page and re.search(r"重合：本稿 (9\d|100)% 的文字见于该稿", page)
    # One paragraph of four kept, the rest new: still listed, no longer a warning.
    kept = re.findall(r"<p>.*?</p>", REPORT)[1]
    fresh = "<p>区人大常委会组织代表开展集中视察，实地察看老旧小区改造和加装电梯项目进展情况。</p>"
    edit_piece_as_editor(editor, resent, body=kept + OTHER + fresh)
    resent.refresh_from_db()
    page = client_for(editor).get(reverse("review_detail", args=[resent.pk])).content.decode()
    assert "查重提醒" not in page and "%</span>" in page
    (match,) = queries.similar_pieces(resent)
    assert queries.SHOW_FROM <= match.containment < 0.5


def test_index_follows_edits_and_skips_drafts(editor, contributor):
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=REPORT)
    assert refresh_index() == 1
    fingerprint = Fingerprint.objects.get(submission=piece)
    assert fingerprint.shingle_count > 40 and len(fingerprint.shingles) == 4 * fingerprint.shingle_count
    edit_piece_as_editor(editor, piece, body=OTHER)
    piece.refresh_from_db()
    assert [s.pk for s in stale_submissions(None)] == [piece.pk]
    assert refresh_index() == 1 and refresh_index() == 0
    assert Fingerprint.objects.get(submission=piece).version == piece.version

    pieces.create_draft(actor=contributor, title="草稿", body=REPORT)
    assert refresh_index() == 0  # drafts are nobody's business but their unit's
    short = submitted_piece(contributor, "短", body="<p>好</p>")
    assert index_submission(short).shingle_count == 0 and refresh_index() == 0


def test_dismiss_with_reason_is_stored_audited_and_shown(client_for, editor, contributor):
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=FAULTY)
    report = queries.piece_report(piece, with_similar=False)
    doubled = next(s.finding for s in report.findings if s.finding.rule == "repeated_word")
    client = client_for(editor)
    url = reverse("proofreading_dismiss")
    back = reverse("review_detail", args=[piece.pk])
    data = {"key": doubled.key, "submission": piece.pk, "reason": "", "next": back}
    response = client.post(url, data, follow=True)
    assert "请填写忽略这条提示的理由" in response.content.decode()
    assert not Dismissal.objects.exists()
    data["reason"] = "原文引用，不改"
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == back
    client.post(url, data)  # a double submit records nothing twice
    dismissal = Dismissal.objects.get()
    assert (dismissal.submission, dismissal.actor, dismissal.rule, dismissal.reason) == (
        piece,
        editor,
        "repeated_word",
        "原文引用，不改",
    )
    event = Event.objects.get(submission=piece, action="proofreading_dismiss")
    assert event.actor == editor and "原文引用，不改" in event.note and event.from_status == event.to_status
    page = client.get(back).content.decode()
    assert "已忽略 1 条" in page and "原文引用，不改" in page
    copy = re.search(r'<p id="para-4">.*?</p>', page).group(0)
    assert "<mark>四是</mark>" in copy and "<mark>解决解决</mark>" not in copy  # no longer marked


def test_dismiss_refuses_contributors_unknown_findings_and_offsite_redirects(client_for, editor, contributor):
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=FAULTY)
    key = next(s.finding.key for s in queries.piece_report(piece, with_similar=False).findings)
    url = reverse("proofreading_dismiss")
    assert (
        client_for(contributor).post(url, {"key": key, "submission": piece.pk, "reason": "x"}).status_code
        == 403
    )
    with pytest.raises(ProofreadingError):
        dismiss_finding(actor=contributor, key=key, rule="r", message="m", reason="x", submission=piece)
    client = client_for(editor)
    response = client.post(url, {"key": "0" * 20, "submission": piece.pk, "reason": "x"}, follow=True)
    assert "这条校对提示已不存在" in response.content.decode()
    response = client.post(
        url, {"key": key, "submission": piece.pk, "reason": "x", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("review_queue")
    assert client.post(url, {"key": key, "reason": "x"}, follow=True).status_code == 200
    assert Dismissal.objects.count() == 1


def test_terms_list_comes_from_the_admin_table(client_for, editor, contributor, admin_account):
    Term.objects.create(preferred="代表联络站", variants="代表联系站")
    piece = submitted_piece(contributor, "西湖区：代表联系站建设", body="<p>全区新建代表联系站12个。</p>")
    rules = [
        (s.finding.rule, s.finding.suggestion)
        for s in queries.piece_report(piece, with_similar=False).findings
    ]
    assert ("term", "代表联络站") in rules
    admin = client_for(admin_account)
    admin_account.is_staff = True
    admin_account.save()
    assert admin.get(reverse("admin:proofreading_term_changelist")).status_code == 200
    assert "“十四五”" in admin.get(reverse("admin:proofreading_term_changelist")).content.decode()


def test_issue_panel_lists_findings_per_piece_with_links(
    client_for, editor, contributor, other_contributor, publication
):
    create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 10, 25), number=15, total_number=703
    )
    issue = create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 11, 8), number=16, total_number=704
    )
    clean = adopted_piece(editor, other_contributor, "萧山区：优化营商环境专题调研", body=OTHER)
    faulty = adopted_piece(editor, contributor, "西湖区：代表联络站建设成效明显", body=FAULTY)
    place(editor, issue, clean, "助力攻坚")
    place(editor, issue, faulty, "代表工作")
    client = client_for(editor)
    # The assembly page holds the panel's place; the panel is fetched after the page loads.
    page = client.get(reverse("issue_assemble", args=[issue.pk])).content.decode()
    panel_url = reverse("proofreading_issue_panel", args=[issue.pk])
    assert f'data-panel-url="{panel_url}?fragment=1"' in page and f'href="{panel_url}"' in page
    page = client.get(panel_url, {"fragment": 1}).content.decode()
    assert "<html" not in page and "重新检查" in page
    assert f'name="next" value="{reverse("issue_assemble", args=[issue.pk])}#proofreading"' in page
    assert "<html" in client.get(panel_url).content.decode()  # without JavaScript: a page
    link = reverse("review_detail", args=[faulty.pk])
    assert f'href="{link}#para-4"' in page and "“解决”重复" in page
    assert "序号跳过了“三是”" in page
    report = queries.issue_report(issue)
    assert [len(p.open) for p in report.pieces] == [0, 2]
    # Numbers: 第16期 follows 第15期.
    assert [s.finding.rule for s in report.issue_findings] == []


def test_issue_numbers_are_checked_against_the_last_published_issue(editor, contributor, publication):
    from bulletin.models import Issue

    before = create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 10, 25), number=15, total_number=703
    )
    Issue.objects.filter(pk=before.pk).update(status=Issue.Status.PUBLISHED)
    issue = create_issue(
        actor=editor,
        publication=publication,
        date=datetime.date(2024, 11, 8),
        number=17,
        total_number=704,
        numbering_reason="第16期为专刊",
    )
    place(editor, issue, adopted_piece(editor, contributor, "西湖区：一篇", body=OTHER), "助力攻坚")
    report = queries.issue_report(issue)
    (shown,) = report.issue_findings
    assert shown.finding.rule == "issue_sequence" and "第16期" in shown.finding.message
    assert "第16期为专刊" in shown.finding.message  # the recorded reason, quoted
    dismiss_finding(
        actor=editor,
        key=shown.finding.key,
        rule="issue_sequence",
        message=shown.finding.message,
        reason="专刊另编",
        issue=issue,
    )
    assert queries.issue_report(issue).issue_findings[0].dismissed


def test_issue_panel_warns_of_a_piece_over_the_threshold(editor, contributor, other_contributor, publication):
    issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 11, 8))
    a = adopted_piece(editor, contributor, "西湖区：代表联络站建设成效明显", body=REPORT)
    b = adopted_piece(editor, other_contributor, "萧山区：代表联络站建设成效明显", body=REPORT)
    place(editor, issue, a, "助力攻坚")
    place(editor, issue, b, "代表工作")
    report = queries.issue_report(issue)
    rules = [[s.finding.rule for s in p.findings] for p in report.pieces]
    assert rules == [["similarity"], ["similarity"]]
    assert report.pieces[0].findings[0].link.endswith("#similar")


def test_index_command_sweeps_every_stale_piece(editor, contributor):
    from io import StringIO

    from django.core.management import call_command

    for n in range(3):
        submitted_piece(contributor, f"西湖区：第{n}篇", body=REPORT.replace("12个", f"{n}个"))
    out = StringIO()
    call_command("proofreading_index", stdout=out)
    assert "已建立 3 篇稿件的查重指纹" in out.getvalue()
    assert Fingerprint.objects.count() == 3
    out = StringIO()
    call_command("proofreading_index", stdout=out)
    assert "已建立 0 篇" in out.getvalue()


def test_issue_panel_queries_do_not_grow_with_pieces(
    client_for, editor, contributor, publication, django_assert_max_num_queries
):
    issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 11, 8))
    client = client_for(editor)
    url = reverse("proofreading_issue_panel", args=[issue.pk])
    for n in range(2):
        place(editor, issue, adopted_piece(editor, contributor, f"西湖区：第{n}篇", body=FAULTY), "助力攻坚")
    client.get(url, {"fragment": 1})  # indexes the pieces
    # (The request resets the connection's query log; start the count from an empty one.)
    reset_queries()
    with django_assert_max_num_queries(25) as few:
        client.get(url, {"fragment": 1})
    count = len(few.captured_queries)  # (read now: later requests reset the query log)
    for n in range(2, 8):
        place(editor, issue, adopted_piece(editor, contributor, f"西湖区：第{n}篇", body=OTHER), "代表工作")
    client.get(url, {"fragment": 1})
    reset_queries()
    with django_assert_max_num_queries(count):
        response = client.get(url, {"fragment": 1})
    assert response.content.decode().count("“解决”重复") == 2


def test_issue_panel_is_for_editors(client_for, contributor, editor, publication):
    issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 11, 8))
    url = reverse("proofreading_issue_panel", args=[issue.pk])
    assert client_for(contributor).get(url).status_code == 403
    assert client_for(editor).get(reverse("proofreading_issue_panel", args=[99999])).status_code == 404


def test_a_briefs_text_is_checked_on_its_page_and_linked_from_the_issue(
    client_for, editor, contributor, publication
):
    issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 11, 8))
    brief = adopted_piece(
        editor,
        contributor,
        "一则摘登",
        body=OTHER,
        as_brief=True,
        brief_text="西湖区人大常委会推动解决解决一批问题。",
    )
    place(editor, issue, brief, "信息摘登")
    report = queries.issue_report(issue)
    links = {s.finding.rule: s.link for s in report.pieces[0].findings}
    assert links["repeated_word"].endswith(f"/review/{brief.pk}/#para-brief")
    page = client_for(editor).get(reverse("review_detail", args=[brief.pk])).content.decode()
    assert (
        '<p id="para-brief" class="proof-line">西湖区人大常委会推动<mark>解决解决</mark>一批问题。</p>'
        in page
    )
    assert '<a href="#para-brief" class="small">摘登稿</a>' in page
