"""期号 and 总期号 follow the issue before: checked at creation, in 本期信息 and at 刊发; a
slip goes through only with a confirmation and a reason, which is recorded."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from bulletin.actions.common import IssueActionError, NumberingNeedsReason
from bulletin.actions.issues import create_issue, delete_issue, update_issue
from bulletin.actions.publish_jobs import request_publication
from bulletin.actions.publishing import publish_issue
from bulletin.models import Issue, Publication
from bulletin.numbering import propose_numbers
from proofreading import queries
from tests.issue_helpers import adopted_piece, place

D = datetime.date
REASON = "上半年停刊，总期号按主管部门要求重排"


@pytest.fixture
def publication(db):
    publication = Publication.objects.get(name="杭州人大信息")
    publication.total_number_base = 703
    publication.save()
    return publication


@pytest.fixture
def fourteenth(editor, publication):
    """2024年第14期（总第704期）, published (its status set directly: what matters here is
    its numbers, not its PDF)."""
    issue = create_issue(
        actor=editor, publication=publication, date=D(2024, 10, 10), number=14, total_number=704
    )
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.PUBLISHED)
    return issue


OCTOBER = D(2024, 10, 25)


def new(editor, publication, number, total, date=OCTOBER, **fields):
    return create_issue(
        actor=editor, publication=publication, date=date, number=number, total_number=total, **fields
    )


# --- creation ------------------------------------------------------------------------------


def test_a_mistyped_total_is_refused_with_the_actual_numbers(editor, publication, fourteenth):
    # 总第74期 among the 700s can only be a typo: no reason makes it right.
    for reason in ("", REASON):
        with pytest.raises(IssueActionError) as refused:
            new(editor, publication, 15, 74, numbering_reason=reason)
        assert "总期号应随期号递增：前面的2024年第14期已是总第704期，本期不能是总第74期。" in str(
            refused.value
        )
    assert Issue.objects.count() == 1
    # The numbers that follow on need nothing.
    issue = new(editor, publication, 15, 705)
    assert issue.numbering_reason == ""


@pytest.mark.parametrize(
    "number, total, said",
    [
        (15, 700, "前面的2024年第14期已是总第704期，本期不能是总第700期"),  # lower than the issue before
        (13, 705, "后面的2024年第14期是总第704期，本期不能是总第705期"),  # above the issue after
    ],
)
def test_a_total_out_of_order_is_refused_whatever_the_reason(
    editor, publication, fourteenth, number, total, said
):
    with pytest.raises(IssueActionError, match=said):
        new(editor, publication, number, total, numbering_reason=REASON)
    assert Issue.objects.count() == 1


@pytest.mark.parametrize(
    "number, total, said",
    [
        (17, 707, "本期应为第15期（总第705期），现填第17期（总第707期）"),  # a gap in both
        (15, 710, "现填总第710期"),  # 总期号 jumps
        (16, 705, "现填第16期"),  # 期号 skips one
        (
            13,
            702,
            "下一期已是2024年第14期（总第704期），本期应为第13期（总第703期），现填第13期（总第702期）",
        ),
    ],
)
def test_gaps_and_steps_back_need_a_reason(editor, publication, fourteenth, number, total, said):
    with pytest.raises(NumberingNeedsReason, match=said):
        new(editor, publication, number, total)
    issue = new(editor, publication, number, total, numbering_reason=REASON)
    assert issue.numbering_reason == REASON


def test_a_new_year_starts_at_the_first_issue(editor, publication, fourteenth):
    assert propose_numbers(publication=publication, year=2025) == (1, 705)
    with pytest.raises(NumberingNeedsReason, match="本期应为2025年第1期（总第705期），现填第15期"):
        new(editor, publication, 15, 705, date=D(2025, 1, 10))
    assert new(editor, publication, 1, 705, date=D(2025, 1, 10)).numbering_reason == ""


def test_a_reason_does_not_allow_a_duplicate(editor, publication, fourteenth):
    with pytest.raises(IssueActionError, match="总第704期已经被另一期使用"):
        new(editor, publication, 15, 704, numbering_reason=REASON)
    with pytest.raises(IssueActionError, match="2024年第14期已经存在"):
        new(editor, publication, 14, 705, numbering_reason=REASON)


def test_the_reason_is_recorded_on_the_issue_and_in_the_audit_row(editor, publication, fourteenth):
    issue = new(editor, publication, 15, 710, numbering_reason=f"  {REASON} ")
    assert issue.numbering_reason == REASON
    row = AuditEntry.objects.get(kind=AuditEntry.Kind.ISSUE_CREATED, object_id=str(issue.pk))
    assert row.after["numbering_reason"] == REASON
    assert "现填总第710期" in row.message


def test_the_first_issue_follows_the_publications_base(editor, publication):
    with pytest.raises(
        NumberingNeedsReason, match="本刊此前最后一期为总第703期，本期应为总第704期，现填总第74期"
    ):
        new(editor, publication, 1, 74)
    assert new(editor, publication, 5, 704).numbering_reason == ""  # 期号: nothing to follow yet


def test_the_next_proposal_follows_the_issue_before_not_the_highest_total(editor, publication, fourteenth):
    new(editor, publication, 15, 710, numbering_reason=REASON)
    # 第16期 follows 第15期 (总第710期) and is proposed as 总第711期, needing no reason.
    assert propose_numbers(publication=publication, year=2024) == (16, 711)
    assert new(editor, publication, 16, 711, date=D(2024, 11, 8)).numbering_reason == ""


def test_a_wrong_total_left_by_older_data_does_not_lead_the_proposal_down(editor, publication, fourteenth):
    fifteenth = new(editor, publication, 15, 705)
    # Numbered before the order was enforced (or imported so): 总第74期 after 总第704期.
    Issue.objects.filter(pk=fifteenth.pk).update(total_number=74)
    # 总第75期 would be below 第14期's 总第704期: the proposal goes on from the highest.
    assert propose_numbers(publication=publication, year=2024) == (16, 705)


# --- 本期信息 --------------------------------------------------------------------------------


def test_editing_the_numbers_is_checked_again(editor, publication, fourteenth):
    issue = new(editor, publication, 15, 705)
    with pytest.raises(NumberingNeedsReason, match="现填总第710期"):
        update_issue(actor=editor, issue=issue, total_number=710)
    with pytest.raises(IssueActionError, match="本期不能是总第74期"):
        update_issue(actor=editor, issue=issue, total_number=74, numbering_reason=REASON)
    issue.refresh_from_db()
    assert issue.total_number == 705
    update_issue(actor=editor, issue=issue, total_number=710, numbering_reason=REASON)
    issue.refresh_from_db()
    assert (issue.total_number, issue.numbering_reason) == (710, REASON)
    row = AuditEntry.objects.filter(kind=AuditEntry.Kind.ISSUE_SETTINGS, object_id=str(issue.pk)).latest("pk")
    assert row.after == {"total_number": 710, "numbering_reason": REASON}
    # Back in sequence: the reason has nothing left to explain and is cleared.
    update_issue(actor=editor, issue=issue, total_number=705)
    issue.refresh_from_db()
    assert issue.numbering_reason == ""


def test_editing_other_fields_does_not_ask_about_numbers(editor, publication, fourteenth):
    fifteenth = new(editor, publication, 15, 705)
    sixteenth = new(editor, publication, 16, 706, date=D(2024, 11, 8))
    delete_issue(actor=editor, issue=fifteenth)  # 第16期 no longer follows on; 刊发 will ask
    update_issue(actor=editor, issue=sixteenth, editor_name="王敏")
    sixteenth.refresh_from_db()
    assert (sixteenth.editor_name, sixteenth.numbering_reason) == ("王敏", "")


# --- 刊发 ------------------------------------------------------------------------------------


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_publishing_checks_again_and_refuses_a_slip_without_a_reason(
    editor, contributor, publication, fourteenth, media_in_tmp
):
    fifteenth = new(editor, publication, 15, 705)
    sixteenth = new(editor, publication, 16, 706, date=D(2024, 11, 8))
    place(editor, sixteenth, adopted_piece(editor, contributor, "西湖区：代表联络站建设"), "助力攻坚")
    delete_issue(actor=editor, issue=fifteenth)  # now 第16期 follows 第14期
    sixteenth.refresh_from_db()
    said = "上一期是2024年第14期（总第704期），本期应为第15期（总第705期），现填第16期（总第706期）"
    with pytest.raises(IssueActionError, match=said):
        request_publication(actor=editor, issue=sixteenth, expected_version=sixteenth.layout_version)
    with pytest.raises(IssueActionError, match="请在“本期信息”中勾选确认并填写理由"):
        publish_issue(actor=editor, issue=sixteenth)
    sixteenth.refresh_from_db()
    assert sixteenth.status == Issue.Status.DRAFT and not sixteenth.publish_jobs.exists()

    update_issue(actor=editor, issue=sixteenth, numbering_reason="第15期撤销，不再出版")
    publish_issue(actor=editor, issue=sixteenth)
    sixteenth.refresh_from_db()
    assert sixteenth.status == Issue.Status.PUBLISHED
    row = AuditEntry.objects.get(kind=AuditEntry.Kind.ISSUE_PUBLISHED, object_id=str(sixteenth.pk))
    assert row.after["numbering_reason"] == "第15期撤销，不再出版" and "现填第16期" in row.message


# --- the 校对 panel ----------------------------------------------------------------------------


def test_the_panel_compares_with_the_issue_before_by_year_and_number(
    editor, contributor, publication, fourteenth
):
    fifteenth = new(editor, publication, 15, 705)
    # 总第74期 left by older data (the order is enforced for new numbers), with its reason.
    Issue.objects.filter(pk=fifteenth.pk).update(
        status=Issue.Status.PUBLISHED, total_number=74, numbering_reason=REASON
    )
    # 第16期 numbered 总第705期 again: it follows 第15期 (总第74期), not 第14期 (the next lower 总期号).
    sixteenth = new(editor, publication, 16, 705, date=D(2024, 11, 8), numbering_reason="恢复原总期号")
    place(editor, sixteenth, adopted_piece(editor, contributor, "西湖区：一篇"), "助力攻坚")
    messages = [s.finding.message for s in queries.issue_report(sixteenth).issue_findings]
    assert messages == [
        "说明：上一期是2024年第15期（总第74期），本期应为第16期（总第75期），现填总第705期。"
        "编辑已确认，理由：恢复原总期号"
    ]
    report = queries.issue_report(sixteenth)
    assert all(not s.finding.suggestion and s.finding.note for s in report.issue_findings)
    # A confirmed slip is said, not counted: it asks nothing more of the editor.
    assert report.open_count == 0


def test_the_panel_says_what_is_wrong_when_no_reason_is_recorded(
    editor, contributor, publication, fourteenth
):
    fifteenth = new(editor, publication, 15, 705)
    place(editor, fifteenth, adopted_piece(editor, contributor, "西湖区：一篇"), "助力攻坚")
    assert queries.issue_report(fifteenth).issue_findings == []
    # A slip a later change made (the issue before was deleted and renumbered around it).
    Issue.objects.filter(pk=fifteenth.pk).update(total_number=74)
    fifteenth.refresh_from_db()
    (shown,) = queries.issue_report(fifteenth).issue_findings
    assert (
        shown.finding.message
        == "上一期是2024年第14期（总第704期），本期应为第15期（总第705期），现填总第74期"
    )
    assert shown.finding.suggestion == "总第705期" and not shown.finding.note
    assert queries.issue_report(fifteenth).open_count == 1


# --- the form and the pages --------------------------------------------------------------------


def form_data(publication, number, total, **extra):
    return {
        "date": f"{timezone.localdate():%Y-%m-%d}",
        "number": str(number),
        "total_number": str(total),
        "edition": "regular",
        "editor_name": "杨青青",
        "editor_phone": "85250657",
        "distribution": "省人大常委会办公厅",
        **extra,
    }


@pytest.fixture
def this_years_fourteenth(editor, publication):
    today = timezone.localdate()
    return create_issue(actor=editor, publication=publication, date=today, number=14, total_number=704)


def test_the_form_asks_for_a_confirmation_and_a_reason(
    client_for, editor, publication, this_years_fourteenth
):
    client = client_for(editor)
    year = timezone.localdate().year
    # 总第74期 among the 700s: refused, no confirmation offered.
    page = client.post(
        reverse("issue_create"),
        form_data(publication, 15, 74, numbering_confirmed="on", numbering_reason=REASON),
    )
    assert page.status_code == 200 and Issue.objects.count() == 1
    assert "本期不能是总第74期" in page.content.decode()

    page = client.post(reverse("issue_create"), form_data(publication, 15, 710))
    text = page.content.decode()
    assert page.status_code == 200 and Issue.objects.count() == 1
    assert f"上一期是{year}年第14期（总第704期），本期应为第15期（总第705期），现填总第710期。" in text
    assert 'id="numbering-confirmation" open' in text and 'name="numbering_reason"' in text

    # A reason without the tick is not a confirmation.
    page = client.post(reverse("issue_create"), form_data(publication, 15, 710, numbering_reason=REASON))
    assert page.status_code == 200 and Issue.objects.count() == 1
    # A tick without a reason is refused by the form.
    page = client.post(reverse("issue_create"), form_data(publication, 15, 710, numbering_confirmed="on"))
    assert "勾选确认后，请填写期号不连续的理由。" in page.content.decode() and Issue.objects.count() == 1

    page = client.post(
        reverse("issue_create"),
        form_data(publication, 15, 710, numbering_confirmed="on", numbering_reason=REASON),
    )
    issue = Issue.objects.get(number=15)
    assert page.status_code == 302 and (issue.total_number, issue.numbering_reason) == (710, REASON)

    settings_page = client.get(reverse("issue_settings", args=[issue.pk])).content.decode()
    assert REASON in settings_page and 'id="numbering-confirmation" open' in settings_page
    assert (
        'name="numbering_confirmed" class="checkboxinput form-check-input" id="id_numbering_confirmed" checked'
        in (settings_page)
    )


def test_the_form_in_sequence_shows_the_confirmation_closed(
    client_for, editor, publication, this_years_fourteenth
):
    client = client_for(editor)
    text = client.get(reverse("issue_create")).content.decode()
    assert 'id="numbering-confirmation">' in text
    assert 'value="15"' in text and 'value="705"' in text  # the proposal follows on
    page = client.post(reverse("issue_create"), form_data(publication, 15, 705))
    assert page.status_code == 302 and Issue.objects.get(number=15).numbering_reason == ""


def test_the_assembly_page_says_what_is_wrong_and_shows_the_reason(
    client_for, editor, publication, fourteenth
):
    fifteenth = new(editor, publication, 15, 705)
    sixteenth = new(editor, publication, 16, 706, date=D(2024, 11, 8))
    client = client_for(editor)
    page = client.get(reverse("issue_assemble", args=[sixteenth.pk])).content.decode()
    assert 'id="numbering-check"' not in page
    delete_issue(actor=editor, issue=fifteenth)
    page = client.get(reverse("issue_assemble", args=[sixteenth.pk])).content.decode()
    assert (
        "期号核对：上一期是2024年第14期（总第704期），本期应为第15期（总第705期），现填第16期（总第706期）。"
        in page
    )
    assert "刊发前请改正" in page
    update_issue(actor=editor, issue=sixteenth, numbering_reason="第15期撤销")
    page = client.get(reverse("issue_assemble", args=[sixteenth.pk])).content.decode()
    assert "已确认，理由：第15期撤销" in page and "刊发前请改正" not in page


def test_a_reason_the_issue_does_not_keep_is_said_not_dropped(
    client_for, editor, publication, this_years_fourteenth
):
    client = client_for(editor)
    # Typed, not ticked, numbers in sequence: created, and told the reason was not kept.
    page = client.post(
        reverse("issue_create"),
        form_data(publication, 15, 705, numbering_reason="上半年停刊两期"),
        follow=True,
    )
    issue = Issue.objects.get(number=15)
    assert issue.numbering_reason == ""
    assert "所填“不连续的理由”（上半年停刊两期）没有保存：没有勾选确认。" in page.content.decode()
    # Ticked and typed while the numbers follow on: nothing to explain, and said so.
    page = client.post(
        reverse("issue_settings", args=[issue.pk]),
        form_data(publication, 15, 705, numbering_confirmed="on", numbering_reason="上半年停刊两期"),
        follow=True,
    )
    issue.refresh_from_db()
    assert issue.numbering_reason == ""
    assert "没有保存：期号与上一期连续，无需说明理由。" in page.content.decode()


def test_the_published_issue_page_shows_the_reason_to_editors_only(
    client_for, editor, contributor, publication, fourteenth
):
    fifteenth = new(editor, publication, 15, 710, numbering_reason=REASON)
    Issue.objects.filter(pk=fifteenth.pk).update(status=Issue.Status.PUBLISHED)
    said = f"期号与上一期不连续，编辑已确认，理由：{REASON}"
    assert said in client_for(editor).get(reverse("archive_issue", args=[fifteenth.pk])).content.decode()
    assert (
        said
        not in client_for(contributor).get(reverse("archive_issue", args=[fifteenth.pk])).content.decode()
    )


def test_publishing_refuses_a_total_out_of_order_whatever_the_reason(
    editor, contributor, publication, fourteenth, media_in_tmp
):
    fifteenth = new(editor, publication, 15, 705)
    place(editor, fifteenth, adopted_piece(editor, contributor, "西湖区：代表联络站建设"), "助力攻坚")
    # Left so by older data: 总第74期 after 总第704期, with a reason.
    Issue.objects.filter(pk=fifteenth.pk).update(total_number=74, numbering_reason=REASON)
    fifteenth.refresh_from_db()
    with pytest.raises(
        IssueActionError, match="本期未刊发：总期号应随期号递增：前面的2024年第14期已是总第704期"
    ):
        publish_issue(actor=editor, issue=fifteenth)
    fifteenth.refresh_from_db()
    assert fifteenth.status == Issue.Status.DRAFT
