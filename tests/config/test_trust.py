"""Nothing lost: replace imports, stored-PDF checks, double submits, number bounds,
markup in editor fields, and what readers see of a published piece."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

import backissues.actions as backissue_actions
from assessment.actions.instructions import record_instruction
from assessment.models import Instruction
from assessment.periods import Period
from assessment.stats import unit_report
from audit.models import AuditEntry
from backissues.actions import import_back_issue
from backissues.parsing.parser import parse_issue_text
from bulletin.actions import publishing
from bulletin.actions.common import IssueActionError
from bulletin.actions.issues import create_issue, update_issue
from bulletin.actions.publishing import correct_issue, publish_issue
from bulletin.models import Issue, IssuePdf, Publication
from submissions.actions import comments, pieces
from submissions.models import Comment, Event, Submission
from tests.issue_helpers import adopted_piece, edit_piece_as_editor, place, submitted_piece
from tests.paths import SEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def seed(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


def snapshot_of_rows():
    return {
        "issues": list(Issue.objects.order_by("pk").values()),
        "pdfs": list(IssuePdf.objects.order_by("pk").values()),
        "pieces": list(Submission.objects.order_by("pk").values()),
        "events": Event.objects.count(),
        "instructions": list(Instruction.objects.order_by("pk").values()),
        "comments": Comment.objects.count(),
    }


def stored_files(pdf) -> list[str]:
    return sorted(str(p) for p in Path(pdf.file.storage.location).rglob("*") if p.is_file())


def download(client, issue):
    response = client.get(reverse("archive_pdf", args=[issue.pk]))
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


@pytest.fixture
def imported(editor):
    issue, _ = import_back_issue(actor=editor, result=parse_issue_text(seed("2024-06")), source_name="a.txt")
    return issue


def add_people_things(editor, issue):
    """A 批示 and a comment on the first article of the issue."""
    piece = issue.placements.order_by("section__position", "position").first().submission
    record_instruction(actor=editor, submission=piece, leader="王某", level="municipal", date=issue.date)
    comments.add_comment(actor=editor, submission=piece, text="请各单位学习。")
    return piece


def test_a_replace_failing_at_its_last_step_leaves_every_file_and_row(
    editor, client_for, imported, monkeypatch
):
    add_people_things(editor, imported)
    client = client_for(editor)
    before_bytes = download(client, imported)
    pdf = imported.pdfs.get()
    assert hashlib.sha256(before_bytes).hexdigest() == pdf.sha256
    rows = snapshot_of_rows()
    files = stored_files(pdf)

    def fail_at_the_last_step(*, issue, actor, pdf, written, note=""):
        real_store(issue=issue, actor=actor, pdf=pdf, written=written, note=note)  # the new PDF is written…
        raise RuntimeError("disk full")  # …and then the last step fails

    real_store = publishing._store_pdf
    monkeypatch.setattr(backissue_actions, "_store_pdf", fail_at_the_last_step)
    text = seed("2024-06").replace("本期责任编辑:杨青青", "本期责任编辑:李青青")
    with pytest.raises(RuntimeError):
        import_back_issue(actor=editor, result=parse_issue_text(text), source_name="b.txt", replace=True)
    assert snapshot_of_rows() == rows
    assert stored_files(pdf) == files
    after_bytes = download(client, imported)
    assert hashlib.sha256(after_bytes).hexdigest() == pdf.sha256 and after_bytes == before_bytes


def test_an_over_long_field_is_refused_in_chinese_and_loses_nothing(editor, client_for, imported):
    rows = snapshot_of_rows()
    text = seed("2024-06").replace("本期责任编辑:杨青青", "本期责任编辑:" + "杨青青" * 14)
    with pytest.raises(IssueActionError, match="本期责任编辑"):
        import_back_issue(actor=editor, result=parse_issue_text(text), source_name="b.txt", replace=True)
    assert snapshot_of_rows() == rows
    download(client_for(editor), imported)


def test_a_successful_replace_keeps_instructions_comments_and_audit_rows(editor, imported):
    piece = add_people_things(editor, imported)
    year = Period.year(imported.date.year)
    score = next(r.points for r in unit_report(year).rows if r.unit.pk == piece.unit_id)
    events = list(piece.events.values_list("pk", flat=True))
    text = seed("2024-06").replace("本期责任编辑:杨青青", "本期责任编辑:李青青")
    issue, _ = import_back_issue(
        actor=editor, result=parse_issue_text(text), source_name="b.txt", replace=True
    )
    piece.refresh_from_db()
    assert piece.placement.issue_id == issue.pk == imported.pk
    assert piece.instructions.count() == 1 and piece.comments.count() == 1
    assert set(events) <= set(piece.events.values_list("pk", flat=True))
    assert next(r.points for r in unit_report(year).rows if r.unit.pk == piece.unit_id) == score
    assert issue.editor_name == "李青青" and issue.pdfs.count() == 2
    row = AuditEntry.objects.get(kind="back_issue_replaced")
    assert row.before["editor_name"] == "杨青青" and row.after["editor_name"] == "李青青"
    assert row.after["pieces_kept"] == Submission.objects.count()


def test_a_replace_that_would_lose_a_commented_piece_is_refused_with_a_list(editor, imported):
    piece = add_people_things(editor, imported)
    section = piece.placement.section.name
    text = seed("2024-06")
    # The new text has no piece in that section at all: nothing to match it with.
    result = parse_issue_text(text)
    result.document.sections = [s for s in result.document.sections if s.name != section]
    rows = snapshot_of_rows()
    with pytest.raises(IssueActionError, match=f"《{piece.title}》（批示 1 条、留言 1 条"):
        import_back_issue(actor=editor, result=result, source_name="b.txt", replace=True)
    assert snapshot_of_rows() == rows


# --- stored PDFs ---------------------------------------------------------------------


@pytest.fixture
def published(editor, contributor):
    issue = create_issue(
        actor=editor,
        publication=Publication.objects.get(),
        date=timezone.localdate(),
        number=1,
        total_number=704,
    )
    place(editor, issue, adopted_piece(editor, contributor, "原标题"), "助力攻坚")
    return publish_issue(actor=editor, issue=issue)


def test_a_changed_stored_pdf_is_refused_logged_and_audited(published, client_for, reader, caplog):
    pdf = published.pdfs.get()
    with open(pdf.file.path, "ab") as stored:
        stored.write(b"%tampered")
    response = client_for(reader).get(reverse("archive_pdf", args=[published.pk]))
    page = response.content.decode()
    assert response.status_code == 409 and "未通过完整性校验" in page and "SHA-256" in page
    assert any("拒绝提供存档 PDF" in r.getMessage() for r in caplog.records)
    assert AuditEntry.objects.filter(kind="file_mismatch", object_id=str(pdf.pk)).exists()


def test_a_missing_stored_pdf_is_refused(published, client_for, reader):
    published.pdfs.get().file.delete(save=False)
    response = client_for(reader).get(reverse("archive_pdf", args=[published.pk]))
    assert response.status_code == 409 and "不存在" in response.content.decode()


def test_verify_storage(published, capsys):
    call_command("verify_storage")
    assert "全部与记录一致" in capsys.readouterr().out
    pdf = published.pdfs.get()
    with open(pdf.file.path, "r+b") as stored:
        stored.write(b"X")
    with pytest.raises(CommandError, match="1 个有问题"):
        call_command("verify_storage")
    assert "不符" in capsys.readouterr().err


# --- double submits -----------------------------------------------------------------


def test_a_second_correction_with_the_same_note_gives_the_first_result(published, editor):
    piece = published.placements.get().submission
    edit_piece_as_editor(editor, piece, title="新标题")
    first = correct_issue(actor=editor, issue=published, note="更正标题")
    second = correct_issue(actor=editor, issue=published, note="更正标题")
    assert first.pk == second.pk and published.pdfs.count() == 2
    with pytest.raises(IssueActionError, match="没有变化"):
        correct_issue(actor=editor, issue=published, note="另一条说明")


def test_double_clicks_on_correct_publish_adopt_submit_via_the_pages(
    client_for, editor, contributor, published, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    piece = published.placements.get().submission
    edit_piece_as_editor(editor, piece, title="又一个标题")
    # 更正 and 刊发 run as background tasks once the request commits (tests/conftest.py).
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("issue_correct", args=[published.pk]), {"note": "更正"})
    assert published.pdfs.count() == 2
    pending = submitted_piece(contributor, "待采用")
    for _ in range(2):
        client.post(reverse("review_act", args=[pending.pk, "adopt-article"]), {})
    assert pending.events.filter(action="adopt_article").count() == 1
    draft = pieces.create_draft(actor=contributor, title="草稿", body="<p>正文。</p>")
    unit = client_for(contributor)
    for _ in range(2):
        unit.post(reverse("piece_submit", args=[draft.pk]), {"signer_name": "李建华"})
    assert draft.events.filter(action="submit").count() == 1
    editor_client = client_for(editor)
    issue = create_issue(
        actor=editor,
        publication=Publication.objects.get(),
        date=timezone.localdate(),
        number=2,
        total_number=705,
    )
    place(editor, issue, Submission.objects.get(pk=pending.pk), "助力攻坚")
    issue.refresh_from_db()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            editor_client.post(reverse("issue_publish", args=[issue.pk]), {"version": issue.layout_version})
    assert issue.pdfs.count() == 1
    assert AuditEntry.objects.filter(kind="issue_published", object_id=str(issue.pk)).count() == 1


# --- bounds and markup ---------------------------------------------------------------


@pytest.mark.parametrize(
    "date, number, total, message",
    [
        (datetime.date(1, 1, 1), 1, 704, "出刊年份"),
        (datetime.date(9999, 12, 31), 1, 704, "出刊年份"),
        (None, 100, 704, "期号应在 1 到 99"),
        (None, 1, 7040, "超过 99"),
    ],
)
def test_absurd_numbers_and_dates_are_refused(editor, date, number, total, message):
    publication = Publication.objects.get()
    create_issue(actor=editor, publication=publication, date=timezone.localdate(), number=5, total_number=703)
    with pytest.raises(IssueActionError, match=message):
        create_issue(
            actor=editor,
            publication=publication,
            date=date or timezone.localdate(),
            number=number,
            total_number=total,
        )
    assert Issue.objects.count() == 1


def test_one_bad_number_cannot_poison_the_next_proposals(client_for, editor):
    client = client_for(editor)
    today = timezone.localdate()
    data = {
        "number": "3",
        "total_number": "704",
        "edition": "regular",
        "editor_name": "杨青青",
        "editor_phone": "85250657",
        "distribution": "省人大常委会办公厅",
    }
    for date, number in (
        ("0001-01-01", "3"),
        ("9999-12-31", "3"),
        (f"{today.year - 3}-01-01", "3"),
        (f"{today:%Y-%m-%d}", "300"),
    ):
        response = client.post(reverse("issue_create"), {**data, "date": date, "number": number})
        assert response.status_code == 200 and not Issue.objects.exists()


def test_a_back_issue_with_an_absurd_year_is_refused(editor):
    text = seed("2024-06").replace("2024年", "1024年", 1)
    result = parse_issue_text(text)
    assert result.document.year == 1024
    with pytest.raises(IssueActionError, match="出刊年份"):
        import_back_issue(actor=editor, result=result, source_name="x.txt")


def test_markup_in_issue_fields_is_refused(client_for, editor):
    response = client_for(editor).post(
        reverse("issue_create"),
        {
            "date": f"{timezone.localdate():%Y-%m-%d}",
            "number": "1",
            "total_number": "704",
            "edition": "regular",
            "editor_name": "<b>杨青青</b>",
            "editor_phone": "85250657",
            "distribution": "省人大常委会办公厅<br>研究室",
        },
    )
    assert response.status_code == 200 and "不能包含 HTML 标记" in response.content.decode()
    assert not Issue.objects.exists()


def test_update_issue_refuses_an_over_long_editor_name(editor):
    issue = create_issue(
        actor=editor,
        publication=Publication.objects.get(),
        date=timezone.localdate(),
        number=1,
        total_number=704,
    )
    with pytest.raises(IssueActionError, match="本期责任编辑"):
        update_issue(actor=editor, issue=issue, editor_name="杨" * 40)


# --- readers see the frozen text ----------------------------------------------------


def test_unit_statistics_list_the_title_as_printed_until_a_correction(
    published, editor, client_for, contributor
):
    piece = published.placements.get().submission
    edit_piece_as_editor(editor, piece, title="刊发后改过的标题")
    page = client_for(contributor).get(reverse("unit_stats")).content.decode()
    assert "原标题" in page and "刊发后改过的标题" not in page
    correct_issue(actor=editor, issue=published, note="更正标题")
    page = client_for(contributor).get(reverse("unit_stats")).content.decode()
    assert "刊发后改过的标题" in page


def test_the_preview_of_a_published_issue_shows_the_frozen_text(published, editor, client_for):
    piece = published.placements.get().submission
    edit_piece_as_editor(editor, piece, title="刊发后改过的标题")
    page = client_for(editor).get(reverse("issue_preview", args=[published.pk])).content.decode()
    assert "原标题" in page and "刊发后改过的标题" not in page
